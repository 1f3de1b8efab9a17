// Issue 16: Meta's documented rules for Flow buttons, catalog / MPM / SPM templates, call permission requests and
// voice-call buttons (kind-rules.ts), answered over real HTTP; what Meta documents is accepted and read back as sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl } from "./testing/http.js";
import type { GraphErrorShape } from "./testing/http.js";

let sandbox: MetaSandbox;
let counter = 0;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: 0, demoTemplateLimit: 6000 });
});
afterAll(async () => {
  await sandbox.close();
});

type Json = Record<string, unknown>;
const BODY: Json = { type: "BODY", text: "Check out this new offer on our newest plants today." };
const buttons = (...list: Json[]): Json => ({ type: "BUTTONS", buttons: list });
const FLOW_JSON =
  '{"version":"5.0","screens":[{"id":"WELCOME_SCREEN","layout":{"type":"SingleColumnLayout","children":[]},"terminal":true}]}';
const submission = (components: Json[], category = "MARKETING"): Json => {
  counter += 1;
  return { name: `kind_case_${counter}`, language: "en_US", category, components };
};
const create = (payload: Json) =>
  call<GraphErrorShape & Json>(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: payload });

const REFUSED: [string, Json, string][] = [
  [
    "FLOW with flow_id and flow_name",
    submission([BODY, buttons({ type: "FLOW", text: "Open", flow_id: "1", flow_name: "x" })]),
    "Only one of",
  ],
  [
    "FLOW with an unknown flow_action",
    submission([BODY, buttons({ type: "FLOW", text: "Open", flow_id: "1", flow_action: "jump" })]),
    "flow_action",
  ],
  [
    "FLOW with flow_json that is not JSON",
    submission([BODY, buttons({ type: "FLOW", text: "Open", flow_json: "{not json" })]),
    "flow_json",
  ],
  [
    "CATALOG on a UTILITY template",
    submission([BODY, buttons({ type: "CATALOG", text: "View catalog" })], "UTILITY"),
    "only supported in MARKETING",
  ],
  [
    "MPM next to a quick reply",
    submission([
      { type: "HEADER", format: "TEXT", text: "Forget something?" },
      BODY,
      buttons({ type: "MPM", text: "View items" }, { type: "QUICK_REPLY", text: "Stop" }),
    ]),
    "single MPM button",
  ],
  ["MPM without a header", submission([BODY, buttons({ type: "MPM", text: "View items" })]), "text header"],
  ["SPM without a PRODUCT header", submission([BODY, buttons({ type: "SPM", text: "View" })]), "PRODUCT header"],
  [
    "SPM body over 160 characters",
    submission([
      { type: "HEADER", format: "PRODUCT" },
      { type: "BODY", text: "a ".repeat(81) },
      buttons({ type: "SPM", text: "View" }),
    ]),
    "160",
  ],
  [
    "PRODUCT header without SPM",
    submission([{ type: "HEADER", format: "PRODUCT" }, BODY]),
    "only supported with an SPM",
  ],
  [
    "call permission request on AUTHENTICATION",
    submission(
      [{ type: "BODY" }, { type: "CALL_PERMISSION_REQUEST" }, buttons({ type: "OTP", otp_type: "COPY_CODE" })],
      "AUTHENTICATION",
    ),
    "MARKETING or UTILITY",
  ],
  [
    "voice call text of 21 characters",
    submission([BODY, buttons({ type: "VOICE_CALL", text: "c".repeat(21) })]),
    "at most 20",
  ],
];

describe("Meta's rules for flows, commerce and calling kinds", () => {
  it.each(REFUSED)("%s → 400", async (_label, payload, says) => {
    const res = await create(payload);
    expect(res.status).toBe(400);
    const error = res.body.error;
    expect(`${error?.error_user_msg ?? ""} ${error?.message ?? ""}`).toContain(says);
  });

  const ACCEPTED: [string, Json][] = [
    [
      "FLOW by id",
      submission([
        BODY,
        buttons({ type: "FLOW", text: "Open", flow_id: "123", flow_action: "navigate", navigate_screen: "WELCOME" }),
      ]),
    ],
    [
      "FLOW by JSON, data_exchange",
      submission([BODY, buttons({ type: "FLOW", text: "Open", flow_json: FLOW_JSON, flow_action: "data_exchange" })]),
    ],
    [
      "CATALOG",
      submission([BODY, { type: "FOOTER", text: "Best deals" }, buttons({ type: "CATALOG", text: "View catalog" })]),
    ],
    [
      "MPM",
      submission([
        { type: "HEADER", format: "TEXT", text: "Forget something?" },
        BODY,
        buttons({ type: "MPM", text: "View items" }),
      ]),
    ],
    ["SPM", submission([{ type: "HEADER", format: "PRODUCT" }, BODY, buttons({ type: "SPM", text: "View" })])],
    ["call permission request", submission([BODY, { type: "CALL_PERMISSION_REQUEST" }], "UTILITY")],
    ["voice call", submission([BODY, buttons({ type: "VOICE_CALL", text: "Call Now" })])],
  ];
  it.each(ACCEPTED)("%s is accepted and read back with its components", async (_label, payload) => {
    const res = await create(payload);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const read = await call<Json>(`${sandbox.graphUrl}/${String(res.body.id)}`, { token: DEMO_ACCESS_TOKEN });
    expect(read.status).toBe(200);
    const sent = (payload.components as Json[]).map((component) => ({
      ...component,
      type: String(component.type).toUpperCase(),
    }));
    expect(read.body.components).toEqual(sent);
  });
});
