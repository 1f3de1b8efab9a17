import type { z } from "zod";
import { isErrorCode, type TErrorCode } from "./errors.js";

/**
 * Message carried by issues of a required field that is absent. Our schemas use it (through
 * `requiredAware`) so `firstIssue` can tell "missing" from "wrong" without the parsed input.
 */
export const MISSING_FIELD_MESSAGE = "Required field is missing.";

/**
 * Error option for enums and other schemas that customise their message: reports an absent value with
 * `MISSING_FIELD_MESSAGE` and anything else with `message`.
 */
export function requiredAware(message: string) {
  return (issue: { input?: unknown }): string => (issue.input === undefined ? MISSING_FIELD_MESSAGE : message);
}

/** The `params` a refinement puts on its issue so that `firstIssue` returns a specific catalogue code. */
export interface IssueCodeParams {
  code: TErrorCode;
  meta_subcode?: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a zod issue path the way `param` shows it: `components[1].buttons[0].text`.
 * Keys that are not identifiers are quoted: `example["a b"]`.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "symbol") out += `[${String(key)}]`;
    else if (IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
    else if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** The first problem of a failed parse, ready for the error envelope (REST), tRPC and the web form. */
export interface FirstIssue {
  /** Path of the offending field; absent when the whole input is at fault. */
  param?: string;
  message: string;
  code: TErrorCode;
  /** Meta's error_subcode for the same rule, when the issue comes from a Meta pre-flight rule. */
  meta_subcode?: number;
}

/** zod's English message for a missing value ends like this (default locale). */
const ZOD_MISSING_SUFFIX = /received undefined$/;

function isMissingValue(issue: z.core.$ZodIssue): boolean {
  if (issue.message === MISSING_FIELD_MESSAGE) return true;
  if (issue.code !== "invalid_type") return false;
  if ("input" in issue) return issue.input === undefined; // present when parsed with { reportInput: true }
  return ZOD_MISSING_SUFFIX.test(issue.message);
}

function readParams(issue: z.core.$ZodIssue): Partial<IssueCodeParams> {
  if (issue.code !== "custom" || !issue.params) return {};
  const params = issue.params as Record<string, unknown>;
  const code = isErrorCode(params.code) ? params.code : undefined;
  const subcode = typeof params.meta_subcode === "number" ? params.meta_subcode : undefined;
  return { ...(code ? { code } : {}), ...(subcode === undefined ? {} : { meta_subcode: subcode }) };
}

/**
 * Fields Meta documents on its create body that this API deliberately does not take, with the reason given to the
 * client (meta-rules/DECISIONS.md D34). Any other unknown key is refused as unknown too.
 */
export const REFUSED_META_FIELDS: Readonly<Record<string, string>> = {
  send_type: "Marketing Messages API templates (send_type) are not supported.",
  display_format: "Meta's display_format (carousel/order layouts) is not supported yet (issue 16).",
  is_primary_device_delivery_only:
    "is_primary_device_delivery_only is not supported: it concerns sending, not templates.",
  degrees_of_freedom_spec: "degrees_of_freedom_spec (Meta's creative enhancements) is not supported.",
  app_deep_link: "App deep links on URL buttons are not supported yet: send the URL button without it.",
};

/** The path `param` names: for an unknown key, the key itself inside its object. */
function issueParamPath(issue: z.core.$ZodIssue): PropertyKey[] {
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) return [...issue.path, issue.keys[0]];
  return issue.path;
}

/**
 * Chooses the stable catalogue code of a zod issue. Order:
 * 1. a refinement's own `params.code` (phase-2 Meta rules, e.g. `template_body_too_long`);
 * 2. anything at a `limit` key → `invalid_limit`; at a `cursor` key → `invalid_cursor`; at a `phone_number_id`
 *    key → `invalid_phone_number_id` (the endpoints must answer those codes whatever went wrong with the value;
 *    parse route params with `ZPhoneNumberIdParams` to get the last one);
 * 3. an absent required value → `missing_required_field`;
 * 4. the root value is not an object → `invalid_request`;
 * 5. otherwise `invalid_field_value`.
 */
export function issueCode(issue: z.core.$ZodIssue): TErrorCode {
  const own = readParams(issue).code;
  if (own) return own;
  if (issue.code === "unrecognized_keys") return "unknown_parameter";
  const lastKey = issue.path[issue.path.length - 1];
  if (lastKey === "limit") return "invalid_limit";
  if (lastKey === "cursor") return "invalid_cursor";
  if (lastKey === "phone_number_id") return "invalid_phone_number_id";
  if (isMissingValue(issue)) return "missing_required_field";
  if (issue.path.length === 0 && issue.code === "invalid_type") return "invalid_request";
  return "invalid_field_value";
}

/**
 * The issue to report: the shallowest one, ties broken by zod's order (schema key order). A problem with a
 * container comes before problems inside it — "components must contain exactly one BODY" is more useful than
 * a typo in a button of a component list that is wrong anyway.
 */
export function pickIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  let chosen: z.core.$ZodIssue | undefined;
  for (const issue of issues) {
    if (!chosen || issueParamPath(issue).length < issueParamPath(chosen).length) chosen = issue;
  }
  return chosen;
}

/**
 * The most relevant issue of `error` (see `pickIssue`), mapped to `{ param, message, code }` for the error
 * envelope. Deterministic for a given input.
 */
export function firstIssue(error: z.ZodError): FirstIssue {
  const issue = pickIssue(error.issues);
  if (!issue) return { code: "invalid_request", message: "The request is invalid." };
  const code = issueCode(issue);
  const path = issueParamPath(issue);
  const param = path.length > 0 ? formatIssuePath(path) : undefined;
  const { meta_subcode } = readParams(issue);
  let message: string;
  if (issue.code === "unrecognized_keys") {
    const key = String(issue.keys[0]);
    // Own keys only: a client's `constructor` or `toString` must not find Object.prototype's.
    const reason = Object.hasOwn(REFUSED_META_FIELDS, key) ? REFUSED_META_FIELDS[key] : undefined;
    const others = issue.keys.length > 1 ? ` (also unknown here: ${issue.keys.slice(1).join(", ")})` : "";
    message =
      reason === undefined
        ? `Unknown parameter: ${param}${others}. Remove it or check its spelling.`
        : `Unknown parameter: ${param}. ${reason}${others}`;
  } else if (code === "missing_required_field") {
    message = param ? `${param} is required.` : "A value is required.";
  } else if (issue.path.length === 0 && issue.code === "invalid_type") {
    message = `Expected a JSON object (${issue.message}).`;
  } else if (param && issue.code !== "custom" && !mentionsField(issue.message, issue.path)) {
    // zod's built-in messages ("Invalid input: expected string…") do not say which field; ours do.
    message = `${param}: ${issue.message}`;
  } else {
    message = issue.message;
  }
  return {
    ...(param === undefined ? {} : { param }),
    message,
    code,
    ...(meta_subcode === undefined ? {} : { meta_subcode }),
  };
}

/** True when a message already names its field (our own messages do; zod's defaults do not). */
function mentionsField(message: string, path: readonly PropertyKey[]): boolean {
  const key = [...path].reverse().find((k): k is string => typeof k === "string");
  return key !== undefined && message.includes(key);
}
