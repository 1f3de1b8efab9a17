/**
 * Complete sync of one account's templates with Meta, recorded as a run:
 *
 * 1. claim the account's run: INSERT a `running` row; the partial unique index (one running run per account) makes
 *    the loser of a race — in this process or another one on the same database — JOIN the winner: it waits for
 *    that run's row to finish and returns its result (or its error). A running row whose heartbeat is older than
 *    `STALE_RUN_MS` belongs to a dead process: it is marked failed and the claim is retried.
 * 2. page by page: one upsert per page (unchanged rows are not written), history rows for every change, and the
 *    run's counters + heartbeat. A page that arrived is kept even if a later page fails.
 * 3. only when every page arrived: templates Meta did not return are tombstoned (`deleted_at`, kept, hidden from
 *    lists) and counted as `removed`; a partial run removes nothing (its error says so) and the next run converges.
 */
import { randomBytes } from "node:crypto";
import { isErrorCode } from "@kirim/schema";
import type { TTemplateSyncResult, TTemplateSyncRun } from "@kirim/schema";
import type { Kysely, Transaction } from "kysely";
import { updateAccount } from "../accounts/account.repository.js";
import type { AccountWithCustomer } from "../accounts/account.repository.js";
import type { Database } from "../db/schema.js";
import { DomainError, isDomainError } from "../errors.js";
import { newId } from "../lib/ids.js";
import { toStorableText } from "../lib/text.js";
import { withMetaErrors } from "../meta/meta-error-mapping.js";
import type { MetaGateway, MetaTemplate } from "../meta/types.js";
import { accountCredentials } from "../platform/secrets/secrets.service.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";
import { extractVariables, templateContent } from "./template-content.js";
import { moveMetaIds, templateKey } from "./template-identity.js";
import { recordTemplateChanges } from "./template-history.js";
import { emitSyncRunEvent, emitTemplateChangeEvents } from "../webhooks-out/outbox.js";
import type { TemplateChange } from "./template-change.js";
import { mapMetaStatus } from "./template-status.js";
import { rejectedReason } from "./template.mapper.js";
import {
  analyzeTemplates,
  decodePage,
  encodePage,
  listLiveTemplateKeys,
  tombstoneTemplates,
  writeTemplatePage,
} from "./template.repository.js";
import type { EncodedPage, PageWriteOrigin } from "./template.repository.js";
import {
  findRunningSyncRun,
  getSyncRun,
  insertRunningSyncRun,
  updateRunningSyncRun,
  updateSyncRun,
} from "./template-sync-run.repository.js";
import type { SyncRunRow } from "./template-sync-run.table.js";
import type { SyncedTemplateValues } from "./template.repository.js";

/**
 * A live run bumps its heartbeat on a timer (and after every page), whatever Meta is doing — a page that hangs until
 * the gateway's timeout included — so a heartbeat older than `STALE_RUN_MS` means the process died. Callers joining
 * such a run then take it over within a minute instead of waiting behind a dead one.
 */
export const HEARTBEAT_MS = 10_000;
export const STALE_RUN_MS = 6 * HEARTBEAT_MS;

/** A sync that created at least this many rows refreshes the planner's statistics of `templates`. */
const ANALYZE_AFTER_CREATED = 1_000;
/** How often a joining caller re-reads the run it waits for. */
const JOIN_POLL_MS = 50;

export interface SyncDeps {
  db: Kysely<Database>;
  gateway: MetaGateway;
  now: () => Date;
  tokens: TokenCipher;
}

export function metaTemplateValues(t: MetaTemplate): Omit<SyncedTemplateValues, "id"> {
  return {
    name: t.name,
    language: t.language,
    category: t.category.toUpperCase(),
    status: mapMetaStatus(t.status),
    meta_status: t.status.toUpperCase(),
    provider_template_id: t.id,
    components: t.components,
    content: templateContent(t.components),
    variables: extractVariables(t.components),
    parameter_format: t.parameter_format?.toUpperCase() ?? null,
    rejected_reason: rejectedReason(t.status, t.rejected_reason),
    quality_score: t.quality_score?.score ?? null,
    previous_category: t.previous_category ?? null,
  };
}

