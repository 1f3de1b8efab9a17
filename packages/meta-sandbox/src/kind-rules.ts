// Meta's documented rules for Flow buttons, catalog / multi-product / single-product templates, call permission
// requests and voice-call buttons. Each refusal quotes the Meta page that states it; where Meta is silent the
// sandbox accepts (see the header of template-rules.ts).
import { SUBCODE, badParam, invalidTemplate } from "./graph-error.js";
import type { TemplateCategory } from "./model.js";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const upper = (value: unknown): string | undefined => (typeof value === "string" ? value.toUpperCase() : undefined);

// https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow#create-a-message-template-with-a-flow —
// flow_id "Cannot be used if flow_name or flow_json parameters are provided. Only one of these parameters is
// required." (likewise for flow_name and flow_json); flow_json: "The Flow JSON encoded as string with escaping";
// flow_action: "Either navigate or data_exchange".
const FLOW_REFERENCES = ["flow_id", "flow_name", "flow_json"] as const;
const FLOW_ACTIONS = ["NAVIGATE", "DATA_EXCHANGE"];
// Catalog templates "are marketing templates"
// (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/catalog-templates);
// MPM: "Template category. Set this to MARKETING." and "MPM templates must have the following components: a single
// header component, a single body component, a single footer component (optional), a single MPM button component"
// (…/marketing-templates/mpm-templates, header "Template header text"); SPM templates "are marketing templates",
// created with {"type": "header", "format": "product"}, body "Maximum 160 characters", buttons [{"type": "spm"}]
// (…/marketing-templates/spm-templates).
const COMMERCE = new Set(["CATALOG", "MPM", "SPM"]);
const SPM_BODY_MAX = 160;
// Call permission request: "<CATEGORY> Required. Template category Marketing or Utility"
// (…/templates/marketing-templates/call-permission-request-message-template).
// Call button: display text "Max length: 20 characters"
// (https://developers.facebook.com/documentation/business-messaging/whatsapp/calling/call-button-messages-deep-links).
const VOICE_CALL_TEXT_MAX = 20;

export function checkKindRules(components: unknown[], category: TemplateCategory): void {
  const list = components.filter(isObject);
  const find = (type: string) => list.findIndex((component) => upper(component.type) === type);
  const buttonsAt = find("BUTTONS");
  const buttons = (
    buttonsAt >= 0 && Array.isArray(list[buttonsAt]?.buttons) ? (list[buttonsAt]?.buttons as unknown[]) : []
  ).filter(isObject);
  const header = list[find("HEADER")];
  const body = list[find("BODY")];

  buttons.forEach((button, index) => {
    const type = upper(button.type);
    const path = `components[${buttonsAt}][buttons][${index}]`;
    if (type === "FLOW") {
      const given = FLOW_REFERENCES.filter((field) => button[field] !== undefined);
      if (given.length > 1)
        throw badParam(`Only one of ${path}[flow_id], ${path}[flow_name] or ${path}[flow_json] can be provided`);
      if (button.flow_action !== undefined && !FLOW_ACTIONS.includes(upper(button.flow_action) ?? "")) {
        throw badParam(
          `Param ${path}[flow_action] must be one of {navigate, data_exchange} - got "${typeof button.flow_action === "string" ? button.flow_action : JSON.stringify(button.flow_action)}".`,
        );
      }
      if (button.flow_json !== undefined && !isJsonObjectString(button.flow_json)) {
        throw badParam(`Param ${path}[flow_json] must be a valid Flow JSON string`);
      }
    }
    if (type !== undefined && COMMERCE.has(type) && category !== "MARKETING") {
      throw invalidTemplate("Invalid buttons", `${type} buttons are only supported in MARKETING templates.`);
    }
    if (type === "VOICE_CALL" && typeof button.text === "string" && [...button.text].length > VOICE_CALL_TEXT_MAX) {
      throw invalidTemplate(
        "Character limit exceeded",
        `The call button text can have at most ${VOICE_CALL_TEXT_MAX} characters.`,
        SUBCODE.characterLimit,
      );
    }
  });
  const commerce = buttons.map((button) => upper(button.type)).find((type) => type !== undefined && COMMERCE.has(type));
  if (commerce !== undefined && buttons.length > 1) {
    throw invalidTemplate("Invalid buttons", `A ${commerce} template has a single ${commerce} button.`);
  }
  const headerFormat = upper(header?.format);
  if (commerce === "MPM" && headerFormat !== "TEXT") {
    throw invalidTemplate("Invalid components", "A multi-product (MPM) template must have a text header.");
  }
  if (commerce === "SPM") {
    if (headerFormat !== "PRODUCT")
      throw invalidTemplate("Invalid components", "A single-product (SPM) template must have a PRODUCT header.");
    if (typeof body?.text === "string" && [...body.text].length > SPM_BODY_MAX) {
      throw invalidTemplate(
        "Character limit exceeded",
        `The body of a single-product template can have at most ${SPM_BODY_MAX} characters.`,
        SUBCODE.characterLimit,
      );
    }
  } else if (headerFormat === "PRODUCT") {
    // The PRODUCT header is the SPM template's (the SPM page); a product header shows the SPM button's product.
    throw invalidTemplate(
      "Message header format is incorrect",
      "A PRODUCT header is only supported with an SPM button.",
      SUBCODE.headerFormat,
    );
  }
  if (find("CALL_PERMISSION_REQUEST") >= 0 && category !== "MARKETING" && category !== "UTILITY") {
    throw invalidTemplate("Invalid components", "Call permission request templates must be MARKETING or UTILITY.");
  }
}

function isJsonObjectString(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    return isObject(JSON.parse(value));
  } catch {
    return false;
  }
}
