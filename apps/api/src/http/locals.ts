import type { Principal } from "@kirim/core";

/** What the middleware chain stores on `res.locals` (typed via Express's `Locals`). */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** `req_` + ULID; also the `X-Request-Id` header and `request_id` in every body. */
      requestId: string;
      /** Set by the bearer-auth middleware on authenticated routes. */
      principal?: Principal;
      /** Set by the Idempotency-Key middleware: this request retries an identical one whose process died mid-way. */
      resumesAbandonedAttempt?: boolean;
    }
  }
}

export {};
