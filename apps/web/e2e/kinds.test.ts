/// <reference types="node" />
/**
 * Issue 16 in the dashboard against the real API: create a media-card carousel, a product-card carousel and a
 * limited-time offer from the form, see their preview (the cards side by side, the offer's countdown line) while typing and on the created
 * template's page. Screenshots go to test-results/screenshots.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import {
  haveChromium,
  openDashboard,
  requireChromiumInCi,
  screenshotsDir as screenshots,
  signInThroughForm,
} from "./harness.js";

requireChromiumInCi("the kinds end-to-end tests");

describe.runIf(haveChromium)("carousel and limited-time offer in the dashboard (real API, Debian chromium)", () => {
  let dashboard: Dashboard | undefined;
  let api: RunningApi | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    dashboard = await openDashboard({ timeoutMs: 20_000, consoleErrors: {} });
    ({ api, page, problems } = dashboard);
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  let broken = false;
  const step = (title: string, run: () => Promise<void>) =>
    it(title, async () => {
      if (broken) throw new Error("not run: an earlier step failed");
      try {
        await run();
      } catch (error) {
        broken = true;
        throw error;
      }
    });
  const shot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  async function newTemplate(): Promise<void> {
    // From a template's page, back to the list first (the list itself has no "Templates" link).
    const back = page.getByRole("link", { name: "Templates", exact: true });
    if ((await back.count()) > 0) await back.first().click();
    await page.getByRole("link", { name: "New template" }).click();
    await page.getByRole("heading", { name: "New template" }).waitFor();
  }

  /** The cards are drawn side by side: each starts to the right of the one before, on the same line. */
  async function expectCardsSideBySide(scope: Locator, count: number): Promise<void> {
    const cards = scope.getByTestId("preview-card");
    await expect.poll(() => cards.count()).toBe(count);
    const boxes = await Promise.all(Array.from({ length: count }, (_, i) => cards.nth(i).boundingBox()));
    for (let i = 1; i < count; i++) {
      expect(boxes[i]?.x ?? 0).toBeGreaterThan(boxes[i - 1]?.x ?? 0);
      expect(Math.abs((boxes[i]?.y ?? 0) - (boxes[0]?.y ?? 0))).toBeLessThan(2);
    }
    // More cards than fit: the strip scrolls horizontally.
    const strip = scope.getByTestId("preview-carousel");
    expect(await strip.evaluate((el) => getComputedStyle(el).overflowX)).toBe("auto");
  }

  step("signs in and opens the demo account's templates", async () => {
    if (dashboard === undefined || api === undefined) throw new Error("not started");
    await signInThroughForm(page, dashboard.url(), api.apiKey);
    // The demo organisation has one account: sign-in lands on its templates.
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
  });

  step("creates a media-card carousel and previews its cards side by side", async () => {
    await newTemplate();
    await page.getByLabel("Name", { exact: true }).fill("e2e_succulent_carousel");
    await page.getByLabel("Category").selectOption("MARKETING");
    await page.getByLabel("Body text").fill("Rare succulents for sale, {{1}}! Swipe through this week's picks below.");
    await page.getByLabel("Example for {{1}}").fill("Pablo");
    await page.getByLabel(/^Add carousel cards/).check();
    await page.getByRole("button", { name: "Add card" }).click();
    const cards = ["Aloe 'Blue Elf', blue-green leaves.", "Crassula 'Buddha's Temple'.", "Echeveria 'Black Prince'."];
    for (const [i, text] of cards.entries()) {
      const card = page.getByRole("group", { name: `Card ${i + 1}` });
      await card.getByLabel(`Card ${i + 1} media handle`).fill(`4::aW1hZ2UvanBlZw==:card${i + 1}`);
      await card.getByLabel(`Card ${i + 1} text`).fill(text);
      await card.getByLabel(`Card ${i + 1} quick reply`).fill("More like this");
      await card.getByLabel(`Card ${i + 1} URL button text`).fill("Shop");
      await card.getByLabel(`Card ${i + 1} URL`, { exact: true }).fill(`https://shop.example.com/plant-${i + 1}`);
    }
    const preview = page.getByRole("figure", { name: /preview/i }).first();
    await expect.poll(() => preview.getByTestId("preview-card").nth(2).textContent()).toContain("Black Prince");
    await expectCardsSideBySide(preview, 3);
    await shot("kinds-carousel-form");

    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("created-notice").waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "e2e_succulent_carousel", exact: true }).waitFor();
    const detail = page.getByRole("figure", { name: /^Preview of / });
    await expectCardsSideBySide(detail, 3);
    expect(await detail.getByTestId("preview-card").first().textContent()).toContain("Blue Elf");
    await shot("kinds-carousel-detail");
    // Try parameters comes prefilled with every card by its card_index: Render shows each card as sent.
    await page.getByTestId("try-parameters").getByRole("button", { name: "Render" }).click();
    const rendered = page.getByTestId("rendered-cards").getByRole("listitem");
    await expect.poll(() => rendered.count()).toBe(3);
    expect(await rendered.nth(2).textContent()).toContain("https://example.com/card-3.jpg");
    expect(await rendered.nth(2).textContent()).toContain("Black Prince");
  });

  step("creates a product-card carousel: PRODUCT headers and SPM buttons in the preview and over REST", async () => {
    await newTemplate();
    await page.getByLabel("Name", { exact: true }).fill("e2e_succulent_products");
    await page.getByLabel("Category").selectOption("MARKETING");
    await page.getByLabel("Body text").fill("Rare succulents for sale, {{1}}! Tap a card to see the plant.");
    await page.getByLabel("Example for {{1}}").fill("Pablo");
    await page.getByLabel(/^Add carousel cards/).check();
    await page.getByLabel("Card kind").selectOption("PRODUCT");
    await page.getByLabel("Card button").selectOption("SPM");
    const card1 = page.getByRole("group", { name: "Card 1" });
    // Product cards take no media sample and no quick reply (Meta: one SPM or URL button).
    expect(await card1.getByLabel("Card 1 media handle").count()).toBe(0);
    expect(await card1.getByLabel("Card 1 quick reply").count()).toBe(0);
    expect(await card1.getByLabel("Card 1 button text").inputValue()).toBe("View");
    const preview = page.getByRole("figure", { name: /preview/i }).first();
    await expect.poll(() => preview.getByTestId("preview-card").count()).toBe(2);
    await expect
      .poll(() => preview.getByTestId("preview-card").first().getByRole("img", { name: "Product header" }).count())
      .toBe(1);
    expect(await preview.getByTestId("preview-card").nth(1).textContent()).toContain("View");
    await shot("kinds-product-carousel-form");

    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("created-notice").waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "e2e_succulent_products", exact: true }).waitFor();
    const detail = page.getByRole("figure", { name: /^Preview of / });
    await expect.poll(() => detail.getByRole("img", { name: "Product header" }).count()).toBe(2);

    if (api === undefined) throw new Error("not started");
    const res = await fetch(`${api.url}/v1/106540352242922/templates/e2e_succulent_products`, {
      headers: { authorization: `Bearer ${api.apiKey}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const { data } = (await res.json()) as {
      data: { components: Array<{ type: string; cards?: Array<{ components: Array<Record<string, unknown>> }> }> };
    };
    const carousel = data.components.find((component) => component.type === "CAROUSEL");
    expect(carousel?.cards).toEqual([
      {
        components: [
          { type: "HEADER", format: "PRODUCT" },
          { type: "BUTTONS", buttons: [{ type: "SPM", text: "View" }] },
        ],
      },
      {
        components: [
          { type: "HEADER", format: "PRODUCT" },
          { type: "BUTTONS", buttons: [{ type: "SPM", text: "View" }] },
        ],
      },
    ]);
  });

  step("creates a limited-time offer and previews its countdown line and copy-code button", async () => {
    await newTemplate();
    await page.getByLabel("Name", { exact: true }).fill("e2e_caribbean_offer");
    await page.getByLabel("Category").selectOption("MARKETING");
    await page.getByLabel(/^Make this a limited-time offer/).check();
    await page.getByLabel("Offer text").fill("Expiring offer!");
    await page
      .getByLabel("Body text")
      .fill("Good news, {{1}}! Use the code below to get 25% off all Caribbean packages.");
    await page.getByLabel("Example for {{1}}").fill("Pablo");
    await page.getByLabel("Button type to add").selectOption("COPY_CODE");
    await page.getByRole("button", { name: "Add button" }).click();
    await page
      .getByRole("group", { name: /^Button 1:/ })
      .getByLabel("Example offer code")
      .fill("CARIBE25");
    await page.getByLabel("Button type to add").selectOption("URL");
    await page.getByRole("button", { name: "Add button" }).click();
    await page
      .getByRole("group", { name: /^Button 2:/ })
      .getByLabel("Button text")
      .fill("Book now!");
    await page.getByLabel("Website URL").fill("https://example.com/offers");
    const preview = page.getByRole("figure", { name: /preview/i }).first();
    await expect.poll(() => preview.getByTestId("preview-offer").textContent()).toContain("Expiring offer!");
    expect(await preview.getByTestId("preview-offer-expiry").textContent()).toContain("Ends in");
    expect(await preview.locator('[data-button-type="COPY_CODE"]').textContent()).toContain("Copy offer code");
    await shot("kinds-offer-form");

    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("created-notice").waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "e2e_caribbean_offer", exact: true }).waitFor();
    const detail = page.getByRole("figure", { name: /^Preview of / });
    expect(await detail.getByTestId("preview-offer").textContent()).toContain("Expiring offer!");
    expect(await detail.getByTestId("preview-offer-expiry").isVisible()).toBe(true);
    await shot("kinds-offer-detail");
    // Try parameters comes prefilled with the offer's expiry and the coupon code.
    await page.getByTestId("try-parameters").getByRole("button", { name: "Render" }).click();
    await expect
      .poll(() => page.getByTestId("rendered-offer").textContent())
      .toMatch(/Expiring offer! · expires \d{4}-/);
    expect(await page.getByTestId("rendered-message").textContent()).toContain("(code CARIBE25)");
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
