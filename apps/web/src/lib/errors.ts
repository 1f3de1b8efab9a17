import { TRPCClientError } from "@trpc/client";

/** What the UI shows for a failed call: a plain-words title, the server's detail, and where it points. */
export interface ExplainedError {
  title: string;
  detail: string | undefined;
  code: string | undefined;
  /** Issue path of the offending field (`components[1].buttons[0].text`), when the server names one. */
  param: string | undefined;
  requestId: string | undefined;
  /** The key is missing, wrong or expired: the user has to sign in again. */
  auth: boolean;
  /** Meta's own words when Meta refused or failed (error_user_title / error_user_msg). */
  meta:
    | { title: string | undefined; message: string | undefined; code: number | undefined; subcode: number | undefined }
    | undefined;
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === "object" && value !== null;
const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** tRPC's own codes, for errors that did not come from our catalogue (network, batch, router). */
const TRPC_WORDS: Record<string, string> = {
  UNAUTHORIZED: "Your API key was not accepted. Sign in again.",
  FORBIDDEN: "This API key may not do that.",
  NOT_FOUND: "Not found.",
  CONFLICT: "That conflicts with something that already exists.",
  BAD_REQUEST: "The request was not valid.",
  TOO_MANY_REQUESTS: "Too many requests. Wait a moment and try again.",
  INTERNAL_SERVER_ERROR: "The server ran into a problem. Try again; if it keeps happening, check the server log.",
  BAD_GATEWAY: "WhatsApp (Meta) did not answer properly. Try again in a minute.",
  GATEWAY_TIMEOUT: "WhatsApp (Meta) took too long to answer. Try again in a minute.",
};

/**
 * Our codes (the catalogue in @kirim/schema's ERROR_CODES) in plain words for people using the dashboard.
 * Anything not listed shows the server's own message, which is already written for humans. (The catalogue
 * itself is not imported here: it would pull zod into the first chunk for a fallback nobody needs.)
 */
const WORDS: Record<string, string> = {
  template_already_exists:
    "A template with this name already exists in this language on this account. Choose another name, or create it in a different language.",
  meta_validation_failed: "Meta refused this template. Change what Meta points at below and submit again.",
  whatsapp_upstream_error:
    "WhatsApp (Meta) did not answer properly, so nothing was created or changed. Try again in a minute.",
  missing_api_key: "Sign in with an API key first.",
  invalid_api_key: "That API key was not accepted. Check it and sign in again.",
  expired_api_key: "That API key has expired. Create a new one and sign in again.",
  resource_not_found: "Not found. It may belong to another account, or it does not exist (yet).",
  rate_limit_exceeded: "Too many requests. Wait a moment and try again.",
  invalid_cursor: "This page link is no longer valid. Go back to the first page.",
  internal_error: "The server ran into a problem. Try again; if it keeps happening, check the server log.",
};

const AUTH_CODES = new Set(["missing_api_key", "invalid_api_key", "expired_api_key", "UNAUTHORIZED"]);

function dataOf(error: unknown): Loose | undefined {
  if (error instanceof TRPCClientError && isObject(error.data)) return error.data;
  if (isObject(error) && isObject(error.data)) return error.data;
  return undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  const status = dataOf(error)?.httpStatus;
  return typeof status === "number" ? status : undefined;
}

/** `error.data.code` is our catalogue code (the API's errorFormatter puts it there); tRPC's own code is the fallback. */
export function errorCodeOf(error: unknown): string | undefined {
  const data = dataOf(error);
  return str(data?.code) ?? str(data?.trpcCode);
}

export function explainError(error: unknown): ExplainedError {
  const data = dataOf(error);
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : undefined;
  let title =
    code !== undefined
      ? (WORDS[code] ?? (message !== undefined && message !== "" ? message : TRPC_WORDS[code]))
      : undefined;
  if (title === undefined) {
    title =
      error instanceof TRPCClientError && data === undefined
        ? "Could not reach the server. Check your connection and that the API is running."
        : "Something went wrong.";
  }
  const detail = message !== undefined && message !== title ? message : undefined;
  const meta = isObject(data?.meta) ? data.meta : undefined;
  return {
    title,
    detail,
    meta:
      meta === undefined
        ? undefined
        : {
            title: str(meta.error_user_title),
            message: str(meta.error_user_msg),
            code: typeof meta.code === "number" ? meta.code : undefined,
            subcode: typeof meta.error_subcode === "number" ? meta.error_subcode : undefined,
          },
    code,
    param: str(data?.param),
    requestId: str(data?.request_id) ?? str(data?.requestId),
    auth: code !== undefined && AUTH_CODES.has(code),
  };
}
