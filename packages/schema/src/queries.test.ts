import { describe, expect, it } from "vitest";
import { ZListAccountsQuery } from "./account.js";
import { firstIssue } from "./issues.js";
import { MAX_CURSOR_LENGTH, MAX_TEMPLATE_SEARCH_LENGTH, ZGetTemplateQuery, ZListTemplatesQuery } from "./template.js";

function refusal(input: unknown) {
  const result = ZListTemplatesQuery.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return firstIssue(result.error);
}

describe("ZListTemplatesQuery", () => {
  it("applies the defaults", () => {
    expect(ZListTemplatesQuery.parse({})).toEqual({ status: "all", limit: 25 });
  });

  it.each(["approved", "pending", "rejected", "all"])("accepts status %s", (status) => {
    expect(ZListTemplatesQuery.parse({ status }).status).toBe(status);
  });

  it.each([
    ["APPROVED", 'status must be lower-case: use "approved", not "APPROVED".'],
    ["Pending", 'status must be lower-case: use "pending", not "Pending".'],
    ["paused", "status must be one of approved, pending, rejected, all (lower-case)."],
    ["", "status must be one of approved, pending, rejected, all (lower-case)."],
  ])("refuses status %j with a clear message", (status, message) => {
    expect(refusal({ status })).toEqual({ param: "status", message, code: "invalid_field_value" });
  });

  it.each([
    ["1", 1],
    ["100", 100],
    ["25", 25],
    [7, 7],
  ] as const)("accepts limit %j", (limit, expected) => {
    expect(ZListTemplatesQuery.parse({ limit }).limit).toBe(expected);
  });

  it.each(["0", "101", "-1", "1.5", "abc", "", " 5", "1e2", 0, 101, 2.5, true])(
    "refuses limit %j as invalid_limit",
    (limit) => {
      expect(refusal({ limit })).toEqual({
        param: "limit",
        message: "limit must be an integer from 1 to 100.",
        code: "invalid_limit",
      });
    },
  );

  it("accepts a cursor of the maximum length and refuses one longer, as invalid_cursor", () => {
    expect(ZListTemplatesQuery.parse({ cursor: "c".repeat(MAX_CURSOR_LENGTH) }).cursor).toHaveLength(MAX_CURSOR_LENGTH);
    expect(refusal({ cursor: "c".repeat(MAX_CURSOR_LENGTH + 1) })).toMatchObject({
      param: "cursor",
      code: "invalid_cursor",
    });
    expect(refusal({ cursor: "" })).toMatchObject({ param: "cursor", code: "invalid_cursor" });
  });

  it.each(["en", "en_US", "fil"])("accepts language %s", (language) => {
    expect(ZListTemplatesQuery.parse({ language }).language).toBe(language);
  });

  it.each(["EN", "en-US", "e", "english"])("refuses language %s", (language) => {
    expect(refusal({ language })).toMatchObject({ param: "language", code: "invalid_field_value" });
  });

  it.each(["MARKETING", "UTILITY", "AUTHENTICATION"])("accepts category %s", (category) => {
    expect(ZListTemplatesQuery.parse({ category }).category).toBe(category);
  });

  it.each([
    ["marketing", 'category must be upper-case: use "MARKETING", not "marketing".'],
    ["Utility", 'category must be upper-case: use "UTILITY", not "Utility".'],
    ["SERVICE", "category must be one of MARKETING, UTILITY, AUTHENTICATION (upper-case)."],
    ["", "category must be one of MARKETING, UTILITY, AUTHENTICATION (upper-case)."],
    [["MARKETING", "UTILITY"], "category must be one of MARKETING, UTILITY, AUTHENTICATION (upper-case)."],
  ])("refuses category %j with a clear message", (category, message) => {
    expect(refusal({ category })).toEqual({ param: "category", message, code: "invalid_field_value" });
  });

  it("takes search verbatim (no trimming, wildcards kept as text) up to the maximum length", () => {
    expect(ZListTemplatesQuery.parse({ search: "Order_%\\" }).search).toBe("Order_%\\");
    expect(ZListTemplatesQuery.parse({ search: " a " }).search).toBe(" a ");
    expect(ZListTemplatesQuery.parse({ search: "s".repeat(MAX_TEMPLATE_SEARCH_LENGTH) }).search).toHaveLength(
      MAX_TEMPLATE_SEARCH_LENGTH,
    );
  });

  it.each([
    { search: "" },
    { search: "s".repeat(MAX_TEMPLATE_SEARCH_LENGTH + 1) },
    { search: ["a", "b"] },
    { search: 5 },
  ])("refuses search $search", ({ search }) => {
    expect(refusal({ search })).toEqual({
      param: "search",
      message: "search must be text of 1 to 512 characters.",
      code: "invalid_field_value",
    });
  });

  it("refuses a search containing NUL, which no name holds and PostgreSQL cannot take", () => {
    expect(refusal({ search: "a\u0000b" })).toEqual({
      param: "search",
      message: "search must not contain the NUL character (U+0000).",
      code: "invalid_field_value",
    });
  });

  it("applies every filter together", () => {
    expect(
      ZListTemplatesQuery.parse({
        status: "approved",
        language: "id",
        category: "UTILITY",
        search: "order",
        limit: "10",
      }),
    ).toEqual({
      status: "approved",
      language: "id",
      category: "UTILITY",
      search: "order",
      limit: 10,
    });
  });

  it("refuses an unknown query parameter by name (issue 12: nothing is dropped silently)", () => {
    expect(refusal({ name_contains: "order" })).toMatchObject({ code: "unknown_parameter", param: "name_contains" });
  });
});

describe("ZGetTemplateQuery", () => {
  it("accepts no language and a valid language, refuses a bad one", () => {
    expect(ZGetTemplateQuery.parse({})).toEqual({});
    expect(ZGetTemplateQuery.parse({ language: "id" })).toEqual({ language: "id" });
    expect(ZGetTemplateQuery.safeParse({ language: "ID" }).success).toBe(false);
  });
});

describe("ZListAccountsQuery", () => {
  it("defaults to connected, accepts all, refuses anything else", () => {
    expect(ZListAccountsQuery.parse({})).toEqual({ status: "connected" });
    expect(ZListAccountsQuery.parse({ status: "all" })).toEqual({ status: "all" });
    expect(ZListAccountsQuery.safeParse({ status: "CONNECTED" }).success).toBe(false);
    expect(ZListAccountsQuery.safeParse({ status: "disconnected" }).success).toBe(false);
  });
});
