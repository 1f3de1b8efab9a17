import type { TTemplateEvent } from "@kirim/schema";

/** Meta's edit rules (docs/reference/meta-templates.md §5; core's template-edit.ts enforces them, this only explains them first). */
export const EDITABLE_META_STATUSES = ["APPROVED", "REJECTED", "PAUSED"];
export const APPROVED_EDITS_PER_DAY = 1;
export const APPROVED_EDITS_PER_30_DAYS = 10;
const DAY_MS = 86_400_000;

export interface EditRules {
  editable: boolean;
  /** Why not, in words; or what the edit will do. */
  summary: string;
  categoryLocked: boolean;
  /** APPROVED only: edits left now, in this 30-day window, and when the next one is allowed if none is left now. */
  quota: { left: number; leftIn30Days: number; nextAt: Date | undefined } | undefined;
}

/**
 * The rules for one language version, from its Meta status and its history. The edits counted are those made here
 * while it was APPROVED (as core counts them); edits made in WhatsApp Manager are not in our history.
 */
export function editRulesFor(metaStatus: string, events: readonly TTemplateEvent[], now: Date = new Date()): EditRules {
  if (!EDITABLE_META_STATUSES.includes(metaStatus)) {
    const why =
      metaStatus === "PENDING" || metaStatus === "IN_APPEAL"
        ? "Meta is still reviewing it; it can be edited once Meta has approved or rejected it."
        : metaStatus === "DISABLED"
          ? "Meta disabled it; a disabled template cannot be edited (create a new one instead)."
          : `Meta edits only approved, rejected or paused templates; this one is ${metaStatus.toLowerCase().replace(/_/g, " ")}.`;
    return { editable: false, summary: why, categoryLocked: true, quota: undefined };
  }
  if (metaStatus !== "APPROVED") {
    return {
      editable: true,
      summary: `A ${metaStatus.toLowerCase()} template can be edited as often as needed, category included; the edit goes back to Meta’s review.`,
      categoryLocked: false,
      quota: undefined,
    };
  }
  const edits = events
    .filter((e) => e.source === "edit" && e.kind === "components" && e.detail?.["while_status"] === "APPROVED")
    .map((e) => new Date(e.occurred_at))
    .filter((at) => at.getTime() > now.getTime() - 30 * DAY_MS)
    .sort((a, b) => b.getTime() - a.getTime());
  const lastDay = edits.filter((at) => at.getTime() > now.getTime() - DAY_MS);
  const leftIn30Days = Math.max(0, APPROVED_EDITS_PER_30_DAYS - edits.length);
  const leftToday = Math.max(0, APPROVED_EDITS_PER_DAY - lastDay.length);
  const left = Math.min(leftToday, leftIn30Days);
  let nextAt: Date | undefined;
  if (left === 0) {
    const dayFree = lastDay.length > 0 ? new Date((lastDay[lastDay.length - 1] as Date).getTime() + DAY_MS) : now;
    const monthFree =
      leftIn30Days === 0 ? new Date((edits[APPROVED_EDITS_PER_30_DAYS - 1] as Date).getTime() + 30 * DAY_MS) : now;
    nextAt = dayFree > monthFree ? dayFree : monthFree;
  }
  return {
    editable: left > 0,
    summary:
      "An approved template can be edited once per 24 hours and 10 times per 30 days; its category cannot change. The edit goes back to Meta’s review, and the template is pending until Meta decides.",
    categoryLocked: true,
    quota: { left, leftIn30Days, nextAt },
  };
}
