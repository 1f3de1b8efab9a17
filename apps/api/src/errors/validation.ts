import { DomainError } from "@kirim/core";
import { firstIssue } from "@kirim/schema";
import type { TErrorCode } from "@kirim/schema";
import type { z } from "zod";

/** Where the rejected value came from; decides only the wording and the path-parameter codes. */
export type ValidationSource = "body" | "query" | "path" | "input";

/** Path parameters with their own catalogue code. A Map: `param` can be any key a client sent (`constructor`,
 * `__proto__`), which a plain object lookup would resolve on Object.prototype. */
const PATH_PARAM_CODES: ReadonlyMap<string, TErrorCode> = new Map([["phone_number_id", "invalid_phone_number_id"]]);

/**
 * Turns a zod failure into the one domain error type, so REST and tRPC report it identically: the
 * catalogue code and `param` (`components[1].buttons[0].text`) chosen by @kirim/schema's `firstIssue`
 * (`invalid_limit`, `invalid_cursor`, `missing_required_field`, a Meta pre-flight rule's own code, …).
 */
export function validationError(error: z.ZodError, source: ValidationSource): DomainError {
  const issue = firstIssue(error);
  const special = issue.param === undefined ? undefined : PATH_PARAM_CODES.get(issue.param);
  const code = special ?? issue.code;
  let message = issue.message;
  if (source === "query" && issue.param !== undefined && !message.includes(issue.param)) {
    message = `Query parameter ${issue.param}: ${message}`;
  }
  return new DomainError(code, message, {
    ...(issue.param === undefined ? {} : { param: issue.param }),
    ...(issue.meta_subcode === undefined ? {} : { details: { meta_subcode: issue.meta_subcode } }),
    cause: error,
  });
}

/** Parses or throws the domain error above. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, source: ValidationSource): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, source);
  return result.data;
}
