/// <reference types="node" />
/**
 * Issue 15 §5 in the browser: while the next page loads, the rows shown are the previous page's, marked stale
 * (dimmed); and a name whose languages fall on two pages shows its full language count.
 */
import type { Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi, signInThroughForm } from "./harness.js";

requireChromiumInCi("the list e2e");

/** The list's default page size (template-list.tsx PAGE_SIZES[0]; the API's default limit too). */
const PAGE_SIZE = 25;
const SPLIT_NAME = "zz_e2e_split_notice";

describe.runIf(haveChromium)("a list people can trust (real API, Debian chromium)", () => {
  let dashboard: Dashboard;
  let api: RunningApi;
  let page: Page;
  let pnid = "";
  let problems: string[] = [];

  interface ListPage {
    data: Array<{ name: string; language: string }>;
    has_more: boolean;
    next_cursor: string | null;
  }

  async function rest<T>(method: string, pathAndQuery: string, body?: unknown): Promise<T> {
    const res = await fetch(`${api.url}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  const create = (name: string, language: string) =>
    rest("POST", `/v1/${pnid}/templates`, {
      name,
      category: "UTILITY",
      language,
      components: [
        { type: "BODY", text: "Hi {{1}}, your order {{2}} ships today.", example: { body_text: [["Budi", "A123"]] } },
      ],
    });

  beforeAll(async () => {
    dashboard = await openDashboard();
    ({ api, page, problems } = dashboard);

    const accounts = await rest<{ data: Array<{ phone_number_id: string | null }> }>("GET", "/v1/accounts");
    pnid = accounts.data.find((a) => a.phone_number_id !== null)?.phone_number_id ?? "";
    // The list is newest first: one language of the name, then a full page of others, then two more languages, so
    // the newest page holds two of its languages and the next page the third.
    await create(SPLIT_NAME, "en");
    for (let i = 0; i < PAGE_SIZE; i += 1) await create(`zz_e2e_filler_${String(i).padStart(2, "0")}`, "en");
    await create(SPLIT_NAME, "id");
    await create(SPLIT_NAME, "pt_BR");

    await signInThroughForm(page, dashboard.url(`#/accounts/${pnid}/templates`), api.apiKey);
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it("a name whose languages fall on two pages shows the full language count", async () => {
    // The premise, from the API: the name is cut by the page boundary (two languages here, one on the next page).
    const first = await rest<ListPage>("GET", `/v1/${pnid}/templates?limit=${PAGE_SIZE}`);
    expect(
      first.data
        .filter((t) => t.name === SPLIT_NAME)
        .map((t) => t.language)
        .sort(),
    ).toEqual(["id", "pt_BR"]);
    expect(first.has_more).toBe(true);
    const second = await rest<ListPage>(
      "GET",
      `/v1/${pnid}/templates?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(first.next_cursor ?? "")}`,
    );
    expect(second.data.filter((t) => t.name === SPLIT_NAME).map((t) => t.language)).toEqual(["en"]);

    await expect
      .poll(() => page.getByTestId("page-status").textContent())
      .toContain(`Page 1 · templates 1–${PAGE_SIZE}`);
    const group = page
      .getByTestId("template-group")
      .filter({ has: page.getByRole("link", { name: SPLIT_NAME, exact: true }) });
    expect(await group.getByTestId("template-row").count()).toBe(2);
    await expect
      .poll(() => group.getByTestId("language-count").textContent())
      .toContain("3 languages (2 on this page)");
    expect(problems).toEqual([]);
  });

  it("stale rows stay, dimmed, while the next page loads, and give way to the next page's rows", async () => {
    await page.reload();
    await page.locator('[data-testid="template-table"][data-stale="false"]').waitFor();
    await expect
      .poll(() => page.getByTestId("page-status").textContent())
      .toContain(`Page 1 · templates 1–${PAGE_SIZE}`);
    // The split name's count completes after the list (templates.get): wait for it before reading the rows.
    await expect
      .poll(() => page.getByTestId("language-count").allTextContents())
      .toContain(" · 3 languages (2 on this page)");
    const firstRows = await page.getByTestId("template-row").allTextContents();
    const second = await rest<ListPage>(
      "GET",
      `/v1/${pnid}/templates?limit=${PAGE_SIZE}&cursor=${encodeURIComponent((await rest<ListPage>("GET", `/v1/${pnid}/templates?limit=${PAGE_SIZE}`)).next_cursor ?? "")}`,
    );
    expect(second.data.length).toBeGreaterThan(0);

    // Hold the next page's answer until the test has looked at the page meanwhile.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const hold = async (route: Route) => {
      if (!decodeURIComponent(route.request().url()).includes("templates.list")) return route.fallback();
      held();
      await released;
      return route.continue();
    };
    await page.route(/\/trpc\//, hold);
    try {
      await page.getByRole("button", { name: "Next page" }).click();
      await holding;
      const table = page.locator('[data-testid="template-table"][data-stale="true"]');
      await table.waitFor();
      // The rows shown meanwhile are the first page's, dimmed, with the counts they had (the split name's full count
      // included: it does not fall back to the on-page count while the next page loads).
      expect(await page.getByTestId("template-row").allTextContents()).toEqual(firstRows);
      expect(await page.getByTestId("language-count").allTextContents()).toContain(" · 3 languages (2 on this page)");
      await expect.poll(() => table.evaluate((el) => getComputedStyle(el).opacity)).toBe("0.5");
    } finally {
      release();
    }
    await page.locator('[data-testid="template-table"][data-stale="false"]').waitFor();
    await page.unroute(/\/trpc\//, hold);
    await expect
      .poll(() => page.getByTestId("page-status").textContent())
      .toContain(`Page 2 · templates ${PAGE_SIZE + 1}–`);
    // The second page's rows, as the API pages them.
    const shown = await page.getByTestId("template-row").locator('td[data-label="Language"]').allTextContents();
    expect(shown).toEqual(second.data.map((t) => `${t.name} in ${t.language}`));
    expect(problems).toEqual([]);
  });
});
