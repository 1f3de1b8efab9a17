/**
 * Meta's pre-flight rules (`@kirim/schema` meta-rules, DECISIONS.md) applied in core, so every road that sends a
 * template to Meta — create and edit, over any transport — refuses a rule violation before Meta is called.
 * The transports parse create bodies with `ZCreateTemplateRequestChecked` first (same codes and params); this is
 * the guarantee for edit (whose category is only known here) and for any caller that skips that parse.
 */
import { formatIssuePath, locateTemplateRuleViolations, type TCreateTemplateRequest } from "@kirim/schema";
import { DomainError } from "../errors.js";

export function assertMetaPreflight(request: TCreateTemplateRequest): void {
  const violations = locateTemplateRuleViolations(request);
  // The shallowest violation, as `firstIssue` picks it from the checked schema's issues.
  let first = violations[0];
  for (const violation of violations) if (first && violation.path.length < first.path.length) first = violation;
  if (first === undefined) return;
  throw new DomainError(first.code, first.message, {
    param: formatIssuePath(first.path),
    ...(first.meta_subcode === undefined ? {} : { details: { meta_subcode: first.meta_subcode } }),
  });
}
