/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Issue 12 §2 and §3 over HTTP, the way Kirimdev's own clients and integrators arrive:
 * - get by name answers ONE template object (Kirimdev's client reads `body["data"].get(...)`), `?language=` picks,
 *   without it the only / earliest created language, the others in `languages`; REST and tRPC agree;
 * - the row fields Kirimdev's client reads (`header_type`, `header_content`, `footer_content`, `has_variables`,
 *   `buttons`) are on every template answer, derived from the components and not stored;
 * - `GET /v1/me` (and tRPC `me.get`): organisation, the calling key, the rate-limit tier and limits;
 * - templates named `sync`, `sync_runs`, `events` and `me` go through create, get, edit, delete and events, while
 *   `POST …/templates/sync` (Kirimdev's route) still syncs and runs are listed under `/template_sync_runs`.
 * Every REST answer is also validated against the OpenAPI document (support/http.ts).
 */
import type { AppRouter } from "../src/index.js";
import { databaseKinds } from "@kirim/core/testing";
import { createTRPCClient, httpLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, lastSeq, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { trpcError } from "./support/trpc.js";

const PID = DEMO_PHONE_NUMBER_ID;
const TEMPLATES = `/v1/${PID}/templates`;
const NEW_BODY = [
  {
    type: "BODY",
    text: "Hello {{1}}, your order {{2}} has been confirmed and is on its way.",
    example: { body_text: [["Budi", "A123"]] },
  },
];

describe.each(databaseKinds())("Kirimdev's clients and every template name on %s", (kind) => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack(kind);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });
  const api = (method: string, path: string, body?: unknown, token: string = s.demoKey) =>
    call(s.baseUrl, method, path, { token, ...(body === undefined ? {} : { body }) });
  const trpc = (token: string = s.demoKey) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${s.baseUrl}/trpc`, headers: { authorization: `Bearer ${token}` } })],
    });

  describe("get by name", () => {
    it("answers one object that Kirimdev's client can read like a dict", async () => {
      expect((await api("POST", TEMPLATES, { ...orderConfirmation("en"), name: "single_language" })).status).toBe(201);
      const res = await api("GET", `${TEMPLATES}/single_language`);
      expect(res.status).toBe(200);
      // kirimdev-hermes: `data = body.get("data"); data.get("name")` — a list has no `.get`.
      expect(Array.isArray(res.body.data)).toBe(false);
      expect(res.body.data).toMatchObject({
        object: "template",
        name: "single_language",
        language: "en",
        languages: ["en"],
      });
    });

    it("without ?language= picks the earliest created language (not the first alphabetically); ?language= picks", async () => {
      // id first, then en and fil: the default is id, and `languages` follows creation order.
      for (const language of ["id", "en", "fil"]) {
        expect((await api("POST", TEMPLATES, { ...orderConfirmation(language), name: "multi_language" })).status).toBe(
          201,
        );
      }
      const byDefault = await api("GET", `${TEMPLATES}/multi_language`);
      expect(byDefault.body.data).toMatchObject({ language: "id", languages: ["id", "en", "fil"] });
      const english = await api("GET", `${TEMPLATES}/multi_language?language=en`);
      expect(english.body.data).toMatchObject({ language: "en", languages: ["id", "en", "fil"] });
      expectError(await api("GET", `${TEMPLATES}/multi_language?language=pt_BR`), 404, "resource_not_found", {
        param: "name",
      });
      expectError(await api("GET", `${TEMPLATES}/multi_language?include_deleted=maybe`), 400, "invalid_field_value", {
        param: "include_deleted",
      });

      // tRPC answers the same object.
      const viaTrpc = await trpc().templates.get.query({ phone_number_id: PID, name: "multi_language" });
      expect(viaTrpc).toEqual(byDefault.body.data);
      expect(
        (await trpc().templates.get.query({ phone_number_id: PID, name: "multi_language", language: "fil" })).language,
      ).toBe("fil");
    });

    it("after DELETE of the default language, the next earliest is the default; all deleted → 404 unless include_deleted", async () => {
      const deleted = await api("DELETE", `${TEMPLATES}/multi_language?language=id`);
      expect(deleted.status, deleted.text).toBe(200);
      expect((await api("GET", `${TEMPLATES}/multi_language`)).body.data).toMatchObject({
        language: "en",
        languages: ["en", "fil"],
      });
      expectError(await api("GET", `${TEMPLATES}/multi_language?language=id`), 404, "resource_not_found");
      const withDeleted = await api("GET", `${TEMPLATES}/multi_language?include_deleted=true`);
      expect(withDeleted.body.data).toMatchObject({
        language: "id",
        languages: ["id", "en", "fil"],
        deleted_at: expect.any(String),
      });

      expect((await api("DELETE", `${TEMPLATES}/multi_language`)).status).toBe(200);
      expectError(await api("GET", `${TEMPLATES}/multi_language`), 404, "resource_not_found");
      expect((await api("GET", `${TEMPLATES}/multi_language?include_deleted=false`)).status).toBe(404);
      // The list agrees: hidden unless include_deleted.
      expect((await api("GET", `${TEMPLATES}?search=multi_language`)).body.data).toEqual([]);
      expect((await api("GET", `${TEMPLATES}?search=multi_language&include_deleted=true`)).body.data).toHaveLength(3);
      const error = await trpcError(trpc().templates.get.query({ phone_number_id: PID, name: "multi_language" }));
      expect(error.data).toMatchObject({ code: "resource_not_found" });
      expect(
        (await trpc().templates.get.query({ phone_number_id: PID, name: "multi_language", include_deleted: true }))
          .deleted_at,
      ).toEqual(expect.any(String));
    });
  });

  describe("Kirimdev's row fields, derived from the components", () => {
    it("are on create, get, list and tRPC answers, and follow the components after an edit", async () => {
      const created = await api("POST", TEMPLATES, { ...orderConfirmation("en"), name: "derived_fields" });
      expect(created.status, created.text).toBe(201);
      const expected = {
        header_type: "TEXT",
        header_content: "Order {{1}}",
        footer_content: "Thank you for shopping with us",
        has_variables: true,
        buttons: [
          {
            type: "URL",
            text: "Track order",
            url: "https://example.com/track/{{1}}",
            example: ["https://example.com/track/A123"],
          },
        ],
      };
      expect(created.body.data).toMatchObject(expected);
      expect((await api("GET", `${TEMPLATES}/derived_fields`)).body.data).toMatchObject(expected);
      const listed = (await api("GET", `${TEMPLATES}?search=derived_fields`)).body.data;
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject(expected);
      expect(await trpc().templates.get.query({ phone_number_id: PID, name: "derived_fields" })).toMatchObject(
        expected,
      );

      // Edited to a body without variables, header, footer or buttons: every derived field follows.
      const onMeta = s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, "derived_fields", "en");
      s.sandbox.control.setStatus(onMeta?.id ?? "", { status: "REJECTED", reason: "INVALID_FORMAT" });
      expect((await api("POST", `${TEMPLATES}/sync`)).status).toBe(200);
      const plain = [{ type: "BODY", text: "Your order has shipped. Thank you for shopping with us today." }];
      const edited = await api("PATCH", `${TEMPLATES}/derived_fields`, { language: "en", components: plain });
      expect(edited.status, edited.text).toBe(200);
      const after = {
        header_type: null,
        header_content: null,
        footer_content: null,
        has_variables: false,
        buttons: [],
      };
      expect(edited.body.data).toMatchObject(after);
      expect((await api("GET", `${TEMPLATES}/derived_fields`)).body.data).toMatchObject(after);
    });

    it("describe media headers and OTP buttons, and are not columns of the table", async () => {
      const handle = s.sandbox.control.createMediaHandle("image/png");
      const media = {
        name: "derived_media",
        category: "MARKETING",
        language: "en",
        components: [
          { type: "HEADER", format: "IMAGE", example: { header_handle: [handle] } },
          { type: "BODY", text: "Our new collection has arrived in every store this week." },
          { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Stop promotions" }] },
        ],
      };
      const created = await api("POST", TEMPLATES, media);
      expect(created.status, created.text).toBe(201);
      expect(created.body.data).toMatchObject({
        header_type: "IMAGE",
        header_content: handle,
        footer_content: null,
        has_variables: false,
        buttons: [{ type: "QUICK_REPLY", text: "Stop promotions" }],
      });
      const otp = {
        name: "derived_otp",
        category: "AUTHENTICATION",
        language: "en",
        components: [
          { type: "BODY", add_security_recommendation: true },
          { type: "FOOTER", code_expiration_minutes: 10 },
          { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE", text: "Copy code" }] },
        ],
      };
      const auth = await api("POST", TEMPLATES, otp);
      expect(auth.status, auth.text).toBe(201);
      // The code is a parameter of every message of an AUTHENTICATION template, though Meta writes the body.
      expect(auth.body.data).toMatchObject({
        header_type: null,
        footer_content: null,
        has_variables: true,
        buttons: [{ type: "OTP", otp_type: "COPY_CODE" }],
      });

      const row = await s.db.db
        .selectFrom("templates")
        .selectAll()
        .where("name", "=", "derived_media")
        .executeTakeFirstOrThrow();
      for (const column of [
        "header_type",
        "header_content",
        "footer_content",
        "has_variables",
        "buttons",
        "languages",
      ]) {
        expect(Object.keys(row), column).not.toContain(column);
      }
    });

    it("are derived for templates a sync brought from Meta too", async () => {
      expect((await api("POST", `${TEMPLATES}/sync`)).status).toBe(200);
      const page = (await api("GET", `${TEMPLATES}?limit=100`)).body.data as any[];
      expect(page.length).toBeGreaterThan(10);
      for (const template of page) {
        const header = template.components.find((c: any) => c.type === "HEADER");
        const footer = template.components.find((c: any) => c.type === "FOOTER");
        const buttons = template.components.find((c: any) => c.type === "BUTTONS")?.buttons ?? [];
        expect(template.header_type, template.name).toBe(header === undefined ? null : (header.format ?? "TEXT"));
        expect(template.footer_content, template.name).toBe(footer?.text ?? null);
        expect(template.buttons, template.name).toEqual(buttons);
        if (template.variables.length > 0) expect(template.has_variables, template.name).toBe(true);
      }
    });
  });

  describe("GET /v1/me", () => {
    it("names the organisation, the calling key and the default tier's limits", async () => {
      const res = await api("GET", "/v1/me");
      expect(res.status).toBe(200);
      const me = res.body.data;
      expect(me).toEqual({
        organization: { id: expect.stringMatching(/^org_/), object: "organization", name: expect.any(String) },
        api_key: {
          id: expect.stringMatching(/^key_/),
          object: "api_key",
          label: expect.any(String),
          last4: s.demoKey.slice(-4),
        },
        // The stack's server-wide limits (startStack), not a per-organisation override.
        rate_limits: { tier: "default", write_per_minute: 1_000_000, read_per_minute: 1_000_000 },
      });
      const keys = await s.core.admin.listApiKeys(me.organization.id);
      expect(keys.find((k) => k.id === me.api_key.id)).toMatchObject({
        label: me.api_key.label,
        last4: me.api_key.last4,
      });
      expect(res.text).not.toContain(s.demoKey);
      expect(await trpc().me.get.query()).toEqual(me);
    });

    it("answers for the calling key only: another organisation's key sees its own", async () => {
      const other = (await api("GET", "/v1/me", undefined, s.otherKey)).body.data;
      expect(other.organization.name).toBe("Other Org");
      expect(other.api_key).toMatchObject({ label: "other", last4: s.otherKey.slice(-4) });
      expectError(await call(s.baseUrl, "GET", "/v1/me"), 401, "missing_api_key");
      expectError(await api("POST", "/v1/me", {}), 405, "method_not_allowed");
    });

    it("reports an organisation's own limits as the custom tier", async () => {
      const org = (await api("GET", "/v1/me", undefined, s.otherKey)).body.data.organization.id;
      await s.core.rateLimits.setOrganisationLimits(org, { writePerMinute: 600, readPerMinute: 6000 });
      const res = await api("GET", "/v1/me", undefined, s.otherKey);
      expect(res.body.data.rate_limits).toEqual({ tier: "custom", write_per_minute: 600, read_per_minute: 6000 });
      expect(res.headers.get("x-ratelimit-limit")).toBe("6000");
      await s.core.rateLimits.setOrganisationLimits(org, { writePerMinute: null, readPerMinute: null });
      expect((await api("GET", "/v1/me", undefined, s.otherKey)).body.data.rate_limits.tier).toBe("default");
    });
  });

  describe.each(["sync", "sync_runs", "events", "me"])("a template named %s", (name) => {
    it("goes through create, get, events, edit and delete over REST", async () => {
      const created = await api("POST", TEMPLATES, { ...orderConfirmation("en"), name });
      expect(created.status, created.text).toBe(201);
      expect(created.body.data.name).toBe(name);

      const got = await api("GET", `${TEMPLATES}/${name}`);
      expect(got.status, got.text).toBe(200);
      expect(got.body.data).toMatchObject({ object: "template", name, language: "en", id: created.body.data.id });

      const events = await api("GET", `${TEMPLATES}/${name}/events`);
      expect(events.status, events.text).toBe(200);
      expect(events.body.data.map((e: any) => e.name)).toContain(name);
      expect(events.body.data.at(-1)).toMatchObject({ source: "create", template_id: created.body.data.id });

      const onMeta = s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, name, "en");
      s.sandbox.control.setStatus(onMeta?.id ?? "", { status: "REJECTED", reason: "INVALID_FORMAT" });
      expect((await api("POST", `${TEMPLATES}/sync`)).body.data.object).toBe("template_sync_result");
      const since = lastSeq(s.sandbox);
      const edited = await api("PATCH", `${TEMPLATES}/${name}`, { language: "en", components: NEW_BODY });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.body.data).toMatchObject({ name, content: NEW_BODY[0]?.text, last_synced_via: "edit" });
      // The edit reached Meta as an edit of this template, not as a sync or anything else.
      const metaCalls = s.sandbox.control.requests({ sinceSeq: since });
      expect(metaCalls.map((r) => `${r.method} ${r.path}`)).toEqual([
        expect.stringMatching(new RegExp(`^POST .*/${onMeta?.id}$`)),
      ]);

      const deleted = await api("DELETE", `${TEMPLATES}/${name}`);
      expect(deleted.status, deleted.text).toBe(200);
      expect(deleted.body.data).toMatchObject({
        object: "template_delete_result",
        name,
        deleted: [{ language: "en" }],
      });
      expectError(await api("GET", `${TEMPLATES}/${name}`), 404, "resource_not_found");
      expect(s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, name, "en")).toBeUndefined();
    });

    it("goes through create, get, events, edit and delete over tRPC", async () => {
      const trpcName = `${name}`;
      const client = trpc();
      // The REST test above deleted it; Meta locks only APPROVED names, so the name is free again (another language).
      const created = await client.templates.create.mutate({
        phone_number_id: PID,
        template: { ...(orderConfirmation("id") as any), name: trpcName },
      });
      expect(created).toMatchObject({ name: trpcName, language: "id" });
      expect(await client.templates.get.query({ phone_number_id: PID, name: trpcName })).toMatchObject({
        id: created.id,
        languages: ["id"],
      });
      expect(
        (await client.templates.events.query({ phone_number_id: PID, name: trpcName, language: "id" })).data.length,
      ).toBeGreaterThan(0);
      const onMeta = s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, trpcName, "id");
      s.sandbox.control.setStatus(onMeta?.id ?? "", { status: "REJECTED", reason: "INVALID_FORMAT" });
      await client.templates.sync.mutate({ phone_number_id: PID });
      expect(
        await client.templates.edit.mutate({
          phone_number_id: PID,
          name: trpcName,
          edit: { language: "id", components: NEW_BODY as any },
        }),
      ).toMatchObject({ name: trpcName });
      expect((await client.templates.delete.mutate({ phone_number_id: PID, name: trpcName })).deleted).toEqual([
        { language: "id", template_id: created.id },
      ]);
    });
  });

  it("POST …/templates/sync still syncs, and sync runs are listed at /template_sync_runs", async () => {
    const sync = await api("POST", `${TEMPLATES}/sync`);
    expect(sync.body.data).toMatchObject({ object: "template_sync_result" });
    const runs = await api("GET", `/v1/${PID}/template_sync_runs?limit=1`);
    expect(runs.status, runs.text).toBe(200);
    expect(runs.body.data[0]).toMatchObject({
      object: "template_sync_run",
      status: "succeeded",
      synced: sync.body.data.synced,
    });
    expectError(await api("POST", `/v1/${PID}/template_sync_runs`, {}), 405, "method_not_allowed");
    // A phone_number_id segment that is not even percent-decodable is the usual 400 here too (fuzz drill finding).
    expectError(await api("GET", "/v1/%4/template_sync_runs"), 400, "invalid_phone_number_id", {
      param: "phone_number_id",
    });
  });
});
