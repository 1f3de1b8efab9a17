/**
 * Issue 19, target 4 (growth): the same reads and a no-change re-sync of ONE account of 6,000 templates, in a database
 * where it is alone and in one where 99 more accounts of 6,000 templates each (600,000 rows) sit beside it. Two stacks
 * (sandbox, API, database) synced alike, measured in pairs (each request to one side, then to the other): a change
 * in the machine's speed (these machines are shared) hits both sides alike instead of reading as growth. The other accounts are
 * copies of the measured one's rows under new ids, written by one server-side INSERT … SELECT over generate_series
 * (no rows travel through the client), then VACUUM ANALYZEd as autovacuum would. The query plans of the
 * account-scoped statements, taken with EXPLAIN ANALYZE at 600,000 rows, go into the report.
 */
import { expectStatus } from "./http.js";
import { syncOnce } from "./http.js";
import type pg from "pg";
import { median, percentile } from "./stats.js";
import { BENCH_API_KEY } from "./stack.js";
import type { Stack } from "./stack.js";

export interface GrowthSide {
  /** Rows in `templates` while measured. */
  rows: number;
  listMs: number[];
  getMs: number[];
  resyncMs: number[];
}

export interface GrowthBenchmark {
  accounts: number;
  oneAccount: GrowthSide;
  manyAccounts: GrowthSide;
  seedMs: number;
  /** EXPLAIN ANALYZE of the account-scoped statements at the larger size, by label. */
  plans: { label: string; plan: string }[];
}

/** Sequential requests per read and side (p50 of these), and no-change re-syncs per side. */
export const GROWTH_READS = 200;
export const GROWTH_RESYNCS = 4;

/**
 * What autovacuum reaches a minute after a bulk insert (statistics, visibility map), done now for both sides alike,
 * so neither side is measured while autovacuum works through 594,000 new rows.
 */
async function vacuumAnalyze(db: pg.Client): Promise<void> {
  await db.query("VACUUM (ANALYZE) templates");
}

async function rowCount(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM templates");
  return Number(rows[0]?.n ?? 0);
}

/** One list page and one get-by-name (the `i`-th name of a fixed stride) of the side's account, timed. */
async function readOnce(stack: Stack, names: string[], i: number): Promise<{ listMs: number; getMs: number }> {
  const base = `${stack.api.baseUrl}/v1/${stack.phoneNumberId}/templates`;
  const listMs = (await expectStatus(200, "GET", `${base}?limit=25`, { token: BENCH_API_KEY })).ms;
  const name = names[(i * 7919) % names.length] ?? "";
  const getMs = (await expectStatus(200, "GET", `${base}/${encodeURIComponent(name)}`, { token: BENCH_API_KEY })).ms;
  return { listMs, getMs };
}

/** One re-sync of the side's account; `settle`: a warm-up, which may still write. */
async function resyncOnce(stack: Stack, settle = false): Promise<number> {
  const { ms, result } = await syncOnce(stack.api.baseUrl, BENCH_API_KEY, stack.phoneNumberId);
  if (!settle && result.created + result.updated + result.removed !== 0)
    throw new Error(`a no-change re-sync changed rows: ${JSON.stringify(result)}`);
  return ms;
}

/**
 * INSERT … SELECT of the rows of `table` where `where` = `value`, `extra` times: every column copied as it is, except
 * `suffixed` (ids and unique keys), which get `_g<n>`. Columns are read from the catalogue, so a new column is copied too.
 */
