import { z } from "zod";
import { MetaApiError } from "../meta/meta-api-error.js";
import { createTransport } from "../meta/transport.js";
import type { TransportRequest } from "../meta/transport.js";
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

class TransientUploadError extends Error {}

type UploadStep = "start" | "transfer" | "resume";

/**
 * Uploads bytes with Meta's Resumable Upload API and returns the asset handle (`h`) for
 * `example.header_handle`:
 *   1. `POST {graph}/{v}/{app_id}/uploads?file_name&file_length&file_type&access_token` → `{id:"upload:…"}`
 *   2. `POST {graph}/{v}/upload:…` with `Authorization: OAuth <token>` and `file_offset: <n>`, body = bytes[n..] → `{h}`
 *   3. on a broken transfer: `GET {graph}/{v}/upload:…` → `{file_offset}` and go back to 2 from there.
 * Every call goes through the gateway's transport (meta/transport.ts: timeout, no redirects, Meta's error envelope
 * read into a MetaApiError without the token). Network errors, timeouts and 5xx during the transfer are resumed up
 * to `maxResumeAttempts` times; anything else fails at once. Every failure is a `MediaError("media_upload_failed")`
 * (HTTP 502) whose details carry the step and Meta's status, code, subcode and trace id, and whose cause is the
 * transport's MetaApiError.
 */
export async function uploadMediaToMeta(options: UploadMediaOptions): Promise<string> {
  const transport = createTransport({
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  const transferTimeoutMs = options.transferTimeoutMs ?? 120_000;
  const maxResumeAttempts = options.maxResumeAttempts ?? 3;
  const param = options.param ?? "example.header_handle";
  const { accessToken, bytes } = options;
  const base = `${options.graphUrl.replace(/\/+$/, "")}/${encodeURIComponent(options.apiVersion)}`;
  const graphOrigin = new URL(base).origin;

  const fail = (message: string, extra: { cause?: unknown; details?: Record<string, unknown> } = {}) =>
    new MediaError("media_upload_failed", param, redact(message, accessToken), {
      cause:
        extra.cause instanceof MetaApiError || extra.cause instanceof TransientUploadError ? extra.cause : undefined,
      details: extra.details,
    });
  /** Meta answered with an error status: its status, code, subcode and trace id go into the details. */
  const refused = (step: UploadStep, error: MetaApiError) =>
    fail(
      `Meta refused the media upload (${step}: HTTP ${error.status ?? "?"}${error.metaMessage === undefined ? "" : `, ${error.metaMessage}`}).`,
      {
        cause: error,
        details: {
          step,
          status: error.status,
          code: error.code,
          error_subcode: error.subcode,
          fbtrace_id: error.fbtraceId,
        },
      },
    );
  /** An answer Meta gave with a 2xx status that is not what the step expects (or not JSON at all). */
  const answered = async (step: UploadStep, request: TransportRequest, notUnderstood: string): Promise<unknown> => {
    try {
      return await transport(request);
    } catch (error) {
      if (error instanceof MetaApiError && error.kind === "malformed_response")
        throw fail(notUnderstood, { details: { step } });
      throw error;
    }
  };

  // 1. Open the session. Meta documents the token as a query parameter for this call [M-UP]; the
  //    URL is never put into an error or log line.
  const start = new URL(`${base}/${encodeURIComponent(options.appId)}/uploads`);
  start.searchParams.set("file_name", options.fileName);
  start.searchParams.set("file_length", String(bytes.length));
  start.searchParams.set("file_type", options.mimeType);
  let session: string;
  try {
    const notUnderstood = "Meta's upload session answer was not understood.";
    const json = await answered(
      "start",
      { method: "POST", url: start.toString(), accessToken, tokenIn: "query" },
      notUnderstood,
    );
    const parsed = ZSession.safeParse(json);
    if (!parsed.success) throw fail(notUnderstood, { details: { step: "start" } });
    session = parsed.data.id;
  } catch (error) {
    if (error instanceof MediaError) throw error;
    if (error instanceof MetaApiError && error.kind === "graph") throw refused("start", error);
    throw fail("Could not open a media upload session with Meta.", { cause: error, details: { step: "start" } });
  }
  // The session id goes into the path verbatim (Meta's ids carry `?sig=…`); make sure it cannot
  // steer the request (and the token) to another origin.
  const sessionUrl = new URL(`${base}/${session}`);
  if (sessionUrl.origin !== graphOrigin)
    throw fail("Meta's upload session id was not understood.", { details: { step: "start" } });

  let offset = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      // 2. Transfer from `offset`.
      const notUnderstood = "Meta's upload answer carried no handle.";
      const json = await answered(
        "transfer",
        {
          method: "POST",
          url: sessionUrl.toString(),
          accessToken,
          tokenIn: "oauth",
          headers: { file_offset: String(offset) },
          bytes: bytes.subarray(offset),
          timeoutMs: transferTimeoutMs,
        },
        notUnderstood,
      );
      const parsed = ZHandle.safeParse(json);
      if (parsed.success) return parsed.data.h;
      // A partial acceptance (`{id, file_offset}` without `h`): continue from where Meta is.
      const partial = ZOffset.safeParse(json);
      if (!partial.success) throw fail(notUnderstood, { details: { step: "transfer" } });
      const reported = checkedOffset(partial.data.file_offset, bytes.length);
      if (reported === undefined)
        throw fail("Meta reported an impossible upload offset.", { details: { step: "transfer" } });
      if (reported > offset) {
        offset = reported;
        attempt -= 1; // progress made: not a failed attempt
        continue;
      }
      throw new TransientUploadError("no progress");
    } catch (error) {
      if (error instanceof MediaError) throw error;
      // A 4xx is final; a 5xx, a timeout or a broken connection is resumed from where Meta got to.
      if (error instanceof MetaApiError && error.kind === "graph" && (error.status ?? 0) < 500)
        throw refused("transfer", error);
      if (attempt >= maxResumeAttempts) {
        throw fail(`The media upload to Meta broke off and could not be resumed after ${maxResumeAttempts} attempts.`, {
          cause: error,
          details: { step: "transfer", attempts: attempt + 1 },
        });
      }
    }
    // 3. Ask Meta how far it got, and resume from there.
    try {
      const notUnderstood = "Meta's upload status answer was not understood.";
      const json = await answered(
        "resume",
        { method: "GET", url: sessionUrl.toString(), accessToken, tokenIn: "oauth" },
        notUnderstood,
      );
      const parsed = ZOffset.safeParse(json);
      if (!parsed.success) throw fail(notUnderstood, { details: { step: "resume" } });
      const reported = checkedOffset(parsed.data.file_offset, bytes.length);
      if (reported === undefined)
        throw fail("Meta reported an impossible upload offset.", { details: { step: "resume" } });
      offset = reported;
    } catch (error) {
      if (error instanceof MediaError) throw error;
      if (error instanceof MetaApiError && error.kind === "graph") throw refused("resume", error);
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
