/// <reference types="node" />
/**
 * Issue 15 §1/§5 in the browser: a template Meta pauses (through the sandbox's control API; Meta's status webhook
 * reaches the API) shows "Paused", is found by the Paused filter, and its detail page explains the pause; the list's
 * filters and page survive a reload (they live in the URL).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi, signInThroughForm, templateRowTexts } from "./harness.js";

requireChromiumInCi("the status e2e");

describe.runIf(haveChromium)("Meta's status in the list and detail (real API, Debian chromium)", () => {
  let dashboard: Dashboard;
  let api: RunningApi;
  let page: Page;
  let pnid = "";
  let pausedName = "";
  let problems: string[] = [];

  async function rest<T>(method: string, pathAndQuery: string): Promise<T> {
    const res = await fetch(`${api.url}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${api.apiKey}` },
    });
    if (!res.ok) throw new Error(`${method} ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  async function sandbox<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${await api.sandboxUrl()}/_sandbox${route}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    dashboard = await openDashboard();
    ({ api, page, problems } = dashboard);

    // Meta's inventory into our database, then Meta pauses one approved template (a quality pause, with its webhook).
    const accounts = await rest<{ data: Array<{ phone_number_id: string | null }> }>("GET", "/v1/accounts");
    pnid = accounts.data.find((a) => a.phone_number_id !== null)?.phone_number_id ?? "";
    await rest("POST", `/v1/${pnid}/templates/sync`);
    // A template of ours, approved by Meta and then paused for low quality, each by Meta's status webhook.
    pausedName = "zz_e2e_paused_offer";
    const created = await fetch(`${api.url}/v1/${pnid}/templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: pausedName,
        category: "UTILITY",
        language: "en",
        components: [
          { type: "BODY", text: "Hi {{1}}, your order {{2}} ships today.", example: { body_text: [["Budi", "A123"]] } },
        ],
      }),
    });
    const providerId = ((await created.json()) as { data: { provider_template_id: string } }).data.provider_template_id;
    await sandbox("POST", `/templates/${providerId}/status`, { status: "APPROVED" });
    await metaStatusBecomes("APPROVED");
    await sandbox("POST", `/templates/${providerId}/status`, {
      status: "PAUSED",
      reason: "NONE",
      other_info: { title: "FIRST_PAUSE", description: "Your message template has been paused for 3 hours." },
    });
    await metaStatusBecomes("PAUSED");
  });

  /** Meta's webhook reaches the API (the in-process sandbox delivers it): wait until it is applied. */
  async function metaStatusBecomes(status: string): Promise<void> {
    for (let tries = 0; ; tries += 1) {
      if (
        (await rest<{ data: { meta_status: string } }>("GET", `/v1/${pnid}/templates/${pausedName}`)).data
          .meta_status === status
      )
        return;
      if (tries > 240) throw new Error(`Meta's ${status} webhook was not applied:\n${api.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  afterAll(async () => {
    await dashboard?.close();
  });

  it("a paused template shows Paused, the Paused filter finds it, and the filters survive a reload", async () => {
    await signInThroughForm(page, dashboard.url(`#/accounts/${pnid}/templates`), api.apiKey);
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();

    // The totals count the paused template among Meta's paused ones.
    const paused = await rest<{ data: { by_meta_status: Record<string, number> } }>(
      "GET",
      `/v1/${pnid}/template_counts`,
    );
    expect(paused.data.by_meta_status.PAUSED).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId("status-totals").textContent())
      .toContain(`${paused.data.by_meta_status.PAUSED} paused`);
    await page.getByLabel("Status").selectOption({ label: `Paused (${paused.data.by_meta_status.PAUSED})` });
    await page.getByLabel("Search by name").fill(pausedName);
    const row = page.getByTestId("template-row").filter({ hasText: pausedName });
    await row.waitFor();
    expect(await row.getByText("Paused", { exact: true }).count()).toBe(1);
    // Every row the filter shows is paused on Meta.
    await expect
      .poll(async () => (await page.getByTestId("template-row").allTextContents()).every((t) => t.includes("Paused")))
      .toBe(true);
    expect(page.url()).toContain("meta_status=PAUSED");

    await page.reload();
    await page.getByTestId("template-row").filter({ hasText: pausedName }).waitFor();
    expect(await page.getByLabel("Status").inputValue()).toBe("PAUSED");
    expect(await page.getByLabel("Search by name").inputValue()).toBe(pausedName);
    expect(problems).toEqual([]);
  });

  it("the page survives a reload too", async () => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => page.getByTestId("page-status").textContent()).toContain("Page 1 · templates 1–25");
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => page.getByTestId("page-status").textContent()).toContain("Page 2 · templates 26–50");
    // The first page's rows stay (dimmed) until the second page's answer replaces them.
    await page.locator('[data-testid="template-table"][data-stale="false"]').waitFor();
    // Without the language counts, which complete a moment after the rows (and raced this read).
    const second = (await templateRowTexts(page))[0];
    expect(second).toBeTruthy();
    await page.reload();
    await expect.poll(() => page.getByTestId("page-status").textContent()).toContain("Page 2 · templates 26–50");
    await page.locator('[data-testid="template-table"][data-stale="false"]').waitFor();
    expect((await templateRowTexts(page))[0]).toBe(second);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => page.getByTestId("page-status").textContent()).toContain("Page 1 · templates 1–25");
  });

  it("the paused template's detail page explains the pause and what to do", async () => {
    await page.goto(dashboard.url(`#/accounts/${pnid}/templates/${encodeURIComponent(pausedName)}`));
    const banner = page.getByTestId("status-banner");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("Meta paused this template.");
    expect(await banner.textContent()).toContain("Your message template has been paused for 3 hours.");
    expect(await page.getByTestId("status-todo").textContent()).toContain("Wait until the pause ends");
    expect(await page.getByTestId("detail-status").textContent()).toBe("Paused");
    expect(await page.getByTestId("detail-api-status").textContent()).toBe("Pending");
    expect(problems).toEqual([]);
  });

  it("a key that is no longer accepted (revoked or deleted) returns to sign-in with the reason", async () => {
    await page.goto(dashboard.url(`#/accounts/${pnid}/templates`));
    await page.getByTestId("template-table").waitFor();
    // The server answers a revoked key and an unknown one alike (401 invalid_api_key).
    await page.evaluate(() => window.sessionStorage.setItem("kirim.apiKey", "kirim_revoked_key_0000000000000000"));
    await page.reload();
    const reason = page.getByTestId("signed-out-reason");
    await reason.waitFor();
    expect(await reason.textContent()).toContain("no longer accepted: it was revoked or deleted");
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    expect(page.url()).toContain(`#/accounts/${pnid}/templates`);
    // Signing in again goes back to the page that was open.
    await page.getByLabel("API key").fill(api.apiKey);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
    expect(await reason.count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
