import type { z } from "zod";
import { ZCreateTemplateRequest } from "../template-request.js";
import { locateTemplateRuleViolations } from "./rules.js";

/**
 * The create request with Meta's pre-flight rules applied: `ZCreateTemplateRequest` (the wire contract) plus
 * `validateTemplateForMeta`. Each broken rule becomes a custom zod issue whose `params` carry `{ code,
 * meta_subcode? }`, so `firstIssue` answers the rule's own catalogue code. The rules only run once the wire
 * shape is valid (see the guard below).
 */
export const ZCreateTemplateRequestChecked = ZCreateTemplateRequest.check((payload) => {
  // zod still runs object checks after non-fatal field issues (a bad regex, an out-of-range number); the rules
  // assume a valid request, so they wait until the wire shape is clean.
  if (payload.issues.length > 0) return;
  for (const violation of locateTemplateRuleViolations(payload.value)) {
    payload.issues.push({
      code: "custom",
      path: violation.path,
      message: violation.message,
      input: payload.value,
      params: {
        code: violation.code,
        ...(violation.meta_subcode === undefined ? {} : { meta_subcode: violation.meta_subcode }),
      },
    });
  }
});
export type TCreateTemplateRequestChecked = z.infer<typeof ZCreateTemplateRequestChecked>;
