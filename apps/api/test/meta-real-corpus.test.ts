/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 12 §5 over HTTP: real Meta payloads written by others (fixtures/meta-real, each kept with its source).
 *
 * - Every list/get answer survives a sync round trip intact: it is loaded into the sandbox (control API import, which
 *   keeps any component kind verbatim as Meta's reads do), synced over REST, and read back over REST through the
 *   list endpoint with a `search` filter — the components are the ones Meta showed.
 * - Every webhook delivery, signed as Meta signs it, is POSTed to /webhooks/meta, answered 200 and applied: the
 *   template's history (GET …/events) shows the change and the list shows the new state.
 * - Every error answer, served by the sandbox verbatim, reaches the client as our error envelope, never a 500.
 */
import { readFileSync, readdirSync } from "node:fs";
import type { LifecycleWorker } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import { signWebhookBody } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import {
  DEMO_PHONE_NUMBER_ID,
  orderConfirmation,
  startStackWithMetaWebhooks,
  webhookEventsApplied,
} from "./support/stack.js";
import type { Stack } from "./support/stack.js";

interface Fixture {
  file: string;
  source: string;
  payload: any;
}

const CORPUS = new URL("../../../fixtures/meta-real/", import.meta.url);
function corpus(kind: "list" | "get" | "webhooks" | "errors"): Fixture[] {
  const folder = new URL(`${kind}/`, CORPUS);
  return readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, folder), "utf8")) as Omit<Fixture, "file">) }));
}

const VERIFY_TOKEN = "corpus-verify-token";
/** The WABA of pywa's recorded deliveries (Meta's own examples use the demo WABA, 102290129340398). */
const PYWA_WABA_ID = "57438975935";

/**
 * The template each webhook fixture is about, in the state it starts from (so the change is visible), and what the
 * delivery must do. Ids are the fixtures' own where they agree; pywa reuses 12345678 for two languages, so the pt_BR
 * copy gets another id and is found by name + language, as Meta's `pt-BR` is normalised.
 */
const TEMPLATES: Record<string, { waba: "demo" | "pywa"; read: Record<string, unknown> }> = {
  order_confirmation: {
    waba: "demo",
    read: {
      id: "1689556908129832",
      name: "order_confirmation",
      language: "en_US",
      status: "PENDING",
      category: "UTILITY",
      components: [
        { type: "HEADER", format: "TEXT", text: "Your order is ready" },
        {
          type: "BODY",
          text: "Thank you for your order, {{1}}! Your order number is {{2}}.",
          example: { body_text: [["Pablo", "860198"]] },
        },
        { type: "FOOTER", text: "Lucky Shrub" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "PHONE_NUMBER", text: "Call us", phone_number: "+15550783881" },
            { type: "URL", text: "Support", url: "https://www.luckyshrub.com/help" },
          ],
        },
      ],
    },
  },
  abandoned_cart: {
    waba: "demo",
    read: {
      id: "1689556908129835",
      name: "abandoned_cart",
      language: "en",
      status: "PENDING",
      category: "MARKETING",
      components: [
        { type: "BODY", text: "You left {{1}} in your cart, come back soon.", example: { body_text: [["a plant"]] } },
      ],
    },
  },
  welcome_template: {
    waba: "demo",
    read: {
      id: "278077987957091",
      name: "welcome_template",
      language: "en_US",
      status: "APPROVED",
      category: "UTILITY",
      quality_score: { score: "GREEN", date: 1674864000 },
      components: [{ type: "BODY", text: "Welcome to Lucky Shrub, we are glad you are here." }],
    },
  },
  my_message_template_pt: {
    waba: "pywa",
    read: {
      id: "12345670",
      name: "my_message_template",
      language: "pt_BR",
      status: "PENDING",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Olá, bem-vindo ao nosso serviço." }],
    },
  },
  my_message_template_he: {
    waba: "pywa",
    read: {
      id: "12345678",
      name: "my_message_template",
      language: "he",
      status: "APPROVED",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Hi there, welcome to our service." }],
    },
  },
};

