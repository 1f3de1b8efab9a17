/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 13 §1 and §4, each attack replayed over HTTP: a tRPC batch of 1,100 calls with a bad key (database
 * statements counted by a Kysely plugin on core's handle), failed authentication that empties a per-address bucket
 * (REST and tRPC), a body streamed far past the limit (server RSS sampled), and headers sent twice.
 */
import http from "node:http";
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, checkInvariants } from "./support/http.js";
import { createCalls, DEMO_PHONE_NUMBER_ID, lastSeq, orderConfirmation, startStack } from "./support/stack.js";
import type { DbPlugin, Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const BAD_KEY = "kdv_live_badbadbadbadbadbadbadbadba";

/** Counts every statement core sends, and those that read `api_keys` (the key lookup). */
class StatementCounter implements DbPlugin {
  statements = 0;
  apiKeyLookups = 0;
  transformQuery(args: Parameters<DbPlugin["transformQuery"]>[0]) {
    this.statements += 1;
    if (JSON.stringify(args.node).includes('"name":"api_keys"')) this.apiKeyLookups += 1;
    return args.node;
  }
  transformResult(args: Parameters<DbPlugin["transformResult"]>[0]) {
    return Promise.resolve(args.result);
  }
  snapshot(): { statements: number; apiKeyLookups: number } {
    return { statements: this.statements, apiKeyLookups: this.apiKeyLookups };
  }
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

function toHeaders(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/** One request with headers given as [name, value] pairs, so a header can be sent twice (fetch would join them). */
function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Array<[string, string]>,
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Given as an array, the headers are sent as they are: Host included.
    const req = http.request(`${baseUrl}${path}`, {
      method,
      headers: [["host", new URL(baseUrl).host], ...headers].flat(),
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        try {
          const parsed = (res.headers["content-type"] ?? "").includes("json") ? JSON.parse(text) : undefined;
          const result = { status: res.statusCode ?? 0, headers: toHeaders(res), text, body: parsed };
          checkInvariants(result, parsed);
          resolve(result);
        } catch (error) {
          reject(error instanceof Error ? error : new Error("the response check threw a non-Error", { cause: error }));
        }
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * POSTs a chunked body of up to `totalBytes` (one 64 kB chunk written again and again, so the client allocates
 * nothing), stopping as soon as the answer arrives; samples this process's RSS (the server runs in it) meanwhile.
 */
function streamBody(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<RawResponse & { sent: number; rssGrowth: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const chunk = Buffer.alloc(64 * 1024, "a");
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        req.destroy();
        try {
          const body = (res.headers["content-type"] ?? "").includes("json") ? JSON.parse(text) : undefined;
          const result = { status: res.statusCode ?? 0, headers: toHeaders(res), text, body };
          checkInvariants(result, body);
          resolve({ ...result, sent, rssGrowth: peak - baseline });
        } catch (error) {
          reject(error instanceof Error ? error : new Error("the response check threw a non-Error", { cause: error }));
        }
      });
    });
    req.on("error", (error) => {
      if (!answered) {
        clearInterval(sampler);
        reject(error);
      }
    });
    const pump = (): void => {
      if (sent === 0) {
        req.write('{"template":"');
        sent = 13;
      }
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end('"}');
    };
    pump();
  });
}

const bearer = (key: string): [string, string] => ["authorization", `Bearer ${key}`];

