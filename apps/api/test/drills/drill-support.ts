/**
 * Shared pieces of the fault drills (issue 8): the row-by-row comparison of our templates table with the sandbox's
 * inventory, and spawning / stopping / killing `dist/main.js` as a child process.
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import type { DatabaseHandle } from "@kirim/core";
import type { ControlTemplate } from "@kirim/meta-sandbox";
import { expect } from "vitest";

export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
type Db = DatabaseHandle["db"];

export const MAIN_JS = path.join(APP_DIR, "dist", "main.js");

export function assertBuilt(): void {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`pnpm --filter @kirim/api build\` first`);
}

/** A template row as the drills compare it with Meta (the fields Meta owns, plus the tombstone). */
export interface StoredTemplate {
  id: string;
  name: string;
  language: string;
  provider_template_id: string | null;
  meta_status: string;
  status: string;
  category: string;
  quality_score: string | null;
  components: unknown;
  content: string;
  parameter_format: string | null;
  rejected_reason: string | null;
  previous_category: string | null;
  deleted_at: Date | null;
}

export async function accountIdOf(db: Db, phoneNumberId: string): Promise<string> {
  const row = await db
    .selectFrom("whatsapp_accounts")
    .select("id")
    .where("phone_number_id", "=", phoneNumberId)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Every template row of the account, tombstones included (straight from the database, not through a list route). */
export async function storedTemplates(db: Db, accountId: string): Promise<StoredTemplate[]> {
  return db
    .selectFrom("templates")
    .select([
      "id",
      "name",
      "language",
      "provider_template_id",
      "meta_status",
      "status",
      "category",
      "quality_score",
      "components",
      "content",
      "parameter_format",
      "rejected_reason",
      "previous_category",
      "deleted_at",
    ])
    .where("account_id", "=", accountId)
    .execute();
}

export const keyOf = (t: { name: string; language: string }): string => `${t.name}\u0000${t.language}`;

/** Our status for Meta's (ARCHITECTURE "Status mapping"); kept here so the drill does not trust the code it checks. */
function expectedStatus(metaStatus: string): string {
  if (metaStatus === "APPROVED") return "approved";
  if (["REJECTED", "DISABLED", "DELETED", "PENDING_DELETION"].includes(metaStatus)) return "rejected";
  return "pending";
}

/** The fields compared with Meta, from our row and from the sandbox's template. */
function comparable(
  row: StoredTemplate,
  t: ControlTemplate,
): { got: Record<string, unknown>; want: Record<string, unknown> } {
  return {
    want: {
      provider_template_id: t.id,
      meta_status: t.status,
      status: expectedStatus(t.status),
      category: t.category,
      quality_score: (t["quality_score"] as { score?: string } | undefined)?.score ?? null,
      // As it travels over the wire (a property set to undefined in the sandbox's object is simply absent).
      components: JSON.parse(JSON.stringify(t["components"] ?? [])) as unknown,
    },
    got: {
      provider_template_id: row.provider_template_id,
      meta_status: row.meta_status,
      status: row.status,
      category: row.category,
      quality_score: row.quality_score,
      components: row.components,
    },
  };
}

/** Whether a live row holds exactly what the sandbox has for its template. */
export function rowMatchesMeta(row: StoredTemplate, t: ControlTemplate): boolean {
  const { got, want } = comparable(row, t);
  return row.deleted_at === null && isDeepStrictEqual(got, want);
}

/**
 * The live rows equal the sandbox's inventory, compared per (name, language): Meta's id, Meta's status (and ours
 * derived from it), category, quality and components. No duplicates: one live row per inventory template, and no
 * Meta id on two rows. Returns the tombstoned rows (which the caller checks against what was deleted on Meta).
 */
export function expectTableEqualsInventory(
  rows: readonly StoredTemplate[],
  inventory: readonly ControlTemplate[],
): StoredTemplate[] {
  const live = rows.filter((r) => r.deleted_at === null);
  const liveKeys = live.map(keyOf);
  expect(new Set(liveKeys).size, "duplicate (name, language) among live rows").toBe(liveKeys.length);
  const metaIds = rows.map((r) => r.provider_template_id).filter((id): id is string => id !== null);
  expect(new Set(metaIds).size, "a Meta template id on two rows").toBe(metaIds.length);
  expect(live.length, "live rows vs. the sandbox's inventory").toBe(inventory.length);

  const byKey = new Map(live.map((r) => [keyOf(r), r]));
  const mismatches: string[] = [];
  for (const t of inventory) {
    const row = byKey.get(keyOf(t));
    if (row === undefined) {
      mismatches.push(`${t.name}/${t.language}: missing`);
      continue;
    }
    const { got, want } = comparable(row, t);
    if (!isDeepStrictEqual(got, want)) {
      mismatches.push(
        `${t.name}/${t.language}: stored ${JSON.stringify(got).slice(0, 600)} ≠ Meta ${JSON.stringify(want).slice(0, 600)}`,
      );
    }
  }
  expect(mismatches.slice(0, 10), `${mismatches.length} row(s) differ from the sandbox`).toEqual([]);
  return rows.filter((r) => r.deleted_at !== null);
}

// ---------------------------------------------------------------------------------------------
// API processes

export interface ApiProcess {
  child: ChildProcessWithoutNullStreams;
  baseUrl: string;
  output: () => string;
}

/**
 * The node flags of apps/api's `start` script (`node <flags> dist/main.js`): the process an operator runs. The bench
 * reads them the same way (`apiStartFlags`); this package cannot import the bench, which depends on it.
 */
export function documentedStartFlags(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(APP_DIR, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const words = (manifest.scripts["start"] ?? "").trim().split(/\s+/);
  if (words[0] !== "node" || words.at(-1) !== "dist/main.js")
    throw new Error(`apps/api's start script is not "node <flags> dist/main.js": ${manifest.scripts["start"]}`);
  return words.slice(1, -1);
}

/** Spawns `dist/main.js` with the documented start flags and exactly `env`; resolves once it prints its URL. */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [...documentedStartFlags(), MAIN_JS], { cwd: APP_DIR, env });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const baseUrl = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (baseUrl !== undefined) return { child, baseUrl, output: () => out };
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`API process exited (${child.exitCode ?? child.signalCode})\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`API process did not start within 60 s\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(api: ApiProcess): boolean {
  return api.child.exitCode !== null || api.child.signalCode !== null;
}

/** SIGTERM (graceful) and wait; SIGKILL if it has not exited after `graceMs`. Safe on an exited process. */
export function stopApiProcess(api: ApiProcess | undefined, graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    if (api === undefined || exited(api)) return resolve();
    const force = setTimeout(() => api.child.kill("SIGKILL"), graceMs);
    api.child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    api.child.kill("SIGTERM");
  });
}

/** `kill -9`: no shutdown hook runs, in-flight requests die with the process. */
export function killApiProcess(api: ApiProcess): Promise<void> {
  return new Promise((resolve) => {
    if (exited(api)) return resolve();
    api.child.once("exit", () => resolve());
    api.child.kill("SIGKILL");
  });
}

/** The URL of a PostgreSQL test database (`createTestDatabase("postgres").url`), for a spawned server. */
export function requireUrl(url: string | undefined): string {
  if (url === undefined) throw new Error("the PostgreSQL test database has no url");
  return url;
}

/** The environment every drill gives a spawned API: loopback only, no scheduled syncs, quiet logs. */
export function baseApiEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? "",
    PORT: "0",
    HOST: "127.0.0.1",
    // The drills count syncs and Meta calls: no sync may start on its own.
    TEMPLATE_SYNC_INTERVAL_MS: "0",
    LOG_LEVEL: "warn",
    ...extra,
  };
}