type Expectation = {
  template: keyof typeof TEMPLATES;
  kind: string;
  to: string | null;
  check?: (row: any, fixture: Fixture) => void;
};
const WEBHOOK_EXPECTATIONS: Record<string, Expectation> = {
  "status_approved.json": {
    template: "order_confirmation",
    kind: "status",
    to: "APPROVED",
    check: (row) => expect(row.meta_status).toBe("APPROVED"),
  },
  "status_rejected_invalid_format.json": {
    template: "abandoned_cart",
    kind: "status",
    to: "REJECTED",
    check: (row, fixture) =>
      expect(row.rejection_info).toEqual(fixture.payload.entry[0].changes[0].value.rejection_info),
  },
  "status_paused_other_info.json": {
    template: "order_confirmation",
    kind: "status",
    to: "PAUSED",
    check: (row) => expect(row.meta_status).toBe("PAUSED"),
  },
  "status_disabled_disable_info.json": {
    template: "order_confirmation",
    kind: "status",
    to: "DISABLED",
    check: (row) => expect(row.meta_status).toBe("DISABLED"),
  },
  "status_approved_pywa_null_reason.json": {
    template: "my_message_template_pt",
    kind: "status",
    to: "APPROVED",
    check: (row) => expect(row.meta_status).toBe("APPROVED"),
  },
  "quality_documented_under_status_field.json": {
    template: "welcome_template",
    kind: "quality",
    to: "YELLOW",
    // Meta's documented example sits under the status field: the status must stay, the quality must change.
    check: (row) =>
      expect({ quality: row.quality_score, status: row.meta_status }).toEqual({
        quality: "YELLOW",
        status: "APPROVED",
      }),
  },
  "quality_update_pywa.json": {
    template: "welcome_template",
    kind: "quality",
    to: "YELLOW",
    check: (row) => expect(row.quality_score).toBe("YELLOW"),
  },
  "category_impending.json": {
    template: "welcome_template",
    kind: "category_notice",
    to: "MARKETING",
    check: (row) =>
      expect({ category: row.category, pending: row.pending_category_change?.category }).toEqual({
        category: "UTILITY",
        pending: "MARKETING",
      }),
  },
  "category_completed.json": {
    template: "welcome_template",
    kind: "category",
    to: "MARKETING",
    check: (row) => expect(row.category).toBe("MARKETING"),
  },
  "category_new_only_pywa.json": {
    template: "my_message_template_he",
    kind: "category",
    to: "MARKETING",
    check: (row) => expect(row.category).toBe("MARKETING"),
  },
  "components_update.json": {
    template: "order_confirmation",
    kind: "components",
    to: null,
    check: (row, fixture) => {
      const value = fixture.payload.entry[0].changes[0].value;
      const text = (type: string) => row.components.find((c: any) => c.type === type)?.text;
      expect([text("HEADER"), text("BODY"), text("FOOTER")]).toEqual([
        value.message_template_title,
        value.message_template_element,
        value.message_template_footer,
      ]);
    },
  },
  "components_update_element_only_pywa.json": {
    template: "my_message_template_he",
    kind: "components",
    to: null,
    check: (row, fixture) =>
      expect(row.components.find((c: any) => c.type === "BODY")?.text).toBe(
        fixture.payload.entry[0].changes[0].value.message_template_element,
      ),
  },
};