async function copyRows(
  db: pg.Client,
  table: string,
  where: string,
  value: string,
  extra: number,
  suffixed: string[],
): Promise<void> {
  const { rows } = await db.query<{ column_name: string }>(
    // Generated columns (templates.content_hash) are computed by PostgreSQL, never copied.
    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
    [table],
  );
  const columns = rows.map((r) => r.column_name);
  const values = columns.map((c) => (suffixed.includes(c) ? `t.${c} || '_g' || g` : `t.${c}`));
  await db.query(
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${values.join(", ")} FROM ${table} t CROSS JOIN generate_series(1, $2::int) AS g WHERE t.${where} = $1`,
    [value, extra],
  );
}

/**
 * Copies the account's accounts row and templates `extra` times under new ids (`<id>_g<n>`): the same names,
 * languages and sizes, so every account is as large as the measured one. One statement each, in one transaction.
 */
export async function seedOtherAccounts(db: pg.Client, accountId: string, extra: number): Promise<number> {
  const started = performance.now();
  await db.query("BEGIN");
  try {
    await copyRows(db, "whatsapp_accounts", "id", accountId, extra, ["id", "phone_number_id", "waba_id"]);
    await copyRows(db, "templates", "account_id", accountId, extra, ["id", "account_id"]);
    await db.query("COMMIT");
  } catch (error) {
    await db.query("ROLLBACK");
    throw error;
  }
  await vacuumAnalyze(db);
  return performance.now() - started;
}

/**
 * The account-scoped statements of a list page, a get-by-name and a no-change re-sync's reads, as the repositories
 * send them (packages/core/src/templates/template.repository.ts), with EXPLAIN (ANALYZE, BUFFERS).
 */
export function growthStatements(
  accountId: string,
  names: string[],
  languages: string[],
): { label: string; sql: string; params: unknown[] }[] {
  return [
    {
      label: "list page (keyset, newest first, limit 25)",
      sql: "SELECT * FROM templates WHERE account_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2",
      params: [accountId, 26],
    },
    {
      label: "get by name (every language of a name)",
      sql: "SELECT * FROM templates WHERE account_id = $1 AND name = $2 AND deleted_at IS NULL ORDER BY created_at, id",
      params: [accountId, names[0]],
    },
    {
      label: "sync: stored state of one page (100 names and languages)",
      sql: "SELECT id, name, language, meta_status, category, quality_score, components, rejected_reason, deleted_at FROM templates WHERE account_id = $1 AND (name, language) IN (SELECT * FROM unnest($2::text[], $3::text[]))",
      params: [accountId, names.slice(0, 100), languages.slice(0, 100)],
    },
    {
      label: "sync: live rows before the run (tombstone candidates)",
      sql: "SELECT id, name, language, meta_status FROM templates WHERE account_id = $1 AND deleted_at IS NULL AND created_at < now()",
      params: [accountId],
    },
  ];
}

export async function explainStatements(
  db: pg.Client,
  statements: { label: string; sql: string; params: unknown[] }[],
): Promise<{ label: string; plan: string }[]> {
  const plans: { label: string; plan: string }[] = [];
  for (const s of statements) {
    const { rows } = await db.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.sql}`,
      s.params,
    );
    plans.push({ label: s.label, plan: rows.map((r) => r["QUERY PLAN"]).join("\n") });
  }
  return plans;
}

async function measuredAccount(stack: Stack): Promise<{ accountId: string; names: string[]; languages: string[] }> {
  const { rows: account } = await stack.db.query<{ id: string }>(
    "SELECT id FROM whatsapp_accounts WHERE phone_number_id = $1",
    [stack.phoneNumberId],
  );
  const accountId = account[0]?.id;
  if (accountId === undefined) throw new Error("the bench account is missing");
  const { rows: keys } = await stack.db.query<{ name: string; language: string }>(
    "SELECT name, language FROM templates WHERE account_id = $1 AND deleted_at IS NULL ORDER BY id",
    [accountId],
  );
  return { accountId, names: keys.map((k) => k.name), languages: keys.map((k) => k.language) };
}

/** `alone` and `crowded`: two stacks of the same size, each synced once; `crowded` gets the other accounts. */
export async function measureGrowth(
  alone: Stack,
  crowded: Stack,
  accounts: number,
  log: (line: string) => void,
): Promise<GrowthBenchmark> {
  const one = await measuredAccount(alone);
  const many = await measuredAccount(crowded);
  await vacuumAnalyze(alone.db);
  const seedMs = await seedOtherAccounts(crowded.db, many.accountId, accounts - 1);
  log(`  seeded ${accounts - 1} more accounts beside the crowded side's in ${(seedMs / 1000).toFixed(1)} s`);
  const oneAccount: GrowthSide = { rows: await rowCount(alone.db), listMs: [], getMs: [], resyncMs: [] };
  const manyAccounts: GrowthSide = { rows: await rowCount(crowded.db), listMs: [], getMs: [], resyncMs: [] };
  const pairs = [
    { stack: alone, names: one.names, side: oneAccount },
    { stack: crowded, names: many.names, side: manyAccounts },
  ];
  // Warm-up (JIT, caches) on both sides.
  for (const { stack, names } of pairs) {
    for (let i = 0; i < 20; i++) await readOnce(stack, names, i);
    await resyncOnce(stack, true);
  }
  // Paired: each read goes to one side, then at once to the other (which side first alternates), so both see the
  // machine as it is at that moment; re-syncs alternate the same way.
  for (let i = 0; i < GROWTH_READS; i++) {
    for (const { stack, names, side } of i % 2 === 0 ? pairs : [...pairs].reverse()) {
      const { listMs, getMs } = await readOnce(stack, names, i);
      side.listMs.push(listMs);
      side.getMs.push(getMs);
    }
  }
  for (let i = 0; i < GROWTH_RESYNCS; i++) {
    for (const { stack, side } of i % 2 === 0 ? pairs : [...pairs].reverse())
      side.resyncMs.push(await resyncOnce(stack));
  }
  for (const [label, side] of [
    ["1 account", oneAccount],
    [`${accounts} accounts`, manyAccounts],
  ] as const)
    log(
      `  ${label} (${side.rows} rows): list p50 ${percentile(side.listMs, 50).toFixed(1)} ms, get p50 ${percentile(side.getMs, 50).toFixed(1)} ms, re-sync ${median(side.resyncMs).toFixed(0)} ms`,
    );
  const plans = await explainStatements(crowded.db, growthStatements(many.accountId, many.names, many.languages));
  return { accounts, oneAccount, manyAccounts, seedMs, plans };
}
