import type { Generated } from "kysely";

/** One token bucket per organisation and class; see migration 2026_11_23_000011_create_rate_limits. */
export interface RateLimitBucketTable {
  organisation_id: string;
  bucket: "read" | "write";
  /** The capacity in force at the last request (tokens per minute; the bucket refills fully in one minute). */
  capacity: number;
  /** Tokens left at `updated_at` (fractional: the refill is continuous). */
  tokens: number;
  updated_at: Date;
}

/** One row per template create sent (or about to be sent) to Meta, for Meta's hourly per-WABA budget. */
export interface MetaCreateAttemptTable {
  id: Generated<number>;
  waba_id: string;
  attempted_at: Date;
}
