/**
 * Template lifecycle services: history, sync runs, webhook intake/apply, scheduled sync claims.
 * (Edit and delete live in templates/template-edit.ts.)
 */
import type { TDeleteTemplateQuery, TEditTemplateRequest, TTemplate, TTemplateDeleteResult, TTemplateEvent, TTemplateSyncRun } from "@kirim/schema";
import type { Kysely } from "kysely";
import { resolveAccount } from "../accounts/account.service.js";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import type { MetaGateway } from "../meta/types.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";
import { decodeCursor, encodeCursor } from "../templates/template-cursor.js";
import type { CursorFilter } from "../templates/template-cursor.js";
import { listTemplateEventRows, templateEventRowToWire } from "../templates/template-history.js";
import { syncAccountTemplates, syncRunToWire } from "../templates/template-sync.js";
import type { CoreMediaOptions } from "../media/core-media.js";
import { deleteTemplate, editTemplate } from "../templates/template-edit.js";
import { isQueryableName } from "../templates/template-name.js";
import type { Principal, RequestContext } from "../types.js";
import { applyWebhookEvent, pendingWebhookEventIds, storeWebhook } from "./webhooks.js";
import type { StoredWebhook } from "./webhooks.js";

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface PageQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface LifecycleService {
  /** A template's history, every language (or `language`), newest first. 404 when no template has this name. */
  events(principal: Principal, phoneNumberId: string, name: string, query?: PageQuery & { language?: string | undefined }): Promise<Page<TTemplateEvent>>;
  /** The account's sync runs, newest first (the running one included). */
  syncRuns(principal: Principal, phoneNumberId: string, query?: PageQuery): Promise<Page<TTemplateSyncRun>>;
  /** Stores the changes of a verified webhook POST (deduplicated); returns the event ids to apply. */
  receiveWebhook(payload: unknown): Promise<StoredWebhook>;
  /** Applies one stored webhook event (idempotent). */
  applyWebhookEvent(eventId: string): Promise<{ state: string; outcome: string | null } | undefined>;
  /** Stored events not applied yet (re-queued at start after a crash or a drain). */
  pendingWebhookEventIds(): Promise<string[]>;
  /** Sync of one account by id (the scheduler); joins a running one. */
  syncAccount(accountId: string, trigger: string): Promise<void>;
  /**
   * Claims this interval's scheduled sync of every connected account. Each account's slot boundary is offset by
   * a hash of its id (jitter: accounts do not all sync at the same instant); the insert of the slot row decides
   * which instance enqueues it. Returns the claimed accounts.
   */
  claimScheduledSyncs(intervalMs: number): Promise<{ accountId: string; slot: number }[]>;
  /** `POST /v1/{phone_number_id}/templates/{name}`: replace one language's components (Meta's edit rules). */
  edit(principal: Principal, phoneNumberId: string, name: string, input: TEditTemplateRequest, context?: RequestContext): Promise<TTemplate>;
  /** `DELETE /v1/{phone_number_id}/templates/{name}[?language=]`. */
  delete(principal: Principal, phoneNumberId: string, name: string, query: TDeleteTemplateQuery, context?: RequestContext): Promise<TTemplateDeleteResult>;
}

interface Deps {
  db: Kysely<Database>;
  gateway: MetaGateway;
  cursorSecret: string;
  now: () => Date;
  tokens: TokenCipher;
  /** Edit uploads media header samples like create does. */
  media: CoreMediaOptions | undefined;
}

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

function checkLimit(limit: number | undefined): number {
  const l = limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(l) || l < 1 || l > MAX_LIMIT) {
    throw new DomainError("invalid_limit", `limit must be an integer between 1 and ${MAX_LIMIT}.`, { param: "limit" });
  }
  return l;
}

/** A stable offset in [0, intervalMs) per account: spreads the accounts' sync instants over the interval. */
export function accountOffset(accountId: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < accountId.length; i++) h = Math.imul(h ^ accountId.charCodeAt(i), 16777619) >>> 0;
  return h % Math.max(1, intervalMs);
}

