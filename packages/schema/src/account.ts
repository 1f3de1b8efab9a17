import { z } from "zod";
import { ZCustomerEmbedded } from "./template.js";

/** A connected WhatsApp account: a row of `GET /v1/accounts`. */
export const ZAccount = z
  .object({
    object: z.literal("account").describe("Always `account`."),
    phone_number_id: z
      .string()
      .nullable()
      .describe(
        "Meta business_phone_number_id, the {phone_number_id} path segment. Null while onboarding is in flight.",
      ),
    phone_number: z.string().nullable().describe("Display phone number (E.164); null while onboarding."),
    name: z.string().nullable().describe("Verified display name; null while onboarding."),
    status: z.string().describe("Account state, e.g. connected, disconnected, degraded, onboarding."),
    customer: ZCustomerEmbedded.nullable(),
  })
  .describe("A WhatsApp account connected to the organisation.")
  .meta({ id: "Account" });
export type TAccount = z.infer<typeof ZAccount>;

export const ACCOUNT_STATUS_FILTERS = ["connected", "all"] as const;

/** Query of `GET /v1/accounts`. */
export const ZListAccountsQuery = z
  .strictObject({
    status: z
      .enum(ACCOUNT_STATUS_FILTERS, { error: "status must be connected or all (lower-case)." })
      .default("connected")
      .describe("connected (default: the only state that can send) or all."),
  })
  .describe("Query parameters of the account list.")
  .meta({ id: "ListAccountsQuery" });
export type TListAccountsQuery = z.infer<typeof ZListAccountsQuery>;
