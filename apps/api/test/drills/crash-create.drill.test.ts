/**
 * Issue 8, drill 3: `kill -9` of the API between Meta accepting a create and our commit. After a restart and one
 * sync the template exists exactly once, with Meta's id; retries (same Idempotency-Key, or a plain re-create) never
 * put a second template on Meta.
 *
 * The API is the built `dist/main.js` in a child process; the sandbox runs here with an `accept_then_hang` fault on
 * the create: the template lands in the sandbox, the answer never comes, and the test kills the child as soon as the
 * sandbox's request log shows the accepted create. Both database kinds: PostgreSQL through DATABASE_URL, PGlite
 * through the child's DATA_DIR (so this also proves the embedded database opens again after a kill -9).
 *
 * What core does with a create that was started but not committed (asserted below, not assumed): no template row is
 * written before Meta's answer (the row is inserted only after `gateway.createTemplate` returns), so the only traces
 * are the Idempotency-Key claim (in progress, locked for 5 minutes) and the Meta-budget attempt. The sync is what
 * recovers the template; the dead claim answers `idempotency_in_progress` until its lock runs out, and is then taken
 * over by the retry, which meets the now-synced template locally.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase } from "@kirim/core";
import type { DatabaseHandle } from "@kirim/core";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import type { DatabaseKind, TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "../support/http.js";
import { DEMO_PHONE_NUMBER_ID, orderConfirmation, startStack } from "../support/stack.js";
import type { Stack } from "../support/stack.js";
import {
  accountIdOf,
  baseApiEnv,
  expectTableEqualsInventory,
  killApiProcess,
  requireUrl,
  startApiProcess,
  stopApiProcess,
  storedTemplates,
} from "./drill-support.js";
import type { ApiProcess } from "./drill-support.js";

const PID = DEMO_PHONE_NUMBER_ID;
const DEV_API_KEY = "kdv_live_crashCreateDrill00000000";
const IDEMPOTENCY_KEY = "crash-drill-create-1";
const TEMPLATE_NAME = "drill_crash_create";
const CREATE_BODY = { ...orderConfirmation("en"), name: TEMPLATE_NAME };

describe.each(databaseKinds())(
  "crash drill on %s: kill -9 between Meta accepting a create and our commit",
  (kind: DatabaseKind) => {
    let sandbox: MetaSandbox;
    let pgDatabase: TestDatabase | undefined;
    let dataDir = "";
    let api: ApiProcess | undefined;
    let env: Record<string, string> = {};
    let metaTemplateId = "";

    /**
     * The API's database from the test process. PostgreSQL: the test database. PGlite: the child's data directory,
     * opened only while no API process runs (PGlite is single-process).
     */
    async function withDatabase<T>(fn: (db: DatabaseHandle["db"]) => Promise<T>): Promise<T> {
      if (pgDatabase !== undefined) return fn(pgDatabase.db);
      if (api !== undefined && api.child.exitCode === null && api.child.signalCode === null)
        throw new Error("PGlite is open in the API process");
      const handle = createDatabase({ dataDir: path.join(dataDir, "pglite") });
      try {
        return await fn(handle.db);
      } finally {
        await handle.close();
      }
    }

    const createCalls = () =>
      sandbox.control.requests({ method: "POST" }).filter((r) => r.path.endsWith("/message_templates"));
    const metaCopies = () => sandbox.control.templates(sandbox.demo.wabaId).filter((t) => t.name === TEMPLATE_NAME);
    const create = (headers: Record<string, string> = {}) =>
      call(api?.baseUrl ?? "", "POST", `/v1/${PID}/templates`, { token: DEV_API_KEY, body: CREATE_BODY, headers });

    beforeAll(async () => {
      sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null });
      dataDir = await mkdtemp(path.join(tmpdir(), `kirim-crash-drill-${kind}-`));
      if (kind === "postgres") pgDatabase = await createTestDatabase("postgres");
      env = baseApiEnv({
        DATA_DIR: dataDir,
        ...(pgDatabase !== undefined ? { DATABASE_URL: requireUrl(pgDatabase.url) } : {}),
        META_GRAPH_URL: sandbox.url,
        DEMO_WABA_ID: sandbox.demo.wabaId,
        DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
        DEV_API_KEY,
        // A retry behind a dead claim gets its 409 after half a second instead of Kirimdev's 30 s.
        IDEMPOTENCY_WAIT_MS: "500",
      });
      api = await startApiProcess(env);
    }, 120_000);

    afterAll(async () => {
      await stopApiProcess(api, 5_000);
      await sandbox?.close();
      await pgDatabase?.dispose();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it("the API dies after Meta accepted the create: Meta has the template, we have no row, only the key's claim", async () => {
      const running = api;
      if (running === undefined) throw new Error("API not started");
      sandbox.control.faults.add({ kind: "accept_then_hang", method: "POST", path: "/message_templates", times: 1 });
      const pending = create({ "Idempotency-Key": IDEMPOTENCY_KEY }).then(
        (res) => ({ answered: res.status }),
        () => ({ answered: "no answer" as const }),
      );

      // The moment the sandbox has accepted (its log has the create, with the new template's id, and no answer sent).
      const deadline = Date.now() + 30_000;
      let accepted = createCalls().find((r) => r.templateId !== undefined);
      while (accepted === undefined) {
        if (Date.now() > deadline) throw new Error(`the create never reached the sandbox\n${running.output()}`);
        await new Promise((r) => setTimeout(r, 10));
        accepted = createCalls().find((r) => r.templateId !== undefined);
      }
      expect(accepted.status).toBe(0);
      await killApiProcess(running);
      expect(running.child.signalCode).toBe("SIGKILL");
      expect(await pending).toEqual({ answered: "no answer" });

      expect(metaCopies()).toHaveLength(1);
      metaTemplateId = metaCopies()[0]?.id ?? "";
      expect(metaTemplateId).toBe(accepted.templateId);

      await withDatabase(async (db) => {
        const accountId = await accountIdOf(db, PID);
        // Core writes no row before Meta answers: the dead request left no template behind…
        expect((await storedTemplates(db, accountId)).filter((r) => r.name === TEMPLATE_NAME)).toEqual([]);
        // …only its Idempotency-Key claim, still in progress (nobody will complete it), and the Meta-budget attempt.
        const claim = await db
          .selectFrom("idempotency_keys")
          .select(["state", "response_status"])
          .where("key", "=", IDEMPOTENCY_KEY)
          .execute();
        expect(claim).toEqual([{ state: "in_progress", response_status: null }]);
        const attempts = await db.selectFrom("meta_create_attempts").select("waba_id").execute();
        expect(attempts).toEqual([{ waba_id: sandbox.demo.wabaId }]);
      });
    }, 120_000);

    it("after the restart, before any sync: neither a same-key retry nor a plain re-create puts a second template on Meta", async () => {
      api = await startApiProcess(env);
      const callsBefore = createCalls().length;

      // The dead request's claim is locked for 5 minutes: the retry waits IDEMPOTENCY_WAIT_MS, then 409, and the route
      // (and Meta) is never reached.
      const retried = await create({ "Idempotency-Key": IDEMPOTENCY_KEY });
      expectError(retried, 409, "idempotency_in_progress", { param: "Idempotency-Key" });
      expect(createCalls()).toHaveLength(callsBefore);

      // Without a key the local duplicate check finds nothing (no row yet), so Meta is asked — and refuses the
      // duplicate name + language, which we answer as 409 template_already_exists.
      const plain = await create();
      expectError(plain, 409, "template_already_exists", { param: "name" });
      expect(plain.body.error.meta).toMatchObject({ error_subcode: 2388024 });
      expect(metaCopies()).toHaveLength(1);
      // That 409 also stored Meta's copy, so a GET agrees with it at once — before any sync.
      const stored = await call(api.baseUrl, "GET", `/v1/${PID}/templates/${TEMPLATE_NAME}`, { token: DEV_API_KEY });
      expect(stored.status, stored.text).toBe(200);
      // One object (Kirimdev's shape); `languages` says the name exists in one language only.
      expect(stored.body.data).toMatchObject({ provider_template_id: metaTemplateId, languages: ["en"] });
    }, 120_000);

    it("one sync later the template exists exactly once, with Meta's id and status; the table equals the sandbox's", async () => {
      const synced = await call(api?.baseUrl ?? "", "POST", `/v1/${PID}/templates/sync`, { token: DEV_API_KEY });
      expect(synced.status, synced.text).toBe(200);
      const inventory = sandbox.control.templates(sandbox.demo.wabaId);
      // Every template but the one the re-create already stored is new here; that one is unchanged.
      expect(synced.body.data).toMatchObject({
        synced: inventory.length,
        created: inventory.length - 1,
        updated: 0,
        removed: 0,
      });

      const got = await call(api?.baseUrl ?? "", "GET", `/v1/${PID}/templates/${TEMPLATE_NAME}`, {
        token: DEV_API_KEY,
      });
      expect(got.status).toBe(200);
      expect(got.body.data.languages).toEqual(["en"]);
      const meta = metaCopies()[0];
      expect(got.body.data).toMatchObject({
        name: TEMPLATE_NAME,
        language: "en",
        provider_template_id: metaTemplateId,
        meta_status: meta?.status,
        status: "pending",
        category: meta?.category,
        deleted_at: null,
      });
      // Row by row, once the API is out of the way (PGlite is single-process).
      if (pgDatabase === undefined) await stopApiProcess(api);
      await withDatabase(async (db) => {
        const rows = await storedTemplates(db, await accountIdOf(db, PID));
        expect(expectTableEqualsInventory(rows, inventory)).toEqual([]);
        expect(rows.filter((r) => r.name === TEMPLATE_NAME)).toHaveLength(1);
      });
      if (pgDatabase === undefined) api = await startApiProcess(env);
    }, 120_000);

    it("after the sync, re-creates are answered locally, and the keyed retry, once the dead claim's lock runs out, gets its template (201)", async () => {
      const callsBefore = createCalls().length;
      const plain = await create();
      expectError(plain, 409, "template_already_exists", { param: "name" });
      expect(plain.body.error.meta).toBeUndefined(); // our own check, not Meta's refusal
      expectError(await create({ "Idempotency-Key": IDEMPOTENCY_KEY }), 409, "idempotency_in_progress");

      // Five minutes pass: the dead claim's lock runs out (moved back in the database while the API is stopped).
      await stopApiProcess(api);
      await withDatabase(async (db) => {
        const updated = await db
          .updateTable("idempotency_keys")
          .set({ locked_until: new Date(Date.now() - 1_000) })
          .where("key", "=", IDEMPOTENCY_KEY)
          .where("state", "=", "in_progress")
          .executeTakeFirst();
        expect(Number(updated.numUpdatedRows)).toBe(1);
      });
      api = await startApiProcess(env);

      // The retry takes the dead claim over — the same key AND the same body, so it is the dead request itself, retried —
      // and core takes the stored template with this name, language and text as that request's result: 201 with
      // Meta's id (stored and replayed from now on), Meta not called. A plain re-create is still 409 (above).
      const takenOver = await create({ "Idempotency-Key": IDEMPOTENCY_KEY });
      expect(takenOver.status, takenOver.text).toBe(201);
      expect(takenOver.body.data).toMatchObject({
        name: TEMPLATE_NAME,
        language: "en",
        provider_template_id: metaTemplateId,
      });
      expect(takenOver.headers.get("idempotent-replayed")).toBe("false");
      const replayed = await create({ "Idempotency-Key": IDEMPOTENCY_KEY });
      expect(replayed.status).toBe(201);
      expect(replayed.headers.get("idempotent-replayed")).toBe("true");
      expect(replayed.text).toBe(takenOver.text);

      expect(createCalls()).toHaveLength(callsBefore);
      expect(metaCopies()).toHaveLength(1);
    }, 120_000);
  },
);

