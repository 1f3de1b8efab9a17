/**
 * The platform guarantees hold on /trpc as on /v1, per database kind: the organisation's request buckets (shared
 * with REST, X-RateLimit-* headers, 429 with Retry-After) and Idempotency-Key on mutations (one effect, replayed
 * outcome, 422 reuse — also across REST and tRPC — and a 20-way race with one Meta call).
 */
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter, RouterInputs } from "../src/index.js";
import { call } from "./support/http.js";
import { createCalls, DEMO_PHONE_NUMBER_ID, lastSeq, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { trpcError } from "./support/trpc.js";

const PID = DEMO_PHONE_NUMBER_ID;
type CreateInput = RouterInputs["templates"]["create"]["template"];

interface Recorded {
  status: number;
  headers: Headers;
}

function clientFor(baseUrl: string, token: string, extraHeaders: Record<string, string> = {}) {
  const responses: Recorded[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        headers: { authorization: `Bearer ${token}`, ...extraHeaders },
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          responses.push({ status: res.status, headers: res.headers });
          return res;
        },
      }),
    ],
  });
  return { client, last: (): Recorded => responses.at(-1) ?? expect.unreachable("no response recorded") };
}

function template(name: string): CreateInput {
  return { ...orderConfirmation("en"), name } as CreateInput;
}

describe.each(databaseKinds())("tRPC rate limits on %s", (kind) => {
  let s: Stack;

  beforeAll(async () => {
    s = await startStack(kind, {
      core: { rateLimits: { writePerMinute: 2, readPerMinute: 4, metaCreatesPerHour: 1_000 } },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("a query takes from the read bucket REST uses, with the same headers, and is refused with 429 + Retry-After once it is empty", async () => {
    const { client, last } = clientFor(s.baseUrl, s.demoKey);
    await client.accounts.list.query();
    expect(last().headers.get("x-ratelimit-limit")).toBe("4");
    expect(last().headers.get("x-ratelimit-remaining")).toBe("3");
    expect(Number(last().headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));

    // REST and tRPC drain one bucket.
    const rest = await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey });
    expect(rest.headers.get("x-ratelimit-remaining")).toBe("2");
    await client.templates.list.query({ phone_number_id: PID });
    await client.templates.list.query({ phone_number_id: PID });
    expect(last().headers.get("x-ratelimit-remaining")).toBe("0");

    const refused = await trpcError(client.accounts.list.query());
    expect(refused.data).toMatchObject({ code: "rate_limit_exceeded", trpcCode: "TOO_MANY_REQUESTS", httpStatus: 429 });
    expect(last().status).toBe(429);
    expect(Number(last().headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(last().headers.get("x-ratelimit-remaining")).toBe("0");

    // And REST sees the same empty bucket.
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey })).status).toBe(429);
  });

  it("a mutation takes from the write bucket; another organisation's bucket is untouched", async () => {
    const { client, last } = clientFor(s.baseUrl, s.demoKey);
    const since = lastSeq(s.sandbox);
    await client.templates.sync.mutate({ phone_number_id: PID });
    expect(last().headers.get("x-ratelimit-limit")).toBe("2");
    expect(last().headers.get("x-ratelimit-remaining")).toBe("1");
    await client.templates.sync.mutate({ phone_number_id: PID });
    const refused = await trpcError(client.templates.sync.mutate({ phone_number_id: PID }));
    expect(refused.data?.code).toBe("rate_limit_exceeded");
    // The refused sync never reached Meta: exactly two list passes happened.
    const listCalls = s.sandbox.control
      .requests({ method: "GET", sinceSeq: since })
      .filter((r) => r.path.endsWith("/message_templates"));
    expect(listCalls.length).toBeGreaterThan(0);
    expect(listCalls.length % 2).toBe(0);

    const other = clientFor(s.baseUrl, s.otherKey);
    await other.client.accounts.list.query();
    expect(other.last().headers.get("x-ratelimit-remaining")).toBe("3");
  });

  it("an unauthenticated call is refused before any bucket (no X-RateLimit-* headers)", async () => {
    const { client, last } = clientFor(s.baseUrl, "kdv_live_not_a_real_key_000000");
    const error = await trpcError(client.accounts.list.query());
    expect(error.data?.trpcCode).toBe("UNAUTHORIZED");
    expect(last().headers.get("x-ratelimit-limit")).toBeNull();
  });
});