describe.each(databaseKinds())("tRPC batches on %s", (kind) => {
  let s: Stack;
  const counter = new StatementCounter();

  beforeAll(async () => {
    s = await startStack(kind, { dbPlugins: [counter] });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("a GET of 1,100 batched calls with an invalid key is refused before any database work, with a short answer", async () => {
    const before = counter.snapshot();
    const path = `/trpc/${Array.from({ length: 1_100 }, () => "accounts.list").join(",")}?batch=1`;
    const res = await rawRequest(s.baseUrl, "GET", path, [bearer(BAD_KEY)]);
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(1_000);
    expect(res.body.error.data).toMatchObject({
      code: "invalid_request",
      type: "invalid_request_error",
      httpStatus: 400,
    });
    expect(res.body.error.message).toBe(
      "A batch may hold at most 10 calls; this one has 1100. Split it into several requests.",
    );
    expect(counter.snapshot()).toEqual(before);
  });

  it("a batch of 10 with an invalid key looks the key up once: every call gets the same 401", async () => {
    const before = counter.snapshot();
    const path = `/trpc/${Array.from({ length: 10 }, () => "accounts.list").join(",")}?batch=1`;
    const res = await rawRequest(s.baseUrl, "GET", path, [bearer(BAD_KEY)]);
    expect(res.status).toBe(401);
    expect(res.body).toHaveLength(10);
    for (const item of res.body) expect(item.error.data.code).toBe("invalid_api_key");
    expect(counter.apiKeyLookups - before.apiKeyLookups).toBe(1);
    expect(counter.statements - before.statements).toBe(1);
  });

  it("a batch of 10 with a valid key authenticates once and runs every call", async () => {
    const before = counter.snapshot();
    const path = `/trpc/${Array.from({ length: 10 }, () => "accounts.list").join(",")}?batch=1`;
    const res = await rawRequest(s.baseUrl, "GET", path, [bearer(s.demoKey)]);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(10);
    for (const item of res.body) expect(item.result.data.map((a: any) => a.phone_number_id)).toEqual([PID]);
    expect(counter.apiKeyLookups - before.apiKeyLookups).toBe(1);
  });

  it("a batch of 11 is refused; the 256 kB body limit and its 413 apply to a declared Content-Length without reading it", async () => {
    const eleven = `/trpc/${Array.from({ length: 11 }, () => "templates.sync").join(",")}?batch=1`;
    const refused = await rawRequest(
      s.baseUrl,
      "POST",
      eleven,
      [bearer(s.demoKey), ["content-type", "application/json"]],
      "{}",
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.data.code).toBe("invalid_request");

    const declared = await new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(`${s.baseUrl}/trpc/templates.create`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${s.demoKey}`,
          "content-type": "application/json",
          "content-length": String(300 * 1024),
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: toHeaders(res), text, body: JSON.parse(text) });
        });
      });
      req.on("error", reject);
      req.write("{"); // one byte of the announced 300 kB: the answer must not wait for the rest
    });
    expect(declared.status).toBe(413);
    expect(declared.body.error.data).toMatchObject({
      code: "request_too_large",
      httpStatus: 413,
      type: "invalid_request_error",
    });
    expect(declared.body.error.message).toBe("The request body is too large.");
  });
});

describe("request bodies far past the limit", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack("pglite");
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("/trpc cuts a streamed 128 MB body off at 256 kB with 413 request_too_large, RSS bounded; REST answers the same", async () => {
    const trpc = await streamBody(
      `${s.baseUrl}/trpc/templates.create`,
      { authorization: `Bearer ${s.demoKey}` },
      128 * 1024 * 1024,
    );
    expect(trpc.status).toBe(413);
    expect(trpc.body.error.data).toMatchObject({
      code: "request_too_large",
      type: "invalid_request_error",
      httpStatus: 413,
    });
    expect(trpc.body.error.message).toBe("The request body is too large.");
    expect(trpc.rssGrowth).toBeLessThan(48 * 1024 * 1024);
    expect(trpc.sent).toBeLessThan(64 * 1024 * 1024);

    const rest = await streamBody(
      `${s.baseUrl}/v1/${PID}/templates`,
      { authorization: `Bearer ${s.demoKey}` },
      32 * 1024 * 1024,
    );
    expect(rest.status).toBe(413);
    expect(rest.body.error).toMatchObject({
      code: "request_too_large",
      type: "invalid_request_error",
      message: trpc.body.error.message,
    });
    expect(rest.rssGrowth).toBeLessThan(48 * 1024 * 1024);
  }, 60_000);

  it("an unparsable tRPC body gets our message, never the parser's", async () => {
    const res = await rawRequest(
      s.baseUrl,
      "POST",
      "/trpc/templates.sync",
      [bearer(s.demoKey), ["content-type", "application/json"]],
      '{"phone_number_id": 1',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.data.code).toBe("invalid_json");
    expect(res.body.error.message).toBe("The request body (or the `input` query parameter) is not valid JSON.");
  });
});

describe.each(databaseKinds())("failed authentication costs the caller on %s", (kind) => {
  let s: Stack;
  const counter = new StatementCounter();
  let clockMs = Date.now();

  beforeAll(async () => {
    s = await startStack(kind, {
      dbPlugins: [counter],
      core: {
        now: () => new Date(clockMs),
        rateLimits: {
          writePerMinute: 1_000_000,
          readPerMinute: 1_000_000,
          metaCreatesPerHour: 1_000_000,
          authFailuresPerMinute: 3,
        },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("after 3 failures an address gets 429 + Retry-After on REST and tRPC without a key lookup; a key it used before still works; time refills", async () => {
    // The demo key works from this address before anything failed.
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey })).status).toBe(200);

    for (let i = 0; i < 3; i += 1) {
      const before = counter.apiKeyLookups;
      const res = await call(s.baseUrl, "GET", "/v1/accounts", { token: BAD_KEY });
      expect(res.status).toBe(401);
      expect(counter.apiKeyLookups - before).toBe(1);
    }

    const before = counter.snapshot();
    const rest = await call(s.baseUrl, "GET", "/v1/accounts", { token: BAD_KEY });
    expect(rest.status).toBe(429);
    expect(rest.body.error).toMatchObject({ code: "rate_limit_exceeded", type: "rate_limit_error" });
    expect(rest.headers.get("retry-after")).toBe("20"); // 3 per minute: one token every 20 s
    const trpc = await rawRequest(s.baseUrl, "GET", "/trpc/accounts.list", [bearer(BAD_KEY)]);
    expect(trpc.status).toBe(429);
    expect(trpc.body.error.data).toMatchObject({ code: "rate_limit_exceeded", httpStatus: 429 });
    expect(trpc.headers.get("retry-after")).toBe("20");
    // A valid key this instance has not accepted yet is not looked up either: the address pays.
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: s.otherKey })).status).toBe(429);
    expect(counter.snapshot()).toEqual(before);

    // A key accepted before from this address is still checked (and works), on both transports.
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: s.demoKey })).status).toBe(200);
    expect((await rawRequest(s.baseUrl, "GET", "/trpc/accounts.list", [bearer(s.demoKey)])).status).toBe(200);

    // 20 s later one more attempt is allowed: it is looked up again (and fails again).
    clockMs += 20_000;
    const lookups = counter.apiKeyLookups;
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: BAD_KEY })).status).toBe(401);
    expect(counter.apiKeyLookups - lookups).toBe(1);
    expect((await call(s.baseUrl, "GET", "/v1/accounts", { token: BAD_KEY })).status).toBe(429);
  });
});

describe.each(databaseKinds())("headers sent twice on %s", (kind) => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack(kind);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("two Authorization headers are 400 on REST and tRPC, in either order", async () => {
    for (const [first, second] of [
      [s.demoKey, s.otherKey],
      [s.otherKey, s.demoKey],
    ] as const) {
      const rest = await rawRequest(s.baseUrl, "GET", "/v1/accounts", [bearer(first), bearer(second)]);
      expect(rest.status).toBe(400);
      expect(rest.body.error).toMatchObject({ code: "invalid_request", param: "Authorization" });
      expect(rest.body.error.message).toBe("The Authorization header appears 2 times; send it once.");
      const trpc = await rawRequest(s.baseUrl, "GET", "/trpc/accounts.list", [bearer(first), bearer(second)]);
      expect(trpc.status).toBe(400);
      expect(trpc.body.error.data).toMatchObject({ code: "invalid_request", param: "Authorization", httpStatus: 400 });
    }
  });

  it("two Idempotency-Key headers are 400 on REST and tRPC, and nothing reaches Meta", async () => {
    const seq = lastSeq(s.sandbox);
    const body = JSON.stringify(orderConfirmation("en"));
    const headers: Array<[string, string]> = [
      bearer(s.demoKey),
      ["content-type", "application/json"],
      ["idempotency-key", "a"],
      ["idempotency-key", "b"],
    ];
    const rest = await rawRequest(s.baseUrl, "POST", `/v1/${PID}/templates`, headers, body);
    expect(rest.status).toBe(400);
    expect(rest.body.error).toMatchObject({ code: "invalid_request", param: "Idempotency-Key" });
    const trpc = await rawRequest(
      s.baseUrl,
      "POST",
      "/trpc/templates.create",
      headers,
      JSON.stringify({ phone_number_id: PID, template: orderConfirmation("en") }),
    );
    expect(trpc.status).toBe(400);
    expect(trpc.body.error.data).toMatchObject({ code: "invalid_request", param: "Idempotency-Key" });
    expect(createCalls(s.sandbox, seq)).toBe(0);
    // One header whose value holds a comma is one key, not two.
    const single = await rawRequest(
      s.baseUrl,
      "POST",
      `/v1/${PID}/templates`,
      [bearer(s.demoKey), ["content-type", "application/json"], ["idempotency-key", "a, b"]],
      body,
    );
    expect(single.status, single.text).toBe(201);
  });

  it("two Content-Type headers are 400; a repeated X-Request-Id is ignored like any client request id", async () => {
    const rest = await rawRequest(
      s.baseUrl,
      "POST",
      `/v1/${PID}/templates/sync`,
      [bearer(s.demoKey), ["content-type", "application/json"], ["content-type", "text/plain"]],
      "{}",
    );
    expect(rest.status).toBe(400);
    expect(rest.body.error).toMatchObject({ code: "invalid_request", param: "Content-Type" });

    const ids = await rawRequest(s.baseUrl, "GET", "/v1/accounts", [
      bearer(s.demoKey),
      ["x-request-id", "req_mine"],
      ["x-request-id", "req_other"],
    ]);
    expect(ids.status).toBe(200);
    expect(ids.headers.get("x-request-id")).not.toMatch(/mine|other/);
  });
});
