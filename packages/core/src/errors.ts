import { ERROR_CODES } from "@kirim/schema";
import type { TErrorCode } from "@kirim/schema";

export interface DomainErrorOptions {
  /** JSON-pointer-style hint to the offending field, e.g. `name` or `components[1].text`. */
  param?: string;
  /** Extra machine-readable detail (e.g. Meta's code/subcode/fbtrace_id). Never contains secrets. */
  details?: Record<string, unknown>;
  /** Response headers the HTTP layer should set (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error type services throw. `status` and `type` come from the `ERROR_CODES` catalogue in
 * `@kirim/schema`, so the HTTP layer only has to serialise it.
 */
export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: TErrorCode;
  readonly status: number;
  readonly type: string;
  readonly param: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: TErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry = ERROR_CODES[code];
    this.code = code;
    this.status = entry.status;
    this.type = entry.type;
    this.param = options.param;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
