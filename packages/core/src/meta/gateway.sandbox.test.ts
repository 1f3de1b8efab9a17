/** The gateway against @kirim/meta-sandbox over HTTP (loopback): paging, faults and the create-landed check. */
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMetaGateway } from "./gateway.js";
import { MetaApiError } from "./meta-api-error.js";
import { mapMetaError } from "./meta-error-mapping.js";

let sandbox: MetaSandbox;
beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: 230 });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.control.reset();
});

const gw = (timeoutMs = 2_000) =>
  createMetaGateway({ graphUrl: sandbox.url, apiVersion: "v23.0", timeoutMs, retry: { baseMs: 1, maxMs: 5 } });
const body = (name: string) => ({
  name,
  language: "en",
  category: "UTILITY",
  components: [
    { type: "BODY", text: "Your order {{1}} has shipped today, thank you.", example: { body_text: [["A-1"]] } },
  ],
});

async function all(wabaId: string, accessToken: string, pageSize?: number) {
  const pages = [];
  for await (const page of gw().listTemplates({ wabaId, accessToken }, pageSize ? { pageSize } : {})) pages.push(page);
  return pages;
}

async function caught(p: Promise<unknown>): Promise<MetaApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MetaApiError) return e;
    throw e;
  }
  throw new Error("expected a MetaApiError");
}

describe("gateway ⇄ meta-sandbox", () => {
  it("reads every template once, a page at a time", async () => {
    const { wabaId, accessToken } = sandbox.demo;
    const expected = sandbox.control.templates(wabaId).length;
    const pages = await all(wabaId, accessToken, 100);
    expect(pages.map((p) => p.length)).toEqual([100, 100, expected - 200]);
    const ids = pages.flat().map((t) => t.id);
    expect(new Set(ids).size).toBe(expected);
    // every template parses with a name, language, status, category and components
    for (const t of pages.flat()) expect(t.components.length).toBeGreaterThan(0);
  });

  it("a transient list failure (503 code 2) is retried", async () => {
    sandbox.control.faults.configure({
      rules: [{ kind: "server_error", method: "GET", path: "/message_templates", times: 1 }],
    });
    const { wabaId, accessToken } = sandbox.demo;
    const pages = await all(wabaId, accessToken, 100);
    expect(pages.flat()).toHaveLength(sandbox.control.templates(wabaId).length);
    expect(sandbox.control.requests({ method: "GET" })).toHaveLength(4);
  });

  it("a list page that keeps failing gives up after the retry budget → whatsapp_upstream_error", async () => {
    sandbox.control.faults.configure({ failListPage: 2 });
    const e = await caught(all(sandbox.demo.wabaId, sandbox.demo.accessToken, 100));
    expect(e).toMatchObject({ status: 503, code: 2, isTransient: true });
    expect(sandbox.control.requests({ method: "GET" })).toHaveLength(1 + 3);
    expect(mapMetaError(e)).toMatchObject({ code: "whatsapp_upstream_error", details: { meta: { code: 2 } } });
  });

  it("a wrong token is 190 → reauthorization required, never retried", async () => {
    const e = await caught(all(sandbox.demo.wabaId, "nope"));
    expect(e).toMatchObject({ kind: "graph", code: 190 });
    expect(mapMetaError(e).code).toBe("whatsapp_account_reauthorization_required");
    expect(sandbox.control.requests({ method: "GET" })).toHaveLength(1);
  });

  it("a truncated JSON answer is malformed_response → whatsapp_upstream_error", async () => {
    sandbox.control.faults.configure({
      rules: [{ kind: "malformed_json", method: "GET", path: "/message_templates" }],
    });
    const e = await caught(all(sandbox.demo.wabaId, sandbox.demo.accessToken));
    expect(e.kind).toBe("malformed_response");
    expect(mapMetaError(e)).toMatchObject({ code: "whatsapp_upstream_error", status: 502 });
  });

  it("create: a Meta rule refusal is parsed with subcode and never retried", async () => {
    // A leading variable: Meta's dangling-parameter refusal (2388299).
    const bad = {
      ...body("dangling_bad"),
      components: [
        { type: "BODY", text: "{{1}}, your order is ready for pickup today.", example: { body_text: [["Ana"]] } },
      ],
    };
    const e = await caught(gw().createTemplate(sandbox.demo, bad));
    expect(e).toMatchObject({ status: 400, code: 100, subcode: 2388299 });
    expect(mapMetaError(e)).toMatchObject({ code: "meta_validation_failed", status: 400 });
    expect(sandbox.control.requests({ method: "POST" })).toHaveLength(1);
  });

  it("create landed but answered 503: checked by name+language, not sent twice", async () => {
    sandbox.control.faults.configure({
      rules: [{ kind: "accept_then_fail", method: "POST", path: "/message_templates", times: 1 }],
    });
    const created = await gw().createTemplate(sandbox.demo, body("landed_then_503"));
    const upstream = sandbox.control.findTemplate(sandbox.demo.wabaId, "landed_then_503", "en");
    expect(created).toEqual({ id: upstream?.id, status: "PENDING", category: "UTILITY" });
    expect(sandbox.control.requests({ method: "POST" })).toHaveLength(1);
  });

  it("create landed but the connection dropped: checked, not sent twice", async () => {
    sandbox.control.faults.configure({
      rules: [{ kind: "accept_then_drop", method: "POST", path: "/message_templates", times: 1 }],
    });
    const created = await gw().createTemplate(sandbox.demo, body("landed_then_drop"));
    expect(created.id).toBe(sandbox.control.findTemplate(sandbox.demo.wabaId, "landed_then_drop", "en")?.id);
    expect(sandbox.control.requests({ method: "POST" })).toHaveLength(1);
  });

  it("create hung (timeout, did not land): checked, then sent again once", async () => {
    sandbox.control.faults.configure({
      rules: [{ kind: "hang", method: "POST", path: "/message_templates", times: 1 }],
    });
    const created = await gw(300).createTemplate(sandbox.demo, body("hung_once"));
    expect(created.id).toBe(sandbox.control.findTemplate(sandbox.demo.wabaId, "hung_once", "en")?.id);
    expect(sandbox.control.requests({ method: "POST" })).toHaveLength(2);
    expect(sandbox.control.templates(sandbox.demo.wabaId).filter((t) => t.name === "hung_once")).toHaveLength(1);
  });

  it("WABA rate limit 80008 is retried, and mapped to 429 when it persists", async () => {
    sandbox.control.faults.configure({
      rules: [{ kind: "waba_rate_limit", method: "POST", path: "/message_templates" }],
    });
    const e = await caught(gw().createTemplate(sandbox.demo, body("limited")));
    expect(e.code).toBe(80008);
    expect(sandbox.control.requests({ method: "POST" })).toHaveLength(3);
    expect(mapMetaError(e)).toMatchObject({
      code: "meta_rate_limited",
      status: 429,
      headers: { "Retry-After": expect.any(String) },
    });
  });
});
