/**
 * Issue 3 "done when": creates through REST against a sandbox injecting ~30 % transient faults on the create AND
 * list paths (5xx, 429/code 4, 80008, hangs past the client timeout, truncated JSON, accept-then-fail,
 * accept-then-drop) end with exactly one template per name on the sandbox — never a duplicate, never a 500.
 * Retries are made instant with an injected `sleep`; the fault draws come from a fixed seed.
 */
import { databaseKinds } from "@kirim/core/testing";
import type { FaultKind } from "@kirim/meta-sandbox";
import { ZTemplate, zDataEnvelope } from "@kirim/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import type { CallResult } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;
/** A seed whose draws hit every fault kind and leave some creates failing after the gateway's retries (phase 2). */
const FAULT_SEED = 1;
const CREATES = 30;
const TOTAL_FAULT_RATE = 0.3;
const INJECTED: FaultKind[] = [
  "server_error",
  "unknown_error",
  "app_rate_limit",
  "waba_rate_limit",
  "hang",
  "malformed_json",
  "accept_then_fail",
  "accept_then_drop",
];
/** Each rule draws independently, so P(some fault) = 1 − (1 − r)^n = TOTAL_FAULT_RATE. */
const PER_RULE_RATE = 1 - Math.pow(1 - TOTAL_FAULT_RATE, 1 / INJECTED.length);
/** Short enough that a hang costs little, long enough for a loaded CI machine to answer a normal request. */
const CLIENT_TIMEOUT_MS = 1_000;

const nameOf = (i: number): string => `fault_probe_${String(i).padStart(2, "0")}`;
const bodyOf = (i: number) => ({
  name: nameOf(i),
  category: "UTILITY",
  language: "en",
  components: [
    {
      type: "BODY",
      text: `Hello {{1}}, order number ${1000 + i} has been packed and will be shipped to you today.`,
      example: { body_text: [["Budi"]] },
    },
  ],
});

