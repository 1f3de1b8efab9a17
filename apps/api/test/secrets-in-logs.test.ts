/**
 * Tokens never appear in logs or errors: a run full of Meta failures (wrong token, permission refusal, 5xx,
 * hangs past the timeout, truncated answers, rate limits) over REST and tRPC, with the app logging at `trace`
 * through pino configured as in production (src/logger.ts REDACT_PATHS) into a buffer. Neither the log nor any
 * response (body or header) contains an account's Meta access token or an API key.
 */
import { Writable } from "node:stream";
import { databaseKinds } from "@kirim/core/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACT_PATHS } from "../src/logger.js";
import { call } from "./support/http.js";
import type { CallResult } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, OTHER_ACCESS_TOKEN, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const WRONG_TOKEN = "EAAGwrongTokenThatMustNeverBeLogged0123456789";
const BAD_PHONE = "123123123123";
const PERMISSIONLESS_PHONE = "123123123124";

describe.each(databaseKinds())("no secrets in logs or responses on %s", (kind) => {
  let s: Stack;
  let log = "";
  const responses: CallResult[] = [];
  const keys: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString("utf8");
        done();
      },
    });
    const logger = pino({ level: "trace", redact: { paths: REDACT_PATHS, censor: "[REDACTED]" } }, sink);
    s = await startStack(kind, { logger, gateway: { timeoutMs: 400 } });
    keys.push(s.demoKey, s.otherKey);
    for (const [phoneNumberId, token] of [
      [BAD_PHONE, WRONG_TOKEN],
      [PERMISSIONLESS_PHONE, OTHER_ACCESS_TOKEN],
    ] as const) {
      const org = await s.core.admin.createOrganisation({ name: `Secrets ${phoneNumberId}` });
      const key = await s.core.admin.createApiKey({ organisationId: org.id, label: "secrets" });
      keys.push(key.key);
      await s.core.admin.connectAccount({
        organisationId: org.id,
        phoneNumberId,
        displayPhoneNumber: "+6281300000000",
        name: "Secrets",
        wabaId: s.sandbox.demo.wabaId,
        accessToken: token,
        allowSharedWaba: true, // the demo organisation's WABA, on purpose
      });
    }
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const keyFor = (phoneNumberId: string): string =>
    phoneNumberId === BAD_PHONE
      ? (keys[2] ?? "")
      : phoneNumberId === PERMISSIONLESS_PHONE
        ? (keys[3] ?? "")
        : s.demoKey;

  async function rest(method: string, path: string, token: string, body?: unknown): Promise<CallResult> {
    const res = await call(s.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });
    responses.push(res);
    return res;
  }
  async function trpcSync(phoneNumberId: string): Promise<CallResult> {
    return rest("POST", "/trpc/templates.sync", keyFor(phoneNumberId), { phone_number_id: phoneNumberId });
  }
  async function withFault<T>(
    kindOfFault: "server_error" | "hang" | "malformed_json" | "app_rate_limit",
    fn: () => Promise<T>,
  ): Promise<T> {
    s.sandbox.control.faults.configure({ rules: [{ kind: kindOfFault, path: "/message_templates" }] });
    try {
      return await fn();
    } finally {
      s.sandbox.control.faults.clear();
    }
  }

  it("a run of Meta failures leaks no token or key", async () => {
    const create = (phoneNumberId: string, name: string) =>
      rest("POST", `/v1/${phoneNumberId}/templates`, keyFor(phoneNumberId), { ...orderConfirmation(), name });
    const sync = (phoneNumberId: string) => rest("POST", `/v1/${phoneNumberId}/templates/sync`, keyFor(phoneNumberId));

    const statuses = [
      (await create(BAD_PHONE, "bad_token_create")).status,
      (await sync(BAD_PHONE)).status,
      (await trpcSync(BAD_PHONE)).status,
      (await sync(PERMISSIONLESS_PHONE)).status,
      (await withFault("server_error", () => create(DEMO_PHONE_NUMBER_ID, "upstream_5xx"))).status,
      (await withFault("server_error", () => trpcSync(DEMO_PHONE_NUMBER_ID))).status,
      (await withFault("hang", () => create(DEMO_PHONE_NUMBER_ID, "upstream_hang"))).status,
      (await withFault("hang", () => sync(DEMO_PHONE_NUMBER_ID))).status,
      (await withFault("malformed_json", () => sync(DEMO_PHONE_NUMBER_ID))).status,
      (await withFault("app_rate_limit", () => create(DEMO_PHONE_NUMBER_ID, "upstream_throttled"))).status,
      (await rest("GET", "/v1/accounts", s.demoKey)).status,
      (await rest("GET", "/v1/accounts", "kirim_sk_definitely_not_a_key")).status,
    ];
    // The run really failed in all those ways (and answered each in the envelope, never 500).
    expect(statuses).toEqual([502, 502, 502, 502, 502, 502, 502, 502, 502, 429, 200, 401]);
    expect(log).toContain("whatsapp_account_reauthorization_required");
    expect(log).toContain("whatsapp_upstream_error");
    expect(log.split("\n").filter((line) => line.includes('"request"')).length).toBeGreaterThanOrEqual(statuses.length);

    const secrets = [
      ["the wrong account token", WRONG_TOKEN],
      ["the demo account token", s.sandbox.demo.accessToken],
      ["the other account token", OTHER_ACCESS_TOKEN],
      ...keys.map((key, i) => [`API key #${i}`, key] as const),
    ] as const;
    for (const [label, secret] of secrets) {
      expect(secret.length, label).toBeGreaterThan(8);
      expect(log.includes(secret), `${label} appears in the log`).toBe(false);
      for (const res of responses) {
        expect(res.text.includes(secret), `${label} appears in a response body`).toBe(false);
        for (const [header, value] of res.headers)
          expect(value.includes(secret), `${label} appears in header ${header}`).toBe(false);
      }
    }
  }, 60_000);
});
