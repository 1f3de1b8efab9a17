/**
 * The template list's category filter and name search (issue 7), on every database kind: the SQL filter, literal
 * matching of LIKE's wildcards, and the cursor bound to both filters.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, domainError } from "../../test/harness.js";
import type { Harness, Tenant } from "../../test/harness.js";
import { newId } from "../lib/ids.js";
import { databaseKinds } from "../testing/index.js";
import type { ListTemplatesOptions } from "./template.service.js";
import { containsPattern, findTemplateStates, insertTemplate } from "./template.repository.js";

/** name → category. Names Meta would refuse (`%`, `\`, upper case) are stored directly, as a sync could not. */
const ROWS: ReadonlyArray<readonly [string, "MARKETING" | "UTILITY" | "AUTHENTICATION"]> = [
  ["order_shipped", "UTILITY"],
  ["order_delivered", "UTILITY"],
  ["orderxshipped", "UTILITY"],
  ["Order_Refund", "UTILITY"],
  ["summer_sale", "MARKETING"],
  ["summer_sale_2", "MARKETING"],
  ["login_code", "AUTHENTICATION"],
  ["discount_50%_off", "MARKETING"],
  ["discount_50x_off", "MARKETING"],
  ["back\\slash", "UTILITY"],
  ["backxslash", "UTILITY"],
];

describe("containsPattern", () => {
  it("escapes the escape character first, then LIKE's wildcards", () => {
    expect(containsPattern("order")).toBe("%order%");
    expect(containsPattern("a_b%c\\d")).toBe("%a\\_b\\%c\\\\d%");
    expect(containsPattern("\\%")).toBe("%\\\\\\%%");
  });
});

