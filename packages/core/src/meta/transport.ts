import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
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
  /**
   * A `fetch` to send through instead (tests record or alter what reaches Meta with one). Default: node's own http and
   * https clients, which cost a third of what `fetch` does per exchange (docs/benchmarks.md, ninth pass).
   */
  fetch?: typeof globalThis.fetch | undefined;
  timeoutMs: number;
}

/** What the transport reads of an answer, whichever client carried the exchange. */
interface Answer {
  status: number;
  header: (name: string) => string | null;
  text: string;
}

interface Exchange {
  method: TransportRequest["method"];
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  signal: AbortSignal;
}

async function exchangeByFetch(fetch: typeof globalThis.fetch, url: string, exchange: Exchange): Promise<Answer> {
  const response = await fetch(url, {
    method: exchange.method,
    headers: exchange.headers,
    ...(exchange.body !== undefined ? { body: exchange.body } : {}),
    signal: exchange.signal,
    redirect: "error", // never forward the token to another host
  });
  const text = await response.text();
  return { status: response.status, header: (name) => response.headers.get(name), text };
}

/** Kept-alive connections to Meta, shared by every transport of the process. */
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/** The answer's body, decoded as `fetch` would (gzip, deflate, br), as UTF-8 text. */
async function bodyText(response: http.IncomingMessage): Promise<string> {
  const encoding = (response.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "deflate"
        ? createInflate()
        : encoding === "br"
          ? createBrotliDecompress()
          : undefined;
  const stream: Readable = decoder === undefined ? response : response.pipe(decoder);
  if (decoder !== undefined) response.on("error", (error) => decoder.destroy(error));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * One exchange over node's http/https client. A redirect is an answer like any other (never followed, so the token
 * never goes to another host); it is not a 2xx, so the transport refuses it.
 */
function exchangeByHttp(url: string, exchange: Exchange): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    if (!secure && target.protocol !== "http:") throw new Error(`unsupported protocol ${target.protocol}`);
    const headers: Record<string, string> = { "Accept-Encoding": "gzip, deflate, br", ...exchange.headers };
    if (exchange.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(exchange.body));
    // Whatever failed after the timeout fired failed because of it (a body cut short included).
    const failed = (error: unknown) => {
      const cause: unknown = exchange.signal.aborted ? exchange.signal.reason : error;
      reject(cause instanceof Error ? cause : new Error(String(cause)));
    };
    const request = (secure ? https : http).request(
      target,
      { method: exchange.method, headers, agent: secure ? agents.https : agents.http, signal: exchange.signal },
      (response) => {
        bodyText(response).then(
          (text) =>
            resolve({
              status: response.statusCode ?? 0,
              header: (name) => {
                const value = response.headers[name.toLowerCase()];
                return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
              },
              text,
            }),
          failed,
        );
      },
    );
    request.on("error", failed);
    request.end(exchange.body);
  });
}

export type Transport = (request: TransportRequest) => Promise<unknown>;

/** Parses `Retry-After` (seconds or HTTP date) and Meta's `x-business-use-case-usage` wait (minutes) into ms. */
export function statedWaitMs(
  headers: { get(name: string): string | null },
  now: number = Date.now(),
): number | undefined {
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

    let answer: Answer;
    try {
      const exchange: Exchange = { method: request.method, headers, body, signal: AbortSignal.timeout(timeoutMs) };
      answer =
        options.fetch === undefined
          ? await exchangeByHttp(url, exchange)
          : await exchangeByFetch(options.fetch, url, exchange);
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new MetaApiError({ kind: "timeout", message: `Meta did not answer within ${timeoutMs} ms` });
      }
      const reason = error instanceof Error ? redact(error.message, request.accessToken) : "unknown error";
      // fetch puts the system's code on its cause; node's http client on the error itself.
      const failure = error as { code?: unknown; cause?: { code?: unknown } } | null;
      const causeCode = failure?.cause?.code ?? failure?.code;
      throw new MetaApiError({
        kind: "network",
        message: `Could not reach Meta: ${reason}${typeof causeCode === "string" && !reason.includes(causeCode) ? ` (${causeCode})` : ""}`,
        reachedMeta: !(typeof causeCode === "string" && NOT_SENT_CODES.has(causeCode)),
      });
    }
    const { text } = answer;
    const ok = answer.status >= 200 && answer.status < 300;

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
    const retryAfterMs = statedWaitMs({ get: answer.header });
    const traceHeader = answer.header("x-fb-trace-id") ?? undefined;

    if (!ok) {
      const envelope = ZMetaErrorEnvelope.safeParse(json);
      if (envelope.success) {
        const e = envelope.data.error;
        throw new MetaApiError({
          kind: "graph",
          message: redact(e.message ?? `Meta error ${e.code}`, request.accessToken),
          status: answer.status,
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
        message: `Meta answered HTTP ${answer.status} without an error envelope`,
        status: answer.status,
        fbtraceId: traceHeader,
        isTransient: answer.status >= 500,
        retryAfterMs,
      });
    }
    if (!jsonOk) {
      throw new MetaApiError({
        kind: "malformed_response",
        message: `Meta answered HTTP ${answer.status} with a body that is not JSON`,
        status: answer.status,
        fbtraceId: traceHeader,
      });
    }
    return json;
  };
}
