/**
 * Idempotency-Key over real HTTP, on each database kind: replay byte for byte without a second Meta call,
 * key reuse, in-progress conflicts, what is not stored (400) or released (5xx), and the many-way race.
 */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, expectError } from "./support/http.js";
import type { CallResult } from "./support/http.js";
import {
  createCalls,
  DEMO_PHONE_NUMBER_ID,
  lastSeq,
  orderConfirmation,
  SEED_CREATE_SAMPLE_BODY,
  startStack,
} from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;
/** Bound on waiting for a concurrent duplicate; below the stack's 5 s gateway timeout (see the in-progress test). */
const WAIT_MS = 4_000;

/** Everything a replay must reproduce: status, the headers that matter, and the body bytes. */
function answerOf(res: CallResult): {
  status: number;
  contentType: string | null;
  requestId: string | null;
  text: string;
} {
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    requestId: res.headers.get("x-request-id"),
    text: res.text,
  };
}

describe.each(databaseKinds())("Idempotency-Key on %s", (kind) => {
  let s: Stack;
  let n = 0;
  /** A valid create body with a name no other test uses. */
  const uniqueBody = (): Record<string, unknown> => ({ ...orderConfirmation(), name: `idem_${kind}_${++n}` });
  const post = (path: string, key: string | undefined, body?: unknown) =>
    call(s.baseUrl, "POST", path, {
      token: s.demoKey,
      ...(body === undefined ? {} : { body }),
      headers: key === undefined ? {} : { "idempotency-key": key },
    });
  const templateRows = (name: string) =>
    s.db.db.selectFrom("templates").select("id").where("name", "=", name).execute();

  beforeAll(async () => {
    s = await startStack(kind, { core: { idempotency: { waitMs: WAIT_MS, pollMs: 25 } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("replays the first answer byte for byte with Idempotent-Replayed: true, without a second Meta call", async () => {
    const body = uniqueBody();
    const since = lastSeq(s.sandbox);
    const first = await post(TEMPLATES, "key-replay-1", body);
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBe("false");

    // Keys of the body in another order: the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await post(TEMPLATES, "key-replay-1", reordered);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(answerOf(second)).toEqual(answerOf(first));
    // The replaying request still counts against the bucket and says so.
    expect(second.headers.get("x-ratelimit-limit")).not.toBeNull();

    expect(createCalls(s.sandbox, since)).toBe(1);
    expect(await templateRows(String(body.name))).toHaveLength(1);
  });

  it("a request without the header is not affected (a repeat is a new create: 409 template_already_exists)", async () => {
    const body = uniqueBody();
    const first = await post(TEMPLATES, undefined, body);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expectError(await post(TEMPLATES, undefined, body), 409, "template_already_exists");
  });

  it("refuses the same key with another body or path: 422 idempotency_key_reuse", async () => {
    const body = uniqueBody();
    expect((await post(TEMPLATES, "key-reuse-1", body)).status).toBe(201);
    const since = lastSeq(s.sandbox);
    expectError(
      await post(TEMPLATES, "key-reuse-1", { ...body, category: "MARKETING" }),
      422,
      "idempotency_key_reuse",
      {
        type: "invalid_request_error",
        param: "Idempotency-Key",
      },
    );
    expectError(await post(`${TEMPLATES}/sync`, "key-reuse-1"), 422, "idempotency_key_reuse");
    expect(createCalls(s.sandbox, since)).toBe(0);
  });

  it("scopes keys to the organisation", async () => {
    expect((await post(`${TEMPLATES}/sync`, "key-shared-by-orgs")).status).toBe(200);
    const other = await call(s.baseUrl, "POST", "/v1/109876543210987/templates/sync", {
      token: s.otherKey,
      headers: { "idempotency-key": "key-shared-by-orgs" },
    });
    expect(other.status).toBe(200);
    expect(other.headers.get("idempotent-replayed")).toBe("false");
  });

  it("rejects an unusable key with 400 invalid_field_value (param Idempotency-Key)", async () => {
    for (const key of ["k".repeat(256), "tab\tinside"]) {
      expectError(await post(`${TEMPLATES}/sync`, key), 400, "invalid_field_value", { param: "Idempotency-Key" });
    }
    // 255 characters is fine.
    expect((await post(`${TEMPLATES}/sync`, "k".repeat(255))).status).toBe(200);
  });

  it("does not store a validation failure (400): the fixed body with the same key then runs", async () => {
    const refused = await post(TEMPLATES, "key-after-400", SEED_CREATE_SAMPLE_BODY);
    expect(refused.status).toBe(400);
    const body = uniqueBody();
    const since = lastSeq(s.sandbox);
    const fixed = await post(TEMPLATES, "key-after-400", body);
    expect(fixed.status, fixed.text).toBe(201);
    expect(fixed.headers.get("idempotent-replayed")).toBe("false");
    expect(createCalls(s.sandbox, since)).toBe(1);
  });

  it("releases the key after a 502 so a retry with the same key runs", async () => {
    const body = uniqueBody();
    s.sandbox.control.faults.configure({
      rules: [{ kind: "server_error", method: "POST", path: "/message_templates" }],
    });
    let failed: CallResult;
    try {
      failed = await post(TEMPLATES, "key-after-502", body);
    } finally {
      s.sandbox.control.faults.clear();
    }
    expect(failed.status, failed.text).toBe(502);
    expect(failed.headers.get("idempotent-replayed")).toBe("false");
    const retried = await post(TEMPLATES, "key-after-502", body);
    expect(retried.status, retried.text).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBe("false");
    expect((await post(TEMPLATES, "key-after-502", body)).headers.get("idempotent-replayed")).toBe("true");
  });

  it("answers 409 idempotency_in_progress when the first request is still running after the wait", async () => {
    const body = uniqueBody();
    // Meta's first answer never comes: the gateway gives up after its 5 s timeout, finds nothing landed and sends
    // again (answered). The duplicate's wait bound (4 s) runs out first.
    s.sandbox.control.faults.configure({
      rules: [{ kind: "hang", method: "POST", path: "/message_templates", times: 1 }],
    });
    try {
      const since = lastSeq(s.sandbox);
      const first = post(TEMPLATES, "key-in-progress", body);
      // The first request holds the key once its create has reached Meta (the claim comes before the Meta call).
      await vi.waitFor(() => expect(createCalls(s.sandbox, since)).toBe(1), { timeout: 10_000, interval: 10 });
      expectError(await post(TEMPLATES, "key-in-progress", body), 409, "idempotency_in_progress", { type: "conflict" });
      const firstAnswer = await first;
      expect(firstAnswer.status, firstAnswer.text).toBe(201);
    } finally {
      s.sandbox.control.faults.clear();
    }
    const again = await post(TEMPLATES, "key-in-progress", body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});

// Its own stack with the production wait bound (30 s): under load the 100 requests queue for the test database's
// few connections, and the winner's create must not be mistaken for a stuck one.
describe.each(databaseKinds())("Idempotency-Key race on %s", (kind) => {
  let s: Stack;
  const post = (path: string, key: string, body: unknown) =>
    call(s.baseUrl, "POST", path, { token: s.demoKey, body, headers: { "idempotency-key": key } });
  const templateRows = (name: string) =>
    s.db.db.selectFrom("templates").select("id").where("name", "=", name).execute();

  beforeAll(async () => {
    s = await startStack(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  // PGlite is one connection in one process, so its "race" is smaller; real PostgreSQL gets the full 100.
  const racers = kind === "postgres" ? 100 : 10;
  it(`${racers} concurrent identical creates with one key: one Meta call, one row, ${racers} identical answers`, async () => {
    const body = { ...orderConfirmation(), name: `idem_race_${kind}` };
    const since = lastSeq(s.sandbox);
    const answers = await Promise.all(Array.from({ length: racers }, () => post(TEMPLATES, `key-race-${kind}`, body)));
    expect(createCalls(s.sandbox, since)).toBe(1);
    expect(await templateRows(String(body.name))).toHaveLength(1);
    const distinct = new Set(answers.map((a) => JSON.stringify({ status: a.status, text: a.text })));
    expect(distinct.size).toBe(1);
    expect(answers[0]?.status).toBe(201);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "false")).toHaveLength(1);
    const rows = await s.db.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("key", "=", `key-race-${kind}`)
      .execute();
    expect(rows).toHaveLength(1);
  }, 60_000);
});

// Expired keys are purged as requests come (every `purgeEvery` claims), not only when an operator asks.
describe.each(databaseKinds())("expired Idempotency-Keys purged on %s", (kind) => {
  const PURGE_EVERY = 3;
  let s: Stack;
  beforeAll(async () => {
    s = await startStack(kind, { core: { idempotency: { purgeEvery: PURGE_EVERY } } });
  });
  afterAll(async () => {
    await s?.close();
  });
  const keyRows = (key: string) =>
    s.db.db.selectFrom("idempotency_keys").select("key").where("key", "=", key).execute();

  it("deletes every expired key after the configured number of new claims, and keeps live ones", async () => {
    const org = await s.db.db.selectFrom("organisations").select("id").executeTakeFirstOrThrow();
    const long = new Date(Date.now() - 48 * 3600_000);
    const expired = {
      organisation_id: org.id,
      fingerprint: "x",
      claim_id: "c",
      state: "completed" as const,
      created_at: long,
      locked_until: long,
      expires_at: long,
    };
    await s.db.db
      .insertInto("idempotency_keys")
      .values([
        { ...expired, key: "expired-a" },
        { ...expired, key: "expired-b" },
      ])
      .execute();

    const post = (key: string, name: string) =>
      call(s.baseUrl, "POST", TEMPLATES, {
        token: s.demoKey,
        body: { ...orderConfirmation(), name },
        headers: { "idempotency-key": key },
      });
    for (let i = 1; i < PURGE_EVERY; i++) {
      expect((await post(`live-${i}`, `purge_${kind}_${i}`)).status).toBe(201);
      expect(await keyRows("expired-a"), `still there after ${i} claims`).toHaveLength(1);
    }
    expect((await post(`live-${PURGE_EVERY}`, `purge_${kind}_${PURGE_EVERY}`)).status).toBe(201);
    expect(await keyRows("expired-a")).toEqual([]);
    expect(await keyRows("expired-b")).toEqual([]);
    // The live keys stay and still replay.
    expect(await keyRows("live-1")).toHaveLength(1);
    expect((await post("live-1", `purge_${kind}_1`)).headers.get("idempotent-replayed")).toBe("true");
  });
});
