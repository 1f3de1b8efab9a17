import type { TCreateTemplateRequest } from "@kirim/schema";
import {
  ZCreateTemplateRequest,
  ZCreateTemplateRequestChecked,
  formatIssuePath,
  locateTemplateRuleViolations,
} from "@kirim/schema";
import type { FieldRef, TemplateDraft } from "./template-draft.js";
import { assignIssues, buildRequest } from "./template-draft.js";
import { uiMessage } from "./ui-messages.js";

export interface DraftValidation {
  /** The parsed request when every rule passes. */
  request: TCreateTemplateRequest | undefined;
  fields: FieldRef[];
  /** Messages per field key; key "form" holds issues no input owns. */
  errors: Map<string, string[]>;
}

/**
 * Runs the API's own contract over the form's request — the wire schema plus Meta's pre-flight rules, the check
 * the API applies — and maps each issue to its input, in the form's words. The API stops at the wire schema's
 * issues; the form runs the rules over the unparsed request as well, so a bad name or an empty button text does not
 * hide the body's problems. Duplicate quick-reply texts are flagged too (WhatsApp shows them side by side).
 */
export function validateDraft(draft: TemplateDraft): DraftValidation {
  const { request, fields } = buildRequest(draft);
  const checked = ZCreateTemplateRequestChecked.safeParse(request);
  if (checked.success && duplicateQuickReplies(draft).length === 0)
    return { request: checked.data, fields, errors: new Map() };
  const issues = checked.success
    ? []
    : checked.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
  if (!ZCreateTemplateRequest.safeParse(request).success) {
    try {
      // The draft builder always produces the request's shape; only values (a name, a text's length) are off.
      for (const violation of locateTemplateRuleViolations(request as TCreateTemplateRequest)) {
        issues.push({ path: formatIssuePath(violation.path), message: violation.message });
      }
    } catch {
      // A shape the rules cannot read: the wire schema's issues are all there is to show.
    }
  }
  const uiIssues = issues.map((issue) => ({ path: issue.path, message: uiMessage(issue.message) }));
  const errors = assignIssues(fields, uiIssues);
  for (const id of duplicateQuickReplies(draft)) {
    const key = `button.${id}.text`;
    errors.set(key, [...(errors.get(key) ?? []), "Another quick reply has the same text; each needs its own."]);
  }
  return { request: undefined, fields, errors };
}

/** Ids of quick-reply buttons whose text (ignoring case and outer spaces) repeats an earlier one's. */
function duplicateQuickReplies(draft: TemplateDraft): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const button of draft.buttons) {
    if (button.type !== "QUICK_REPLY") continue;
    const text = button.text.trim().toLowerCase();
    if (text === "") continue;
    if (seen.has(text)) duplicates.push(button.id);
    seen.add(text);
  }
  return duplicates;
}
