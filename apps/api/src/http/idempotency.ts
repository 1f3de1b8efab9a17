/**
 * `Idempotency-Key` on POST /v1/* (after auth and body parsing). tRPC mutations flagged `idempotent` in the
 * endpoint table honour the same header with the same store (../trpc/idempotency.ts).
 *
 * - No header: the request runs as usual.
 * - A key (1–255 printable ASCII characters, else 400 `invalid_field_value`, param `Idempotency-Key`) is claimed
 *   for the caller's organisation with the request's fingerprint (method + path + canonical JSON body).
 * - First request: runs; its answer gets `Idempotent-Replayed: false` and is stored (or the key released, see
 *   `isReplayable` in core) BEFORE it is sent, so a client that retries right after the answer sees the replay.
 * - Same key + same fingerprint later: the stored status, headers that matter and body bytes are sent again with
 *   `Idempotent-Replayed: true`; the handler does not run (no second Meta call).
 * - Errors from the claim itself: 422 `idempotency_key_reuse`, 409 `idempotency_in_progress` (after the wait).
 *
 * The replay carries the ORIGINAL `X-Request-Id` (the body, replayed byte for byte, contains the original
 * `request_id`, and header and body must agree); the replaying request's own id is only in the server log.
 */
import { DomainError, IDEMPOTENCY_KEY_MAX_LENGTH, requestFingerprint } from "@kirim/core";
import type { Core, IdempotencyClaim, StoredResponse } from "@kirim/core";
import type { Request, RequestHandler, Response } from "express";
import { principalOf } from "./auth.js";
import "./locals.js";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const IDEMPOTENT_REPLAYED_HEADER = "Idempotent-Replayed";

/**
 * The headers stored with an answer and replayed (lower-case). Not stored: X-RateLimit-* (they describe the
 * bucket now, so the replaying request sets its own), Content-Length (recomputed), Date, Connection.
 */
export const REPLAYED_HEADERS = ["content-type", "x-request-id", "location", "retry-after", "allow"] as const;

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

/** The header's value, or undefined when absent. Throws 400 `invalid_field_value` for an unusable key. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const invalid = (why: string): DomainError =>
    new DomainError("invalid_field_value", `Invalid Idempotency-Key header: ${why}`, { param: IDEMPOTENCY_KEY_HEADER });
  if (Array.isArray(header)) throw invalid("send it once.");
  if (header.length === 0) throw invalid("it is empty.");
  if (header.length > IDEMPOTENCY_KEY_MAX_LENGTH)
    throw invalid(`it is longer than ${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`);
  if (!PRINTABLE_ASCII.test(header)) throw invalid("use printable ASCII characters only (a UUID v4 is recommended).");
  return header;
}

function requestPath(req: Request): string {
  return req.originalUrl.split("?")[0] ?? req.originalUrl;
}

function storedHeaders(res: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return headers;
}

function replay(res: Response, stored: StoredResponse): void {
  const body = Buffer.from(stored.body, "utf8");
  for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
  res.setHeader(IDEMPOTENT_REPLAYED_HEADER, "true");
  res.setHeader("Content-Length", String(body.length));
  res.status(stored.status);
  res.end(body);
}

type WriteArgs = [chunk: unknown, encodingOrCallback?: unknown, callback?: unknown];

function toBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (chunk === undefined || chunk === null || typeof chunk === "function") return undefined;
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return Buffer.from(
    typeof chunk === "string" ? chunk : JSON.stringify(chunk),
    typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
  );
}

/**
 * Holds the response body back until `settle` has stored (or released) the answer, then sends it unchanged.
 * Our JSON routes answer with a single `res.end(body)` (express `res.json`/`res.send`); `write` is buffered too.
 */
function captureResponse(res: Response, settle: (response: StoredResponse) => Promise<void>): void {
  const originalWrite = res.write.bind(res) as (...args: unknown[]) => boolean;
  const originalEnd = res.end.bind(res) as (...args: unknown[]) => Response;
  const chunks: Buffer[] = [];
  res.write = ((...[chunk, encodingOrCallback, callback]: WriteArgs) => {
    const buffer = toBuffer(chunk, encodingOrCallback);
    if (buffer !== undefined) chunks.push(buffer);
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (typeof done === "function") queueMicrotask(() => (done as () => void)());
    return true;
  }) as Response["write"];
  res.end = ((...[chunk, encodingOrCallback, callback]: WriteArgs) => {
    const buffer = toBuffer(chunk, encodingOrCallback);
    if (buffer !== undefined) chunks.push(buffer);
    const done = [chunk, encodingOrCallback, callback].find((arg) => typeof arg === "function");
    res.write = originalWrite as Response["write"];
    res.end = originalEnd as Response["end"];
    const body = Buffer.concat(chunks);
    const response: StoredResponse = {
      status: res.statusCode,
      headers: storedHeaders(res),
      body: body.toString("utf8"),
    };
    void settle(response).finally(() => {
      if (done === undefined) originalEnd(body);
      else originalEnd(body, done);
    });
    return res;
  }) as Response["end"];
}

/** Mount inside /v1 after auth and JSON body parsing (the fingerprint needs the organisation and the body). */
export function idempotency(core: Pick<Core, "idempotency">): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== "POST") {
      // PATCH/DELETE are idempotent by definition and GET has no effect: the header is ignored there (Kirimdev).
      next();
      return;
    }
    const key = parseIdempotencyKey(req.headers["idempotency-key"]);
    if (key === undefined) {
      next();
      return;
    }
    const { organisationId } = principalOf(res.locals);
    const fingerprint = requestFingerprint(req.method, requestPath(req), req.body);
    const started = await core.idempotency.start(organisationId, key, fingerprint);
    if (started.kind === "replay") {
      replay(res, started.response);
      return;
    }
    const claim: IdempotencyClaim = started.claim;
    res.locals.resumesAbandonedAttempt = claim.resumesAbandonedAttempt === true;
    res.setHeader(IDEMPOTENT_REPLAYED_HEADER, "false");
    captureResponse(res, async (response) => {
      try {
        await core.idempotency.finish(claim, response);
      } catch {
        // Storing failed (database gone): give the key back if we can, so a retry runs instead of waiting for
        // the claim's lock to run out. The answer itself is still sent.
        await core.idempotency.release(claim).catch(() => undefined);
      }
    });
    next();
  };
}