/**
 * The same window without a crash: Meta accepted the create, its answer is late, and a sync (another request, the
 * scheduler, another instance) commits the template first. When the create's answer finally comes (here: the
 * gateway's timeout, then its "did it land?" lookup), the template is already stored — with the very id Meta gave
 * this create. That is this create's own template, so the caller gets it (201), not a 409 "already exists" (which
 * is what this drill found before the fix in core's create: a caller told its landed create had failed may rename
 * and create again — a second template on Meta). Regression test in core: template.service.test.ts.
 */
describe.each(databaseKinds())(
  "crash drill on %s, no crash: a sync commits the accepted create before the create does",
  (kind: DatabaseKind) => {
    let stack: Stack;
    beforeAll(async () => {
      // A short gateway timeout: the held answer turns into a timeout (ambiguous → lookup → adopt) after 1 s.
      stack = await startStack(kind, { gateway: { timeoutMs: 1_000 } });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it("the late create answers 201 with the row the sync stored: one template locally, one on Meta, Meta's id", async () => {
      const { sandbox } = stack;
      sandbox.control.faults.add({ kind: "accept_then_hang", method: "POST", path: "/message_templates", times: 1 });
      const pending = call(stack.baseUrl, "POST", `/v1/${PID}/templates`, {
        token: stack.demoKey,
        body: CREATE_BODY,
        headers: { "Idempotency-Key": "late-create-1" },
      });
      const deadline = Date.now() + 30_000;
      while (sandbox.control.findTemplate(sandbox.demo.wabaId, TEMPLATE_NAME, "en") === undefined) {
        if (Date.now() > deadline) throw new Error("the create never reached the sandbox");
        await new Promise((r) => setTimeout(r, 10));
      }
      const synced = await call(stack.baseUrl, "POST", `/v1/${PID}/templates/sync`, { token: stack.demoKey });
      expect(synced.status, synced.text).toBe(200);
      const metaId = sandbox.control.findTemplate(sandbox.demo.wabaId, TEMPLATE_NAME, "en")?.id;

      const created = await pending;
      expect(created.status, created.text).toBe(201);
      expect(created.body.data).toMatchObject({
        name: TEMPLATE_NAME,
        language: "en",
        provider_template_id: metaId,
        meta_status: "PENDING",
        deleted_at: null,
      });
      const got = await call(stack.baseUrl, "GET", `/v1/${PID}/templates/${TEMPLATE_NAME}`, { token: stack.demoKey });
      expect(got.body.data.languages).toEqual(["en"]);
      expect(got.body.data.id).toBe(created.body.data.id);
      expect(sandbox.control.templates(sandbox.demo.wabaId).filter((t) => t.name === TEMPLATE_NAME)).toHaveLength(1);
    }, 60_000);
  },
);
