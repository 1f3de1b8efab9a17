/**
 * Outbound webhooks (issue 17): subscriptions of an organisation, the delivery log, redelivery, and the delivery
 * step the worker runs (claim → check target → sign → POST → judge → record).
 */
import { toPage } from "../lib/keyset-page.js";
import { randomBytes } from "node:crypto";
import type {
  TCreateWebhookSubscriptionRequest,
  TListWebhookDeliveriesQuery,
  TListWebhookSubscriptionsQuery,
  TRedeliverRequest,
  TRedeliverResult,
  TUpdateWebhookSubscriptionRequest,
  TWebhookDeliveryAttempt,
  TWebhookSubscription,
  TWebhookTestResult,
} from "@kirim/schema";
import type { Kysely } from "kysely";
import { Webhook } from "standardwebhooks";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import { newId } from "../lib/ids.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";
import { decodeCursor, encodeCursor } from "../templates/template-cursor.js";
import type { Principal } from "../base.js";
import { emitOrganisationEvent } from "./outbox.js";
import { judgeAttempt } from "./retry-policy.js";
import type { AttemptResult } from "./retry-policy.js";
import {
  claimNextDelivery,
  deliveryIdOfEvent,
  disableSubscription,
  findDeliveryOfEvent,
  findSubscription,
  findSubscriptionById,
  insertSubscription,
  keepDeliveryPending,
  listAttempts,
  listSubscriptions,
  recordAttempt,
  releaseClaim,
  requeueDeliveries,
  setConsecutiveFailures,
  subscriptionsWithDueDeliveries,
  updateSubscription,
} from "./webhook-out.repository.js";
import type { WebhookSubscriptionRow } from "./webhook-out.table.js";
import { checkWebhookTarget, DELIVERY_TIMEOUT_MS, postToTarget } from "./webhook-target.js";
import type { WebhookTargetPolicy } from "./webhook-target.js";

export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** How long a claimed delivery is held beyond its POST's timeout (room to record it); after that a process that died
 * mid-delivery loses it to another. */
const LEASE_MARGIN_MS = 5_000;

export interface WebhooksOutOptions {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: private/loopback targets and plain http allowed. Default false. */
  allowPrivateTargets?: boolean | undefined;
  resolver?: WebhookTargetPolicy["resolver"];
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number | undefined;
  random?: (() => number) | undefined;
}

export interface WebhooksOutService {
  create(principal: Principal, input: TCreateWebhookSubscriptionRequest): Promise<TWebhookSubscription>;
  list(
    principal: Principal,
    query: TListWebhookSubscriptionsQuery,
  ): Promise<{ data: TWebhookSubscription[]; has_more: boolean; next_cursor: string | null }>;
  get(principal: Principal, id: string): Promise<TWebhookSubscription>;
  update(principal: Principal, id: string, input: TUpdateWebhookSubscriptionRequest): Promise<TWebhookSubscription>;
  remove(principal: Principal, id: string): Promise<{ id: string; object: "webhook_subscription"; deleted: true }>;
  rotateSecret(principal: Principal, id: string): Promise<TWebhookSubscription>;
  sendTest(principal: Principal, id: string): Promise<TWebhookTestResult>;
  listDeliveries(
    principal: Principal,
    id: string,
    query: TListWebhookDeliveriesQuery,
  ): Promise<{ data: TWebhookDeliveryAttempt[]; has_more: boolean; next_cursor: string | null }>;
  redeliver(principal: Principal, id: string, input: TRedeliverRequest): Promise<TRedeliverResult>;
  /** Worker: subscriptions with a delivery due now. */
  dueSubscriptionIds(limit?: number): Promise<string[]>;
  /** Worker: delivers due events of one subscription, one at a time, up to `max`; returns how many were attempted. */
  deliverDue(subscriptionId: string, max?: number): Promise<number>;
}

