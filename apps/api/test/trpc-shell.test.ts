/** tRPC transport over a fake core: auth, input validation, error formatting, no stacks. */
import { createAuthFailureGuard, DomainError } from "@kirim/core";
import type { Core, Principal } from "@kirim/core";
import { createTRPCClient, httpLink } from "@trpc/client";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import type { AppRouter } from "../src/index.js";
import { checkInvariants, listen } from "./support/http.js";
import type { Listening } from "./support/http.js";
import { trpcError } from "./support/trpc.js";

const KEY = "kdv_live_goodgoodgoodgoodgoodgood";
const PRINCIPAL: Principal = { organisationId: "org_1", apiKeyId: "key_1" };
let failWith: Error | null = null;

const fakeCore = {
  auth: {
    authenticate: (raw: string) =>
      raw === KEY ? Promise.resolve(PRINCIPAL) : Promise.reject(new DomainError("invalid_api_key", "Invalid API key.")),
  },
  accounts: {
    list: () => (failWith ? Promise.reject(failWith) : Promise.resolve([])),
  },
  templates: {},
  admin: {},
  // An always-full bucket: limits themselves are tested over real databases (trpc-platform.test.ts).
  rateLimits: {
    consume: () =>
      Promise.resolve({
        allowed: true,
        limit: 600,
        remaining: 599,
        resetAt: Math.ceil(Date.now() / 1000),
        retryAfterSeconds: 0,
      }),
    authFailures: createAuthFailureGuard({ perMinute: 1_000_000, now: () => new Date() }),
  },
} as unknown as Core;

let server: Listening;
const seenResponses: Array<{ headers: Headers; text: string }> = [];

function client(token: string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server.baseUrl}/trpc`,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          const text = await res.clone().text();
          seenResponses.push({ headers: res.headers, text });
          return res;
        },
      }),
    ],
  });
}

beforeAll(async () => {
  server = await listen(createApp({ core: fakeCore, logger: pino({ level: "silent" }) }));
});
afterAll(async () => {
  await server.close();
  for (const res of seenResponses) checkInvariants(res, JSON.parse(res.text));
});

describe("tRPC shell", () => {
  it("runs an authenticated query", async () => {
    failWith = null;
    await expect(client(KEY).accounts.list.query({ status: "all" })).resolves.toEqual([]);
  });

  it("reports a missing key as UNAUTHORIZED with the Kirimdev code in data", async () => {
    const error = await trpcError(client(null).accounts.list.query());
    expect(error.data?.trpcCode).toBe("UNAUTHORIZED");
    expect(error.data?.code).toBe("missing_api_key");
    expect(error.data?.type).toBe("authentication_error");
    expect(error.data?.httpStatus).toBe(401);
    expect(error.data?.request_id).toMatch(/^req_/);
    expect(error.shape?.code).toBe(-32001);
  });

  it("reports an unknown key as invalid_api_key", async () => {
    const error = await trpcError(client("kdv_live_nopenopenopenopenopenope").accounts.list.query());
    expect(error.data?.code).toBe("invalid_api_key");
  });

  it("validates input with the same schemas (param + code)", async () => {
    const error = await trpcError(client(KEY).templates.list.query({ phone_number_id: "12x", status: "all" }));
    expect(error.data?.trpcCode).toBe("BAD_REQUEST");
    expect(error.data?.code).toBe("invalid_phone_number_id");
    expect(error.data?.param).toBe("phone_number_id");
    const limit = await trpcError(client(KEY).templates.list.query({ phone_number_id: "106540352242922", limit: 500 }));
    expect(limit.data?.code).toBe("invalid_limit");
  });

  it("hides unexpected errors (no message, no stack)", async () => {
    failWith = new Error("connect ECONNREFUSED 10.0.0.5:5432");
    const error = await trpcError(client(KEY).accounts.list.query());
    expect(error.data?.trpcCode).toBe("INTERNAL_SERVER_ERROR");
    expect(error.data?.code).toBe("internal_error");
    expect(error.message).not.toContain("ECONNREFUSED");
    expect(JSON.stringify(error.shape)).not.toMatch(/stack|ECONNREFUSED/);
    failWith = null;
  });

  it("maps a DomainError thrown by core to its tRPC code", async () => {
    failWith = new DomainError("whatsapp_upstream_error", "Meta could not be reached.");
    const error = await trpcError(client(KEY).accounts.list.query());
    expect(error.data?.trpcCode).toBe("BAD_GATEWAY");
    expect(error.data?.httpStatus).toBe(502);
    expect(error.data?.code).toBe("whatsapp_upstream_error");
    failWith = null;
  });

  it("maps tRPC's own errors onto catalogue codes", async () => {
    const wrongMethod = await fetch(`${server.baseUrl}/trpc/templates.sync?input=${encodeURIComponent("{}")}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const wrongBody = (await wrongMethod.json()) as { error: { data: { code: string; httpStatus: number } } };
    expect(wrongMethod.status).toBe(405);
    expect(wrongBody.error.data.code).toBe("method_not_allowed");
    const badJson = await fetch(`${server.baseUrl}/trpc/templates.sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: "{not json",
    });
    const badBody = (await badJson.json()) as { error: { data: { code: string } } };
    expect(badJson.status).toBe(400);
    expect(badBody.error.data.code).toBe("invalid_json");
  });

  it("answers an unknown procedure with NOT_FOUND", async () => {
    const res = await fetch(`${server.baseUrl}/trpc/nope.nothing`);
    const body = (await res.json()) as { error: { data: { code: string; request_id: string } } };
    expect(res.status).toBe(404);
    expect(body.error.data.code).toBe("route_not_found");
    expect(body.error.data.request_id).toBe(res.headers.get("x-request-id"));
  });

  it.each([
    ["a mutation without a JSON Content-Type", "POST", "/trpc/templates.sync", undefined],
    [
      "a batch mixing queries and mutations",
      "GET",
      "/trpc/accounts.list,templates.sync?batch=1&input=%7B%7D",
      undefined,
    ],
    ["an undecodable procedure path", "GET", "/trpc/%ED%BF%BF", undefined],
  ])("an error raised before tRPC has a context (%s) is JSON with the request id", async (_label, method, path) => {
    const res = await fetch(`${server.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { error: { data: { request_id: string | null } } };
    expect(body.error.data.request_id).toBe(res.headers.get("x-request-id"));
  });
});
