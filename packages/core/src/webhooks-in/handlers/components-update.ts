import type { z } from "zod";
import { extractVariables, templateContent } from "../../templates/template-content.js";
import { updateTemplate } from "../webhook-event.repository.js";
import { isPlainObject, ZComponentsUpdateValue } from "../webhook-payload.schema.js";
import type { FieldHandler } from "./field-handler.js";
import { changeOrigin, confirmation, isOlder, later, olderThan } from "./field-handler.js";

type ComponentsUpdate = z.output<typeof ZComponentsUpdateValue>;

/** `message_template_components_update`: Meta's edited texts, merged into the stored components. */
export const applyComponentsUpdate: FieldHandler = async (change) => {
  const { tx, row, event, now } = change;
  if (isOlder(event, row.components_changed_at)) return olderThan(event, row.components_changed_at, "components");
  const components = mergeFlattenedComponents(row.components, ZComponentsUpdateValue.parse(change.value));
  await updateTemplate(tx, row.id, {
    ...confirmation(now),
    components: JSON.stringify(components),
    content: templateContent(components),
    variables: JSON.stringify(extractVariables(components)),
    components_changed_at: later(event, row.components_changed_at),
  });
  return {
    outcome: "applied",
    changes: [
      {
        ...changeOrigin(change),
        kind: "components",
        from: row.content,
        to: templateContent(components),
        detail: change.value,
      },
    ],
  };
};

/**
 * The components event is flattened (body text, optional title/footer, URL and phone buttons): apply its texts to
 * the stored components, keeping what it does not carry (examples, media headers, other buttons).
 */
export function mergeFlattenedComponents(stored: unknown, value: ComponentsUpdate): unknown[] {
  const components = (Array.isArray(stored) ? (stored as unknown[]) : []).map((c) =>
    isPlainObject(c) ? { ...c } : c,
  ) as Record<string, unknown>[];
  const find = (type: string) => components.find((c) => isPlainObject(c) && String(c["type"]).toUpperCase() === type);
  const setText = (type: string, text: string | null, extra: Record<string, unknown> = {}) => {
    if (text === null) return;
    const c = find(type);
    if (c) c["text"] = text;
    else components.push({ type, text, ...extra });
  };
  const title = value.message_template_title;
  const header = find("HEADER");
  const headerFormat = header?.["format"] ?? "TEXT";
  if (
    title !== null &&
    (!header ||
      (typeof headerFormat === "string" ? headerFormat : JSON.stringify(headerFormat)).toUpperCase() === "TEXT")
  ) {
    setText("HEADER", title, { format: "TEXT" });
  }
  setText("BODY", value.message_template_element);
  setText("FOOTER", value.message_template_footer);
  const buttons = value.message_template_buttons;
  if (buttons.length > 0) {
    let group = find("BUTTONS");
    if (!group) {
      group = { type: "BUTTONS", buttons: [] };
      components.push(group);
    }
    const storedButtons = (Array.isArray(group["buttons"]) ? (group["buttons"] as unknown[]) : []).map((b) =>
      isPlainObject(b) ? { ...b } : b,
    ) as Record<string, unknown>[];
    const used = new Set<number>();
    for (const b of buttons) {
      const type = (b.message_template_button_type ?? "").toUpperCase();
      const i = storedButtons.findIndex((s, idx) => !used.has(idx) && String(s["type"]).toUpperCase() === type);
      const next: Record<string, unknown> = i >= 0 ? { ...storedButtons[i] } : { type };
      if (b.message_template_button_text !== null) next["text"] = b.message_template_button_text;
      if (b.message_template_button_url !== null) next["url"] = b.message_template_button_url;
      if (b.message_template_button_phone_number !== null)
        next["phone_number"] = b.message_template_button_phone_number;
      if (i >= 0) {
        storedButtons[i] = next;
        used.add(i);
      } else storedButtons.push(next);
    }
    group["buttons"] = storedButtons;
  }
  return components;
}
