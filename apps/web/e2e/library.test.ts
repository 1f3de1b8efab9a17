/// <reference types="node" />
/**
 * Issue 16 in the dashboard: browse Meta's Template Library (through the API and the gateway, served by the sandbox)
 * with Meta's filters — search, topic, industry, use case — and create a template from a library entry.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApi, RunningWeb } from "./harness.js";
import { serveWeb, startApi } from "./harness.js";

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const apiMain = path.resolve(webRoot, process.env.KIRIM_E2E_API_MAIN ?? "../api/dist/main.js");
const distDir = path.resolve(webRoot, "dist");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(chromiumPath);

if (!haveChromium && process.env.CI) {
  describe("browser for the library end-to-end test", () => {
    it("has Debian's chromium installed", () => {
      expect.fail(`chromium not found at ${chromiumPath}`);
    });
  });
}

describe.runIf(haveChromium)("dashboard: Meta's Template Library (real API, chromium)", () => {
  let api: RunningApi | undefined;
  let web: RunningWeb | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    api = await startApi(apiMain);
    web = await serveWeb(distDir, api.url);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/])/, (route) => {
      problems.push(`non-loopback request: ${route.request().url()}`);
      return route.abort();
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.stop();
  });

  const names = () => page.getByTestId("library-entry").locator("h3").allTextContents();

  it("browses the library and narrows it with Meta's filters", async () => {
    if (web === undefined || api === undefined) throw new Error("not started");
    await page.goto(web.url);
    await page.getByLabel("API key").fill(api.apiKey);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // The demo organisation has one account: sign-in lands on its templates.
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
    await page.getByRole("link", { name: "Template library" }).click();
    await page.getByRole("heading", { name: "Template library" }).waitFor();
    await expect.poll(names).toEqual(expect.arrayContaining(["low_balance_warning_1", "delivery_update_1", "feedback_survey_1"]));

    await page.getByLabel("Topic").selectOption("PAYMENTS");
    await expect.poll(async () => (await names()).sort()).toEqual(["low_balance_warning_1", "payment_confirmation_1"]);
    await page.getByLabel("Industry").selectOption("E_COMMERCE");
    await expect.poll(names).toEqual(["payment_confirmation_1"]);
    await page.getByLabel("Topic").selectOption("");
    await page.getByLabel("Industry").selectOption("");
    await page.getByLabel("Use case").fill("DELIVERY_FAILED");
    await expect.poll(names).toEqual(["delivery_failed_2_form"]);
    await page.getByLabel("Use case").fill("");
    await page.getByLabel("Search the library").fill("balance");
    await expect.poll(names).toEqual(["low_balance_warning_1"]);
    expect(await page.getByTestId("library-entry").textContent()).toContain("Your account balance is low");
    await page.getByLabel("Search the library").fill("no such template anywhere");
    await page.getByText("No library template matches these filters.").waitFor();
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("creates a template from a library entry and lands on its detail page", async () => {
    await page.getByLabel("Search the library").fill("");
    await page.getByLabel("Search the library").fill("delivery");
    const entry = page.getByTestId("library-entry").filter({ has: page.getByRole("heading", { name: "delivery_update_1", exact: true }) });
    await entry.getByRole("button", { name: "Use this template" }).click();
    const form = page.getByRole("form", { name: "Create from delivery_update_1" });
    await form.getByLabel("Template name").fill("from_library_e2e");
    await form.getByLabel('URL of "Track order"').fill("https://shop.example.com/track/{{1}}");
    await form.getByRole("button", { name: "Create from library" }).click();
    await page.getByRole("heading", { name: "from_library_e2e", level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId("detail-library").textContent()).toBe("delivery_update_1");
    await page.getByText("Good news! Your order", { exact: false }).first().waitFor();
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
