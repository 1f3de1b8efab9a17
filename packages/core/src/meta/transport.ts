import { MetaApiError } from "./meta-api-error.js";
import { ZMetaErrorEnvelope } from "./meta-schemas.js";

export interface TransportRequest {
  method: "GET" | "POST" | "DELETE";
  /** Absolute URL, always built from the configured Graph base URL. */
  url: string;
  accessToken: string;
  /** JSON body. */
  body?: unknown;
  /** Raw bytes sent as they are (the Resumable Upload transfer); instead of `body`. */
  bytes?: Uint8Array | undefined;
  /** Extra headers (the Resumable Upload's `file_offset`). */
  headers?: Record<string, string> | undefined;
  /**
   * How the token travels, as Meta documents each call: a `Bearer` header (default); an `OAuth` header (Resumable
   * Upload transfer and status); the `access_token` query parameter (opening an upload session). It never appears in
   * an error either way.
   */
  tokenIn?: "bearer" | "oauth" | "query" | undefined;
  /** This request's timeout instead of the transport's (a large upload transfer). */
  timeoutMs?: number | undefined;
}

export interface TransportOptions {
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
}

export type Transport = (request: TransportRequest) => Promise<unknown>;

/** Parses `Retry-After` (seconds or HTTP date) and Meta's `x-business-use-case-usage` wait (minutes) into ms. */
export function statedWaitMs(headers: Headers, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const usage = headers.get("x-business-use-case-usage");
  if (usage !== null) {
    try {
      const parsed: unknown = JSON.parse(usage);
      let minutes = 0;
      if (parsed !== null && typeof parsed === "object") {
        for (const entries of Object.values(parsed)) {
          if (!Array.isArray(entries)) continue;
          for (const entry of entries) {
            const v = (entry as { estimated_time_to_regain_access?: unknown } | null)?.estimated_time_to_regain_access;
            if (typeof v === "number" && v > minutes) minutes = v;
          }
        }
      }
      if (minutes > 0) return minutes * 60_000;
    } catch {
      // ignore an unparseable usage header
    }
  }
  return undefined;
}

function redact(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join("[REDACTED]") : text;
}

/**
 * The transport layer: one HTTP exchange with Meta. Adds the Bearer token, enforces the timeout with an
 * AbortSignal, decodes JSON, and turns every failure into a MetaApiError (which never contains the token).
 */
/**
 * Failures that happen before the request is written (no connection, no name, no trusted TLS session): Meta never
 * saw it. Anything else (a reset, a cut connection) may have reached Meta.
 */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export function createTransport(options: TransportOptions): Transport {
  return async (request) => {
    const tokenIn = request.tokenIn ?? "bearer";
    const timeoutMs = request.timeoutMs ?? options.timeoutMs;
    const headers: Record<string, string> = {
      ...(tokenIn === "query"
        ? {}
        : { Authorization: `${tokenIn === "oauth" ? "OAuth" : "Bearer"} ${request.accessToken}` }),
      Accept: "application/json",
      ...request.headers,
    };
    if (request.body !== undefined && request.bytes === undefined) headers["Content-Type"] = "application/json";
    let url = request.url;
    if (tokenIn === "query") {
      const withToken = new URL(request.url);
      withToken.searchParams.set("access_token", request.accessToken);
      url = withToken.toString();
    }
    const body = request.bytes ?? (request.body !== undefined ? JSON.stringify(request.body) : undefined);

    let response: Response;
    let text: string;
    try {
      response = await options.fetch(url, {
        method: request.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error", // never forward the token to another host
      });
      text = await response.text();
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new MetaApiError({ kind: "timeout", message: `Meta did not answer within ${timeoutMs} ms` });
      }
      const reason = error instanceof Error ? redact(error.message, request.accessToken) : "unknown error";
      const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
      throw new MetaApiError({
        kind: "network",
        message: `Could not reach Meta: ${reason}${typeof causeCode === "string" ? ` (${causeCode})` : ""}`,
        reachedMeta: !(typeof causeCode === "string" && NOT_SENT_CODES.has(causeCode)),
      });
    }

    let json: unknown = undefined;
    let jsonOk = false;
    if (text.length > 0) {
      try {
        json = JSON.parse(text);
        jsonOk = true;
      } catch {
        jsonOk = false;
      }
    }
    const retryAfterMs = statedWaitMs(response.headers);
    const traceHeader = response.headers.get("x-fb-trace-id") ?? undefined;

    if (!response.ok) {
      const envelope = ZMetaErrorEnvelope.safeParse(json);
      if (envelope.success) {
        const e = envelope.data.error;
        throw new MetaApiError({
          kind: "graph",
          message: redact(e.message ?? `Meta error ${e.code}`, request.accessToken),
          status: response.status,
          code: e.code,
          subcode: e.error_subcode,
          type: e.type,
          userTitle: e.error_user_title !== undefined ? redact(e.error_user_title, request.accessToken) : undefined,
          userMessage: e.error_user_msg !== undefined ? redact(e.error_user_msg, request.accessToken) : undefined,
          metaMessage: e.message !== undefined ? redact(e.message, request.accessToken) : undefined,
          fbtraceId: e.fbtrace_id ?? traceHeader,
          isTransient: e.is_transient ?? false,
          retryAfterMs,
        });
      }
      throw new MetaApiError({
        kind: "graph",
        message: `Meta answered HTTP ${response.status} without an error envelope`,
        status: response.status,
        fbtraceId: traceHeader,
        isTransient: response.status >= 500,
        retryAfterMs,
      });
    }
    if (!jsonOk) {
      throw new MetaApiError({
        kind: "malformed_response",
        message: `Meta answered HTTP ${response.status} with a body that is not JSON`,
        status: response.status,
        fbtraceId: traceHeader,
      });
    }
    return json;
  };
}
