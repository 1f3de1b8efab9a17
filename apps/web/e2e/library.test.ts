/// <reference types="node" />
/**
 * Issue 16 in the dashboard: browse Meta's Template Library (through the API and the gateway, served by the sandbox)
 * with Meta's filters — search, topic, industry, use case — and create a template from a library entry.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi, signInThroughForm } from "./harness.js";

requireChromiumInCi("the library end-to-end test");

describe.runIf(haveChromium)("dashboard: Meta's Template Library (real API, chromium)", () => {
  let dashboard: Dashboard | undefined;
  let api: RunningApi | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    dashboard = await openDashboard({ timeoutMs: 20_000 });
    ({ api, page, problems } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  const names = () => page.getByTestId("library-entry").locator("h3").allTextContents();

  it("browses the library and narrows it with Meta's filters", async () => {
    if (dashboard === undefined || api === undefined) throw new Error("not started");
    await signInThroughForm(page, dashboard.url(), api.apiKey);
    // The demo organisation has one account: sign-in lands on its templates.
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
    await page.getByRole("link", { name: "Template library" }).click();
    await page.getByRole("heading", { name: "Template library" }).waitFor();
    await expect
      .poll(names)
      .toEqual(expect.arrayContaining(["low_balance_warning_1", "delivery_update_1", "feedback_survey_1"]));

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
    const entry = page
      .getByTestId("library-entry")
      .filter({ has: page.getByRole("heading", { name: "delivery_update_1", exact: true }) });
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
