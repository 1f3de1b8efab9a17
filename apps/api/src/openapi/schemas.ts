/**
 * The few response payloads the wire contract in @kirim/schema does not define because only this app returns
 * them (health probes, the OpenAPI document itself). Everything else in the document comes from @kirim/schema.
 */
import { z } from "zod";

export const ZHealth = z
  .object({ status: z.literal("ok").describe("Always `ok` when the process is serving requests.") })
  .describe("Liveness: the process is up and answering.")
  .meta({ id: "Health" });

export const ZReadiness = z
  .object({
    status: z.literal("ok").describe("Always `ok` on a 200."),
    database: z.literal("ok").describe("The database answered a trivial query."),
  })
  .describe("Readiness: the process and its database can serve requests.")
  .meta({ id: "Readiness" });

export const ZOpenApiDocument = z
  .looseObject({
    openapi: z.string().describe("OpenAPI version of the document (3.1.x)."),
    info: z.looseObject({}).describe("Title, version and overview."),
    paths: z.looseObject({}).describe("Every public operation."),
  })
  .describe("This document: an OpenAPI 3.1 description of the public REST API.")
  .meta({ id: "OpenApiDocument" });

/** `X-Request-Id`: sent on every response, equal to the body's `request_id` / `error.request_id`. */
export const ZRequestIdHeader = z
  .string()
  .regex(/^req_[0-9A-HJKMNP-TV-Z]{26}$/)
  .describe("Id of this request (`req_` + 26 Crockford base32 characters); equals `request_id` in the body.")
  .meta({ example: "req_01JD4Z8Q6M3T5W7Y9B1C3E5G7H" });

/** `Retry-After` on 429: whole seconds to wait before retrying. */
export const ZRetryAfterHeader = z
  .string()
  .regex(/^\d+$/)
  .describe("Seconds to wait before retrying (Meta's advertised delay, at least 1).")
  .meta({ example: "60" });

/** `X-RateLimit-*`: the organisation's bucket for this request's class (read: GET/HEAD, write: the rest). */
export const ZRateLimitLimitHeader = z
  .string()
  .regex(/^\d+$/)
  .describe("Capacity of the organisation's bucket for this request class (requests per minute).")
  .meta({ example: "600" });
export const ZRateLimitRemainingHeader = z
  .string()
  .regex(/^\d+$/)
  .describe("Requests left in the bucket (floored).")
  .meta({ example: "598" });
export const ZRateLimitResetHeader = z
  .string()
  .regex(/^\d+$/)
  .describe("Unix time (seconds) at which the bucket would be full again.")
  .meta({ example: "1795426272" });

/** `Idempotent-Replayed` on a POST sent with an `Idempotency-Key`. */
export const ZIdempotentReplayedHeader = z
  .enum(["true", "false"])
  .describe(
    "Present when the request carried an Idempotency-Key: `true` when this is the stored answer of an earlier request.",
  );