export function createLifecycleService(deps: Deps): LifecycleService {
  const { db } = deps;
  return {
    async events(principal, phoneNumberId, name, query = {}) {
      const limit = checkLimit(query.limit);
      const account = await resolveAccount(db, principal, phoneNumberId);
      let exists = db.selectFrom("templates").select("id").where("account_id", "=", account.id).where("name", "=", name);
      if (query.language !== undefined) exists = exists.where("language", "=", query.language);
      if (!isQueryableName(name) || !(await exists.executeTakeFirst())) {
        const what = query.language !== undefined ? `"${name}" in language "${query.language}"` : `"${name}"`;
        throw new DomainError("resource_not_found", `No template ${what} on this account.`, { param: "name" });
      }
      const filter: CursorFilter = { accountId: `${account.id}/events/${name}`, status: "events", language: query.language ?? null };
      const after = query.cursor ? decodeCursor(deps.cursorSecret, query.cursor, filter) : undefined;
      const rows = await listTemplateEventRows(db, { accountId: account.id, name, language: query.language, after, limit: limit + 1 });
      const hasMore = rows.length > limit;
      const pageRows = hasMore ? rows.slice(0, limit) : rows;
      const last = pageRows.at(-1);
      return {
        data: pageRows.map(templateEventRowToWire),
        has_more: hasMore,
        next_cursor: hasMore && last ? encodeCursor(deps.cursorSecret, { createdAt: last.created_at, id: last.id }, filter) : null,
      };
    },

    async syncRuns(principal, phoneNumberId, query = {}) {
      const limit = checkLimit(query.limit);
      const account = await resolveAccount(db, principal, phoneNumberId);
      const filter: CursorFilter = { accountId: `${account.id}/sync_runs`, status: "sync_runs", language: null };
      const after = query.cursor ? decodeCursor(deps.cursorSecret, query.cursor, filter) : undefined;
      let q = db.selectFrom("template_sync_runs").selectAll().where("account_id", "=", account.id);
      if (after) q = q.where((eb) => eb(eb.refTuple("started_at", "id"), "<", eb.tuple(after.createdAt, after.id)));
      const rows = await q.orderBy("started_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
      const hasMore = rows.length > limit;
      const pageRows = hasMore ? rows.slice(0, limit) : rows;
      const last = pageRows.at(-1);
      return {
        data: pageRows.map((r) => syncRunToWire(r, account.phone_number_id)),
        has_more: hasMore,
        next_cursor: hasMore && last ? encodeCursor(deps.cursorSecret, { createdAt: last.started_at, id: last.id }, filter) : null,
      };
    },

    receiveWebhook: (payload) => storeWebhook(db, payload),

    edit: (principal, phoneNumberId, name, input, context) => editTemplate(deps, principal, phoneNumberId, name, input, context),
    delete: (principal, phoneNumberId, name, query, context) => deleteTemplate(deps, principal, phoneNumberId, name, query, context),

    async applyWebhookEvent(eventId) {
      const row = await applyWebhookEvent(db, eventId, deps.now);
      return row ? { state: row.state, outcome: row.outcome } : undefined;
    },

    pendingWebhookEventIds: () => pendingWebhookEventIds(db),

    async syncAccount(accountId, trigger) {
      const account = await db
        .selectFrom("whatsapp_accounts as a")
        .leftJoin("customers as c", "c.id", "a.customer_id")
        .selectAll("a")
        .select("c.name as customer_name")
        .where("a.id", "=", accountId)
        .executeTakeFirst();
      if (!account || account.status !== "connected") return;
      await syncAccountTemplates(deps, account, trigger);
    },

    async claimScheduledSyncs(intervalMs) {
      const now = deps.now().getTime();
      const accounts = await db.selectFrom("whatsapp_accounts").select("id").where("status", "=", "connected").execute();
      const claimed: { accountId: string; slot: number }[] = [];
      for (const { id } of accounts) {
        const slot = Math.floor((now + accountOffset(id, intervalMs)) / intervalMs);
        const won = await db
          .insertInto("scheduled_sync_slots")
          .values({ key: `sync:${id}:${slot}` })
          .onConflict((oc) => oc.column("key").doNothing())
          .returning("key")
          .executeTakeFirst();
        if (won) claimed.push({ accountId: id, slot });
      }
      // Old slots are only needed to refuse a second claim of the same slot.
      await db.deleteFrom("scheduled_sync_slots").where("claimed_at", "<", new Date(now - 10 * intervalMs - 86_400_000)).execute();
      return claimed;
    },
  };
}
