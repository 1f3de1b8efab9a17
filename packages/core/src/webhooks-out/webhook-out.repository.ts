/**
 * SQL of outbound webhooks: subscriptions, the outbox (and the accounts and templates its events render), deliveries and
 * the attempt log.
 */
import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import type { AccountWithCustomer } from "../accounts/account.repository.js";
import type { Database } from "../db/schema.js";
import { newId } from "../lib/ids.js";
import type { TemplateRow } from "../templates/template.table.js";
import type {
  WebhookAttemptOutcome,
  WebhookDeliveryRow,
  WebhookSubscriptionRow,
  WebhookSubscriptionTable,
} from "./webhook-out.table.js";
import type { Insertable, Updateable } from "kysely";

type Db = Kysely<Database> | Transaction<Database>;

export interface Keyset {
  createdAt: Date;
  id: string;
}

export async function insertSubscription(
  db: Db,
  row: Insertable<WebhookSubscriptionTable>,
): Promise<WebhookSubscriptionRow> {
  return db.insertInto("webhook_subscriptions").values(row).returningAll().executeTakeFirstOrThrow();
}

/** A live subscription of this organisation (another organisation's id reads as absent). */
export async function findSubscription(
  db: Db,
  organisationId: string,
  id: string,
): Promise<WebhookSubscriptionRow | undefined> {
  return db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where("id", "=", id)
    .where("organisation_id", "=", organisationId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function findSubscriptionById(db: Db, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return db.selectFrom("webhook_subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listSubscriptions(
  db: Db,
  organisationId: string,
  after: Keyset | undefined,
  limit: number,
): Promise<WebhookSubscriptionRow[]> {
  let q = db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("deleted_at", "is", null);
  if (after !== undefined)
    q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

export async function updateSubscription(
  db: Db,
  organisationId: string,
  id: string,
  update: Updateable<WebhookSubscriptionTable>,
): Promise<WebhookSubscriptionRow | undefined> {
  return db
    .updateTable("webhook_subscriptions")
    .set(update)
    .where("id", "=", id)
    .where("organisation_id", "=", organisationId)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/** Enabled subscriptions of the organisations that may receive `types` (filtering by phone number is the caller's). */
export async function listEnabledSubscriptions(
  db: Db,
  organisationIds: readonly string[],
): Promise<WebhookSubscriptionRow[]> {
  if (organisationIds.length === 0) return [];
  return db
    .selectFrom("webhook_subscriptions")
    .selectAll()
    .where("organisation_id", "in", [...organisationIds])
    .where("enabled", "=", true)
    .where("deleted_at", "is", null)
    .orderBy("id")
    .execute();
}

export interface OutboxEvent {
  id: string;
  organisationId: string;
  type: string;
  payload: unknown;
  occurredAt: Date;
  orderingKey: string;
  subscriptionIds: readonly string[];
}

/**
 * A new delivery is due at once, whatever clock the worker compares with (a Meta event's time may be ahead of an
 * injected test clock, or of another instance's): the epoch, not "now".
 */
const DUE_AT_ONCE = new Date(0);

/** Writes events and one pending delivery per subscription, in the caller's transaction. */
export async function insertOutboxEvents(db: Db, events: readonly OutboxEvent[], now: Date): Promise<void> {
  const withTargets = events.filter((e) => e.subscriptionIds.length > 0);
  if (withTargets.length === 0) return;
  await db
    .insertInto("webhook_out_events")
    .values(
      withTargets.map((e) => ({
        id: e.id,
        organisation_id: e.organisationId,
        type: e.type,
        payload: JSON.stringify(e.payload),
        occurred_at: e.occurredAt,
      })),
    )
    .execute();
  // Insert order = `seq` order, which is the delivery order of one template's events.
  await db
    .insertInto("webhook_deliveries")
    .values(
      withTargets.flatMap((e) =>
        e.subscriptionIds.map((subscriptionId) => ({
          id: newId("wdl"),
          subscription_id: subscriptionId,
          event_id: e.id,
          ordering_key: e.orderingKey,
          state: "pending" as const,
          next_attempt_at: DUE_AT_ONCE,
          created_at: now,
        })),
      ),
    )
    .execute();
}

/** Subscriptions with a delivery due now that nobody holds. */
export async function subscriptionsWithDueDeliveries(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_subscriptions as s", "s.id", "d.subscription_id")
    .select("d.subscription_id")
    .distinct()
    .where("d.state", "=", "pending")
    .where("d.next_attempt_at", "<=", now)
    .where((eb) => eb.or([eb("d.locked_until", "is", null), eb("d.locked_until", "<", now)]))
    .where("s.enabled", "=", true)
    .where("s.deleted_at", "is", null)
    .limit(limit)
    .execute();
  return rows.map((r) => r.subscription_id);
}

export type ClaimedDelivery = WebhookDeliveryRow & { payload: unknown; type: string };

/**
 * Takes up to `limit` due deliveries of a subscription, each the earliest pending one of its ordering key (a
 * template): a batch never holds two events of one template, and an event waits until every earlier event of its
 * template is settled (in-order per template). Leased until `lockedUntil`; SKIP LOCKED + the lease make a delivery go
 * to one worker in one process at a time; an expired lease (its process died) is taken over. One statement, the
 * events' bodies included; returned in `seq` order.
 *
 * `OFFSET 0` keeps the ordering check a correlated subplan, probed once per candidate (by the index
 * `webhook_deliveries_pending_ordering` once statistics are current). As an anti join it was planned, with the
 * statistics of a table that had just received a burst of events, as a scan of every pending delivery per candidate:
 * 540 ms per claim at 8,600 pending (docs/benchmarks.md, 5.).
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  subscriptionId: string,
  now: Date,
  lockedUntil: Date,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const result = await sql<ClaimedDelivery>`
    WITH picked AS (
      SELECT d.id FROM webhook_deliveries d
      WHERE d.subscription_id = ${subscriptionId} AND d.state = 'pending' AND d.next_attempt_at <= ${now}
        AND (d.locked_until IS NULL OR d.locked_until < ${now})
        AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.subscription_id = d.subscription_id AND p.ordering_key = d.ordering_key AND p.state = 'pending' AND p.seq < d.seq
          OFFSET 0
        )
      ORDER BY d.seq
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE webhook_deliveries d SET locked_until = ${lockedUntil}, attempts = d.attempts + 1
    FROM picked, webhook_out_events e
    WHERE d.id = picked.id AND e.id = d.event_id
    RETURNING d.*, e.payload AS payload, e.type AS type`.execute(db);
  return result.rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
}

export interface AttemptRecord {
  delivery: WebhookDeliveryRow;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  outcome: WebhookAttemptOutcome;
  nextRetryAt: Date | null;
}

function deliveryState(outcome: WebhookAttemptOutcome): "delivered" | "pending" | "failed" {
  return outcome === "delivered" ? "delivered" : outcome === "retrying" ? "pending" : "failed";
}

/**
 * Records a batch of attempts in one statement (one commit): their log rows, their deliveries' new state, and the
 * subscription's consecutive-failure count (written only when it changed). Returns whether the subscription is still
 * enabled and not deleted (read before this statement's writes).
 */
export async function recordAttempts(
  db: Db,
  subscriptionId: string,
  attempts: readonly AttemptRecord[],
  consecutiveFailures: number,
): Promise<boolean> {
  const rows = attempts.map((a) => ({
    attempt_id: newId("wda"),
    delivery_id: a.delivery.id,
    attempt: a.delivery.attempts,
    attempted_at: a.attemptedAt.toISOString(),
    status_code: a.statusCode,
    latency_ms: a.latencyMs,
    error: a.error,
    outcome: a.outcome,
    next_retry_at: a.nextRetryAt?.toISOString() ?? null,
    state: deliveryState(a.outcome),
  }));
  const result = await sql<{ live: boolean }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        attempt_id text, delivery_id text, attempt integer, attempted_at timestamptz, status_code integer,
        latency_ms integer, error text, outcome text, next_retry_at timestamptz, state text)
    ), logged AS (
      INSERT INTO webhook_delivery_attempts
        (id, delivery_id, subscription_id, attempt, attempted_at, status_code, latency_ms, error, outcome, next_retry_at)
      SELECT attempt_id, delivery_id, ${subscriptionId}, attempt, attempted_at, status_code, latency_ms, error, outcome,
        next_retry_at FROM input
    ), settled AS (
      UPDATE webhook_deliveries d SET
        state = i.state, locked_until = NULL, last_status_code = i.status_code, last_error = i.error,
        next_attempt_at = COALESCE(i.next_retry_at, d.next_attempt_at),
        delivered_at = CASE WHEN i.state = 'delivered' THEN i.attempted_at ELSE d.delivered_at END
      FROM input i WHERE d.id = i.delivery_id
    ), counted AS (
      UPDATE webhook_subscriptions SET consecutive_failures = ${consecutiveFailures}
      WHERE id = ${subscriptionId} AND consecutive_failures <> ${consecutiveFailures}
    )
    SELECT enabled AND deleted_at IS NULL AS live FROM webhook_subscriptions WHERE id = ${subscriptionId}`.execute(db);
  return result.rows[0]?.live === true;
}

export async function recordAttempt(
  db: Db,
  delivery: WebhookDeliveryRow,
  attempt: Omit<AttemptRecord, "delivery">,
): Promise<void> {
  await db
    .insertInto("webhook_delivery_attempts")
    .values({
      id: newId("wda"),
      delivery_id: delivery.id,
      subscription_id: delivery.subscription_id,
      attempt: delivery.attempts,
      attempted_at: attempt.attemptedAt,
      status_code: attempt.statusCode,
      latency_ms: attempt.latencyMs,
      error: attempt.error,
      outcome: attempt.outcome,
      next_retry_at: attempt.nextRetryAt,
    })
    .execute();
  const state = deliveryState(attempt.outcome);
  await db
    .updateTable("webhook_deliveries")
    .set({
      state,
      locked_until: null,
      last_status_code: attempt.statusCode,
      last_error: attempt.error,
      ...(attempt.nextRetryAt !== null ? { next_attempt_at: attempt.nextRetryAt } : {}),
      ...(state === "delivered" ? { delivered_at: attempt.attemptedAt } : {}),
    })
    .where("id", "=", delivery.id)
    .execute();
}

export interface AttemptLogRow {
  id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  attempted_at: Date;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  outcome: WebhookAttemptOutcome;
  next_retry_at: Date | null;
}

export async function listAttempts(
  db: Db,
  subscriptionId: string,
  after: Keyset | undefined,
  limit: number,
): Promise<AttemptLogRow[]> {
  let q = db
    .selectFrom("webhook_delivery_attempts as a")
    .innerJoin("webhook_deliveries as d", "d.id", "a.delivery_id")
    .innerJoin("webhook_out_events as e", "e.id", "d.event_id")
    .select([
      "a.id",
      "a.delivery_id",
      "d.event_id",
      "e.type as event_type",
      "a.attempt",
      "a.attempted_at",
      "a.status_code",
      "a.latency_ms",
      "a.error",
      "a.outcome",
      "a.next_retry_at",
    ])
    .where("a.subscription_id", "=", subscriptionId);
  if (after !== undefined)
    q = q.where((eb) => eb(eb.refTuple("a.attempted_at", "a.id"), "<", eb.tuple(after.createdAt, after.id)));
  return q.orderBy("a.attempted_at", "desc").orderBy("a.id", "desc").limit(limit).execute();
}

/** Puts settled deliveries of a subscription back in the queue (same event id): one event, or every failed one since. */
export async function requeueDeliveries(
  db: Db,
  subscriptionId: string,
  selector: { eventId: string } | { failedSince: Date },
  now: Date,
): Promise<string[]> {
  let q = db
    .updateTable("webhook_deliveries")
    .set({ state: "pending", next_attempt_at: now, locked_until: null, attempts: 0 })
    .where("subscription_id", "=", subscriptionId);
  q =
    "eventId" in selector
      ? q.where("event_id", "=", selector.eventId).where("state", "!=", "pending")
      : q.where("state", "=", "failed").where("created_at", ">=", selector.failedSince);
  const rows = await q.returning("event_id").execute();
  return rows.map((r) => r.event_id);
}

/** Gives claimed deliveries back untried (their subscription was disabled or deleted meanwhile, or time ran out). */
export async function releaseClaims(db: Db, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await db
    .updateTable("webhook_deliveries")
    .set((eb) => ({ locked_until: null, attempts: eb("attempts", "-", 1) }))
    .where("id", "in", [...deliveryIds])
    .execute();
}

/** Keeps a delivery pending (due at `at`): re-enabling its subscription sends it again. */
export async function keepDeliveryPending(db: Db, deliveryId: string, at: Date): Promise<void> {
  await db
    .updateTable("webhook_deliveries")
    .set({ state: "pending", next_attempt_at: at })
    .where("id", "=", deliveryId)
    .execute();
}

export async function disableSubscription(
  db: Db,
  subscriptionId: string,
  input: { reason: string; at: Date; consecutiveFailures: number },
): Promise<void> {
  await db
    .updateTable("webhook_subscriptions")
    .set({
      enabled: false,
      disabled_reason: input.reason,
      disabled_at: input.at,
      consecutive_failures: input.consecutiveFailures,
      updated_at: input.at,
    })
    .where("id", "=", subscriptionId)
    .execute();
}

/** The delivery of an event to its only subscription (the test event); throws when there is none. */
export async function deliveryIdOfEvent(db: Db, eventId: string): Promise<string> {
  const row = await db
    .selectFrom("webhook_deliveries")
    .select("id")
    .where("event_id", "=", eventId)
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findDeliveryOfEvent(
  db: Db,
  subscriptionId: string,
  eventId: string,
): Promise<Pick<WebhookDeliveryRow, "state"> | undefined> {
  return db
    .selectFrom("webhook_deliveries")
    .select("state")
    .where("subscription_id", "=", subscriptionId)
    .where("event_id", "=", eventId)
    .executeTakeFirst();
}

/** The accounts (with their customer's name) the changes are about: the outbox renders each template with its account. */
export function accountsWithCustomer(db: Db, accountIds: readonly string[]): Promise<AccountWithCustomer[]> {
  return db
    .selectFrom("whatsapp_accounts as a")
    .leftJoin("customers as c", "c.id", "a.customer_id")
    .selectAll("a")
    .select("c.name as customer_name")
    .where("a.id", "in", [...accountIds])
    .execute();
}

export function templatesByIds(db: Db, templateIds: readonly string[]): Promise<TemplateRow[]> {
  return db
    .selectFrom("templates")
    .selectAll()
    .where("id", "in", [...templateIds])
    .execute();
}

export function accountAddress(
  db: Db,
  accountId: string,
): Promise<{ organisation_id: string; phone_number_id: string } | undefined> {
  return db
    .selectFrom("whatsapp_accounts")
    .select(["organisation_id", "phone_number_id"])
    .where("id", "=", accountId)
    .executeTakeFirst();
}