export function syncRunToWire(row: SyncRunRow, phoneNumberId: string): TTemplateSyncRun {
  return {
    id: row.id,
    object: "template_sync_run",
    phone_number_id: phoneNumberId,
    trigger: row.trigger,
    status: row.status,
    started_at: row.started_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
    pages: row.pages,
    synced: row.synced,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    removed: row.removed,
    error: row.error_code !== null ? { code: row.error_code, message: row.error_message ?? "" } : null,
  };
}

function resultOf(row: SyncRunRow): TTemplateSyncResult {
  return {
    object: "template_sync_result",
    synced: row.synced,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    removed: row.removed,
  };
}

function errorOf(row: SyncRunRow): DomainError {
  return new DomainError(
    isErrorCode(row.error_code) ? row.error_code : "internal_error",
    row.error_message ?? "The sync failed.",
    {
      details: { sync_run_id: row.id },
    },
  );
}

async function claimRun(deps: SyncDeps, accountId: string, trigger: string): Promise<SyncRunRow | undefined> {
  const now = deps.now();
  return insertRunningSyncRun(deps.db, {
    id: newId("tsr", now.getTime()),
    account_id: accountId,
    trigger,
    status: "running",
    started_at: now,
    heartbeat_at: now,
    finished_at: null,
    error_code: null,
    error_message: null,
  });
}

/**
 * Waits for the account's running run (another caller's) and returns it finished; undefined if none is running.
 * Once found, THAT run is followed by id to its end: looking for "a running run" again on every poll would miss a run
 * that finished between two polls and start a second sync instead of returning the first one's result.
 */
async function joinRunning(deps: SyncDeps, accountId: string): Promise<SyncRunRow | undefined> {
  let run = await findRunningSyncRun(deps.db, accountId);
  if (!run) return undefined;
  for (;;) {
    if (deps.now().getTime() - run.heartbeat_at.getTime() > STALE_RUN_MS) {
      await updateRunningSyncRun(deps.db, run.id, {
        status: "failed",
        finished_at: deps.now(),
        error_code: "internal_error",
        error_message: "Abandoned: the process running this sync stopped.",
      });
      return undefined;
    }
    await new Promise((r) => setTimeout(r, JOIN_POLL_MS));
    run = await getSyncRun(deps.db, run.id);
    if (run.status !== "running") return run;
  }
}

export interface SyncOutcome {
  result: TTemplateSyncResult;
  runId: string;
  /** True when this call joined a run already in progress instead of starting one. */
  joined: boolean;
}

/** Runs (or joins) the sync of one account. Throws the run's error when it failed. */
export async function syncAccountTemplates(
  deps: SyncDeps,
  account: AccountWithCustomer,
  trigger: string,
): Promise<SyncOutcome> {
  for (;;) {
    const run = await claimRun(deps, account.id, trigger);
    if (run) return { result: await execute(deps, account, run), runId: run.id, joined: false };
    const joined = await joinRunning(deps, account.id);
    if (joined) {
      if (joined.status === "failed") throw errorOf(joined);
      return { result: resultOf(joined), runId: joined.id, joined: true };
    }
    // The running run finished (or was abandoned) between our insert and our read: claim again.
  }
}

/**
 * Writes one page inside the caller's transaction: one statement reads the stored state of the page's templates,
 * upserts the page (unchanged rows are not written) and records a history row for every change. Only when one of
 * Meta's ids in the page names another row (rare: a restarted sandbox, a template recreated on Meta) do the ids move
 * first and the statement run again. Returns how many rows it created, updated and tombstoned.
 */
