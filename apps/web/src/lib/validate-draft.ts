import type { TCreateTemplateRequest } from "@kirim/schema";
import { ZCreateTemplateRequestChecked, formatIssuePath } from "@kirim/schema";
import type { FieldRef, TemplateDraft } from "./template-draft.js";
import { assignIssues, buildRequest } from "./template-draft.js";

export interface DraftValidation {
  /** The parsed request when every rule passes. */
  request: TCreateTemplateRequest | undefined;
  fields: FieldRef[];
  /** Messages per field key; key "form" holds issues no input owns. */
  errors: Map<string, string[]>;
}

/**
 * Runs the API's own contract over the form's request — the wire schema plus Meta's pre-flight rules
 * (`ZCreateTemplateRequestChecked`, the same check the API applies) — and maps each issue to its input.
 */
export function validateDraft(draft: TemplateDraft): DraftValidation {
  const { request, fields } = buildRequest(draft);
  const result = ZCreateTemplateRequestChecked.safeParse(request);
  if (result.success) return { request: result.data, fields, errors: new Map() };
  const issues = result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
  return { request: undefined, fields, errors: assignIssues(fields, issues) };
}
