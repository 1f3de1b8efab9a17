import type { TTemplate } from "@kirim/schema";
import { formatDateTime, titleCase } from "../lib/format.js";

/** Meta's rejection reasons (`rejected_reason`, docs/reference/meta-templates.md §status) in plain words. */
const REJECTION_WORDS: Record<string, string> = {
  ABUSIVE_CONTENT: "Meta found content that breaks WhatsApp's policies.",
  INCORRECT_CATEGORY: "Meta thinks the category does not fit the content.",
  CATEGORY_NOT_AVAILABLE: "The category is not available for this template.",
  INVALID_FORMAT:
    "The format is not valid (for example variables next to each other, or at the start or end of the text).",
  PROMOTIONAL: "Meta found promotional content in a template that may not carry it.",
  SCAM: "Meta suspects the template could be used to mislead people.",
  TAG_CONTENT_MISMATCH: "The content does not match the category or language.",
};

/** Pause titles Meta sends (`other_info.title`) in plain words: quality pauses last 3 h, then 6 h, then disable. */
const PAUSE_WORDS: Record<string, string> = {
  FIRST_PAUSE: "People who got it gave negative feedback, so Meta paused it for 3 hours (a first pause).",
  SECOND_PAUSE:
    "Negative feedback continued, so Meta paused it for 6 hours (a second pause). A third time disables it.",
  RATE_LIMITING_PAUSE: "Meta paused it through template pacing while it checks how people react.",
};

type Info = { title?: unknown; description?: unknown };
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const objectOf = (v: unknown): Info | undefined => (typeof v === "object" && v !== null ? v : undefined);

/** What Meta decided about a rejected, paused or disabled template, and what the author can do next. */
export function StatusBanner({ template }: { template: TTemplate }) {
  const status = template.meta_status;
  const other = objectOf(template.status_info?.["other_info"]);
  const disableDate = (template.status_info?.["disable_info"] as { disable_date?: unknown } | undefined)?.disable_date;
  const change = template.pending_category_change;
  const categoryNotice = change !== null && (
    <p data-testid="category-change">
      Meta will change the category to <strong>{titleCase(change.category)}</strong>
      {change.effective_at !== null ? ` on ${formatDateTime(change.effective_at)}` : " soon"}. Its price and rules
      change with it; if you disagree, edit the content so it fits {titleCase(template.category)}, or appeal in WhatsApp
      Manager.
    </p>
  );

  let body: { title: string; reason: string | undefined; todo: string; tone: "error" | "warn" } | undefined;
  if (status === "REJECTED") {
    const reason =
      template.rejected_reason !== null && template.rejected_reason !== "NONE" ? template.rejected_reason : undefined;
    body = {
      title: "Meta rejected this template",
      reason:
        [
          reason === undefined ? undefined : (REJECTION_WORDS[reason] ?? titleCase(reason)),
          text(template.rejection_info?.reason),
          text(template.rejection_info?.recommendation),
        ]
          .filter((s) => s !== undefined)
          .join(" ") || undefined,
      todo: "Edit it and submit again, or, if you think Meta is wrong, request a review (appeal) in WhatsApp Manager.",
      tone: "error",
    };
  } else if (status === "PAUSED") {
    const title = text(other?.title);
    body = {
      title: "Meta paused this template",
      reason:
        [title === undefined ? undefined : (PAUSE_WORDS[title] ?? titleCase(title)), text(other?.description)]
          .filter((s) => s !== undefined)
          .join(" ") || undefined,
      todo:
        title === "RATE_LIMITING_PAUSE"
          ? "Review the feedback, then unpause it in WhatsApp Manager. Messages using it fail until then."
          : "Wait until the pause ends (it lifts by itself), or edit it: an edited template goes back to review. Messages using it fail until then.",
      tone: "warn",
    };
  } else if (status === "DISABLED") {
    const when =
      typeof disableDate === "number" ? formatDateTime(new Date(disableDate * 1000).toISOString()) : undefined;
    body = {
      title: "Meta disabled this template",
      reason: `${when === undefined ? "" : `Disabled on ${when}. `}It was paused repeatedly for negative feedback from the people who got it.`,
      todo: "It can no longer be sent or edited. Create a new template (another name) with content people want, and delete this one.",
      tone: "error",
    };
  }
  if (body === undefined && !categoryNotice) return null;
  return (
    <div
      className={`alert ${body?.tone === "error" ? "alert-error" : "alert-warn"}`}
      role="status"
      data-testid="status-banner"
    >
      {body !== undefined && (
        <>
          <p>
            <strong>{body.title}.</strong> {body.reason ?? "Meta gave no reason."}
          </p>
          <p data-testid="status-todo">What to do: {body.todo}</p>
        </>
      )}
      {categoryNotice}
    </div>
  );
}
