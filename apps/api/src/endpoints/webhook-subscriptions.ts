/**
 * The endpoints of `/v1/webhook_subscriptions` and tRPC `webhooks.*` (issue 17), thin over core.webhooks; part of the
 * table (./table.ts). Every request body and query is strict: an unknown key is `unknown_parameter`.
 */
import {
  ZCreateWebhookSubscriptionRequest,
  ZListLimit,
  ZListWebhookDeliveriesQuery,
  ZListWebhookSubscriptionsQuery,
  ZRedeliverRequest,
  ZRedeliverResult,
  ZUpdateWebhookSubscriptionRequest,
  ZWebhookDeliveryAttempt,
  ZWebhookSubscription,
  ZWebhookSubscriptionDeleteResult,
  ZWebhookTestResult,
  zDataEnvelope,
  zListEnvelope,
} from "@kirim/schema";
import type { TErrorCode, TWebhookDeliveryAttempt, TWebhookSubscription } from "@kirim/schema";
import { z } from "zod";
import { EXAMPLE_REQUEST_ID } from "../openapi/examples.js";
import { infiniteQueryInput, withoutDirection } from "../trpc/paging.js";
import { endpoint } from "./define.js";

const AUTH = [
  "missing_api_key",
  "invalid_api_key",
  "expired_api_key",
  "rate_limit_exceeded",
] as const satisfies readonly TErrorCode[];
/** Every request body and query is strict: an unknown key is `unknown_parameter`. */
const BODY = [
  "invalid_json",
  "unsupported_content_type",
  "invalid_request",
  "request_too_large",
  "unknown_parameter",
] as const satisfies readonly TErrorCode[];
const IDEMPOTENCY = [
  "invalid_field_value",
  "idempotency_in_progress",
  "idempotency_key_reuse",
] as const satisfies readonly TErrorCode[];

const idempotencyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7E]+$/)
    .optional()
    .describe(
      "Makes the POST safe to retry (stored 24 h, replayed with `Idempotent-Replayed: true`); see the template create.",
    )
    .meta({ example: "5f0c7a52-4c1e-4b8e-9a57-2f3d1c0b9e61" }),
});
const idPath = z.object({
  id: z.string().min(1).describe("The subscription id (`whs_…`).").meta({ example: "whs_01JD4Z9A1B2C3D4E5F6G7H8J9K" }),
});
const documentedLimit = ZListLimit.meta({
  description: "Page size, 1–100. Default 25.",
  override: ({ jsonSchema }) => {
    delete jsonSchema.anyOf;
    Object.assign(jsonSchema, { type: "integer", minimum: 1, maximum: 100, default: 25 });
  },
});

