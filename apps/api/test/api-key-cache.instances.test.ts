/**
 * API keys cached in process (core `platform/api-keys/api-key.cache.ts`), proven over HTTP against two real
 * `dist/main.js` processes on one PostgreSQL database: a key revoked by the `kirim` CLI (a third process) is refused
 * by BOTH instances within one second although each had it cached; an expiry is honoured from the cached row; and an
 * instance whose listening connection is killed (`pg_terminate_backend`) stops trusting what it cached — a change
 * made while nobody could hear it is seen on the next request. Needs `pnpm --filter @kirim/api build` first.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { databaseKinds, sql } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_DIR } from "./drills/drill-support.js";
import type { ApiProcess } from "./drills/drill-support.js";
import { call } from "./support/http.js";
import { startInstances } from "./support/instances.js";
import type { Instances } from "./support/instances.js";

const DEV_API_KEY = "kdv_live_keyCacheTestKey00000000";
const CLI_JS = path.join(APP_DIR, "dist", "cli", "main.js");
const LISTEN_APPLICATION_NAME = "kirim-api-listen";

describe.runIf(databaseKinds().includes("postgres"))("API keys cached by two instances on PostgreSQL", () => {
  let started: Instances | undefined;
  let db: Instances["db"];
  let dataDir = "";
  let env: Record<string, string> = {};
  let organisationId = "";
  let instances: ApiProcess[] = [];

  beforeAll(async () => {
    started = await startInstances("key-cache", {
      DEV_API_KEY,
      CURSOR_SECRET: "key-cache-test-cursor-secret",
    });
    ({ db, dataDir, env, instances } = started);
    const row = await db.db.selectFrom("api_keys").select("organisation_id").executeTakeFirstOrThrow();
    organisationId = row.organisation_id;
  }, 150_000);

  afterAll(async () => {
    await started?.close();
  });

  function kirim(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_JS, ...args], { cwd: dataDir, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function newKey(label: string): Promise<{ id: string; key: string }> {
    const created = await kirim(["keys", "create", "--org", organisationId, "--label", label, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    return JSON.parse(created.stdout) as { id: string; key: string };
  }

  const both = (): [ApiProcess, ApiProcess] => {
    const [a, b] = instances;
    if (a === undefined || b === undefined) throw new Error("instances not started");
    return [a, b];
  };

  /** Ms until `instance` answers 401 with `code` for `key`, polling every 20 ms; fails after 5 s. */
  async function msUntilRefused(instance: ApiProcess, key: string, code: string, since: number): Promise<number> {
    for (;;) {
      const res = await call(instance.baseUrl, "GET", "/v1/accounts", { token: key });
      if (res.status === 401) {
        expect(res.body.error.code).toBe(code);
        return performance.now() - since;
      }
      expect(res.status).toBe(200);
      if (performance.now() - since > 5_000) throw new Error(`still accepted after 5 s: ${res.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Accepted on both instances several times, so both have it cached. */
  async function warm(key: string): Promise<void> {
    for (const instance of both()) {
      for (let i = 0; i < 3; i++)
        expect((await call(instance.baseUrl, "GET", "/v1/accounts", { token: key })).status).toBe(200);
    }
  }

  it("a key revoked by the CLI is refused by both instances within one second", async () => {
    const { id, key } = await newKey("revoked-by-cli");
    await warm(key);
    const revoked = await kirim(["keys", "revoke", id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const since = performance.now();
    for (const instance of both())
      expect(await msUntilRefused(instance, key, "invalid_api_key", since)).toBeLessThan(1_000);
  });

  it("a cached key's expiry is honoured from the cached row at each request, without any further change", async () => {
    const { id, key } = await newKey("expiring");
    await db.db
      .updateTable("api_keys")
      .set({ expires_at: sql<Date>`now() + interval '1.5 seconds'` })
      .where("id", "=", id)
      .execute();
    // Give the notification of that UPDATE time to arrive, then cache the row with its expires_at.
    await new Promise((r) => setTimeout(r, 300));
    await warm(key);
    const since = performance.now();
    const waits = [];
    for (const instance of both()) waits.push(await msUntilRefused(instance, key, "expired_api_key", since));
    expect(Math.max(...waits)).toBeLessThan(3_000);
  });

  it("an instance whose listener connection is killed stops trusting its cache: a change nobody notified is seen at once", async () => {
    const [a] = both();
    const { id, key } = await newKey("listener-lost");
    await warm(key);
    // The same transaction revokes the key WITHOUT a notification (trigger disabled) and kills every listener
    // connection: the revocation can reach an instance only if losing its listener made it distrust its cache.
    const pids = await db.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE api_keys DISABLE TRIGGER api_keys_notify_change`.execute(trx);
      await trx.updateTable("api_keys").set({ revoked_at: new Date() }).where("id", "=", id).execute();
      await sql`ALTER TABLE api_keys ENABLE TRIGGER api_keys_notify_change`.execute(trx);
      // OFFSET 0 keeps the filter below the terminate call (else the planner may call it for every backend).
      const killed = await sql<{ pid: number; terminated: boolean }>`
        SELECT pid, pg_terminate_backend(pid) AS terminated
        FROM (SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${LISTEN_APPLICATION_NAME} OFFSET 0) listeners`.execute(
        trx,
      );
      return killed.rows.filter((r) => r.terminated).map((r) => r.pid);
    });
    expect(pids).toHaveLength(2);
    for (const instance of both()) {
      const res = await call(instance.baseUrl, "GET", "/v1/accounts", { token: key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("invalid_api_key");
    }
    // Each instance listens again (a new connection), and the cache works again: a CLI revocation is heard.
    await expect
      .poll(
        async () =>
          (
            await sql<{
              n: number;
            }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${LISTEN_APPLICATION_NAME}`.execute(
              db.db,
            )
          ).rows[0]?.n,
        { timeout: 5_000 },
      )
      .toBe(2);
    const again = await newKey("after-reconnect");
    await warm(again.key);
    expect((await kirim(["keys", "revoke", again.id])).code).toBe(0);
    const since = performance.now();
    expect(await msUntilRefused(a, again.key, "invalid_api_key", since)).toBeLessThan(1_000);
  });
});