async function writePage(
  trx: Transaction<Database>,
  accountId: string,
  origin: PageWriteOrigin,
  values: readonly SyncedTemplateValues[],
  fetchedAt: Date,
  encoded: EncodedPage = encodePage(values.map((v) => ({ ...v, idNote: "" }))),
): Promise<{ created: number; updated: number; removed: number }> {
  const prefix = eventIdPrefix(fetchedAt);
  let written = await writeTemplatePage(trx, accountId, encoded, fetchedAt, origin, prefix);
  let removed = 0;
  if (written.idConflict) {
    // Meta's ids first: one that now names another template moves there (its old holder is tombstoned).
    const moved = await moveMetaIds(
      trx,
      accountId,
      values.map((v) => ({ providerTemplateId: v.provider_template_id, name: v.name, language: v.language })),
      new Set(values.map((v) => templateKey(v.name, v.language))),
      { source: origin.source, sourceId: origin.sourceId },
      fetchedAt,
    );
    removed = moved.tombstoned;
    const rows = values.map((v) => {
      const from = moved.movedFrom.get(v.provider_template_id);
      return {
        ...v,
        idNote: from === undefined ? "" : ` (Meta's template id ${v.provider_template_id}, previously ${from})`,
      };
    });
    // The first statement wrote nothing, so its history ids are free to use.
    written = await writeTemplatePage(trx, accountId, encodePage(rows), fetchedAt, origin, prefix);
  }
  if (written.changes !== null && written.changes.length > 0) {
    // Outbound webhooks (issue 17): one outbox event per change, in this transaction.
    await emitTemplateChangeEvents(
      trx,
      written.changes.map((c): TemplateChange => ({
        templateId: c.template_id,
        accountId,
        kind: c.kind,
        from: c.from_value,
        to: c.to_value,
        reason: c.reason,
        ...(c.kind === "components" ? { detail: { components: values[c.ord]?.components } } : {}),
        source: origin.source,
        sourceId: origin.sourceId,
        occurredAt: fetchedAt,
      })),
    );
  }
  return { created: written.created, updated: written.updated, removed };
}

/**
 * The first 22 characters of the history ids of one page write: `tev_`, the ULID time of `at` and 8 random Crockford
 * characters (40 bits); the statement appends 8 hex digits (valid Crockford too) counting the page's history rows.
 */
function eventIdPrefix(at: Date): string {
  const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const random = [...randomBytes(8)].map((b) => crockford[b & 31] ?? "0").join("");
  return `${newId("tev", at.getTime()).slice(0, 14)}${random}`;
}

/**
 * Stores what Meta holds for one name + language, as a sync would (history included); returns whether Meta had it.
 * For a create Meta refused as a duplicate that we have no live row for — our copy is behind (a crash between Meta's
 * answer and our commit, a template made in WhatsApp Manager) — so the 409 and a GET of the name agree at once.
 */
export async function storeTemplateFromMeta(
  deps: SyncDeps,
  account: AccountWithCustomer,
  name: string,
  language: string,
  requestId: string | null,
): Promise<boolean> {
  const fetchedAt = deps.now();
  const pages = deps.gateway.listTemplates(accountCredentials(account, deps.tokens), { name, language });
  for await (const page of pages) {
    const found = page.map(toStorableText).find((t) => t.name === name && t.language === language);
    if (found === undefined) continue;
    const values: SyncedTemplateValues = { id: newId("tmpl", fetchedAt.getTime()), ...metaTemplateValues(found) };
    const origin: PageWriteOrigin = {
      source: "create",
      sourceId: requestId,
      firstSeenReason: "already on Meta when a create asked for it",
    };
    await deps.db.transaction().execute((trx) => writePage(trx, account.id, origin, [values], fetchedAt));
    return true;
  }
  return false;
}

/**
 * One of Meta's pages as the sync writes it: the statement's parameter and the keys it holds. Only the encoded text
 * waits for the write; Meta's parsed page and our mapped rows die young, so two pages in flight are not promoted to
 * V8's old generation (which is what a sync's peak RSS is made of). The rare transaction path decodes it again.
 */
