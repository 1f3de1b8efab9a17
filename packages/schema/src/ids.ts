import { z } from "zod";

/**
 * Crockford base32 alphabet used by Kirimdev's prefixed ids: digits and upper-case letters without I, L, O, U.
 * Ids are `<prefix>_` + 26 of these characters (ULID-like, time-sortable, but clients must not rely on it).
 */
export const CROCKFORD_BASE32_26 = "[0-9A-HJKMNP-TV-Z]{26}";

/** Meta's `phone_number_id` (digits only, 6–20) — the `{phone_number_id}` path segment of every phone-scoped route. */
export const ZPhoneNumberId = z
  .string()
  .regex(/^\d{6,20}$/, { error: "phone_number_id must be 6 to 20 digits (Meta's business phone_number_id)." })
  .describe(
    "Meta WhatsApp Business phone_number_id of the connected account that should send / own this resource. Discoverable via GET /v1/accounts.",
  )
  .meta({ id: "PhoneNumberId", example: "106540352242922" });
export type TPhoneNumberId = z.infer<typeof ZPhoneNumberId>;

/** Route params of every phone-scoped endpoint; a failure maps to `invalid_phone_number_id` through `firstIssue`. */
export const ZPhoneNumberIdParams = z
  .object({ phone_number_id: ZPhoneNumberId })
  .describe("Path parameters of /v1/{phone_number_id}/… routes.");
export type TPhoneNumberIdParams = z.infer<typeof ZPhoneNumberIdParams>;

/** Template id: `tmpl_` + 26 Crockford base32 characters (32 characters in total). */
export const ZTemplateId = z
  .string()
  .regex(new RegExp(`^tmpl_${CROCKFORD_BASE32_26}$`), {
    error: "Template ids are `tmpl_` followed by 26 Crockford base32 characters.",
  })
  .describe("Kirim template id: `tmpl_` followed by 26 Crockford base32 characters.")
  .meta({ id: "TemplateId", example: "tmpl_01HXYZABCDEFGHJKMNPQRSTVWX" });
export type TTemplateId = z.infer<typeof ZTemplateId>;

/** Request id: `req_` + 26 Crockford base32 characters; echoed in every response body and the `X-Request-Id` header. */
export const ZRequestId = z
  .string()
  .regex(new RegExp(`^req_${CROCKFORD_BASE32_26}$`), {
    error: "Request ids are `req_` followed by 26 Crockford base32 characters.",
  })
  .describe(
    "Id of the HTTP request that produced this response; also sent as the X-Request-Id header. Quote it in support requests.",
  )
  .meta({ id: "RequestId", example: "req_01HXYZABCDEFGHJKMNPQRSTVWX" });
export type TRequestId = z.infer<typeof ZRequestId>;

/** Customer id (`cus_…`). Tolerant on read: only the prefix is checked, so ids minted by other systems still parse. */
export const ZCustomerId = z
  .string()
  .describe("End-customer id (`cus_` + 26 Crockford base32 characters) in multi-tenant platform mode.")
  .meta({ example: "cus_01HXYZABCDEFGHJKMNPQRSTVWX" });