describe.each(databaseKinds())("real Meta payloads over HTTP on %s", (kind) => {
  let stack: Stack;
  let worker: LifecycleWorker;
  let accounts = 0;

  beforeAll(async () => {
    ({ stack, worker } = await startStackWithMetaWebhooks(kind, VERIFY_TOKEN, { sandbox: { demoTemplateCount: 0 } }));
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
  });

  /** A new organisation, API key and phone number on a WABA (a new one unless `wabaId` names one). */
  async function connect(wabaId?: string): Promise<{ pid: string; key: string; wabaId: string }> {
    accounts += 1;
    const token = `corpus-token-${accounts}`;
    const waba = stack.sandbox.control.addWaba({
      ...(wabaId === undefined ? {} : { id: wabaId }),
      accessToken: token,
      templateLimit: 6000,
    });
    const org = await stack.core.admin.createOrganisation({ name: `Corpus ${accounts}` });
    const key = (await stack.core.admin.createApiKey({ organisationId: org.id })).key;
    const pid = String(120_000_000_000_000 + accounts);
    await stack.core.admin.connectAccount({
      organisationId: org.id,
      phoneNumberId: pid,
      wabaId: waba.id,
      accessToken: token,
    });
    return { pid, key, wabaId: waba.id };
  }

  async function importIntoSandbox(wabaId: string, templates: unknown[]): Promise<void> {
    const response = await fetch(`${stack.sandbox.url}/_sandbox/wabas/${wabaId}/templates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: templates }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  }

  async function sync(pid: string, key: string): Promise<any> {
    const res = await call(stack.baseUrl, "POST", `/v1/${pid}/templates/sync`, { token: key });
    expect(res.status, res.text).toBe(200);
    return res.body.data;
  }

  /** The template as the list endpoint shows it, found with a name search (independent of the GET-by-name shape). */
  async function listed(pid: string, key: string, name: string, language: string): Promise<any> {
    const res = await call(stack.baseUrl, "GET", `/v1/${pid}/templates?search=${encodeURIComponent(name)}&limit=100`, {
      token: key,
    });
    expect(res.status, res.text).toBe(200);
    const row = res.body.data.find((t: any) => t.name === name && t.language === language);
    expect(row, `${name} (${language}) not listed`).toBeDefined();
    return row;
  }

  describe("list and get answers survive a sync round trip", () => {
    const answers = [
      ...corpus("list").map((f) => ({ ...f, kind: "list" })),
      ...corpus("get").map((f) => ({ ...f, kind: "get" })),
    ];
    it.each(answers)("$kind/$file", async (fixture) => {
      const templates: any[] = fixture.kind === "list" ? fixture.payload.data : [fixture.payload];
      const account = await connect();
      await importIntoSandbox(account.wabaId, templates);
      const result = await sync(account.pid, account.key);
      expect(result).toMatchObject({ synced: templates.length, created: templates.length });
      for (const template of templates) {
        const row = await listed(account.pid, account.key, template.name, template.language);
        expect(row.components, `${template.name} (${template.language})`).toEqual(template.components);
        expect(row.category).toBe(String(template.category).toUpperCase());
        if (template.quality_score?.score !== undefined) expect(row.quality_score).toBe(template.quality_score.score);
      }
    });
  });

  describe("webhook deliveries are accepted and applied", () => {
    const accountsByWaba: Record<"demo" | "pywa", { pid: string; key: string; wabaId: string }> = {} as never;

    beforeAll(async () => {
      accountsByWaba.demo = { pid: DEMO_PHONE_NUMBER_ID, key: stack.demoKey, wabaId: stack.sandbox.demo.wabaId };
      accountsByWaba.pywa = await connect(PYWA_WABA_ID);
    });

    /** Puts the template back in its starting state on the sandbox and in our database (one sync). */
    async function reset(template: (typeof TEMPLATES)[string]): Promise<void> {
      const account = accountsByWaba[template.waba];
      const existing = stack.sandbox.control.findTemplate(
        account.wabaId,
        String(template.read.name),
        String(template.read.language),
      );
      if (existing) stack.sandbox.control.deleteTemplate(existing.id);
      await importIntoSandbox(account.wabaId, [template.read]);
      await sync(account.pid, account.key);
    }

    const applied = () => webhookEventsApplied(stack);

    it("every fixture has an expectation", () => {
      expect(corpus("webhooks").map((f) => f.file)).toEqual(Object.keys(WEBHOOK_EXPECTATIONS).sort());
    });

    it.each(corpus("webhooks"))("$file", async (fixture) => {
      const expectation = WEBHOOK_EXPECTATIONS[fixture.file];
      if (!expectation) throw new Error(`no expectation for ${fixture.file}`);
      const template = TEMPLATES[expectation.template];
      if (!template) throw new Error(`no template ${expectation.template}`);
      const account = accountsByWaba[template.waba];
      await reset(template);
      const name = String(template.read.name);
      const language = String(template.read.language);
      const eventsPath = `/v1/${account.pid}/templates/${name}/events?limit=100`;
      const before = await call(stack.baseUrl, "GET", eventsPath, { token: account.key });
      const seen = new Set(before.body.data.map((event: any) => event.id));
      // Meta stamps a delivery with the time of the change; the documented examples' times predate the rows this
      // test just synced, and the monotonic guard rightly ignores older events. Only entry.time is restamped.
      const delivery = structuredClone(fixture.payload);
      for (const entry of delivery.entry) entry.time = Math.floor(Date.now() / 1000);
      const raw = JSON.stringify(delivery);
      const response = await fetch(`${stack.baseUrl}/webhooks/meta`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": signWebhookBody(raw, stack.sandbox.demo.appSecret),
        },
        body: raw,
      });
      expect(response.status).toBe(200);
      await applied();

      const events = await call(stack.baseUrl, "GET", eventsPath, { token: account.key });
      expect(events.status, events.text).toBe(200);
      // Only a history row this delivery wrote counts (earlier fixtures left theirs on the same template).
      const latest = events.body.data.find(
        (event: any) => !seen.has(event.id) && event.language === language && event.source === "webhook",
      );
      expect(latest, JSON.stringify(events.body.data.slice(0, 3))).toBeDefined();
      expect({ kind: latest.kind, ...(expectation.to === null ? {} : { to: latest.to }) }).toEqual({
        kind: expectation.kind,
        ...(expectation.to === null ? {} : { to: expectation.to }),
      });
      expectation.check?.(await listed(account.pid, account.key, name, language), fixture);
    });
  });

  describe("error answers reach the client as our envelope, never a 500", () => {
    it.each(corpus("errors"))("$file", async (fixture) => {
      const { http_status: status, body } = fixture.payload;
      const account = await connect();
      stack.sandbox.control.faults.configure({
        rules: [{ kind: "respond", respondStatus: status, respondBody: body }],
      });
      try {
        const attempts = [
          await call(stack.baseUrl, "POST", `/v1/${account.pid}/templates`, {
            token: account.key,
            body: orderConfirmation(),
          }),
          await call(stack.baseUrl, "POST", `/v1/${account.pid}/templates/sync`, { token: account.key }),
        ];
        for (const res of attempts) {
          expect(res.status, res.text).toBeGreaterThanOrEqual(400);
          expect(res.status, res.text).not.toBe(500);
          expect(res.body.error.code, res.text).not.toBe("internal_error");
          expect(typeof res.body.error.message).toBe("string");
          expect(res.body.error.request_id ?? res.body.request_id).toMatch(/^req_/);
        }
      } finally {
        stack.sandbox.control.faults.clear();
      }
    });
  });
});