interface PreparedPage {
  /** How many templates Meta's page held (a name + language twice in one page is written once). */
  metaTemplates: number;
  keys: string[];
  encoded: EncodedPage;
}

function preparePage(page: readonly MetaTemplate[], fetchedAt: Date): PreparedPage {
  // One statement cannot touch a row twice: keep the last occurrence of each name+language in the page.
  const byKey = new Map<string, SyncedTemplateValues>();
  // Meta's text as we can store it: NUL and unpaired surrogates (jsonb and text refuse them) become U+FFFD.
  for (const t of page.map(toStorableText)) {
    byKey.set(templateKey(t.name, t.language), { id: newId("tmpl", fetchedAt.getTime()), ...metaTemplateValues(t) });
  }
  const values = [...byKey.values()];
  return {
    metaTemplates: page.length,
    keys: [...byKey.keys()],
    encoded: encodePage(values.map((v) => ({ ...v, idNote: "" }))),
  };
}

async function execute(deps: SyncDeps, account: AccountWithCustomer, run: SyncRunRow): Promise<TTemplateSyncResult> {
  const { db, gateway } = deps;
  const counts = { pages: 0, synced: 0, created: 0, updated: 0, unchanged: 0, removed: 0 };
  const seen = new Set<string>();
  const heartbeat = setInterval(() => {
    void updateRunningSyncRun(db, run.id, { heartbeat_at: deps.now() }).catch(() => undefined); // a missed beat is harmless; six in a row mean this process is gone anyway
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    await withMetaErrors(async () => {
      const pages = gateway.listTemplates(accountCredentials(account, deps.tokens));
      // One page ahead: Meta's answer for page n+1 travels, and is mapped and encoded, while page n is written, so a
      // sync costs about max(fetching, writing) rather than their sum; memory stays at two pages. `fetchedAt` is when
      // a page's request started (the webhook guard compares against it, so earlier is the safe side).
      const fetchNext = () => {
        const fetchedAt = deps.now();
        const next = pages.next().then((r) => (r.done === true ? undefined : preparePage(r.value, fetchedAt)));
        next.catch(() => undefined); // awaited below; if writing fails first, this read's failure is moot
        return { fetchedAt, next };
      };
      const origin: PageWriteOrigin = { source: "sync", sourceId: run.id, firstSeenReason: "first seen in a sync" };
      // Until a page meets an enabled webhook subscription, each page is one autocommitted statement (`alone`).
      let alone = true;
      let ahead = fetchNext();
      for (;;) {
        const { fetchedAt } = ahead;
        const page = await ahead.next;
        if (page === undefined) break;
        ahead = fetchNext();
        counts.pages++;
        counts.synced += page.metaTemplates;
        for (const key of page.keys) seen.add(key);
        if (alone) {
          const progress = { runId: run.id, pages: counts.pages, synced: counts.synced, heartbeatAt: deps.now() };
          const prefix = eventIdPrefix(fetchedAt);
          const written = await writeTemplatePage(db, account.id, page.encoded, fetchedAt, origin, prefix, progress);
          if (!written.idConflict && !written.needsOutbox) {
            counts.created += written.created;
            counts.updated += written.updated;
            continue;
          }
          // It wrote nothing: this page (and, with a subscriber, every later one) takes the transaction below.
          alone = !written.needsOutbox;
        }
        // One transaction per page: its rows, their history, its outbox events and the run's counters commit
        // together (one WAL flush), and the counters only move once the page is in.
        const written = await db.transaction().execute(async (trx) => {
          const values = decodePage(page.encoded);
          const pageWrites = await writePage(trx, account.id, origin, values, fetchedAt, page.encoded);
          const runCounts = {
            ...counts,
            created: counts.created + pageWrites.created,
            updated: counts.updated + pageWrites.updated,
            removed: counts.removed + pageWrites.removed,
          };
          await updateSyncRun(trx, run.id, {
            ...runCounts,
            unchanged: runCounts.synced - runCounts.created - runCounts.updated,
            heartbeat_at: deps.now(),
          });
          return pageWrites;
        });
        counts.created += written.created;
        counts.updated += written.updated;
        counts.removed += written.removed;
      }
    }, "read");

    // Every page arrived: what Meta did not return is gone there. Rows created after the run started are not
    // candidates (a create racing the sync is not in Meta's earlier pages).
    const finishedAt = deps.now();
    const gone = (await listLiveTemplateKeys(db, account.id, run.started_at)).filter(
      (t) => !seen.has(templateKey(t.name, t.language)),
    );
    const firstSync = account.templates_synced_at === null;
    // One transaction (issue 17): tombstones, their history and outbox events, the account's sync time and the run's
    // end with its `template_sync.completed` event commit together.
    await db.transaction().execute(async (trx) => {
      if (gone.length > 0) {
        await tombstoneTemplates(
          trx,
          gone.map((g) => g.id),
          finishedAt,
        );
        await recordTemplateChanges(
          trx,
          gone.map((g) => ({
            templateId: g.id,
            accountId: account.id,
            kind: "status" as const,
            from: g.meta_status,
            to: "DELETED",
            reason: "not returned by Meta (deleted there)",
            source: "sync" as const,
            sourceId: run.id,
            occurredAt: finishedAt,
          })),
        );
      }
      counts.removed += gone.length;
      counts.unchanged = Math.max(0, counts.synced - counts.created - counts.updated);
      await updateAccount(trx, account.id, { templates_synced_at: run.started_at });
      await updateSyncRun(trx, run.id, {
        ...counts,
        status: "succeeded",
        finished_at: finishedAt,
        heartbeat_at: finishedAt,
      });
      await emitSyncRunEvent(trx, {
        accountId: account.id,
        runId: run.id,
        trigger: run.trigger,
        succeeded: true,
        counts,
        error: null,
        firstSync,
        at: finishedAt,
      });
    });
    if (counts.created >= ANALYZE_AFTER_CREATED) {
      // A first import of thousands of rows leaves the planner without statistics until autovacuum comes by (up to
      // a minute): meanwhile every list page sorts the whole account. Gathering them now takes milliseconds.
      await analyzeTemplates(db).catch(() => undefined);
    }
    return {
      object: "template_sync_result",
      synced: counts.synced,
      created: counts.created,
      updated: counts.updated,
      unchanged: counts.unchanged,
      removed: counts.removed,
    };
  } catch (error) {
    const code = isDomainError(error) ? error.code : "internal_error";
    const message = `${isDomainError(error) ? error.message : "The sync failed unexpectedly."} The sync stopped after ${counts.pages} page(s) (${counts.synced} template(s) saved); nothing was marked deleted. The next sync converges.`;
    const failedAt = deps.now();
    const failedCounts = { ...counts, unchanged: Math.max(0, counts.synced - counts.created - counts.updated) };
    await db
      .transaction()
      .execute(async (trx) => {
        await updateSyncRun(trx, run.id, {
          ...failedCounts,
          status: "failed",
          finished_at: failedAt,
          error_code: code,
          error_message: message,
        });
        // Outbound webhooks (issue 17): the failure, in the transaction that records it.
        const error = { code, message };
        await emitSyncRunEvent(trx, {
          accountId: account.id,
          runId: run.id,
          trigger: run.trigger,
          succeeded: false,
          counts: failedCounts,
          error,
          firstSync: account.templates_synced_at === null,
          at: failedAt,
        });
      })
      .catch(() => undefined);
    if (isDomainError(error)) {
      throw new DomainError(error.code, message, {
        ...(error.param !== undefined ? { param: error.param } : {}),
        details: { ...error.details, sync_run_id: run.id, pages_completed: counts.pages },
        ...(error.headers !== undefined ? { headers: error.headers } : {}),
        cause: error,
      });
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}
