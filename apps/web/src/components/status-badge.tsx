import type { TTemplateStatus } from "@kirim/schema";

const LABELS: Record<TTemplateStatus, string> = { approved: "Approved", pending: "Pending", rejected: "Rejected" };

export function StatusBadge({ status }: { status: TTemplateStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status]}</span>;
}

/** Meta's quality rating, in words and colour. */
export function QualityBadge({ score }: { score: string | null }) {
  if (score === null || score === "" || score === "UNKNOWN") return <span className="badge badge-neutral">Unknown</span>;
  const tone = score === "GREEN" ? "approved" : score === "YELLOW" ? "pending" : score === "RED" ? "rejected" : "neutral";
  const words: Record<string, string> = { GREEN: "High", YELLOW: "Medium", RED: "Low" };
  return (
    <span className={`badge badge-${tone}`} title={`Meta quality rating ${score}`}>
      {words[score] ?? score}
    </span>
  );
}
