import { mapMetaStatus } from "../../templates/template-status.js";
import { updateTemplate } from "../webhook-event.repository.js";
import { ZStatusUpdateValue } from "../webhook-payload.schema.js";
import type { FieldHandler } from "./field-handler.js";
import { changeOrigin, confirmation, isOlder, later, olderThan } from "./field-handler.js";

/** Status webhook `event` → Meta status. Events that are not statuses (FLAGGED, LOCKED) change no status. */
function statusOfEvent(event: string): string | null {
  switch (event) {
    case "REINSTATED":
    case "UNARCHIVED":
      return "APPROVED";
    case "FLAGGED":
    case "LOCKED":
      return null;
    default:
      return event;
  }
}

/** `message_template_status_update`: the new status, its reason, and Meta's rejection / pause / disable details. */
export const applyStatusUpdate: FieldHandler = async (change) => {
  const { tx, row, event, now } = change;
  if (isOlder(event, row.status_changed_at)) return olderThan(event, row.status_changed_at, "status");
  const value = ZStatusUpdateValue.parse(change.value);
  const evt = (value.event ?? "").toUpperCase();
  // A status change always names its event: without one there is no status to apply (never wipe Meta's status).
  if (evt === "") return { outcome: "ignored", note: "status event without event" };
  const next = statusOfEvent(evt) ?? row.meta_status;
  const info: Record<string, unknown> = {};
  if (value.other_info !== null) info["other_info"] = value.other_info;
  if (value.disable_info !== null) info["disable_info"] = value.disable_info;
  if (evt !== next) info["event"] = evt;
  const statusInfo = Object.keys(info).length > 0 ? info : null;
  const rejected = mapMetaStatus(next) === "rejected";
  const rejectedReason = rejected && value.reason !== null && value.reason !== "NONE" ? value.reason : null;
  if (next === row.meta_status && statusInfo === null && rejectedReason === row.rejected_reason) {
    await updateTemplate(tx, row.id, confirmation(now));
    return { outcome: "unchanged", note: `already ${next}` };
  }
  await updateTemplate(tx, row.id, {
    ...confirmation(now),
    meta_status: next,
    status: mapMetaStatus(next),
    rejected_reason: rejectedReason,
    rejection_info: next === "REJECTED" && value.rejection_info !== null ? JSON.stringify(value.rejection_info) : null,
    status_info: statusInfo !== null ? JSON.stringify(statusInfo) : null,
    status_changed_at: later(event, row.status_changed_at),
    ...(next === "DELETED"
      ? { deleted_at: now }
      : row.deleted_at !== null && next !== "DELETED"
        ? { deleted_at: null }
        : {}),
  });
  const detail = {
    ...(value.rejection_info !== null ? { rejection_info: value.rejection_info } : {}),
    ...(statusInfo ?? {}),
  };
  return {
    outcome: "applied",
    changes: [
      {
        ...changeOrigin(change),
        kind: "status",
        from: row.meta_status,
        to: next,
        reason: value.reason ?? evt,
        detail: Object.keys(detail).length > 0 ? detail : null,
      },
    ],
  };
};