describe.each(databaseKinds())("template list filters on %s", (kind) => {
  let h: Harness;
  let t: Tenant;

  beforeAll(async () => {
    h = await createHarness(kind);
    t = await h.tenant();
    const account = await h.db
      .selectFrom("whatsapp_accounts")
      .select("id")
      .where("phone_number_id", "=", t.phoneNumberId)
      .executeTakeFirstOrThrow();
    // One second apart, oldest first, so newest-first order is the reverse of ROWS.
    const start = Date.UTC(2026, 10, 1);
    for (const [i, [name, category]] of ROWS.entries()) {
      for (const language of ["en", "id"]) {
        const createdAt = new Date(start + i * 1000 + (language === "id" ? 500 : 0));
        await insertTemplate(h.db, {
          id: newId("tmpl", createdAt.getTime()),
          account_id: account.id,
          name,
          language,
          category,
          status: category === "MARKETING" ? "pending" : "approved",
          meta_status: category === "MARKETING" ? "PENDING" : "APPROVED",
          provider_template_id: null,
          components: JSON.stringify([{ type: "BODY", text: "Hi" }]),
          content: "Hi",
          variables: JSON.stringify([]),
          parameter_format: "POSITIONAL",
          rejected_reason: null,
          quality_score: null,
          previous_category: null,
          created_at: createdAt,
          updated_at: createdAt,
          last_synced_at: null,
        });
      }
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it("findTemplateStates finds names that need escaping in an array parameter, and nothing else", async () => {
    const other = await h.tenant();
    const account = await h.db
      .selectFrom("whatsapp_accounts")
      .select("id")
      .where("phone_number_id", "=", other.phoneNumberId)
      .executeTakeFirstOrThrow();
    const awkward = ["a,b", 'x"y', "NULL", "{brace}", "back\\slash", "sp ace", "émoji_✓"];
    for (const name of awkward) {
      const at = new Date(Date.UTC(2026, 10, 2));
      await insertTemplate(h.db, {
        id: newId("tmpl", at.getTime()),
        account_id: account.id,
        name,
        language: "en",
        category: "UTILITY",
        status: "approved",
        meta_status: "APPROVED",
        provider_template_id: null,
        components: JSON.stringify([]),
        content: "",
        variables: JSON.stringify([]),
        parameter_format: "POSITIONAL",
        rejected_reason: null,
        quality_score: null,
        previous_category: null,
        created_at: at,
        updated_at: at,
        last_synced_at: null,
      });
    }
    const keys = [
      ...awkward.map((name) => ({ name, language: "en" })),
      { name: "a,b", language: "id" },
      { name: "missing", language: "en" },
    ];
    const found = await findTemplateStates(h.db, account.id, keys);
    expect(found.map((f) => f.name).sort()).toEqual([...awkward].sort());
  });

  const list = (query: ListTemplatesOptions) =>
    h.core.templates.list(t.principal, t.phoneNumberId, { limit: 100, ...query });
  const names = async (query: ListTemplatesOptions) => [...new Set((await list(query)).data.map((x) => x.name))];

  it("filters by category", async () => {
    expect(await names({ category: "AUTHENTICATION" })).toEqual(["login_code"]);
    expect(await names({ category: "MARKETING" })).toEqual([
      "discount_50x_off",
      "discount_50%_off",
      "summer_sale_2",
      "summer_sale",
    ]);
    const utility = await list({ category: "UTILITY" });
    expect(utility.data).toHaveLength(12);
    expect(utility.data.every((x) => x.category === "UTILITY")).toBe(true);
  });

  it("searches names by substring, ignoring case", async () => {
    expect(await names({ search: "ORDER" })).toEqual([
      "Order_Refund",
      "orderxshipped",
      "order_delivered",
      "order_shipped",
    ]);
    expect(await names({ search: "shipped" })).toEqual(["orderxshipped", "order_shipped"]);
    expect(await names({ search: "sale_2" })).toEqual(["summer_sale_2"]);
    expect(await names({ search: "nothing_like_this" })).toEqual([]);
  });

  it("matches %, _ and \\ literally, never as wildcards", async () => {
    expect(await names({ search: "der_s" })).toEqual(["order_shipped"]);
    expect(await names({ search: "_" })).not.toContain("orderxshipped");
    expect(await names({ search: "50%" })).toEqual(["discount_50%_off"]);
    expect(await names({ search: "%" })).toEqual(["discount_50%_off"]);
    expect(await names({ search: "k\\s" })).toEqual(["back\\slash"]);
    expect(await names({ search: "\\" })).toEqual(["back\\slash"]);
    expect(await names({ search: "%%" })).toEqual([]);
  });

  it("a search with NUL (which PostgreSQL cannot take) matches nothing instead of failing", async () => {
    expect(await list({ search: "order\u0000" })).toEqual({ data: [], has_more: false, next_cursor: null });
  });

  it("combines category, search, status and language", async () => {
    const page = await list({ category: "MARKETING", search: "summer", status: "pending", language: "id" });
    expect(page.data.map((x) => `${x.name}/${x.language}`)).toEqual(["summer_sale_2/id", "summer_sale/id"]);
    expect(await names({ category: "UTILITY", search: "sale" })).toEqual([]);
    expect(await names({ category: "MARKETING", status: "approved" })).toEqual([]);
  });

  it("pages through a filtered list, each row once, newest first", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list({ category: "UTILITY", search: "order", limit: 3, cursor });
      pages++;
      seen.push(...page.data.map((x) => `${x.name}/${x.language}`));
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([
      "Order_Refund/id",
      "Order_Refund/en",
      "orderxshipped/id",
      "orderxshipped/en",
      "order_delivered/id",
      "order_delivered/en",
      "order_shipped/id",
      "order_shipped/en",
    ]);
  });

  it("binds the cursor to category and search: changing either is 400 invalid_cursor", async () => {
    const first = await list({ category: "UTILITY", search: "order", limit: 3 });
    const cursor = first.next_cursor ?? "";
    expect(cursor).not.toBe("");
    for (const changed of [
      { category: "UTILITY" as const },
      { search: "order" },
      { category: "MARKETING" as const, search: "order" },
      { category: "UTILITY" as const, search: "orde" },
      { category: "UTILITY" as const, search: "ORDER" },
      {},
    ]) {
      const e = await domainError(list({ limit: 3, ...changed, cursor }));
      expect(e).toMatchObject({ code: "invalid_cursor", status: 400, param: "cursor" });
    }
    // A cursor of the unfiltered list is refused once a filter is added, too.
    const unfiltered = await list({ limit: 3 });
    expect((await domainError(list({ limit: 3, search: "order", cursor: unfiltered.next_cursor ?? "" }))).code).toBe(
      "invalid_cursor",
    );
    // The genuine cursor with the same filters goes on.
    const second = await list({ category: "UTILITY", search: "order", limit: 3, cursor });
    expect(second.data.map((x) => x.name)).toEqual(["orderxshipped", "order_delivered", "order_delivered"]);
  });
});