describe.each(databaseKinds())("creates under 30 percent transient Meta faults on %s", (kind) => {
  let s: Stack;
  const waits: number[] = [];
  beforeAll(async () => {
    s = await startStack(kind, {
      gateway: {
        timeoutMs: CLIENT_TIMEOUT_MS,
        retry: { maxAttempts: 4, baseMs: 1, maxMs: 5, maxRetryAfterMs: 120_000 },
        // Instant retries; the waits the gateway asked for are recorded instead of slept.
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const post = (i: number): Promise<CallResult> =>
    call(s.baseUrl, "POST", TEMPLATES, { token: s.demoKey, body: bodyOf(i) });

  /** Every answer is a 201 or a clean envelope failure a client can act on; never a 500. */
  function expectCleanOutcome(res: CallResult): void {
    expect([201, 409, 429, 502], res.text).toContain(res.status);
    if (res.status === 201) return;
    expect(res.body.error.type).toBe({ 409: "conflict", 429: "rate_limit_error", 502: "api_error" }[res.status]);
    if (res.status === 429) {
      expect(res.body.error.code).toBe("meta_rate_limited");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    if (res.status === 502) expect(res.body.error.code).toBe("whatsapp_upstream_error");
  }

  /**
   * In the sandbox's request log of ONE create through the API: a POST is only ever sent again after a list
   * call filtered by this name + language, unless the previous POST was refused outright (rate limit, 4xx).
   */
  function expectCheckedBeforeResend(sinceSeq: number, name: string): number {
    const log = s.sandbox.control.requests({ sinceSeq }).filter((r) => r.path.endsWith("/message_templates"));
    let posts = 0;
    let mayHaveLanded = false;
    let checked = false;
    for (const r of log) {
      if (r.method === "GET") {
        if (r.query["name"] === name && r.query["language"] === "en") checked = true;
        continue;
      }
      posts++;
      if (mayHaveLanded)
        expect(checked, `POST for ${name} resent without a landed check (log ${JSON.stringify(log)})`).toBe(true);
      // 0 = hung/dropped, 5xx, or a 2xx whose body may have been truncated: Meta may hold the template.
      mayHaveLanded = r.status === 0 || r.status >= 500 || (r.status >= 200 && r.status < 300);
      checked = false;
    }
    return posts;
  }

  it("ends with exactly one template per name on the sandbox; every 201 is that template", async () => {
    s.sandbox.control.faults.configure({
      seed: FAULT_SEED,
      rules: INJECTED.map((faultKind) => ({ kind: faultKind, path: "/message_templates", rate: PER_RULE_RATE })),
    });

    const outcomes = new Map<string, CallResult[]>();
    const record = (i: number, res: CallResult): void => {
      outcomes.set(nameOf(i), [...(outcomes.get(nameOf(i)) ?? []), res]);
    };

    // Phase 1: one create per name.
    let posts = 0;
    for (let i = 1; i <= CREATES; i++) {
      const since = lastSeq(s.sandbox);
      const res = await post(i);
      expectCleanOutcome(res);
      expect(res.status, "a first create cannot conflict").not.toBe(409);
      posts += expectCheckedBeforeResend(since, nameOf(i));
      record(i, res);
    }

    // The faults really happened, of every kind, at about the configured share.
    const applied = s.sandbox.control.faults.get().rules;
    for (const rule of applied) expect(rule.applied, `fault ${rule.kind} never drawn`).toBeGreaterThan(0);
    const graphCalls = s.sandbox.control.requests().filter((r) => r.path.endsWith("/message_templates")).length;
    const faults = applied.reduce((sum, r) => sum + r.applied, 0);
    expect(faults / graphCalls).toBeGreaterThan(0.15);
    expect(posts).toBeGreaterThan(CREATES); // some creates really were sent again after a checked failure
    expect(waits.length).toBeGreaterThan(0);
    const failedFirst = [...outcomes.values()].filter((r) => r[0]?.status !== 201).length;
    expect(failedFirst, "this seed must leave some creates to the client's retry").toBeGreaterThan(0);

    // After phase 1: no name is on the sandbox twice, every 201 is the one template Meta holds for its name,
    // and a name whose create failed is not on Meta (every ambiguous failure was resolved by the landed check).
    const upstreamOf = (name: string) =>
      s.sandbox.control.templates(s.sandbox.demo.wabaId).filter((t) => t.name === name);
    for (const [name, results] of outcomes) {
      const last = results.at(-1);
      const onMeta = upstreamOf(name);
      if (last?.status === 201) {
        expect(onMeta, name).toHaveLength(1);
        const { data } = zDataEnvelope(ZTemplate).parse(last.body);
        expect(data.provider_template_id).toBe(onMeta[0]?.id);
      } else {
        expect(onMeta, `${name} failed with ${last?.status} yet landed on Meta`).toHaveLength(0);
      }
    }

    // Phase 2: a client retrying its failed creates (as the 429/502 envelope invites) converges.
    for (let i = 1; i <= CREATES; i++) {
      for (let attempt = 0; attempt < 6 && outcomes.get(nameOf(i))?.at(-1)?.status !== 201; attempt++) {
        const since = lastSeq(s.sandbox);
        const res = await post(i);
        expectCleanOutcome(res);
        expectCheckedBeforeResend(since, nameOf(i));
        record(i, res);
      }
    }
    s.sandbox.control.faults.clear();

    for (let i = 1; i <= CREATES; i++) {
      const name = nameOf(i);
      const results = outcomes.get(name) ?? [];
      expect(
        results.filter((r) => r.status === 201),
        `${name}: ${results.map((r) => r.status).join(",")}`,
      ).toHaveLength(1);
      const onMeta = upstreamOf(name);
      expect(onMeta, name).toHaveLength(1);
      // …and the local copy is that template, exactly once.
      const local = await call(s.baseUrl, "GET", `${TEMPLATES}/${name}`, { token: s.demoKey });
      expect(local.status, local.text).toBe(200);
      expect(local.body.data.languages).toEqual(["en"]);
      expect(local.body.data.provider_template_id).toBe(onMeta[0]?.id);
    }
    const statuses = [...outcomes.values()].flat().map((r) => r.status);
    expect(statuses).not.toContain(500);
  }, 120_000);
});
