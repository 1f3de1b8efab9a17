export type MetaApiErrorKind =
  /** Meta answered with its `{ error: {...} }` envelope (or a non-2xx status). */
  | "graph"
  /** A 2xx (or error) answer whose body did not have the shape we need. */
  | "malformed_response"
  /** No answer within the timeout. */
  | "timeout"
  /** Connection refused/reset, DNS, TLS … */
  | "network";

export interface MetaApiErrorInit {
  kind: MetaApiErrorKind;
  message: string;
  status?: number | undefined;
  code?: number | undefined;
  subcode?: number | undefined;
  type?: string | undefined;
  userTitle?: string | undefined;
  userMessage?: string | undefined;
  /** Meta's own `message` (redacted), when its envelope carried one; `message` above may be ours. */
  metaMessage?: string | undefined;
  fbtraceId?: string | undefined;
  isTransient?: boolean | undefined;
  /** Server-stated wait before retrying (Retry-After header), in ms. */
  retryAfterMs?: number | undefined;
  /** False only when the request certainly never reached Meta (connection refused, DNS, TLS). Default true. */
  reachedMeta?: boolean | undefined;
  cause?: unknown;
}

/**
 * A failed call to Meta's Graph API, with Meta's error envelope parsed out.
 * It never contains the access token (messages and causes are built from Meta's answer only).
 */
export class MetaApiError extends Error {
  override readonly name = "MetaApiError";
  readonly kind: MetaApiErrorKind;
  /** HTTP status (undefined for network errors / timeouts). */
  readonly status: number | undefined;
  readonly code: number | undefined;
  readonly subcode: number | undefined;
  readonly type: string | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;
  readonly metaMessage: string | undefined;
  readonly fbtraceId: string | undefined;
  readonly isTransient: boolean;
  readonly retryAfterMs: number | undefined;
  /**
   * Whether this request (or, for a create, any of its attempts) may have reached Meta. Not readonly: the gateway's
   * create marks its final error reached when an EARLIER attempt did.
   */
  reachedMeta: boolean;

  constructor(init: MetaApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.subcode = init.subcode;
    this.type = init.type;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
    this.metaMessage = init.metaMessage;
    this.fbtraceId = init.fbtraceId;
    this.isTransient = init.isTransient ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.reachedMeta = init.reachedMeta ?? true;
  }
}

export function isMetaApiError(value: unknown): value is MetaApiError {
  return value instanceof MetaApiError;
}
