import { z } from "zod";
import { MediaError } from "./errors.js";

export interface UploadMediaOptions {
  /** Graph base URL without version, e.g. `https://graph.facebook.com` (the sandbox's `url`). */
  graphUrl: string;
  /** e.g. `v23.0`. */
  apiVersion: string;
  /** Meta app id (`META_APP_ID`): the session is opened on `/{app_id}/uploads`. */
  appId: string;
  /** Account's access token. Sent only to `graphUrl`; never appears in errors. */
  accessToken: string;
  bytes: Uint8Array;
  fileName: string;
  mimeType: string;
  /** Injectable fetch (defaults to the global). */
  fetch?: typeof globalThis.fetch | undefined;
  /** Per-request timeout. Default 10 000 ms for control calls; the byte transfer gets `transferTimeoutMs`. */
  timeoutMs?: number | undefined;
  /** Timeout for one byte-transfer POST. Default 120 000 ms. */
  transferTimeoutMs?: number | undefined;
  /** How many times a broken transfer is resumed (after the first attempt). Default 3. */
  maxResumeAttempts?: number | undefined;
  /** `param` for errors, e.g. `components[0].example.header_url[0]`. */
  param?: string | undefined;
}

const ZSession = z.object({ id: z.string().regex(/^upload:[^\s/#\\]+$/) });
const ZHandle = z.object({ h: z.string().min(1) });
const ZOffset = z.object({ file_offset: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]) });
const ZGraphError = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    fbtrace_id: z.string().optional(),
    is_transient: z.boolean().optional(),
  }),
});

class TransientUploadError extends Error {}

/**
 * Uploads bytes with Meta's Resumable Upload API and returns the asset handle (`h`) for
 * `example.header_handle`:
 *   1. `POST {graph}/{v}/{app_id}/uploads?file_name&file_length&file_type&access_token` → `{id:"upload:…"}`
 *   2. `POST {graph}/{v}/upload:…` with `Authorization: OAuth <token>` and `file_offset: <n>`, body = bytes[n..] → `{h}`
 *   3. on a broken transfer: `GET {graph}/{v}/upload:…` → `{file_offset}` and go back to 2 from there.
 * Network errors, timeouts and 5xx during the transfer are resumed up to `maxResumeAttempts` times;
 * anything else fails at once. Every failure is a `MediaError("media_upload_failed")` (HTTP 502).
 */
