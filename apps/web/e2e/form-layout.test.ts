/// <reference types="node" />
/**
 * Issue 15 §3/§4 in Chromium against the real API: the create form shows five different problems at once (wire
 * schema and Meta's pre-flight rules together) with the error summary focused and keeps its draft across a reload;
 * nothing scrolls sideways at phone width (390 and 320 px) on the list, detail and create pages, the components
 * JSON folds away and scrolls in its own box, the preview comes first on the detail page and is one tap away on
 * the create page.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi } from "./harness.js";

const PNID = "106540352242922";
// A long unbroken line in the components JSON: it widened the whole detail grid at phone width.
const LONG_URL = `https://example.com/${"very-long-path-segment-".repeat(8)}{{1}}`;
const TEMPLATE = "layout_probe";

requireChromiumInCi("the form and layout tests");

describe.runIf(haveChromium)("create form and phone layout (real API, Debian chromium)", () => {
  let dashboard: Dashboard | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    // Signed in: the dashboard keeps the key in sessionStorage. A reload of the dirty form asks before leaving.
    dashboard = await openDashboard({ signIn: "session", acceptDialogs: true });
    ({ page, problems } = dashboard);
    const { api } = dashboard;
    const created = await fetch(`${api.url}/v1/${PNID}/templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: TEMPLATE,
        language: "en",
        category: "UTILITY",
        components: [
          { type: "HEADER", format: "TEXT", text: "Order update" },
          {
            type: "BODY",
            text: "Hello {{1}}, your order *shipped* today and arrives soon.",
            example: { body_text: [["Ana"]] },
          },
          { type: "FOOTER", text: "Reply STOP to stop receiving these messages at all" },
          {
            type: "BUTTONS",
            buttons: [{ type: "URL", text: "Track", url: LONG_URL, example: [LONG_URL.replace("{{1}}", "abc")] }],
          },
        ],
      }),
    });
    expect(created.status, await created.text()).toBe(201);
  });

  afterAll(async () => {
    await dashboard?.close();
    expect(problems).toEqual([]);
  });

  const url = (hash: string) => dashboard?.url(hash) ?? "";
  const pages = {
    list: {
      hash: `#/accounts/${PNID}/templates`,
      ready: () => page.getByRole("link", { name: TEMPLATE }).first().waitFor(),
    },
    detail: {
      hash: `#/accounts/${PNID}/templates/${TEMPLATE}?language=en`,
      ready: () => page.getByRole("heading", { name: "Preview" }).waitFor(),
    },
    create: { hash: `#/accounts/${PNID}/templates/new`, ready: () => page.getByLabel("Name").waitFor() },
  };

  it("a form with five different errors shows all five at once, with the summary focused", async () => {
    await page.goto(url(pages.create.hash));
    await pages.create.ready();
    await page.getByLabel("Name").fill("Bad Name");
    await page.getByLabel("Add a header").check();
    await page.getByLabel("Header type").selectOption("IMAGE");
    await page.getByLabel("Body text").fill("{{1}} is the start of this message, thanks.");
    await page.getByLabel("Add a footer").check();
    await page.getByLabel("Footer text").fill("x".repeat(61));
    for (let i = 0; i < 2; i++) {
      await page.getByLabel("Button type to add").selectOption("QUICK_REPLY");
      await page.getByRole("button", { name: "Add button" }).click();
    }
    await page.getByLabel("Button text").nth(0).fill("Yes");
    await page.getByLabel("Button text").nth(1).fill("Yes");
    await page.getByRole("button", { name: "Submit to Meta for review" }).click();

    const summary = page.getByTestId("error-summary");
    await summary.waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid")))
      .toBe("error-summary");
    const items = await summary.getByRole("listitem").allTextContents();
    const expected = [
      /name may contain only lower-case/,
      /An image header needs a sample/,
      /cannot start or end with a variable/,
      /Footer text must be at most 60/,
      /same text/,
    ];
    for (const pattern of expected)
      expect(
        items.some((item) => pattern.test(item)),
        `${pattern} in ${JSON.stringify(items)}`,
      ).toBe(true);
    // each beside its field too
    for (const key of ["name", "header.media", "body.text", "footer.text"]) {
      expect(await page.locator(`[data-error-for="${key}"]`).count(), key).toBe(1);
    }
    // the counter over the limit
    expect(await page.getByTestId("count-footer.text").textContent()).toBe("61/60");
    // a summary entry takes the user to the field
    await summary.getByRole("button", { name: /name may contain only/ }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("f-name");
  });

  it("keeps the draft across a reload", async () => {
    await page.getByLabel("Name").fill("draft_survives");
    // saved after the typing pause
    await expect
      .poll(() =>
        page.evaluate(() =>
          Object.keys(localStorage).some((k) => (localStorage.getItem(k) ?? "").includes("draft_survives")),
        ),
      )
      .toBe(true);
    await page.reload();
    await pages.create.ready();
    expect(await page.getByLabel("Name").inputValue()).toBe("draft_survives");
    expect(await page.getByLabel("Footer text").inputValue()).toBe("x".repeat(61));
    await page.getByRole("button", { name: "Discard draft" }).click();
    await expect.poll(() => page.getByLabel("Name").inputValue()).toBe("");
  });

  for (const width of [390, 320]) {
    it(`nothing scrolls sideways at ${width} px on list, detail and create`, async () => {
      await page.setViewportSize({ width, height: 800 });
      for (const [name, target] of Object.entries(pages)) {
        await page.goto(url(target.hash));
        await target.ready();
        // the components JSON open: its long lines must scroll inside its box, not widen the page
        if (name === "detail") {
          await page.locator("summary", { hasText: "Components (JSON)" }).click();
          await page.getByLabel("Components as JSON").waitFor();
        }
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.scrollingElement?.scrollWidth ?? Number.POSITIVE_INFINITY,
          innerWidth: window.innerWidth,
        }));
        expect(scrollWidth, `${name} at ${width} px`).toBeLessThanOrEqual(innerWidth);
      }
    });
  }

  it("on a phone the detail page shows the preview first and the JSON folded, scrolling inside its own box", async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(url(pages.detail.hash));
    await pages.detail.ready();
    const previewTop =
      (await page.getByRole("complementary", { name: "Preview" }).boundingBox())?.y ?? Number.POSITIVE_INFINITY;
    const statusTop =
      (await page.getByRole("heading", { name: "Status", exact: true }).boundingBox())?.y ?? Number.NEGATIVE_INFINITY;
    expect(previewTop).toBeLessThan(statusTop);
    const json = page.getByLabel("Components as JSON");
    expect(await json.isVisible()).toBe(false);
    await page.locator("summary", { hasText: "Components (JSON)" }).click();
    await json.waitFor();
    const box = await json.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      overflowX: getComputedStyle(el).overflowX,
    }));
    expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
    expect(box.overflowX).toBe("auto");
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });

  it("on a phone the create page's preview is one tap away", async () => {
    await page.setViewportSize({ width: 390, height: 700 });
    await page.goto(url(pages.create.hash));
    await pages.create.ready();
    await page.evaluate(() => window.scrollTo(0, 0));
    const preview = page.getByRole("complementary", { name: "Preview" });
    const inView = () =>
      preview.evaluate(
        (el) => el.getBoundingClientRect().top < window.innerHeight && el.getBoundingClientRect().bottom > 0,
      );
    expect(await inView()).toBe(false);
    await page.getByRole("button", { name: "Show preview" }).click();
    await expect.poll(inView).toBe(true);
  });

  it("a long footer wraps inside the preview bubble", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url(pages.create.hash));
    await pages.create.ready();
    await page.getByLabel("Add a footer").check();
    await page.getByLabel("Footer text").fill("Reply_STOP_to_unsubscribe_from_every_list_of_ours");
    const footer = page.getByTestId("preview-footer");
    await expect.poll(() => footer.textContent()).toContain("every_list_of_ours");
    const fits = await footer.evaluate((el) => {
      const bubble = el.closest(".wa-bubble")?.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return bubble !== undefined && el.scrollWidth <= el.clientWidth && box.right <= bubble.right;
    });
    expect(fits).toBe(true);
  });
});
