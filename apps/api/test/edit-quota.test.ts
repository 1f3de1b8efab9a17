/**
 * Meta's approved-edit quota, the 30-day half (the 24-hour half is in lifecycle-edit.test.ts), over HTTP with one
 * clock moved for the API and the sandbox: ten edits of an APPROVED template a day apart are accepted, the eleventh
 * within 30 days of the first is refused with 429 before Meta is called, and it is accepted once the first edit is
 * 30 days old.
 */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const body = (n: number) => [
  {
    type: "BODY",
    text: `Hello {{1}}, your order {{2}} is confirmed (edit ${n}).`,
    example: { body_text: [["Budi", "A123"]] },
  },
];

describe.each(databaseKinds())("10 approved edits per 30 days on %s", (kind) => {
  let stack: Stack;
  let clock = Date.now();
  beforeAll(async () => {
    stack = await startStack(kind, { now: () => clock, sandbox: { demoTemplateCount: 3 } });
  });
  afterAll(async () => {
    await stack?.close();
  });
  const api = (method: string, path: string, payload?: unknown) =>
    call(stack.baseUrl, method, path, { token: stack.demoKey, ...(payload === undefined ? {} : { body: payload }) });
  const metaPosts = (since: number) => stack.sandbox.control.requests({ method: "POST", sinceSeq: since }).length;

  it("accepts ten edits a day apart, refuses the eleventh within 30 days of the first (429, no Meta call), then accepts it", async () => {
    const created = await api("POST", `/v1/${PID}/templates`, { ...orderConfirmation(), name: "quota_thirty_days" });
    expect(created.status, created.text).toBe(201);
    const providerId: string = created.body.data.provider_template_id;
    const approve = async () => {
      stack.sandbox.control.review(providerId);
      const synced = await api("POST", `/v1/${PID}/templates/sync`);
      expect(synced.status, synced.text).toBe(200);
    };
    const edit = (n: number) =>
      api("PATCH", `/v1/${PID}/templates/quota_thirty_days`, { language: "en", components: body(n) });

    const firstEditAt = clock;
    for (let n = 1; n <= 10; n++) {
      await approve();
      const edited = await edit(n);
      expect(edited.status, `edit ${n}: ${edited.text}`).toBe(200);
      clock += DAY_MS + HOUR_MS; // past the once-per-24-hours limit, well inside 30 days
    }

    await approve();
    const since = lastSeq(stack.sandbox);
    const eleventh = await edit(11);
    expectError(eleventh, 429, "template_edit_quota_exceeded");
    expect(eleventh.body.error.message).toContain("10 times per 30 days");
    const retryAfter = Number(eleventh.headers.get("retry-after"));
    const expected = (firstEditAt + 30 * DAY_MS - clock) / 1000;
    expect(Math.abs(retryAfter - expected)).toBeLessThanOrEqual(1);
    expect(metaPosts(since)).toBe(0);

    // The first edit leaves the 30-day window: the eleventh goes through.
    clock = firstEditAt + 30 * DAY_MS + HOUR_MS;
    const later = await edit(11);
    expect(later.status, later.text).toBe(200);
  });
});
