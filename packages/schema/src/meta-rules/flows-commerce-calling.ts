import type { TTemplateButton, TTemplateCategory, TTemplateComponent } from "../template-request.js";
import type { TemplateRuleCode } from "./catalogue.js";

/**
 * Meta's rules for FLOW buttons, catalog / multi-product (MPM) / single-product (SPM) templates, call permission
 * requests and voice-call buttons (issue 16). Each rule's source is in DECISIONS.md D60–D66.
 */
type Path = (string | number)[];
type Add = (code: TemplateRuleCode, path: Path, message: string) => void;

export const KIND_LIMITS = {
  /** SPM body: "Maximum 160 characters" (Meta's SPM page). */
  spmBodyLength: 160,
  /** The WhatsApp call button's display text: "Max length: 20 characters" (Meta's call button page). */
  voiceCallTextLength: 20,
} as const;

const FLOW_REFERENCES = ["flow_id", "flow_name", "flow_json"] as const;
const FLOW_FIELDS = [...FLOW_REFERENCES, "flow_action", "navigate_screen"] as const;
const COMMERCE_BUTTONS = new Set<string>(["CATALOG", "MPM", "SPM"]);

/** Per-button rules (called for every button of a BUTTONS component). */
export function checkKindButton(button: TTemplateButton, path: Path, category: TTemplateCategory, add: Add): void {
  if (button.type !== "FLOW") {
    for (const field of FLOW_FIELDS) {
      if (button[field] !== undefined)
        add(
          "template_flow_field_not_allowed",
          [...path, field],
          `${field} is only for FLOW buttons, not ${button.type}.`,
        );
    }
  } else {
    const given = FLOW_REFERENCES.filter((field) => button[field] !== undefined);
    if (given.length === 0) {
      add(
        "template_flow_reference_required",
        [...path, "flow_id"],
        "A FLOW button needs exactly one of flow_id, flow_name or flow_json.",
      );
    } else if (given.length > 1) {
      add(
        "template_flow_reference_conflict",
        [...path, given[1] ?? "flow_name"],
        `Give only one of flow_id, flow_name or flow_json (got ${given.join(" and ")}).`,
      );
    }
    if (button.flow_json !== undefined && !isJsonObject(button.flow_json)) {
      add(
        "template_flow_json_invalid",
        [...path, "flow_json"],
        "flow_json must be the Flow JSON (an object) encoded as a string.",
      );
    }
  }
  if (COMMERCE_BUTTONS.has(button.type) && category !== "MARKETING") {
    add(
      "template_commerce_marketing_only",
      [...path, "type"],
      `${button.type} buttons are only for MARKETING templates, not ${category}.`,
    );
  }
  if (
    button.type === "VOICE_CALL" &&
    button.text !== undefined &&
    [...button.text].length > KIND_LIMITS.voiceCallTextLength
  ) {
    add(
      "template_voice_call_text_too_long",
      [...path, "text"],
      `A VOICE_CALL button's text must be at most ${KIND_LIMITS.voiceCallTextLength} characters (has ${[...button.text].length}).`,
    );
  }
}

/** Template-wide rules of these kinds. */
export function checkKindTemplate(
  components: readonly TTemplateComponent[],
  category: TTemplateCategory,
  add: Add,
): void {
  const buttonsIndex = components.findIndex((component) => component.type === "BUTTONS");
  const buttons = components[buttonsIndex]?.buttons ?? [];
  const headerIndex = components.findIndex((component) => component.type === "HEADER");
  const header = components[headerIndex];
  const bodyIndex = components.findIndex((component) => component.type === "BODY");
  const body = components[bodyIndex];

  const commerceIndex = buttons.findIndex((button) => COMMERCE_BUTTONS.has(button.type));
  const commerce = buttons[commerceIndex];
  if (commerce !== undefined && buttons.length > 1) {
    const other = commerceIndex === 0 ? 1 : 0;
    add(
      "template_commerce_button_not_alone",
      ["components", buttonsIndex, "buttons", other, "type"],
      `A ${commerce.type} template has exactly one button, the ${commerce.type} button; remove the others.`,
    );
  }
  const hasButton = (type: string) => buttons.some((button) => button.type === type);
  if (hasButton("MPM") && (header === undefined || header.format !== "TEXT")) {
    add(
      "template_mpm_header_required",
      header === undefined ? ["components"] : ["components", headerIndex, "format"],
      "A multi-product (MPM) template needs a TEXT header.",
    );
  }
  if (hasButton("SPM")) {
    if (header === undefined || header.format !== "PRODUCT") {
      add(
        "template_spm_product_header_required",
        header === undefined ? ["components"] : ["components", headerIndex, "format"],
        'A single-product (SPM) template needs a header with format PRODUCT: {"type": "HEADER", "format": "PRODUCT"}.',
      );
    }
    const text = body?.text;
    if (text !== undefined && [...text].length > KIND_LIMITS.spmBodyLength) {
      add(
        "template_spm_body_too_long",
        ["components", bodyIndex, "text"],
        `The body of a single-product (SPM) template must be at most ${KIND_LIMITS.spmBodyLength} characters (has ${[...text].length}).`,
      );
    }
  } else if (header?.format === "PRODUCT") {
    add(
      "template_product_header_without_spm",
      ["components", headerIndex, "format"],
      "A PRODUCT header needs an SPM button on the template.",
    );
  }
  components.forEach((component, index) => {
    if (component.type !== "CALL_PERMISSION_REQUEST") return;
    if (category !== "MARKETING" && category !== "UTILITY") {
      add(
        "template_call_permission_category",
        ["components", index, "type"],
        `Call permission requests are only for MARKETING or UTILITY templates, not ${category}.`,
      );
    }
  });
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
