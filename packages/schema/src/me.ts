import { z } from "zod";

/**
 * `GET /v1/me` (Kirimdev's shape, US spelling as Kirimdev writes it): who the calling key is, and the request
 * budgets it spends from. Kirimdev's multi-team `teams` list is not part of it: this server has no teams.
 */
export const ZMe = z
  .object({
    organization: z
      .object({
        id: z.string().describe("Organisation id."),
        object: z.literal("organization").describe("Always `organization`."),
        name: z.string().describe("Organisation name."),
      })
      .describe("The organisation the key belongs to."),
    api_key: z
      .object({
        id: z.string().describe("Key id (`key_…`), never the secret."),
        object: z.literal("api_key").describe("Always `api_key`."),
        label: z.string().describe("The label given to the key when it was created."),
        last4: z.string().describe("The key's last four characters, to tell keys apart."),
      })
      .describe("The API key that made this request."),
    rate_limits: z
      .object({
        tier: z
          .enum(["default", "custom"])
          .describe(
            "`default`: the server's limits (Kirimdev's default tier, 60 writes / 600 reads per minute unless the operator changed them); `custom`: limits set for this organisation.",
          ),
        write_per_minute: z
          .number()
          .int()
          .positive()
          .describe("Capacity of the write bucket (POST, PUT, PATCH, DELETE), requests per minute."),
        read_per_minute: z
          .number()
          .int()
          .positive()
          .describe("Capacity of the read bucket (GET, HEAD), requests per minute."),
      })
      .describe("The organisation's request buckets (see the X-RateLimit-* headers)."),
  })
  .describe("The calling API key, its organisation and its rate limits.")
  .meta({ id: "Me" });
export type TMe = z.infer<typeof ZMe>;