describe.each(databaseKinds())("tRPC Idempotency-Key on %s", (kind) => {
  let s: Stack;

  beforeAll(async () => {
    s = await startStack(kind);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("replays the first create's output with Idempotent-Replayed: true and calls Meta once", async () => {
    const { client, last } = clientFor(s.baseUrl, s.demoKey, { "Idempotency-Key": `trpc-create-${kind}` });
    const since = lastSeq(s.sandbox);
    const first = await client.templates.create.mutate({ phone_number_id: PID, template: template("idem_trpc_once") });
    expect(last().headers.get("idempotent-replayed")).toBe("false");
    const second = await client.templates.create.mutate({ phone_number_id: PID, template: template("idem_trpc_once") });
    expect(last().headers.get("idempotent-replayed")).toBe("true");
    expect(second).toEqual(first);
    expect(createCalls(s.sandbox, since)).toBe(1);
  });

  it("replays a final error (409 duplicate) as the same error, without calling Meta again", async () => {
    const plain = clientFor(s.baseUrl, s.demoKey);
    await plain.client.templates.create.mutate({ phone_number_id: PID, template: template("idem_trpc_dup") });
    const keyed = clientFor(s.baseUrl, s.demoKey, { "Idempotency-Key": `trpc-dup-${kind}` });
    const first = await trpcError(
      keyed.client.templates.create.mutate({ phone_number_id: PID, template: template("idem_trpc_dup") }),
    );
    expect(keyed.last().headers.get("idempotent-replayed")).toBe("false");
    // Deleting the template locally would let a real second run succeed; the replay must still answer the 409.
    const since = lastSeq(s.sandbox);
    const replayed = await trpcError(
      keyed.client.templates.create.mutate({ phone_number_id: PID, template: template("idem_trpc_dup") }),
    );
    expect(keyed.last().headers.get("idempotent-replayed")).toBe("true");
    expect({ message: replayed.message, code: replayed.data?.code, param: replayed.data?.param }).toEqual({
      message: first.message,
      code: "template_already_exists",
      param: first.data?.param,
    });
    expect(createCalls(s.sandbox, since)).toBe(0);
  });

  it("refuses the same key with another input (422 idempotency_key_reuse), and the same key on REST", async () => {
    const key = `trpc-reuse-${kind}`;
    const { client } = clientFor(s.baseUrl, s.demoKey, { "Idempotency-Key": key });
    await client.templates.create.mutate({ phone_number_id: PID, template: template("idem_trpc_reuse_a") });
    const reuse = await trpcError(
      client.templates.create.mutate({ phone_number_id: PID, template: template("idem_trpc_reuse_b") }),
    );
    expect(reuse.data).toMatchObject({ code: "idempotency_key_reuse", httpStatus: 422, param: "Idempotency-Key" });

    const rest = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: s.demoKey,
      headers: { "Idempotency-Key": key },
      body: template("idem_trpc_reuse_a"),
    });
    expect(rest.status).toBe(422);
    expect((rest.body as { error: { code: string } }).error.code).toBe("idempotency_key_reuse");
  });

  it("does not keep a 400: the corrected input may reuse the key", async () => {
    const key = `trpc-invalid-${kind}`;
    const { client } = clientFor(s.baseUrl, s.demoKey, { "Idempotency-Key": key });
    const withoutBody = {
      ...template("idem_trpc_after_400"),
      components: [{ type: "FOOTER", text: "No body" }],
    } as CreateInput;
    const invalid = await trpcError(client.templates.create.mutate({ phone_number_id: PID, template: withoutBody }));
    expect(invalid.data?.httpStatus).toBe(400);
    const ok = await client.templates.create.mutate({
      phone_number_id: PID,
      template: template("idem_trpc_after_400"),
    });
    expect(ok.name).toBe("idem_trpc_after_400");
  });

  it("refuses an unusable key with 400 invalid_field_value on Idempotency-Key", async () => {
    const { client } = clientFor(s.baseUrl, s.demoKey, { "Idempotency-Key": "k".repeat(256) });
    const error = await trpcError(client.templates.sync.mutate({ phone_number_id: PID }));
    expect(error.data).toMatchObject({ code: "invalid_field_value", param: "Idempotency-Key", httpStatus: 400 });
  });

  it("20 concurrent identical creates with one key: one Meta call, one row, 20 identical outputs", async () => {
    const key = `trpc-race-${kind}`;
    const since = lastSeq(s.sandbox);
    const outputs = await Promise.all(
      Array.from({ length: 20 }, () =>
        clientFor(s.baseUrl, s.demoKey, { "Idempotency-Key": key }).client.templates.create.mutate({
          phone_number_id: PID,
          template: template("idem_trpc_race"),
        }),
      ),
    );
    expect(new Set(outputs.map((o) => JSON.stringify(o))).size).toBe(1);
    expect(createCalls(s.sandbox, since)).toBe(1);
    const rows = await s.db.db.selectFrom("templates").select("id").where("name", "=", "idem_trpc_race").execute();
    expect(rows).toHaveLength(1);
  }, 60_000);

  it("without a key, mutations run every time (no header)", async () => {
    const { client, last } = clientFor(s.baseUrl, s.demoKey);
    await client.templates.sync.mutate({ phone_number_id: PID });
    expect(last().headers.get("idempotent-replayed")).toBeNull();
  });
});
