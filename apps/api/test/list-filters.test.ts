/**
 * The template list's `category` filter and `search` (name contains, ignoring case) over REST and tRPC, per database
 * kind: results checked against Meta's own inventory (the sandbox), LIKE wildcards matched literally, the cursor
 * bound to both filters, and clear 400s. Every REST answer is also validated against the OpenAPI document
 * (support/http.ts `call`).
 */
import { databaseKinds } from "@kirim/core/testing";
import { ZTemplate, zListEnvelope } from "@kirim/schema";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { AppRouter } from "../src/index.js";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const TEMPLATES = `/v1/${PID}/templates`;
type Template = z.infer<typeof ZTemplate>;

describe.each(databaseKinds())("template list filters (REST, tRPC) on %s", (kind) => {
  let s: Stack;
  const get = (path: string) => call(s.baseUrl, "GET", path, { token: s.demoKey });

  /** Every row of a filtered list, following next_cursor with the same query. */
  async function all(query: string, limit = 7): Promise<Template[]> {
    const seen: Template[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page += 1) {
      const res = await get(
        `${TEMPLATES}?${query}&limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      expect(res.status, res.text).toBe(200);
      const body = zListEnvelope(ZTemplate).parse(res.body);
      seen.push(...body.data);
      if (!body.has_more) return seen;
      cursor = body.next_cursor;
    }
    throw new Error("pagination did not end");
  }

  /** Meta's inventory (what the sync stored), as `name/language` keys. */
  const onMeta = (keep: (t: { name: string; category: string }) => boolean) =>
    s.sandbox.control
      .templates(s.sandbox.demo.wabaId)
      .filter(keep)
      .map((t) => `${t.name}/${t.language}`)
      .sort();
  const keys = (rows: Template[]) => rows.map((t) => `${t.name}/${t.language}`).sort();

  beforeAll(async () => {
    s = await startStack(kind);
    // Two names that only differ where a LIKE `_` would match any character.
    for (const name of ["zz_filter_a1", "zz_filterxa1"]) {
      const res = await call(s.baseUrl, "POST", TEMPLATES, {
        token: s.demoKey,
        body: { ...orderConfirmation("en"), name },
      });
      expect(res.status, res.text).toBe(201);
    }
    const sync = await call(s.baseUrl, "POST", `${TEMPLATES}/sync`, { token: s.demoKey });
    expect(sync.status, sync.text).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it.each(["MARKETING", "UTILITY", "AUTHENTICATION"])(
    "category=%s returns exactly Meta's templates of that category",
    async (category) => {
      const rows = await all(`category=${category}`, 50);
      expect(rows.length).toBeGreaterThan(0);
      expect(keys(rows)).toEqual(onMeta((t) => t.category === category));
    },
  );

  it("search matches a substring of the name, ignoring case, across pages", async () => {
    const rows = await all("search=UPDATE", 3);
    expect(rows.length).toBeGreaterThan(3);
    expect(keys(rows)).toEqual(onMeta((t) => t.name.includes("update")));
  });

  it("search matches _ % and \\ literally", async () => {
    expect(keys(await all("search=filter_a"))).toEqual(["zz_filter_a1/en"]);
    expect(keys(await all("search=r_a1"))).toEqual(["zz_filter_a1/en"]);
    expect(keys(await all("search=zz_filter"))).toEqual(["zz_filter_a1/en", "zz_filterxa1/en"]);
    expect(await all(`search=${encodeURIComponent("%")}`)).toEqual([]);
    expect(await all(`search=${encodeURIComponent("zz%a1")}`)).toEqual([]);
    expect(await all(`search=${encodeURIComponent("\\")}`)).toEqual([]);
  });

  it("combines category, search, status and language", async () => {
    const rows = await all("category=UTILITY&search=zz_filter&status=pending&language=en");
    expect(keys(rows)).toEqual(["zz_filter_a1/en", "zz_filterxa1/en"]);
    expect(await all("category=UTILITY&search=zz_filter&status=approved")).toEqual([]);
    expect(await all("category=MARKETING&search=zz_filter")).toEqual([]);
  });

  it("binds the cursor to category and search: another value is 400 invalid_cursor, the same goes on", async () => {
    const first = await get(`${TEMPLATES}?category=MARKETING&search=a&limit=2`);
    expect(first.status, first.text).toBe(200);
    const cursor = encodeURIComponent(first.body.next_cursor as string);
    for (const changed of [
      "category=UTILITY&search=a",
      "category=MARKETING&search=b",
      "category=MARKETING",
      "search=a",
      "category=MARKETING&search=A",
    ]) {
      expectError(await get(`${TEMPLATES}?${changed}&limit=2&cursor=${cursor}`), 400, "invalid_cursor", {
        param: "cursor",
      });
    }
    const next = await get(`${TEMPLATES}?category=MARKETING&search=a&limit=2&cursor=${cursor}`);
    expect(next.status, next.text).toBe(200);
    expect(next.body.data.every((t: Template) => t.category === "MARKETING" && t.name.includes("a"))).toBe(true);
  });

  it.each([
    {
      what: "lower-case category",
      query: "category=marketing",
      param: "category",
      message: 'category must be upper-case: use "MARKETING", not "marketing".',
    },
    {
      what: "unknown category",
      query: "category=SERVICE",
      param: "category",
      message: "category must be one of MARKETING, UTILITY, AUTHENTICATION (upper-case).",
    },
    {
      what: "repeated category",
      query: "category=UTILITY&category=MARKETING",
      param: "category",
      message: "category must be one of MARKETING, UTILITY, AUTHENTICATION (upper-case).",
    },
    { what: "empty search", query: "search=", param: "search", message: "search must be text of 1 to 512 characters." },
    {
      what: "513-character search",
      query: `search=${"s".repeat(513)}`,
      param: "search",
      message: "search must be text of 1 to 512 characters.",
    },
    {
      what: "repeated search",
      query: "search=a&search=b",
      param: "search",
      message: "search must be text of 1 to 512 characters.",
    },
    {
      what: "search with NUL",
      query: "search=a%00b",
      param: "search",
      message: "search must not contain the NUL character (U+0000).",
    },
  ])("400 invalid_field_value for a $what", async ({ query, param, message }) => {
    const res = await get(`${TEMPLATES}?${query}`);
    expectError(res, 400, "invalid_field_value", { type: "invalid_request_error", param });
    expect(res.body.error.message).toBe(message);
  });

  it("tRPC templates.list takes the same filters and refuses the same values", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${s.baseUrl}/trpc`, headers: { authorization: `Bearer ${s.demoKey}` } })],
    });
    const page = await client.templates.list.query({ phone_number_id: PID, category: "UTILITY", search: "FILTER_A" });
    expect(page.data.map((t) => t.name)).toEqual(["zz_filter_a1"]);
    const error = await client.templates.list.query({ phone_number_id: PID, category: "utility" as "UTILITY" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
      trpcCode: "BAD_REQUEST",
      code: "invalid_field_value",
      param: "category",
    });
  });
});