export async function uploadMediaToMeta(options: UploadMediaOptions): Promise<string> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const transferTimeoutMs = options.transferTimeoutMs ?? 120_000;
  const maxResumeAttempts = options.maxResumeAttempts ?? 3;
  const param = options.param ?? "example.header_handle";
  const { accessToken, bytes } = options;
  const base = `${options.graphUrl.replace(/\/+$/, "")}/${encodeURIComponent(options.apiVersion)}`;
  const graphOrigin = new URL(base).origin;

  const fail = (message: string, extra: { cause?: unknown; details?: Record<string, unknown> } = {}) =>
    new MediaError("media_upload_failed", param, redact(message, accessToken), {
      cause: extra.cause === undefined ? undefined : redactCause(extra.cause, accessToken),
      details: extra.details,
    });

  const call = async (url: URL, init: RequestInit, ms: number): Promise<{ status: number; json: unknown }> => {
    const response = await doFetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(ms) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  };
  const graphFailure = (step: string, status: number, json: unknown) => {
    const parsed = ZGraphError.safeParse(json);
    const error = parsed.success ? parsed.data.error : undefined;
    return fail(`Meta refused the media upload (${step}: HTTP ${status}${error?.message === undefined ? "" : `, ${error.message}`}).`, {
      details: { step, status, code: error?.code, error_subcode: error?.error_subcode, fbtrace_id: error?.fbtrace_id },
    });
  };

  // 1. Open the session. Meta documents the token as a query parameter for this call [M-UP]; the
  //    URL is never put into an error or log line.
  const start = new URL(`${base}/${encodeURIComponent(options.appId)}/uploads`);
  start.searchParams.set("file_name", options.fileName);
  start.searchParams.set("file_length", String(bytes.length));
  start.searchParams.set("file_type", options.mimeType);
  start.searchParams.set("access_token", accessToken);
  let session: string;
  try {
    const { status, json } = await call(start, { method: "POST" }, timeoutMs);
    if (status < 200 || status >= 300) throw graphFailure("start", status, json);
    const parsed = ZSession.safeParse(json);
    if (!parsed.success) throw fail("Meta's upload session answer was not understood.", { details: { step: "start" } });
    session = parsed.data.id;
  } catch (error) {
    if (error instanceof MediaError) throw error;
    throw fail("Could not open a media upload session with Meta.", { cause: error, details: { step: "start" } });
  }
  // The session id goes into the path verbatim (Meta's ids carry `?sig=…`); make sure it cannot
  // steer the request (and the token) to another origin.
  const sessionUrl = new URL(`${base}/${session}`);
  if (sessionUrl.origin !== graphOrigin) throw fail("Meta's upload session id was not understood.", { details: { step: "start" } });
  const oauth = { authorization: `OAuth ${accessToken}` };

  let offset = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      // 2. Transfer from `offset`.
      const { status, json } = await call(
        sessionUrl,
        { method: "POST", headers: { ...oauth, file_offset: String(offset) }, body: bytes.subarray(offset) },
        transferTimeoutMs,
      );
      if (status >= 500) throw new TransientUploadError(`HTTP ${status}`);
      if (status < 200 || status >= 300) throw graphFailure("transfer", status, json);
      const parsed = ZHandle.safeParse(json);
      if (parsed.success) return parsed.data.h;
      // A partial acceptance (`{id, file_offset}` without `h`): continue from where Meta is.
      const partial = ZOffset.safeParse(json);
      if (!partial.success) throw fail("Meta's upload answer carried no handle.", { details: { step: "transfer" } });
      const reported = checkedOffset(partial.data.file_offset, bytes.length);
      if (reported === undefined) throw fail("Meta reported an impossible upload offset.", { details: { step: "transfer" } });
      if (reported > offset) {
        offset = reported;
        attempt -= 1; // progress made: not a failed attempt
        continue;
      }
      throw new TransientUploadError("no progress");
    } catch (error) {
      if (error instanceof MediaError) throw error;
      if (attempt >= maxResumeAttempts) {
        throw fail(`The media upload to Meta broke off and could not be resumed after ${maxResumeAttempts} attempts.`, {
          cause: error,
          details: { step: "transfer", attempts: attempt + 1 },
        });
      }
    }
    // 3. Ask Meta how far it got, and resume from there.
    try {
      const { status, json } = await call(sessionUrl, { method: "GET", headers: oauth }, timeoutMs);
      if (status < 200 || status >= 300) throw graphFailure("resume", status, json);
      const parsed = ZOffset.safeParse(json);
      if (!parsed.success) throw fail("Meta's upload status answer was not understood.", { details: { step: "resume" } });
      const reported = checkedOffset(parsed.data.file_offset, bytes.length);
      if (reported === undefined) throw fail("Meta reported an impossible upload offset.", { details: { step: "resume" } });
      offset = reported;
    } catch (error) {
      if (error instanceof MediaError) throw error;
      throw fail("Could not ask Meta how far the media upload got.", { cause: error, details: { step: "resume" } });
    }
  }
}

function checkedOffset(value: string | number, length: number): number | undefined {
  const offset = Number(value);
  return Number.isSafeInteger(offset) && offset >= 0 && offset <= length ? offset : undefined;
}

function redact(text: string, secret: string): string {
  return secret === "" ? text : text.split(secret).join("[redacted]");
}

/** Keeps a cause's class and message for logs, without the token (fetch errors may echo URLs). */
function redactCause(cause: unknown, secret: string): unknown {
  if (cause instanceof Error) {
    const copy = new Error(redact(cause.message, secret));
    copy.name = cause.name;
    const code = (cause as { cause?: { code?: unknown } }).cause?.code;
    if (typeof code === "string") (copy as Error & { code?: string }).code = code;
    return copy;
  }
  return undefined;
}
