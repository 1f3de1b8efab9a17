// Faults on demand, over real HTTP, reproducible by seed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, DEMO_WABA_ID, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl, utilityTemplate } from "./testing/http.js";
import type { GraphErrorShape } from "./testing/http.js";

let sandbox: MetaSandbox;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  sandbox.control.reset();
});

const list = (
  query = "?limit=5",
): Promise<{ status: number; body: GraphErrorShape & { paging?: { next?: string } } }> =>
  call(templatesUrl(sandbox, query), { token: DEMO_ACCESS_TOKEN });

describe("error faults", () => {
  it("server_error: HTTP 503, code 2, is_transient", async () => {
    sandbox.control.faults.add({ kind: "server_error", times: 1 });
    const failed = await list();
    expect(failed.status).toBe(503);
    expect(failed.body.error).toMatchObject({ code: 2, is_transient: true, fbtrace_id: expect.any(String) });
    expect((await list()).status).toBe(200);
  });

  it("unknown_error: HTTP 500, code 1", async () => {
    sandbox.control.faults.add({ kind: "unknown_error", times: 1 });
    const failed = await list();
    expect(failed.status).toBe(500);
    expect(failed.body.error).toMatchObject({ code: 1, is_transient: true });
  });

  it("app_rate_limit: code 4 with HTTP 429 by default, 400 when configured", async () => {
    sandbox.control.faults.add({ kind: "app_rate_limit", times: 1 });
    const limited = await list();
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 4, error_subcode: 2446079, is_transient: true });
    sandbox.control.faults.configure({ appRateLimitStatus: 400, rules: [{ kind: "app_rate_limit", times: 1 }] });
    expect((await list()).status).toBe(400);
  });

  it("waba_rate_limit: code 80008, only on matching method and path", async () => {
    sandbox.control.faults.add({ kind: "waba_rate_limit", method: "POST", path: "/message_templates" });
    expect((await list()).status).toBe(200);
    const create = await call<GraphErrorShape>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(create.status).toBe(400);
    expect(create.body.error.code).toBe(80008);
    expect(sandbox.control.findTemplate(DEMO_WABA_ID, "order_confirmation", "en")).toBeUndefined();
  });

  it("template_rate_limit: code 80012 on edits", async () => {
    const hello = String(sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US")?.id);
    sandbox.control.faults.add({ kind: "template_rate_limit", method: "POST", path: `/${hello}`, times: 1 });
    const response = await call<GraphErrorShape>(`${sandbox.graphUrl}/${hello}`, {
      token: DEMO_ACCESS_TOKEN,
      json: { message_send_ttl_seconds: 43_200 },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 80012, is_transient: true });
    expect(sandbox.control.template(hello)?.status).toBe("APPROVED");
  });
});

