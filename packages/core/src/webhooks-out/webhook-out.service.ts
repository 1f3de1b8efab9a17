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
  claimDueDeliveries,
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
  recordAttempts,
  releaseClaims,
  requeueDeliveries,
  subscriptionsWithDueDeliveries,
  updateSubscription,
} from "./webhook-out.repository.js";
import type { AttemptRecord, ClaimedDelivery } from "./webhook-out.repository.js";
import type { WebhookSubscriptionRow } from "./webhook-out.table.js";
import { checkWebhookTarget, createTargetAgents, DELIVERY_TIMEOUT_MS, postToTarget } from "./webhook-target.js";
import type { WebhookTargetPolicy } from "./webhook-target.js";

export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** How long a claimed delivery is held beyond its POST's timeout (room to record it); after that a process that died
 * mid-delivery loses it to another. */
const LEASE_MARGIN_MS = 5_000;
/** Deliveries claimed in one statement (each the earliest pending event of its template). */
const CLAIM_BATCH = 50;
/**
 * A claimed delivery is POSTed only if it starts within this of its claim (wall clock); the rest go back untried.
 * Every POST thus ends inside its lease (timeout + LEASE_MARGIN_MS) with time left to record it.
 */
const BATCH_SEND_WINDOW_MS = 2_000;
/** How often a job that has caught up looks for new events while it lingers. */
const IDLE_POLL_MS = 25;

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
  /**
   * Worker: delivers due events of one subscription, one at a time, until none is due (or `budgetMs` has passed),
   * waiting up to `idleMs` for new ones once caught up; returns how many were attempted.
   */
  deliverDue(subscriptionId: string, limits?: DeliverDueLimits): Promise<number>;
}

export interface DeliverDueLimits {
  /** No new batch is claimed after this long (default 20 s): the job ends and the poller sends the next. */
  budgetMs?: number | undefined;
  /** How long a caught-up job keeps looking for new events before it ends (default 0). */
  idleMs?: number | undefined;
  /** Once aborted, no new batch is claimed (the worker is stopping). */
  signal?: AbortSignal | undefined;
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
  const agents = createTargetAgents();
  const cursorFilter = (scope: string) => ({ accountId: scope, status: "webhooks", language: null });

  async function owned(principal: Principal, id: string): Promise<WebhookSubscriptionRow> {
    // Only our own id shape is looked up: anything else (a NUL, text PostgreSQL cannot compare) cannot exist.
    if (!SUBSCRIPTION_ID.test(id)) throw notFound();
    const row = await findSubscription(db, principal.organisationId, id);
    if (row === undefined) throw notFound();
    return row;
  }

  /** The current secret and, during the 24 h after a rotation, the previous one: each signs (space-separated). */
  function signers(row: WebhookSubscriptionRow, clock: Date): Webhook[] {
    const secrets = [deps.tokens.decrypt(row.secret_encrypted)];
    if (
      row.previous_secret_encrypted !== null &&
      row.previous_secret_expires_at !== null &&
      row.previous_secret_expires_at > clock
    ) {
      secrets.push(deps.tokens.decrypt(row.previous_secret_encrypted));
    }
    return secrets.map((s) => new Webhook(s));
  }

  /** One POST of a claimed delivery; never throws (a refused target or a network error is a failed attempt). */
  async function post(
    subscription: WebhookSubscriptionRow,
    delivery: ClaimedDelivery,
    signing: readonly Webhook[],
  ): Promise<{ result: AttemptResult; latencyMs: number }> {
    const body = JSON.stringify(delivery.payload);
    try {
      // The guard runs at every delivery: DNS may have moved the name to a private address since it was saved.
      const target = await checkWebhookTarget(subscription.url, policy);
      // The signed timestamp is the wall clock (receivers compare it with theirs), never an injected test clock.
      const sentAt = new Date();
      const headers = {
        "webhook-id": delivery.event_id,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signing.map((w) => w.sign(delivery.event_id, sentAt, body)).join(" "),
      };
      const posted = await postToTarget(target, headers, body, options.timeoutMs, agents);
      return {
        result: "statusCode" in posted ? { statusCode: posted.statusCode } : { error: posted.error },
        latencyMs: posted.latencyMs,
      };
    } catch (error) {
      return {
        result: {
          error:
            error instanceof DomainError
              ? `target refused: ${error.message}`
              : error instanceof Error
                ? error.message
                : String(error),
        },
        latencyMs: 0,
      };
    }
  }

