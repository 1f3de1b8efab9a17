import type { TMetaErrorDetail } from "@kirim/schema";

/** Everything the API's error envelope says, plus the HTTP status. */
export interface KirimErrorFields {
  /** HTTP status; null when no answer arrived (connection failed, timed out). */
  status: number | null;
  /** Coarse class (`invalid_request_error`, `rate_limit_error`, …) or `connection_error` / `timeout_error`. */
  type: string;
  /** Stable reason from the error-code catalogue (e.g. `template_already_exists`). Branch on this. */
  code: string;
  /** The offending field, e.g. `components[1].buttons[0].text`. */
  param: string | undefined;
  /** The request id (`req_…`) of the failed request; quote it in support requests. */
  requestId: string | undefined;
  /** Meta's own error when it explains the failure (code, error_subcode, titles, fbtrace_id). */
  meta: TMetaErrorDetail | undefined;
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  retryAfterSeconds: number | undefined;
}

/** The one error type the client throws for an API error or a request that got no answer. */
export class KirimError extends Error implements KirimErrorFields {
  override readonly name = "KirimError";
  readonly status: number | null;
  readonly type: string;
  readonly code: string;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  readonly meta: TMetaErrorDetail | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, fields: KirimErrorFields, options?: { cause?: unknown }) {
    super(message, options);
    this.status = fields.status;
    this.type = fields.type;
    this.code = fields.code;
    this.param = fields.param;
    this.requestId = fields.requestId;
    this.meta = fields.meta;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  /** Meta's error code (e.g. 132000) when Meta's error explains the failure. */
  get metaCode(): number | undefined {
    return this.meta?.code;
  }

  /** Meta's error_subcode (e.g. 2388040) when present. */
  get metaSubcode(): number | undefined {
    return this.meta?.error_subcode;
  }
}

export function isKirimError(value: unknown): value is KirimError {
  return value instanceof KirimError;
}
