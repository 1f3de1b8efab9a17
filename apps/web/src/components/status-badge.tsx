import type { TTemplateStatus } from "@kirim/schema";
import { titleCase } from "../lib/format.js";

const LABELS: Record<TTemplateStatus, string> = { approved: "Approved", pending: "Pending", rejected: "Rejected" };

/** Kirimdev's folded status (`status` on the wire): what integrators filter and branch on. */
export function StatusBadge({ status }: { status: TTemplateStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status]}</span>;
}

/** Meta's own statuses, in the words WhatsApp Manager uses. */
export const META_STATUS_LABELS: Record<string, string> = {
  APPROVED: "Approved",
  PENDING: "Pending",
  IN_APPEAL: "In appeal",
  REJECTED: "Rejected",
  PAUSED: "Paused",
  DISABLED: "Disabled",
  PENDING_DELETION: "Pending deletion",
  ARCHIVED: "Archived",
  LIMIT_EXCEEDED: "Limit exceeded",
  DELETED: "Deleted",
};
const META_TONES: Record<string, string> = {
  APPROVED: "approved",
  PENDING: "pending",
  IN_APPEAL: "pending",
  PAUSED: "pending",
  REJECTED: "rejected",
  DISABLED: "rejected",
  DELETED: "rejected",
};

export const metaStatusLabel = (metaStatus: string): string => META_STATUS_LABELS[metaStatus] ?? titleCase(metaStatus);

/** Meta's status as the badge (a paused template says Paused, not the folded Pending). */
export function MetaStatusBadge({ metaStatus, status }: { metaStatus: string; status?: TTemplateStatus }) {
  return (
    <span
      className={`badge badge-${META_TONES[metaStatus] ?? "neutral"}`}
      title={status === undefined ? undefined : `Meta status ${metaStatus}; API status ${status}`}
    >
      {metaStatusLabel(metaStatus)}
    </span>
  );
}

/** Meta's quality rating, in words and colour. */
export function QualityBadge({ score }: { score: string | null }) {
  if (score === null || score === "" || score === "UNKNOWN")
    return <span className="badge badge-neutral">Unknown</span>;
  const tone =
    score === "GREEN" ? "approved" : score === "YELLOW" ? "pending" : score === "RED" ? "rejected" : "neutral";
  const words: Record<string, string> = { GREEN: "High", YELLOW: "Medium", RED: "Low" };
  return (
    <span className={`badge badge-${tone}`} title={`Meta quality rating ${score}`}>
      {words[score] ?? score}
    </span>
  );
}