  /**
   * Claims a batch of due deliveries (one statement), POSTs them one at a time in `seq` order, and records them
   * together (one statement); a verdict that disables the subscription is recorded in its own transaction and ends
   * the batch. `live` is false once the subscription is disabled or deleted.
   */
  async function deliverBatch(subscriptionId: string): Promise<{ claimed: number; attempted: number; live: boolean }> {
    const claimedAt = now();
    const leaseMs = (options.timeoutMs ?? DELIVERY_TIMEOUT_MS) + LEASE_MARGIN_MS;
    const batch = await claimDueDeliveries(
      db,
      subscriptionId,
      claimedAt,
      new Date(claimedAt.getTime() + leaseMs),
      CLAIM_BATCH,
    );
    if (batch.length === 0) return { claimed: 0, attempted: 0, live: true };
    const subscription = await findSubscriptionById(db, subscriptionId);
    if (subscription === undefined || !subscription.enabled || subscription.deleted_at !== null) {
      await releaseClaims(
        db,
        batch.map((d) => d.id),
      );
      return { claimed: batch.length, attempted: 0, live: false };
    }
    const windowEnds = performance.now() + BATCH_SEND_WINDOW_MS;
    const signing = signers(subscription, claimedAt);
    let consecutiveFailures = subscription.consecutive_failures;
    const records: AttemptRecord[] = [];
    let disabling: { record: AttemptRecord; reason: string } | undefined;
    let sent = 0;
    while (sent < batch.length && disabling === undefined && (sent === 0 || performance.now() < windowEnds)) {
      const delivery = batch[sent++] as ClaimedDelivery;
      const { result, latencyMs } = await post(subscription, delivery, signing);
      const attemptedAt = now();
      const verdict = judgeAttempt({
        result,
        attempt: delivery.attempts,
        consecutiveFailures,
        now: attemptedAt,
        random,
      });
      consecutiveFailures = verdict.consecutiveFailures;
      const statusCode = "statusCode" in result ? result.statusCode : null;
      const record: AttemptRecord = {
        delivery,
        attemptedAt,
        statusCode,
        latencyMs,
        error:
          "error" in result
            ? result.error
            : statusCode !== null && (statusCode < 200 || statusCode >= 300)
              ? `HTTP ${statusCode}`
              : null,
        outcome: verdict.outcome,
        nextRetryAt: verdict.outcome === "retrying" ? verdict.nextAttemptAt : null,
      };
      if (verdict.outcome === "subscription_disabled") disabling = { record, reason: verdict.reason };
      else records.push(record);
    }
    const untried = batch.slice(sent).map((d) => d.id);
    if (disabling === undefined) {
      const live = await recordAttempts(db, subscriptionId, records, consecutiveFailures);
      await releaseClaims(db, untried);
      return { claimed: batch.length, attempted: sent, live };
    }
    const { record, reason } = disabling;
    await db.transaction().execute(async (trx) => {
      if (records.length > 0) await recordAttempts(trx, subscriptionId, records, consecutiveFailures);
      await releaseClaims(trx, untried);
      await recordAttempt(trx, record.delivery, record);
      // This delivery stays pending: re-enabling the subscription sends it (and everything after it) again.
      await keepDeliveryPending(trx, record.delivery.id, record.attemptedAt);
      await disableSubscription(trx, subscription.id, {
        reason,
        at: record.attemptedAt,
        consecutiveFailures,
      });
      await emitOrganisationEvent(trx, {
        organisationId: subscription.organisation_id,
        type: "webhook_subscription.disabled",
        data: {
          subscription_id: subscription.id,
          url: subscription.url,
          reason,
          consecutive_failures: consecutiveFailures,
          last_status_code: record.statusCode,
          last_error: record.error,
        },
        at: record.attemptedAt,
        exclude: subscription.id,
      });
    });
    return { claimed: batch.length, attempted: sent, live: false };
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
    async deliverDue(subscriptionId, limits = {}) {
      const started = performance.now();
      const budgetMs = limits.budgetMs ?? 20_000;
      const idleMs = limits.idleMs ?? 0;
      let attempted = 0;
      let idleSince: number | undefined;
      while (performance.now() - started < budgetMs && limits.signal?.aborted !== true) {
        const batch = await deliverBatch(subscriptionId);
        attempted += batch.attempted;
        if (!batch.live) break;
        if (batch.claimed > 0) {
          idleSince = undefined;
          continue;
        }
        idleSince ??= performance.now();
        if (performance.now() - idleSince >= idleMs) break;
        await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
      }
      return attempted;
    },
  };
}