const SUBSCRIPTION: TWebhookSubscription = {
  id: "whs_01JD4Z9A1B2C3D4E5F6G7H8J9K",
  object: "webhook_subscription",
  url: "https://hooks.example.com/kirim",
  events: ["template.status_updated", "template.category_updated", "template.quality_updated"],
  phone_number_ids: null,
  description: "Template status to our CRM",
  enabled: true,
  disabled_reason: null,
  disabled_at: null,
  consecutive_failures: 0,
  previous_secret_expires_at: null,
  created_at: "2026-11-20T03:12:40.000Z",
  updated_at: "2026-11-20T03:12:40.000Z",
};
const WITH_SECRET = { ...SUBSCRIPTION, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" };
const ATTEMPT: TWebhookDeliveryAttempt = {
  id: "wda_01JD4ZB2C3D4E5F6G7H8J9K0M1",
  object: "webhook_delivery_attempt",
  delivery_id: "wdl_01JD4ZB1C3D4E5F6G7H8J9K0M1",
  event_id: "evt_01JD4ZB0C3D4E5F6G7H8J9K0M1",
  event_type: "template.status_updated",
  attempt: 1,
  attempted_at: "2026-11-20T03:15:02.000Z",
  status_code: 200,
  latency_ms: 84,
  error: null,
  outcome: "delivered",
  next_retry_at: null,
};
/** REST reads `{id}` as it comes (an unknown id is 404 from core); tRPC's input bounds it. */
const ZIdPath = z.object({ id: z.string() });
const ZId = z.strictObject({ id: z.string().min(1).max(64) });
const data = <T>(value: T) => ({ data: value, request_id: EXAMPLE_REQUEST_ID });
const tag = "Webhooks" as const;

export const WEBHOOK_SUBSCRIPTION_ENDPOINTS = [
  endpoint({
    method: "post",
    path: "/v1/webhook_subscriptions",
    rateLimit: "write",
    idempotent: true,
    input: { body: { schema: ZCreateWebhookSubscriptionRequest, read: "object" } },
    result: { kind: "data", schema: ZWebhookSubscription },
    handler: ({ core, principal }, { body }) => core.webhooks.create(principal, body),
    rest: { headers: (created) => ({ Location: `/v1/webhook_subscriptions/${(created as { id: string }).id}` }) },
    trpc: {
      name: "webhooks.create",
      kind: "mutation",
      input: ZCreateWebhookSubscriptionRequest,
      args: (input) => ({ body: input }),
    },
    docs: {
      operationId: "createWebhookSubscription",
      summary: "Create a webhook subscription",
      description:
        "Template and sync events of the organisation are POSTed to `url`, signed with the Standard Webhooks scheme. The answer carries the signing secret (`whsec_…`) — the only time it is shown. The URL must be https to a public address unless the operator set WEBHOOK_ALLOW_PRIVATE_TARGETS=true.",
      tag,
      auth: true,
      params: { header: idempotencyHeader },
      body: {
        schema: ZCreateWebhookSubscriptionRequest,
        description: "Where to send which events.",
        examples: {
          status: {
            summary: "Status, category and quality changes",
            value: { url: SUBSCRIPTION.url, events: SUBSCRIPTION.events, description: SUBSCRIPTION.description },
          },
        },
      },
      success: {
        status: 201,
        description: "The subscription, with its secret (shown once).",
        schema: zDataEnvelope(ZWebhookSubscription),
        examples: { created: { summary: "Created", value: data(WITH_SECRET) } },
      },
      errors: [
        "missing_required_field",
        "invalid_field_value",
        "webhook_target_forbidden",
        ...BODY,
        ...IDEMPOTENCY,
        ...AUTH,
        "internal_error",
      ],
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/webhook_subscriptions",
    rateLimit: "read",
    idempotent: false,
    input: { query: ZListWebhookSubscriptionsQuery },
    result: { kind: "page", item: ZWebhookSubscription },
    handler: ({ core, principal }, { query }) => core.webhooks.list(principal, query),
    trpc: {
      name: "webhooks.list",
      kind: "query",
      input: ZListWebhookSubscriptionsQuery.extend(infiniteQueryInput),
      args: (input) => ({ query: withoutDirection(input) }),
    },
    docs: {
      operationId: "listWebhookSubscriptions",
      summary: "List webhook subscriptions",
      description: "The organisation's subscriptions, newest first, cursor-paginated. Secrets are never listed.",
      tag,
      auth: true,
      params: { query: ZListWebhookSubscriptionsQuery.extend({ limit: documentedLimit }) },
      success: {
        status: 200,
        description: "One page of subscriptions.",
        schema: zListEnvelope(ZWebhookSubscription),
        examples: {
          page: {
            summary: "One subscription",
            value: { data: [SUBSCRIPTION], has_more: false, next_cursor: null, request_id: EXAMPLE_REQUEST_ID },
          },
        },
      },
      errors: ["invalid_limit", "invalid_cursor", "unknown_parameter", ...AUTH, "internal_error"],
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/webhook_subscriptions/{id}",
    rateLimit: "read",
    idempotent: false,
    input: { path: ZIdPath },
    result: { kind: "data", schema: ZWebhookSubscription },
    handler: ({ core, principal }, { path }) => core.webhooks.get(principal, path.id),
    trpc: { name: "webhooks.get", kind: "query", input: ZId, args: (input) => ({ path: input }) },
    docs: {
      operationId: "getWebhookSubscription",
      summary: "Get a webhook subscription",
      description: "One subscription of the organisation (another organisation's id is 404).",
      tag,
      auth: true,
      params: { path: idPath },
      success: {
        status: 200,
        description: "The subscription.",
        schema: zDataEnvelope(ZWebhookSubscription),
        examples: { one: { summary: "Enabled", value: data(SUBSCRIPTION) } },
      },
      errors: [...BODY, ...AUTH, "resource_not_found", "internal_error"],
    },
  }),
  endpoint({
    method: "patch",
    path: "/v1/webhook_subscriptions/{id}",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZIdPath, body: { schema: ZUpdateWebhookSubscriptionRequest, read: "object" } },
    result: { kind: "data", schema: ZWebhookSubscription },
    handler: ({ core, principal }, { path, body }) => core.webhooks.update(principal, path.id, body),
    trpc: {
      name: "webhooks.update",
      kind: "mutation",
      input: ZId.extend({ update: ZUpdateWebhookSubscriptionRequest }),
      args: ({ id, update }) => ({ path: { id }, body: update }),
    },
    docs: {
      operationId: "updateWebhookSubscription",
      summary: "Update a webhook subscription",
      description:
        "Change the URL, events, phone number filter or description; `enabled: true` re-enables a disabled subscription (its pending events are sent again).",
      tag,
      auth: true,
      params: { path: idPath },
      body: {
        schema: ZUpdateWebhookSubscriptionRequest,
        description: "The fields to change.",
        examples: { reenable: { summary: "Enable again", value: { enabled: true } } },
      },
      success: {
        status: 200,
        description: "The subscription after the change.",
        schema: zDataEnvelope(ZWebhookSubscription),
        examples: { updated: { summary: "Enabled", value: data(SUBSCRIPTION) } },
      },
      errors: [
        "missing_required_field",
        "invalid_field_value",
        "webhook_target_forbidden",
        ...BODY,
        ...AUTH,
        "resource_not_found",
        "internal_error",
      ],
    },
  }),
  endpoint({
    method: "delete",
    path: "/v1/webhook_subscriptions/{id}",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZIdPath },
    result: { kind: "data", schema: ZWebhookSubscriptionDeleteResult },
    handler: ({ core, principal }, { path }) => core.webhooks.remove(principal, path.id),
    trpc: { name: "webhooks.delete", kind: "mutation", input: ZId, args: (input) => ({ path: input }) },
    docs: {
      operationId: "deleteWebhookSubscription",
      summary: "Delete a webhook subscription",
      description: "Stops every delivery to it at once.",
      tag,
      auth: true,
      params: { path: idPath },
      success: {
        status: 200,
        description: "Deleted.",
        schema: zDataEnvelope(ZWebhookSubscriptionDeleteResult),
        examples: {
          deleted: {
            summary: "Deleted",
            value: data({ id: SUBSCRIPTION.id, object: "webhook_subscription", deleted: true }),
          },
        },
      },
      errors: [...BODY, ...AUTH, "resource_not_found", "internal_error"],
    },
  }),
  endpoint({
    method: "post",
    path: "/v1/webhook_subscriptions/{id}/rotate_secret",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZIdPath },
    result: { kind: "data", schema: ZWebhookSubscription },
    handler: ({ core, principal }, { path }) => core.webhooks.rotateSecret(principal, path.id),
    trpc: { name: "webhooks.rotateSecret", kind: "mutation", input: ZId, args: (input) => ({ path: input }) },
    docs: {
      operationId: "rotateWebhookSecret",
      summary: "Rotate the signing secret",
      description:
        "A new secret (shown once in this answer); for 24 hours every event is signed with both the new and the previous secret, so receivers can switch without losing events.",
      tag,
      auth: true,
      params: { path: idPath, header: idempotencyHeader },
      success: {
        status: 200,
        description: "The subscription with its new secret.",
        schema: zDataEnvelope(ZWebhookSubscription),
        examples: {
          rotated: {
            summary: "Rotated",
            value: data({ ...WITH_SECRET, previous_secret_expires_at: "2026-11-21T03:12:40.000Z" }),
          },
        },
      },
      errors: [...BODY, ...IDEMPOTENCY, ...AUTH, "resource_not_found", "internal_error"],
    },
  }),
  endpoint({
    method: "post",
    path: "/v1/webhook_subscriptions/{id}/test",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZIdPath },
    result: { kind: "data", schema: ZWebhookTestResult },
    handler: ({ core, principal }, { path }) => core.webhooks.sendTest(principal, path.id),
    trpc: { name: "webhooks.sendTest", kind: "mutation", input: ZId, args: (input) => ({ path: input }) },
    docs: {
      operationId: "sendWebhookTest",
      summary: "Send a test event",
      description: "Queues a `webhook.test` event for this subscription only; its result appears in the delivery log.",
      tag,
      auth: true,
      params: { path: idPath, header: idempotencyHeader },
      success: {
        status: 202,
        description: "Queued.",
        schema: zDataEnvelope(ZWebhookTestResult),
        examples: {
          queued: {
            summary: "Queued",
            value: data({ object: "webhook_test", event_id: ATTEMPT.event_id, delivery_id: ATTEMPT.delivery_id }),
          },
        },
      },
      errors: [...BODY, ...IDEMPOTENCY, ...AUTH, "resource_not_found", "internal_error"],
    },
  }),
  endpoint({
    method: "get",
    path: "/v1/webhook_subscriptions/{id}/deliveries",
    rateLimit: "read",
    idempotent: false,
    input: { path: ZIdPath, query: ZListWebhookDeliveriesQuery },
    result: { kind: "page", item: ZWebhookDeliveryAttempt },
    handler: ({ core, principal }, { path, query }) => core.webhooks.listDeliveries(principal, path.id, query),
    trpc: {
      name: "webhooks.deliveries",
      kind: "query",
      input: ZId.extend({ ...ZListWebhookDeliveriesQuery.shape, ...infiniteQueryInput }),
      args: (input) => {
        const { id, ...query } = withoutDirection(input);
        return { path: { id }, query };
      },
    },
    docs: {
      operationId: "listWebhookDeliveries",
      summary: "List delivery attempts",
      description:
        "The delivery log, newest first: attempt, time, status code, latency, error and next retry. Cursor-paginated.",
      tag,
      auth: true,
      params: { path: idPath, query: ZListWebhookDeliveriesQuery.extend({ limit: documentedLimit }) },
      success: {
        status: 200,
        description: "One page of attempts.",
        schema: zListEnvelope(ZWebhookDeliveryAttempt),
        examples: {
          page: {
            summary: "Delivered",
            value: { data: [ATTEMPT], has_more: false, next_cursor: null, request_id: EXAMPLE_REQUEST_ID },
          },
        },
      },
      errors: ["invalid_limit", "invalid_cursor", "unknown_parameter", ...AUTH, "resource_not_found", "internal_error"],
    },
  }),
  endpoint({
    method: "post",
    path: "/v1/webhook_subscriptions/{id}/redeliver",
    rateLimit: "write",
    idempotent: true,
    input: { path: ZIdPath, body: { schema: ZRedeliverRequest, read: "object" } },
    result: { kind: "data", schema: ZRedeliverResult },
    handler: ({ core, principal }, { path, body }) => core.webhooks.redeliver(principal, path.id, body),
    trpc: {
      name: "webhooks.redeliver",
      kind: "mutation",
      input: ZId.extend({ redeliver: ZRedeliverRequest }),
      args: ({ id, redeliver }) => ({ path: { id }, body: redeliver }),
    },
    docs: {
      operationId: "redeliverWebhookEvents",
      summary: "Redeliver events",
      description:
        "Sends one event again (`event_id`), or every event whose delivery failed since a time (`since`), with the same event id.",
      tag,
      auth: true,
      params: { path: idPath, header: idempotencyHeader },
      body: {
        schema: ZRedeliverRequest,
        description: "One event, or failed events since.",
        examples: { since: { summary: "Failed since yesterday", value: { since: "2026-11-19T00:00:00Z" } } },
      },
      success: {
        status: 202,
        description: "Queued again.",
        schema: zDataEnvelope(ZRedeliverResult),
        examples: {
          queued: {
            summary: "One event",
            value: data({ object: "webhook_redelivery", queued: 1, event_ids: [ATTEMPT.event_id] }),
          },
        },
      },
      errors: [
        "missing_required_field",
        "invalid_field_value",
        ...BODY,
        ...IDEMPOTENCY,
        ...AUTH,
        "resource_not_found",
        "internal_error",
      ],
    },
  }),
] as const;