interface Deps {
  db: Kysely<Database>;
  now: () => Date;
  cursorSecret: string;
  tokens: TokenCipher;
}

/** `whs_` + a ULID (newId). */
const SUBSCRIPTION_ID = /^whs_[0-9A-HJKMNP-TV-Z]{26}$/;

function notFound(): DomainError {
  return new DomainError("resource_not_found", "No webhook subscription with this id in your organisation.", {
    param: "id",
  });
}

function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

function toWire(row: WebhookSubscriptionRow, secret?: string): TWebhookSubscription {
  return {
    id: row.id,
    object: "webhook_subscription",
    url: row.url,
    events: row.events as TWebhookSubscription["events"],
    phone_number_ids: row.phone_number_ids,
    description: row.description,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    disabled_at: row.disabled_at?.toISOString() ?? null,
    consecutive_failures: row.consecutive_failures,
    ...(secret !== undefined ? { secret } : {}),
    previous_secret_expires_at: row.previous_secret_expires_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function createWebhooksOutService(deps: Deps, options: WebhooksOutOptions = {}): WebhooksOutService {
  const { db, now } = deps;
  const policy: WebhookTargetPolicy = {
    allowPrivateTargets: options.allowPrivateTargets === true,
    resolver: options.resolver,
  };
  const random = options.random ?? Math.random;
  const cursorFilter = (scope: string) => ({ accountId: scope, status: "webhooks", language: null });

  async function owned(principal: Principal, id: string): Promise<WebhookSubscriptionRow> {
    // Only our own id shape is looked up: anything else (a NUL, text PostgreSQL cannot compare) cannot exist.
    if (!SUBSCRIPTION_ID.test(id)) throw notFound();
    const row = await findSubscription(db, principal.organisationId, id);
    if (row === undefined) throw notFound();
    return row;
  }

  /** Signatures with the current secret and, during the 24 h after a rotation, the previous one (space-separated). */
  function signatures(row: WebhookSubscriptionRow, id: string, at: Date, body: string, clock: Date): string {
    const secrets = [deps.tokens.decrypt(row.secret_encrypted)];
    if (
      row.previous_secret_encrypted !== null &&
      row.previous_secret_expires_at !== null &&
      row.previous_secret_expires_at > clock
    ) {
      secrets.push(deps.tokens.decrypt(row.previous_secret_encrypted));
    }
    return secrets.map((s) => new Webhook(s).sign(id, at, body)).join(" ");
  }

  async function attemptOne(subscriptionId: string): Promise<boolean> {
    const claimedAt = now();
    const leaseMs = (options.timeoutMs ?? DELIVERY_TIMEOUT_MS) + LEASE_MARGIN_MS;
    const delivery = await claimNextDelivery(db, subscriptionId, claimedAt, new Date(claimedAt.getTime() + leaseMs));
    if (delivery === undefined) return false;
    const subscription = await findSubscriptionById(db, subscriptionId);
    if (subscription === undefined || !subscription.enabled || subscription.deleted_at !== null) {
      await releaseClaim(db, delivery);
      return false;
    }
    const body = JSON.stringify(delivery.payload);
    let result: AttemptResult;
    let latencyMs = 0;
    try {
      // The guard runs at every delivery: DNS may have moved the name to a private address since it was saved.
      const target = await checkWebhookTarget(subscription.url, policy);
      // The signed timestamp is the wall clock (receivers compare it with theirs), never an injected test clock.
      const sentAt = new Date();
      const headers = {
        "webhook-id": delivery.event_id,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signatures(subscription, delivery.event_id, sentAt, body, claimedAt),
      };
      const posted = await postToTarget(target, headers, body, options.timeoutMs);
      latencyMs = posted.latencyMs;
      result = "statusCode" in posted ? { statusCode: posted.statusCode } : { error: posted.error };
    } catch (error) {
      result = {
        error:
          error instanceof DomainError
            ? `target refused: ${error.message}`
            : error instanceof Error
              ? error.message
              : String(error),
      };
    }
    const attemptedAt = now();
    const verdict = judgeAttempt({
      result,
      attempt: delivery.attempts,
      consecutiveFailures: subscription.consecutive_failures,
      now: attemptedAt,
      random,
    });
    const statusCode = "statusCode" in result ? result.statusCode : null;
    const error =
      "error" in result
        ? result.error
        : statusCode !== null && (statusCode < 200 || statusCode >= 300)
          ? `HTTP ${statusCode}`
          : null;
    await db.transaction().execute(async (trx) => {
      await recordAttempt(trx, delivery, {
        attemptedAt,
        statusCode,
        latencyMs,
        error,
        outcome: verdict.outcome,
        nextRetryAt: verdict.outcome === "retrying" ? verdict.nextAttemptAt : null,
      });
      if (verdict.outcome === "subscription_disabled") {
        // This delivery stays pending: re-enabling the subscription sends it (and everything after it) again.
        await keepDeliveryPending(trx, delivery.id, attemptedAt);
        await disableSubscription(trx, subscription.id, {
          reason: verdict.reason,
          at: attemptedAt,
          consecutiveFailures: verdict.consecutiveFailures,
        });
        await emitOrganisationEvent(trx, {
          organisationId: subscription.organisation_id,
          type: "webhook_subscription.disabled",
          data: {
            subscription_id: subscription.id,
            url: subscription.url,
            reason: verdict.reason,
            consecutive_failures: verdict.consecutiveFailures,
            last_status_code: statusCode,
            last_error: error,
          },
          at: attemptedAt,
          exclude: subscription.id,
        });
      } else {
        await setConsecutiveFailures(trx, subscription.id, verdict.consecutiveFailures);
      }
    });
    return verdict.outcome !== "subscription_disabled";
  }

  return {
    async create(principal, input) {
      await checkWebhookTarget(input.url, policy);
      const at = now();
      const secret = newSecret();
      const row = await insertSubscription(db, {
        id: newId("whs", at.getTime()),
        organisation_id: principal.organisationId,
        url: input.url,
        events: JSON.stringify([...new Set(input.events)]),
        phone_number_ids: input.phone_number_ids ? JSON.stringify(input.phone_number_ids) : null,
        description: input.description ?? null,
        disabled_reason: null,
        disabled_at: null,
        secret_encrypted: deps.tokens.encrypt(secret),
        previous_secret_encrypted: null,
        previous_secret_expires_at: null,
        deleted_at: null,
        created_at: at,
        updated_at: at,
      });
      return toWire(row, secret);
    },
    async list(principal, query) {
      const filter = cursorFilter(principal.organisationId);
      const after = query.cursor !== undefined ? decodeCursor(deps.cursorSecret, query.cursor, filter) : undefined;
      const rows = await listSubscriptions(db, principal.organisationId, after, query.limit + 1);
      return toPage(
        rows,
        query.limit,
        (r) => toWire(r),
        (last) => encodeCursor(deps.cursorSecret, { createdAt: last.created_at, id: last.id }, filter),
      );
    },
    async get(principal, id) {
      return toWire(await owned(principal, id));
    },
    async update(principal, id, input) {
      const current = await owned(principal, id);
      if (input.url !== undefined) await checkWebhookTarget(input.url, policy);
      const at = now();
      const reenable = input.enabled === true && !current.enabled;
      const row = await updateSubscription(db, principal.organisationId, id, {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: JSON.stringify([...new Set(input.events)]) } : {}),
        ...(input.phone_number_ids !== undefined
          ? { phone_number_ids: input.phone_number_ids === null ? null : JSON.stringify(input.phone_number_ids) }
          : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.enabled === false ? { enabled: false, disabled_reason: "disabled_by_user", disabled_at: at } : {}),
        ...(reenable ? { enabled: true, disabled_reason: null, disabled_at: null, consecutive_failures: 0 } : {}),
        updated_at: at,
      });
      if (row === undefined) throw notFound();
      return toWire(row);
    },
    async remove(principal, id) {
      await owned(principal, id);
      const at = now();
      const row = await updateSubscription(db, principal.organisationId, id, {
        deleted_at: at,
        enabled: false,
        updated_at: at,
      });
      if (row === undefined) throw notFound();
      return { id, object: "webhook_subscription", deleted: true };
    },
    async rotateSecret(principal, id) {
      const current = await owned(principal, id);
      const at = now();
      const secret = newSecret();
      const row = await updateSubscription(db, principal.organisationId, id, {
        secret_encrypted: deps.tokens.encrypt(secret),
        previous_secret_encrypted: current.secret_encrypted,
        previous_secret_expires_at: new Date(at.getTime() + SECRET_OVERLAP_MS),
        updated_at: at,
      });
      if (row === undefined) throw notFound();
      return toWire(row, secret);
    },
    async sendTest(principal, id) {
      const row = await owned(principal, id);
      if (!row.enabled)
        throw new DomainError(
          "invalid_field_value",
          "The subscription is disabled; enable it (PATCH enabled: true) before sending a test.",
          { param: "enabled" },
        );
      const at = now();
      const emitted = await db.transaction().execute((trx) =>
        emitOrganisationEvent(trx, {
          organisationId: principal.organisationId,
          type: "webhook.test",
          data: { subscription_id: id, message: "A test event from the template service." },
          at,
          only: id,
        }),
      );
      if (emitted === undefined) throw notFound();
      return {
        object: "webhook_test",
        event_id: emitted.eventId,
        delivery_id: await deliveryIdOfEvent(db, emitted.eventId),
      };
    },
    async listDeliveries(principal, id, query) {
      await owned(principal, id);
      const filter = cursorFilter(`deliveries:${id}`);
      const after = query.cursor !== undefined ? decodeCursor(deps.cursorSecret, query.cursor, filter) : undefined;
      const rows = await listAttempts(db, id, after, query.limit + 1);
      return toPage(
        rows,
        query.limit,
        (r) => ({
          id: r.id,
          object: "webhook_delivery_attempt" as const,
          delivery_id: r.delivery_id,
          event_id: r.event_id,
          event_type: r.event_type,
          attempt: r.attempt,
          attempted_at: r.attempted_at.toISOString(),
          status_code: r.status_code,
          latency_ms: r.latency_ms,
          error: r.error,
          outcome: r.outcome,
          next_retry_at: r.next_retry_at?.toISOString() ?? null,
        }),
        (last) => encodeCursor(deps.cursorSecret, { createdAt: last.attempted_at, id: last.id }, filter),
      );
    },
    async redeliver(principal, id, input) {
      await owned(principal, id);
      const selector =
        input.event_id !== undefined ? { eventId: input.event_id } : { failedSince: new Date(input.since ?? 0) };
      const eventIds = await requeueDeliveries(db, id, selector, now());
      if (input.event_id !== undefined && eventIds.length === 0) {
        const exists = await findDeliveryOfEvent(db, id, input.event_id);
        if (exists === undefined)
          throw new DomainError("resource_not_found", "This subscription has no delivery of that event.", {
            param: "event_id",
          });
        // Still pending: it is already queued.
        return { object: "webhook_redelivery", queued: 0, event_ids: [] };
      }
      return { object: "webhook_redelivery", queued: eventIds.length, event_ids: eventIds };
    },
    async dueSubscriptionIds(limit = 500) {
      return subscriptionsWithDueDeliveries(db, now(), limit);
    },
    async deliverDue(subscriptionId, max = 50) {
      let attempted = 0;
      while (attempted < max) {
        const more = await attemptOne(subscriptionId);
        if (!more) break;
        attempted++;
      }
      return attempted;
    },
  };
}