describe("shape faults", () => {
  it("malformed_json: a 200 whose body does not parse", async () => {
    sandbox.control.faults.add({ kind: "malformed_json", times: 1 });
    const response = await fetch(templatesUrl(sandbox, "?limit=2"), {
      headers: { authorization: `Bearer ${DEMO_ACCESS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it("hang: no answer before the client's timeout; logged with status 0", async () => {
    sandbox.control.faults.add({ kind: "hang", times: 1 });
    const started = Date.now();
    await expect(
      fetch(templatesUrl(sandbox), {
        headers: { authorization: `Bearer ${DEMO_ACCESS_TOKEN}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sandbox.control.requests().at(-1)).toMatchObject({ status: 0, wabaId: DEMO_WABA_ID });
  });

  it("latency: every answer is delayed", async () => {
    sandbox.control.faults.configure({ latencyMs: 150 });
    const started = Date.now();
    expect((await list()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("failListPage: page N of a list fails, the others succeed", async () => {
    sandbox.control.faults.configure({ failListPage: 2 });
    const first = await list();
    expect(first.status).toBe(200);
    const second = await call<GraphErrorShape>(String(first.body.paging?.next), { token: DEMO_ACCESS_TOKEN });
    expect(second.status).toBe(503);
    expect(second.body.error.code).toBe(2);
  });
});

describe("accepted but failed", () => {
  it("accept_then_fail: the create lands although the answer is a 503", async () => {
    sandbox.control.faults.add({ kind: "accept_then_fail", method: "POST", path: "/message_templates", times: 1 });
    const response = await call<GraphErrorShape>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(response.status).toBe(503);
    expect(response.body.error.is_transient).toBe(true);
    expect(sandbox.control.findTemplate(DEMO_WABA_ID, "order_confirmation", "en")).toMatchObject({ status: "PENDING" });
    // A blind retry now meets the duplicate rule; a careful client reads by name first.
    const retry = await call<GraphErrorShape>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(retry.body.error.error_subcode).toBe(2388024);
    const lookup = await call<{ data: Array<{ name: string }> }>(templatesUrl(sandbox, "?name=order_confirmation"), {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(lookup.body.data).toHaveLength(1);
  });

  it("accept_then_drop: the create lands and the connection dies", async () => {
    sandbox.control.faults.add({ kind: "accept_then_drop", method: "POST", times: 1 });
    await expect(
      call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: utilityTemplate("order_confirmation") }),
    ).rejects.toThrow();
    expect(sandbox.control.findTemplate(DEMO_WABA_ID, "order_confirmation", "en")).toBeDefined();
  });

  it("accept_then_hang: the create lands, the answer never comes; logged with status 0 and the template id", async () => {
    sandbox.control.faults.add({ kind: "accept_then_hang", method: "POST", path: "/message_templates", times: 1 });
    const pending = fetch(templatesUrl(sandbox), {
      method: "POST",
      headers: { authorization: `Bearer ${DEMO_ACCESS_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(utilityTemplate("order_confirmation")),
      signal: AbortSignal.timeout(300),
    });
    await expect(pending).rejects.toThrow();
    const landed = sandbox.control.findTemplate(DEMO_WABA_ID, "order_confirmation", "en");
    expect(landed).toMatchObject({ status: "PENDING" });
    expect(sandbox.control.requests({ method: "POST" }).at(-1)).toMatchObject({
      status: 0,
      templateId: landed?.id,
      wabaId: DEMO_WABA_ID,
    });
    // The rule is spent: the next create answers normally (here: Meta's duplicate rule).
    const retry = await call<GraphErrorShape>(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(retry.body.error.error_subcode).toBe(2388024);
  });
});

describe("determinism", () => {
  async function statuses(seed: number): Promise<number[]> {
    const instance = await startMetaSandbox({
      reviewDelayMs: null,
      demoTemplateCount: 5,
      faults: { seed, rules: [{ kind: "server_error", rate: 0.5 }] },
    });
    try {
      const result: number[] = [];
      for (let index = 0; index < 24; index += 1) {
        result.push(
          (await call(`${instance.graphUrl}/${DEMO_WABA_ID}/message_templates?limit=1`, { token: DEMO_ACCESS_TOKEN }))
            .status,
        );
      }
      return result;
    } finally {
      await instance.close();
    }
  }

  it("the same seed gives the same failure sequence, another seed a different one", async () => {
    const first = await statuses(7);
    expect(await statuses(7)).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await statuses(8)).not.toEqual(first);
  });

  it("is configurable over HTTP", async () => {
    const put = await call(`${sandbox.url}/_sandbox/faults`, {
      method: "PUT",
      json: { rules: [{ kind: "server_error", times: 1 }] },
    });
    expect(put.status).toBe(200);
    expect((await list()).status).toBe(503);
    expect((await list()).status).toBe(200);
    const snapshot = await call<{ rules: Array<{ applied: number }> }>(`${sandbox.url}/_sandbox/faults`);
    expect(snapshot.body.rules[0]?.applied).toBe(1);
  });
});
