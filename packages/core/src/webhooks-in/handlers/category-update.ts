import { updateTemplate } from "../webhook-event.repository.js";
import { ZCategoryUpdateValue } from "../webhook-payload.schema.js";
import type { FieldHandler } from "./field-handler.js";
import { changeOrigin, confirmation, isOlder, later, olderThan } from "./field-handler.js";

/** `template_category_update`: a 24-hour notice of a coming category, or a category change now in effect. */
export const applyCategoryUpdate: FieldHandler = async (change) => {
  const { tx, row, event, now } = change;
  if (isOlder(event, row.category_changed_at)) return olderThan(event, row.category_changed_at, "category");
  const value = ZCategoryUpdateValue.parse(change.value);
  const correct = value.correct_category;
  if (correct !== null) {
    // Impending shape (24 h notice): new_category is the CURRENT category, correct_category the future one.
    const when = value.category_update_timestamp !== null ? new Date(value.category_update_timestamp * 1000) : null;
    await updateTemplate(tx, row.id, { ...confirmation(now), pending_category: correct, pending_category_at: when });
    return {
      outcome: "applied",
      changes: [
        {
          ...changeOrigin(change),
          kind: "category_notice",
          from: value.new_category ?? row.category,
          to: correct,
          reason: "Meta will change the category",
          detail: when !== null ? { effective_at: when.toISOString() } : null,
        },
      ],
    };
  }
  // Completed shape: previous_category → new_category (now in effect).
  const next = value.new_category;
  if (next === null) return { outcome: "ignored", note: "category event without new_category" };
  const previous = value.previous_category ?? row.category;
  await updateTemplate(tx, row.id, {
    ...confirmation(now),
    category: next,
    previous_category: previous,
    pending_category: null,
    pending_category_at: null,
    category_changed_at: later(event, row.category_changed_at),
  });
  return {
    outcome: "applied",
    changes: [{ ...changeOrigin(change), kind: "category", from: previous, to: next, reason: "changed by Meta" }],
  };
};
