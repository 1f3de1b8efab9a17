/// <reference types="node" />
/**
 * Issue 16 in the dashboard (flows, catalog / MPM / SPM, call permission): the form builds a FLOW button with a call
 * permission request, an MPM and an SPM template; the preview shows the Flow button, "View items", "View catalog",
 * the product header and the call permission request; the created templates reach the API with those components.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi } from "./harness.js";

requireChromiumInCi("the kinds end-to-end test");

describe.runIf(haveChromium)("dashboard: flows, commerce and call permission templates (real API, chromium)", () => {
  let dashboard: Dashboard | undefined;
  let api: RunningApi | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    // The demo organisation has one account: sign-in lands on its templates.
    dashboard = await openDashboard({ signIn: "form", timeoutMs: 20_000 });
    ({ api, page, problems } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  async function restTemplate(name: string): Promise<{ components: Array<Record<string, unknown>> }> {
    if (api === undefined) throw new Error("not started");
    const res = await fetch(`${api.url}/v1/106540352242922/templates/${name}`, {
      headers: { authorization: `Bearer ${api.apiKey}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { data: { components: Array<Record<string, unknown>> } }).data;
  }
  async function newForm(name: string, category: string, body: string): Promise<void> {
    // From a template's page the breadcrumb leads back to the list; the list itself has no such link.
    const back = page.getByRole("link", { name: "Templates", exact: true });
    if ((await back.count()) > 0) await back.first().click();
    await page.getByRole("link", { name: "New template" }).click();
    await page.getByRole("heading", { name: "New template" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Category").selectOption(category);
    await page.getByLabel("Body text").fill(body);
  }
  async function addButton(type: string, text: string, index: number): Promise<void> {
    await page.getByLabel("Button type to add").selectOption(type);
    await page.getByRole("button", { name: "Add button" }).click();
    await page
      .getByRole("group", { name: new RegExp(`^Button ${index}:`) })
      .getByLabel("Button text")
      .fill(text);
  }
  const preview = () => page.getByRole("figure", { name: "Preview of the template being created" });
  async function submit(name: string): Promise<void> {
    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("created-notice").waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name, exact: true }).waitFor();
  }

  it("creates a FLOW template with a call permission request, previewed as WhatsApp draws it", async () => {
    await newForm("e2e_flow_signup", "UTILITY", "Finish your sign-up in a few taps, it only takes a minute.");
    await addButton("FLOW", "Sign up", 1);
    await page.getByLabel("Flow given by").selectOption("flow_name");
    await page.getByLabel("Flow name").fill("signup_flow");
    await page.getByLabel("Flow action").selectOption("navigate");
    await page.getByLabel("First screen (optional)").fill("WELCOME_SCREEN");
    await page.getByLabel("Ask permission to call (call permission request)").check();
    await preview().locator('[data-button-type="FLOW"]', { hasText: "Sign up" }).waitFor();
    await preview().getByTestId("preview-call-permission").waitFor();
    expect(await preview().locator('[data-button-type="FLOW"]').getAttribute("title")).toBe(
      "Opens the Flow signup_flow",
    );
    await submit("e2e_flow_signup");
    expect((await restTemplate("e2e_flow_signup")).components).toEqual([
      { type: "BODY", text: "Finish your sign-up in a few taps, it only takes a minute." },
      {
        type: "BUTTONS",
        buttons: [
          {
            type: "FLOW",
            text: "Sign up",
            flow_name: "signup_flow",
            flow_action: "navigate",
            navigate_screen: "WELCOME_SCREEN",
          },
        ],
      },
      { type: "CALL_PERMISSION_REQUEST" },
    ]);
    // The detail page previews the stored template the same way.
    await page
      .getByRole("figure", { name: /^Preview of e2e_flow_signup/ })
      .getByTestId("preview-call-permission")
      .waitFor();
  });

  it("shows the catalog button, refuses MPM without a TEXT header beside the field, and creates the MPM template", async () => {
    await newForm("e2e_mpm_cart", "MARKETING", "Looks like you left these items in your cart, still interested today?");
    await addButton("CATALOG", "View catalog", 1);
    await preview().locator('[data-button-type="CATALOG"]', { hasText: "View catalog" }).waitFor();
    await page.getByRole("button", { name: "Remove button 1" }).click();
    await addButton("MPM", "View items", 1);
    await preview().locator('[data-button-type="MPM"]', { hasText: "View items" }).waitFor();
    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await expect
      .poll(() => page.getByRole("alert").allTextContents())
      .toContainEqual(expect.stringContaining("needs a TEXT header"));
    await page.getByLabel("Add a header").check();
    await page.getByLabel("Header text").fill("Forget something?");
    await submit("e2e_mpm_cart");
    expect((await restTemplate("e2e_mpm_cart")).components.at(-1)).toEqual({
      type: "BUTTONS",
      buttons: [{ type: "MPM", text: "View items" }],
    });
  });

  it("creates an SPM template with a PRODUCT header", async () => {
    await newForm("e2e_spm_plant", "MARKETING", "Use code 15OFF to get 15% off our newest succulent!");
    await page.getByLabel("Add a header").check();
    await page.getByLabel("Header type").selectOption("PRODUCT");
    await addButton("SPM", "View", 1);
    await preview().getByTestId("preview-product").waitFor();
    await preview().locator('[data-button-type="SPM"]', { hasText: "View" }).waitFor();
    await submit("e2e_spm_plant");
    expect((await restTemplate("e2e_spm_plant")).components[0]).toEqual({ type: "HEADER", format: "PRODUCT" });
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
