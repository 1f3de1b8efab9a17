import { ZCreateTemplateRequest, ZTemplate, ZTemplateSyncResult } from "@kirim/schema";
import type { TCreateTemplateRequestInput } from "@kirim/schema";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness } from "../../test/harness.js";
import type { Harness } from "../../test/harness.js";
import { databaseKinds, testTokenKeyring } from "../testing/index.js";
import { domainError } from "../../test/harness.js";
import { createCore } from "../core.js";
import type { Principal } from "../base.js";
import type { Core } from "../core.js";

const request = (overrides: Partial<TCreateTemplateRequestInput> = {}) =>
  ZCreateTemplateRequest.parse({
    name: "order_update",
    category: "UTILITY",
    language: "en",
    components: [
      { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A-1"] } },
      { type: "BODY", text: "Hi {{1}}, your order {{2}} has shipped.", example: { body_text: [["Budi", "A-1"]] } },
    ],
    ...overrides,
  });

describe.each(databaseKinds())("templates service on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe("create", () => {
    it("submits to Meta and stores a pending row with Meta's id, status and category", async () => {
      const t = await h.tenant();
      const created = await h.core.templates.create(t.principal, t.phoneNumberId, request());
      expect(() => ZTemplate.parse(created)).not.toThrow();
      expect(created).toMatchObject({
        object: "template",
        name: "order_update",
        language: "en",
        status: "pending",
        meta_status: "PENDING",
        category: "UTILITY",
        content: "Hi {{1}}, your order {{2}} has shipped.",
        variables: ["1", "2"],
        whatsapp_account: { phone_number_id: t.phoneNumberId, customer: null },
        last_synced_at: null,
      });
      expect(created.id).toMatch(/^tmpl_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(created.provider_template_id).toMatch(/^\d+$/);
      const row = await h.db.selectFrom("templates").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: "pending",
        meta_status: "PENDING",
        provider_template_id: created.provider_template_id,
      });
    });

    it("uses the given variables when provided", async () => {
      const t = await h.tenant();
      const created = await h.core.templates.create(
        t.principal,
        t.phoneNumberId,
        request({ variables: ["customer", "order_id"] }),
      );
      expect(created.variables).toEqual(["customer", "order_id"]);
    });

    it("a duplicate name+language is 409 template_already_exists BEFORE any Meta call", async () => {
      const t = await h.tenant();
      await h.core.templates.create(t.principal, t.phoneNumberId, request());
      const before = h.gateway.calls.createTemplate;
      const e = await domainError(h.core.templates.create(t.principal, t.phoneNumberId, request()));
      expect(e).toMatchObject({ code: "template_already_exists", status: 409, type: "conflict", param: "name" });
      expect(h.gateway.calls.createTemplate).toBe(before);
    });

    // Issue 8 crash drill: Meta accepted the create but its answer came late (a timeout, then the gateway's lookup),
    // and a sync stored the new template in between. The create must return that row, not 409.
    describe("Meta's answer arrives after a sync already stored the template", () => {
      /** A core whose create answer reaches us only after a sync of the account ran; `answer` may alter Meta's id. */
      function lateAnswerCore(
        t: { principal: Principal; phoneNumberId: string },
        answer: (id: string) => string = (id) => id,
      ): Core {
        const late: Core = createCore({
          db: h.db,
          gateway: {
            listTemplates: (account, options) => h.gateway.listTemplates(account, options),
            async createTemplate(account, body) {
              const created = await h.gateway.createTemplate(account, body);
              await late.templates.sync(t.principal, t.phoneNumberId);
              return { ...created, id: answer(created.id) };
            },
          },
          cursorSecret: "test-cursor-secret",
          tokenKeyring: testTokenKeyring(),
        });
        return late;
      }
      const rowsNamed = (wabaTenant: { phoneNumberId: string }, name: string) =>
        h.db
          .selectFrom("templates")
          .innerJoin("whatsapp_accounts", "whatsapp_accounts.id", "templates.account_id")
          .select(["templates.id", "templates.provider_template_id", "templates.deleted_at"])
          .where("whatsapp_accounts.phone_number_id", "=", wabaTenant.phoneNumberId)
          .where("templates.name", "=", name)
          .execute();

      it("the row carries the id Meta gave this create: the create returns it (one row, Meta's id)", async () => {
        const t = await h.tenant();
        const created = await lateAnswerCore(t).templates.create(t.principal, t.phoneNumberId, request());
        const upstream = h.graph.sandbox.control.findTemplate(t.wabaId, "order_update", "en");
        expect(created).toMatchObject({
          name: "order_update",
          language: "en",
          provider_template_id: upstream?.id,
          meta_status: "PENDING",
          deleted_at: null,
        });
        expect(await rowsNamed(t, "order_update")).toEqual([
          { id: created.id, provider_template_id: upstream?.id, deleted_at: null },
        ]);
      });

      it("the row carries another Meta id (a concurrent create won): still 409 template_already_exists", async () => {
        const t = await h.tenant();
        const e = await domainError(
          lateAnswerCore(t, () => "999000999000999").templates.create(t.principal, t.phoneNumberId, request()),
        );
        expect(e).toMatchObject({ code: "template_already_exists", status: 409, param: "name" });
        expect(await rowsNamed(t, "order_update")).toHaveLength(1);
      });
    });

    it("Meta refuses a duplicate we have no row for (our commit was lost): 409, and Meta's copy is stored for GET", async () => {
      const t = await h.tenant();
      const first = await h.core.templates.create(t.principal, t.phoneNumberId, request());
      // As if the process died between Meta's answer and our commit: Meta has the template, we do not.
      await h.db.deleteFrom("template_events").where("template_id", "=", first.id).execute();
      await h.db.deleteFrom("templates").where("id", "=", first.id).execute();
      await expect(h.core.templates.getByName(t.principal, t.phoneNumberId, "order_update")).rejects.toMatchObject({
        code: "resource_not_found",
      });

      const e = await domainError(
        h.core.templates.create(t.principal, t.phoneNumberId, request(), { requestId: "req_again" }),
      );
      expect(e).toMatchObject({ code: "template_already_exists", status: 409 });
      const stored = await h.core.templates.getByName(t.principal, t.phoneNumberId, "order_update");
      expect(stored.languages).toEqual(["en"]);
      expect(stored).toMatchObject({
        language: "en",
        provider_template_id: first.provider_template_id,
        meta_status: "PENDING",
        deleted_at: null,
      });
      expect(h.graph.count(t.wabaId)).toBe(1);
      const events = await h.db
        .selectFrom("template_events")
        .select(["source", "source_id", "reason"])
        .where("template_id", "=", stored.id)
        .execute();
      expect(events).toEqual([
        { source: "create", source_id: "req_again", reason: "already on Meta when a create asked for it" },
      ]);
    });

    describe("retrying an identical create whose process died (resumesAbandonedAttempt)", () => {
      it("takes the stored template with the same name, language and text as its own: no 409, no Meta call", async () => {
        const t = await h.tenant();
        const first = await h.core.templates.create(t.principal, t.phoneNumberId, request());
        const metaCalls = h.graph.sandbox.control.requests({ wabaId: t.wabaId, method: "POST" }).length;
        const resumed = await h.core.templates.create(t.principal, t.phoneNumberId, request(), {
          resumesAbandonedAttempt: true,
        });
        expect(resumed).toEqual(first);
        expect(h.graph.sandbox.control.requests({ wabaId: t.wabaId, method: "POST" })).toHaveLength(metaCalls);
        // Without the flag, or with other text, it is the usual conflict.
        expect(await domainError(h.core.templates.create(t.principal, t.phoneNumberId, request()))).toMatchObject({
          code: "template_already_exists",
        });
        const otherText = request({
          components: [
            { type: "BODY", text: "Hello {{1}}, order {{2}} is on its way.", example: { body_text: [["A", "B"]] } },
          ],
        });
        expect(
          await domainError(
            h.core.templates.create(t.principal, t.phoneNumberId, otherText, { resumesAbandonedAttempt: true }),
          ),
        ).toMatchObject({
          code: "template_already_exists",
        });
      });

      it("takes Meta's copy as its own when we never stored it (Meta refuses the duplicate, its copy is stored)", async () => {
        const t = await h.tenant();
        const first = await h.core.templates.create(t.principal, t.phoneNumberId, request());
        await h.db.deleteFrom("template_events").where("template_id", "=", first.id).execute();
        await h.db.deleteFrom("templates").where("id", "=", first.id).execute();
        const resumed = await h.core.templates.create(t.principal, t.phoneNumberId, request(), {
          resumesAbandonedAttempt: true,
        });
        expect(resumed).toMatchObject({
          name: "order_update",
          language: "en",
          provider_template_id: first.provider_template_id,
          deleted_at: null,
        });
        expect(h.graph.count(t.wabaId)).toBe(1);
      });
    });

    it("a template deleted on Meta (tombstoned by sync) can be created again: the row is revived, not duplicated", async () => {
      const t = await h.tenant();
      const first = await h.core.templates.create(t.principal, t.phoneNumberId, request());
      h.graph.sandbox.control.deleteTemplate(first.provider_template_id ?? "");
      const sync = await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect(sync.removed).toBeGreaterThanOrEqual(1);

      const again = await h.core.templates.create(t.principal, t.phoneNumberId, request());
      expect(again).toMatchObject({ id: first.id, status: "pending", meta_status: "PENDING" });
      expect(again.provider_template_id).not.toBe(first.provider_template_id);
      const rows = await h.db
        .selectFrom("templates")
        .select(["id", "deleted_at"])
        .where("name", "=", "order_update")
        .where(
          "account_id",
          "=",
          (await h.db.selectFrom("templates").select("account_id").where("id", "=", first.id).executeTakeFirstOrThrow())
            .account_id,
        )
        .execute();
      expect(rows).toEqual([{ id: first.id, deleted_at: null }]);
      // …and it is live again, so a second create is the usual 409.
      expect(await domainError(h.core.templates.create(t.principal, t.phoneNumberId, request()))).toMatchObject({
        code: "template_already_exists",
      });
    });

    it("the same name in another language is fine", async () => {
      const t = await h.tenant();
      await h.core.templates.create(t.principal, t.phoneNumberId, request());
      const id = await h.core.templates.create(t.principal, t.phoneNumberId, request({ language: "id" }));
      expect(id.language).toBe("id");
      const both = await h.core.templates.getByName(t.principal, t.phoneNumberId, "order_update");
      expect(both).toMatchObject({ language: "en", languages: ["en", "id"] });
    });

    it("a Meta-side duplicate (not known locally) maps to 409 too", async () => {
      const t = await h.tenant({ demo: true }); // the demo WABA already holds hello_world / en_US
      const e = await domainError(
        h.core.templates.create(t.principal, t.phoneNumberId, request({ name: "hello_world", language: "en_US" })),
      );
      expect(e).toMatchObject({ code: "template_already_exists", status: 409, param: "name" });
      expect(e.details).toMatchObject({ meta: { code: 100, error_subcode: 2388024 } });
      // …and Meta's copy is now stored, so a GET agrees with the 409.
      const upstream = h.graph.sandbox.control.findTemplate(t.wabaId, "hello_world", "en_US");
      const stored = await h.core.templates.getByName(t.principal, t.phoneNumberId, "hello_world", {
        language: "en_US",
      });
      expect(stored.provider_template_id).toBe(upstream?.id);
    });

    it("a Meta pre-flight rule is refused by core before Meta is called (issue 12), and nothing is stored", async () => {
      const t = await h.tenant();
      const bad = request({
        name: "dangling",
        components: [{ type: "BODY", text: "{{1}} is your total", example: { body_text: [["5"]] } }],
      });
      const seq = h.graph.sandbox.control.requests().at(-1)?.seq ?? 0;
      const e = await domainError(h.core.templates.create(t.principal, t.phoneNumberId, bad));
      expect(e).toMatchObject({
        code: "template_variables_leading_trailing",
        status: 400,
        param: "components[0].text",
        details: { meta_subcode: 2388299 },
      });
      expect(h.graph.sandbox.control.requests({ sinceSeq: seq })).toEqual([]);
      expect(await h.db.selectFrom("templates").select("id").where("name", "=", "dangling").execute()).toEqual([]);
    });

    it("a Meta rule refusal is 400 meta_validation_failed with Meta's detail, and nothing is stored", async () => {
      const t = await h.tenant();
      // Meta's account-state rule (one category per name across languages) cannot be checked before calling Meta.
      expect(
        (
          await h.core.templates.create(
            t.principal,
            t.phoneNumberId,
            request({ name: "dangling", language: "en", category: "UTILITY" }),
          )
        ).status,
      ).toBe("pending");
      const e = await domainError(
        h.core.templates.create(
          t.principal,
          t.phoneNumberId,
          request({ name: "dangling", language: "id", category: "MARKETING" }),
        ),
      );
      expect(e).toMatchObject({
        code: "meta_validation_failed",
        status: 400,
        param: "category",
        details: { meta: { code: 100 } },
      });
      expect(
        await h.db
          .selectFrom("templates")
          .select("id")
          .where("name", "=", "dangling")
          .where("language", "=", "id")
          .execute(),
      ).toEqual([]);
    });

    it("Meta rate limiting is 429 meta_rate_limited with Retry-After", async () => {
      const t = await h.tenant();
      h.graph.sandbox.control.faults.configure({
        rules: [{ kind: "waba_rate_limit", method: "POST", path: "/message_templates" }],
      });
      try {
        const e = await domainError(
          h.core.templates.create(t.principal, t.phoneNumberId, request({ name: "throttled" })),
        );
        expect(e).toMatchObject({ code: "meta_rate_limited", status: 429, type: "rate_limit_error" });
        expect(e.headers?.["Retry-After"]).toMatch(/^\d+$/);
      } finally {
        h.graph.sandbox.control.faults.clear();
      }
    });

    it("a disconnected account cannot create or sync (422 account_not_connected) but can still be listed", async () => {
      const t = await h.tenant();
      await h.db
        .updateTable("whatsapp_accounts")
        .set({ status: "disconnected" })
        .where("phone_number_id", "=", t.phoneNumberId)
        .execute();
      const before = { ...h.gateway.calls };
      expect(await domainError(h.core.templates.create(t.principal, t.phoneNumberId, request()))).toMatchObject({
        code: "account_not_connected",
        status: 422,
      });
      expect((await domainError(h.core.templates.sync(t.principal, t.phoneNumberId))).code).toBe(
        "account_not_connected",
      );
      expect(h.gateway.calls).toEqual(before);
      expect((await h.core.templates.list(t.principal, t.phoneNumberId)).data).toEqual([]);
    });

    it("another organisation's phone_number_id is 404 resource_not_found", async () => {
      const a = await h.tenant();
      const b = await h.tenant();
      const e = await domainError(h.core.templates.create(b.principal, a.phoneNumberId, request()));
      expect(e).toMatchObject({ code: "resource_not_found", status: 404 });
      const callsBefore = { ...h.gateway.calls };
      for (const call of [
        () => h.core.templates.sync(b.principal, a.phoneNumberId),
        () => h.core.templates.list(b.principal, a.phoneNumberId, {}),
        () => h.core.templates.getByName(b.principal, a.phoneNumberId, "x"),
      ]) {
        expect((await domainError(call())).code).toBe("resource_not_found");
      }
      expect(h.gateway.calls).toEqual(callsBefore); // Meta is never called for a foreign account
      // indistinguishable from a phone_number_id that does not exist at all
      const missing = await domainError(h.core.templates.list(b.principal, "123456789", {}));
      expect(missing.message.replace("123456789", a.phoneNumberId)).toBe(e.message);
    });
  });

  describe("sync", () => {
    it("reads every page and counts created/updated/unchanged; a second run writes nothing", async () => {
      const t = await h.tenant({ demo: true });
      const upstream = h.graph.count(t.wabaId);
      expect(upstream).toBeGreaterThan(200); // several pages of 100
      const listCallsBefore = h.graph.sandbox.control.requests({ wabaId: t.wabaId, method: "GET" }).length;
      const first = await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect(ZTemplateSyncResult.parse(first)).toEqual({
        object: "template_sync_result",
        synced: upstream,
        created: upstream,
        updated: 0,
        unchanged: 0,
        removed: 0,
      });
      const listCalls = h.graph.sandbox.control.requests({ wabaId: t.wabaId, method: "GET" }).length - listCallsBefore;
      expect(listCalls).toBe(Math.ceil(upstream / 100));

      // Row versions: an UPDATE (even to identical values) creates a new tuple with a new xmin/ctid.
      const versions = () =>
        sql<{ id: string; v: string; updated_at: Date }>`
          SELECT t.id, t.xmin::text || '/' || t.ctid::text AS v, t.updated_at FROM templates t
          JOIN whatsapp_accounts a ON a.id = t.account_id WHERE a.phone_number_id = ${t.phoneNumberId} ORDER BY t.id`
          .execute(h.db)
          .then((r) => r.rows);
      const before = await versions();
      expect(before).toHaveLength(upstream);

      const second = await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect(second).toEqual({
        object: "template_sync_result",
        synced: upstream,
        created: 0,
        updated: 0,
        unchanged: upstream,
        removed: 0,
      });
      expect(await versions()).toEqual(before);
    });

    it("a template approved upstream shows approved after sync (updated = 1)", async () => {
      const t = await h.tenant();
      for (const name of ["tpl_a", "tpl_b", "tpl_c", "tpl_d", "tpl_e"]) {
        await h.core.templates.create(t.principal, t.phoneNumberId, request({ name }));
      }
      const baseline = await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect(baseline).toMatchObject({ synced: 5, created: 0 });
      h.graph.setStatus(t.wabaId, "tpl_c", "en", "APPROVED");
      h.graph.setStatus(t.wabaId, "tpl_d", "en", "REJECTED");
      const r = await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect(r).toEqual({
        object: "template_sync_result",
        synced: 5,
        created: 0,
        updated: 2,
        unchanged: 3,
        removed: 0,
      });
      const approved = await h.core.templates.getByName(t.principal, t.phoneNumberId, "tpl_c");
      expect(approved).toMatchObject({ status: "approved", meta_status: "APPROVED" });
      expect(approved?.last_synced_at).not.toBeNull();
      const rejected = await h.core.templates.getByName(t.principal, t.phoneNumberId, "tpl_d", { language: "en" });
      expect(rejected).toMatchObject({ status: "rejected", meta_status: "REJECTED" });
      const approvedOnly = await h.core.templates.list(t.principal, t.phoneNumberId, { status: "approved" });
      expect(approvedOnly.data.map((x) => x.name)).toEqual(["tpl_c"]);
    });

    it("a template created here is matched (not duplicated) by the next sync", async () => {
      const t = await h.tenant();
      const created = await h.core.templates.create(t.principal, t.phoneNumberId, request());
      h.graph.setStatus(t.wabaId, "order_update", "en", "APPROVED");
      const r = await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect(r).toMatchObject({ synced: 1, created: 0, updated: 1 });
      const row = await h.core.templates.getByName(t.principal, t.phoneNumberId, "order_update");
      expect(row).toMatchObject({ id: created.id, status: "approved", variables: ["1", "2"] });
    });

    it("a sync that fails upstream is 502 and does not record templates_synced_at", async () => {
      const t = await h.tenant({ demo: true });
      h.graph.sandbox.control.faults.configure({ failListPage: 2 });
      try {
        const e = await domainError(h.core.templates.sync(t.principal, t.phoneNumberId));
        expect(e).toMatchObject({ code: "whatsapp_upstream_error", status: 502 });
      } finally {
        h.graph.sandbox.control.faults.clear();
      }
      const acc = await h.db
        .selectFrom("whatsapp_accounts")
        .select("templates_synced_at")
        .where("phone_number_id", "=", t.phoneNumberId)
        .executeTakeFirstOrThrow();
      expect(acc.templates_synced_at).toBeNull();
      // the page that was read is kept; a retry completes the inventory
      const r = await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect(r.created + r.unchanged + r.updated).toBe(h.graph.count(t.wabaId));
      expect(r.created).toBe(h.graph.count(t.wabaId) - 100);
    });

    it("records templates_synced_at on the account", async () => {
      const t = await h.tenant();
      const acc = () =>
        h.db
          .selectFrom("whatsapp_accounts")
          .select("templates_synced_at")
          .where("phone_number_id", "=", t.phoneNumberId)
          .executeTakeFirstOrThrow();
      expect((await acc()).templates_synced_at).toBeNull();
      await h.core.templates.sync(t.principal, t.phoneNumberId);
      expect((await acc()).templates_synced_at).toBeInstanceOf(Date);
    });
  });

  describe("list", () => {
    let t: Awaited<ReturnType<Harness["tenant"]>>;
    beforeAll(async () => {
      t = await h.tenant();
      for (let i = 0; i < 57; i++) {
        await h.core.templates.create(
          t.principal,
          t.phoneNumberId,
          request({ name: `bulk_${String(i).padStart(2, "0")}` }),
        );
      }
      for (let i = 0; i < 57; i++) h.graph.setStatus(t.wabaId, `bulk_${String(i).padStart(2, "0")}`, "en", "APPROVED");
      await h.core.templates.sync(t.principal, t.phoneNumberId);
      await h.core.templates.create(t.principal, t.phoneNumberId, request());
      await h.core.templates.create(t.principal, t.phoneNumberId, request({ language: "id" }));
    });

    it("keyset paging visits every row exactly once, newest first", async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await h.core.templates.list(t.principal, t.phoneNumberId, { limit: 10, cursor });
        pages++;
        seen.push(...page.data.map((x) => x.id));
        expect(page.has_more).toBe(page.next_cursor !== null);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(pages).toBe(6);
      expect(seen).toHaveLength(59);
      expect(new Set(seen).size).toBe(59);
      const first = await h.core.templates.list(t.principal, t.phoneNumberId, { limit: 2 });
      expect(first.data.map((x) => x.name)).toEqual(["order_update", "order_update"]); // created after the sync
    });

    it("filters by status and language", async () => {
      const pending = await h.core.templates.list(t.principal, t.phoneNumberId, { status: "pending", limit: 100 });
      expect(pending.data).toHaveLength(2);
      const id = await h.core.templates.list(t.principal, t.phoneNumberId, { language: "id" });
      expect(id.data.map((x) => x.language)).toEqual(["id"]);
      const all = await h.core.templates.list(t.principal, t.phoneNumberId, { status: "all", limit: 100 });
      expect(all.data).toHaveLength(59);
      expect(all.has_more).toBe(false);
      expect(all.next_cursor).toBeNull();
    });

    it("a tampered cursor or a cursor used with other filters is 400 invalid_cursor", async () => {
      const page = await h.core.templates.list(t.principal, t.phoneNumberId, { limit: 5, status: "approved" });
      const cursor = page.next_cursor ?? "";
      const [payload, sig] = cursor.split(".");
      const forged = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()),
          k: ["2999-01-01T00:00:00.000Z", "tmpl_X"],
        }),
      ).toString("base64url");
      for (const [bad, q] of [
        [`${forged}.${sig}`, { status: "approved" as const }],
        [`${payload}.AAAA${sig?.slice(4)}`, { status: "approved" as const }],
        ["not-a-cursor", { status: "approved" as const }],
        [cursor, { status: "all" as const }],
        [cursor, { status: "approved" as const, language: "en" }],
      ] as const) {
        const e = await domainError(
          h.core.templates.list(t.principal, t.phoneNumberId, { limit: 5, ...q, cursor: bad }),
        );
        expect(e).toMatchObject({ code: "invalid_cursor", status: 400, param: "cursor" });
      }
      // and the genuine cursor works with the same filters
      const next = await h.core.templates.list(t.principal, t.phoneNumberId, { limit: 5, status: "approved", cursor });
      expect(next.data).toHaveLength(5);
    });

    it("a cursor from another account is refused", async () => {
      const other = await h.tenant();
      const page = await h.core.templates.list(t.principal, t.phoneNumberId, { limit: 5 });
      const e = await domainError(
        h.core.templates.list(other.principal, other.phoneNumberId, { limit: 5, cursor: page.next_cursor ?? "" }),
      );
      expect(e.code).toBe("invalid_cursor");
    });

    it("limit outside 1–100 is invalid_limit", async () => {
      for (const limit of [0, 101, 2.5]) {
        expect((await domainError(h.core.templates.list(t.principal, t.phoneNumberId, { limit }))).code).toBe(
          "invalid_limit",
        );
      }
    });

    it("getByName is 404 when the name does not exist", async () => {
      const e = await domainError(h.core.templates.getByName(t.principal, t.phoneNumberId, "nope"));
      expect(e).toMatchObject({ code: "resource_not_found", status: 404 });
      const e2 = await domainError(
        h.core.templates.getByName(t.principal, t.phoneNumberId, "order_update", { language: "pt_BR" }),
      );
      expect(e2.code).toBe("resource_not_found");
    });
  });
});
