/**
 * The transport: one `fetch` per attempt, a timeout per attempt, retries with jittered exponential backoff that
 * honour `Retry-After` and `X-RateLimit-Reset`, and an `Idempotency-Key` on every POST, the same on each retry.
 */
import type { TMetaErrorDetail } from "@kirim/schema";
import { KirimError } from "./errors.js";

export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  maxRetries: number;
  timeoutMs: number;
  fetch: typeof fetch;
  headers: Record<string, string>;
  /** Waits between attempts (tests may shorten it); default setTimeout. */
  sleep: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random: () => number;
}

/** Per call: an idempotency key of your own, an abort signal, another timeout or retry budget. */
export interface RequestOptions {
  /** POST only: your own key (e.g. derived from your order id). Default: a fresh UUID per call, reused by its retries. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface ApiRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** A server's Retry-After above this is not waited for: the error goes to the caller. */
const MAX_RETRY_AFTER_MS = 60_000;

interface ErrorEnvelope {
  error?: {
    type?: string;
    code?: string;
    message?: string;
    param?: string;
    request_id?: string;
    meta?: TMetaErrorDetail;
  };
  request_id?: string;
}

function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** Seconds from `Retry-After` (delta-seconds or an HTTP date). */
function retryAfterSeconds(headers: Headers, now: number): number | undefined {
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * How long to wait before attempt `attempt + 1`: the server's Retry-After when given, else (a 429 with an empty
 * bucket) until X-RateLimit-Reset, else exponential backoff from 0.5 s with full jitter, at most 8 s.
 */
export function retryDelayMs(
  attempt: number,
  headers: Headers | undefined,
  random: () => number,
  now = Date.now(),
): number {
  if (headers !== undefined) {
    const after = retryAfterSeconds(headers, now);
    if (after !== undefined) return after * 1000;
    const reset = headers.get("x-ratelimit-reset");
    if (reset !== null && headers.get("x-ratelimit-remaining") === "0" && /^\d+$/.test(reset)) {
      return Math.max(0, Number(reset) * 1000 - now);
    }
  }
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Statuses worth another attempt: the request was refused for now (429), or the server failed (5xx, 408). */
function retryableStatus(status: number, code: string | undefined): boolean {
  return status === 408 || status === 429 || status >= 500 || code === "idempotency_in_progress";
}

function timeoutSignal(
  timeoutMs: number,
  outer: AbortSignal | undefined,
): { signal: AbortSignal; done: () => void; timedOut: () => boolean } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    },
    timedOut: () => expired,
  };
}

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  url(path: string, query: ApiRequest["query"]): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, "")}${path}`);
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  /** Sends the request (retrying as above) and returns the parsed JSON body of the 2xx answer. */
  async request<T>(request: ApiRequest, options: RequestOptions = {}): Promise<T> {
    const maxRetries = options.maxRetries ?? this.options.maxRetries;
    const headers: Record<string, string> = {
      accept: "application/json",
      ...this.options.headers,
      authorization: `Bearer ${this.options.apiKey}`,
    };
    if (request.body !== undefined) headers["content-type"] = "application/json";
    // One key for the call and all its retries, so a retry of a POST that did land is answered with its result.
    if (request.method === "POST") headers["idempotency-key"] = options.idempotencyKey ?? newIdempotencyKey();
    // Without a key, a PATCH the server may have applied must not run twice: retried only when refused before it ran.
    const replaySafe = request.method !== "PATCH";
    const url = this.url(request.path, request.query);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);

    for (let attempt = 0; ; attempt += 1) {
      const timer = timeoutSignal(options.timeoutMs ?? this.options.timeoutMs, options.signal);
      let response: Response;
      let text: string;
      try {
        response = await this.options.fetch(url, {
          method: request.method,
          headers,
          ...(body === undefined ? {} : { body }),
          signal: timer.signal,
        });
        text = await response.text();
      } catch (error) {
        timer.done();
        if (options.signal?.aborted) throw error;
        const kind = timer.timedOut() ? "timeout_error" : "connection_error";
        if (attempt < maxRetries && replaySafe) {
          await this.options.sleep(retryDelayMs(attempt, undefined, this.options.random));
          continue;
        }
        throw new KirimError(
          kind === "timeout_error"
            ? `${request.method} ${request.path} timed out.`
            : `${request.method} ${request.path} got no answer: ${String((error as Error).message ?? error)}.`,
          {
            status: null,
            type: kind,
            code: kind,
            param: undefined,
            requestId: undefined,
            meta: undefined,
            retryAfterSeconds: undefined,
          },
          { cause: error },
        );
      }
      timer.done();
      const parsed = parseJson(text);
      if (response.ok) return parsed as T;

      const envelope = (parsed ?? {}) as ErrorEnvelope;
      const code = envelope.error?.code;
      const wait = retryDelayMs(attempt, response.headers, this.options.random);
      const retryable = retryableStatus(response.status, code) && (replaySafe || response.status === 429);
      if (attempt < maxRetries && retryable && wait <= MAX_RETRY_AFTER_MS) {
        await this.options.sleep(wait);
        continue;
      }
      throw new KirimError(
        envelope.error?.message ?? `HTTP ${response.status} from ${request.method} ${request.path}.`,
        {
          status: response.status,
          type: envelope.error?.type ?? "api_error",
          code: code ?? "unexpected_response",
          param: envelope.error?.param,
          requestId: envelope.error?.request_id ?? response.headers.get("x-request-id") ?? undefined,
          meta: envelope.error?.meta,
          retryAfterSeconds: retryAfterSeconds(response.headers, Date.now()),
        },
      );
    }
  }
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
