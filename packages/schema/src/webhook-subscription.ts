/**
 * Outbound webhooks (issue 17): subscriptions, the events we send, and the delivery log.
 */
import { z } from "zod";
import { ZListCursor, ZListLimit } from "./template.js";

const isoTimestamp = (what: string) => z.iso.datetime({ offset: true }).describe(`${what} (ISO 8601, UTC).`);

/** Every event type a subscription may ask for. */
export const WEBHOOK_EVENT_TYPES = [
  "template.created",
  "template.status_updated",
  "template.category_updated",
  "template.quality_updated",
  "template.components_updated",
  "template.deleted",
  "template_sync.completed",
  "template_sync.failed",
  "webhook_subscription.disabled",
] as const;
export type TWebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const ZWebhookUrl = z
  .string()
  .min(1)
  .max(2048)
  .describe("Where events are POSTed: https to a public address (see WEBHOOK_ALLOW_PRIVATE_TARGETS).");
const ZEventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .describe("Event types delivered to this subscription.");

export const ZCreateWebhookSubscriptionRequest = z
  .strictObject({
    url: ZWebhookUrl,
    events: ZEventTypes,
    phone_number_ids: z
      .array(z.string().regex(/^\d{6,20}$/, "a phone_number_id is 6 to 20 digits"))
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .describe("Only template events of these phone numbers (default: every account of the organisation)."),
    description: z.string().max(500).nullable().optional(),
  })
  .meta({ id: "CreateWebhookSubscriptionRequest" });
export type TCreateWebhookSubscriptionRequest = z.infer<typeof ZCreateWebhookSubscriptionRequest>;

export const ZUpdateWebhookSubscriptionRequest = z
  .strictObject({
    url: ZWebhookUrl.optional(),
    events: ZEventTypes.optional(),
    enabled: z
      .boolean()
      .optional()
      .describe("true re-enables a disabled subscription (its consecutive-failure count starts again)."),
    phone_number_ids: ZCreateWebhookSubscriptionRequest.shape.phone_number_ids,
    description: z.string().max(500).nullable().optional(),
  })
  .meta({ id: "UpdateWebhookSubscriptionRequest" });
export type TUpdateWebhookSubscriptionRequest = z.infer<typeof ZUpdateWebhookSubscriptionRequest>;

export const ZWebhookSubscription = z
  .object({
    id: z.string().describe("`whs_` + ULID."),
    object: z.literal("webhook_subscription"),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    phone_number_ids: z.array(z.string()).nullable(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabled_reason: z
      .string()
      .nullable()
      .describe("Why delivery stopped: `endpoint_gone` (410) or `consecutive_failures`."),
    disabled_at: isoTimestamp("When it was disabled").nullable(),
    consecutive_failures: z.number().int(),
    secret: z.string().optional().describe("`whsec_…`: shown only in the answers of create and rotate_secret."),
    previous_secret_expires_at: isoTimestamp(
      "Until when the previous secret also signs (24 h after a rotation)",
    ).nullable(),
    created_at: isoTimestamp("Created"),
    updated_at: isoTimestamp("Last changed"),
  })
  .meta({ id: "WebhookSubscription" });
export type TWebhookSubscription = z.infer<typeof ZWebhookSubscription>;

export const ZWebhookSubscriptionDeleteResult = z
  .object({ id: z.string(), object: z.literal("webhook_subscription"), deleted: z.literal(true) })
  .meta({ id: "WebhookSubscriptionDeleteResult" });

/** One attempt of the delivery log. */
export const ZWebhookDeliveryAttempt = z
  .object({
    id: z.string().describe("`wda_` + ULID."),
    object: z.literal("webhook_delivery_attempt"),
    delivery_id: z.string(),
    event_id: z.string().describe("The event's id (the `webhook-id` header)."),
    event_type: z.string(),
    attempt: z.number().int().describe("1 for the first try of this delivery."),
    attempted_at: isoTimestamp("When the request was sent"),
    status_code: z.number().int().nullable().describe("The receiver's HTTP status; null when none arrived."),
    latency_ms: z.number().int(),
    error: z.string().nullable().describe("Why it failed (timeout, connection refused, refused target, non-2xx)."),
    outcome: z.enum(["delivered", "retrying", "failed", "subscription_disabled"]),
    next_retry_at: isoTimestamp("When the next try is due").nullable(),
  })
  .meta({ id: "WebhookDeliveryAttempt" });
export type TWebhookDeliveryAttempt = z.infer<typeof ZWebhookDeliveryAttempt>;

export const ZListWebhookDeliveriesQuery = z
  .object({ limit: ZListLimit, cursor: ZListCursor.optional() })
  .meta({ id: "ListWebhookDeliveriesQuery" });
export type TListWebhookDeliveriesQuery = z.infer<typeof ZListWebhookDeliveriesQuery>;

export const ZListWebhookSubscriptionsQuery = z
  .object({ limit: ZListLimit, cursor: ZListCursor.optional() })
  .meta({ id: "ListWebhookSubscriptionsQuery" });
export type TListWebhookSubscriptionsQuery = z.infer<typeof ZListWebhookSubscriptionsQuery>;

export const ZRedeliverRequest = z
  .strictObject({
    event_id: z
      .string()
      .regex(/^evt_[0-9A-Z]{26}$/, {
        error: "event_id must be an event id (evt_ followed by 26 characters), as in the webhook-id header.",
      })
      .optional()
      .describe("Send this event again."),
    since: isoTimestamp("Send again every event whose delivery failed since").optional(),
  })
  .refine((v) => (v.event_id === undefined) !== (v.since === undefined), {
    message: "give exactly one of event_id and since",
    path: ["event_id"],
  })
  .meta({ id: "RedeliverRequest" });
export type TRedeliverRequest = z.infer<typeof ZRedeliverRequest>;

export const ZRedeliverResult = z
  .object({ object: z.literal("webhook_redelivery"), queued: z.number().int(), event_ids: z.array(z.string()) })
  .meta({ id: "RedeliverResult" });
export type TRedeliverResult = z.infer<typeof ZRedeliverResult>;

export const ZWebhookTestResult = z
  .object({ object: z.literal("webhook_test"), event_id: z.string(), delivery_id: z.string() })
  .meta({ id: "WebhookTestResult" });
export type TWebhookTestResult = z.infer<typeof ZWebhookTestResult>;

/** The body we POST: Standard Webhooks' `{type, timestamp, data}` plus our stable id. */
export const ZWebhookEvent = z
  .object({
    id: z.string().describe("`evt_` + ULID; also the `webhook-id` header. Deduplicate on it."),
    type: z.string(),
    timestamp: isoTimestamp("When the change happened"),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "WebhookEvent" });
export type TWebhookEvent = z.infer<typeof ZWebhookEvent>;
