import { updateTemplate } from "../webhook-event.repository.js";
import { ZQualityUpdateValue } from "../webhook-payload.schema.js";
import type { FieldHandler } from "./field-handler.js";
import { changeOrigin, confirmation, isOlder, later, olderThan } from "./field-handler.js";

/** `message_template_quality_update`: the new quality score (the previous one goes into the history's reason). */
export const applyQualityUpdate: FieldHandler = async (change) => {
  const { tx, row, event, now } = change;
  if (isOlder(event, row.quality_changed_at)) return olderThan(event, row.quality_changed_at, "quality");
  const value = ZQualityUpdateValue.parse(change.value);
  const next = value.new_quality_score;
  if (next === row.quality_score) {
    await updateTemplate(tx, row.id, confirmation(now));
    return { outcome: "unchanged", note: `quality already ${next ?? "null"}` };
  }
  await updateTemplate(tx, row.id, {
    ...confirmation(now),
    quality_score: next,
    quality_changed_at: later(event, row.quality_changed_at),
  });
  const previous = value.previous_quality_score;
  return {
    outcome: "applied",
    changes: [
      {
        ...changeOrigin(change),
        kind: "quality",
        from: row.quality_score,
        to: next,
        reason: previous !== null ? `previous ${previous}` : null,
      },
    ],
  };
};
