/// <reference types="node" />
/**
 * The dashboard against the real API: sign in, pick the demo account, sync from the (sandboxed, slowed) Meta while
 * the sync's progress shows, page through more than 100 templates, filter by category and search names on the
 * server, open one and read its history, create one with header, two-variable body, footer and buttons, see it
 * pending with its "submitted" history entry, and see a duplicate refused with the 409 explained. Screenshots go to
 * test-results/screenshots.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi, screenshotsDir as screenshots } from "./harness.js";

requireChromiumInCi("the end-to-end tests");

describe.runIf(haveChromium)("dashboard end to end (real API, Debian chromium)", () => {
  let dashboard: Dashboard | undefined;
  let api: RunningApi | undefined;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    // The browser logs every non-2xx answer: the 401 of the wrong key and the 409 of the duplicate are expected.
    dashboard = await openDashboard({ timeoutMs: 20_000, consoleErrors: { except: /status of (401|409)/ } });
    ({ api, page, problems } = dashboard);
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  // The steps build on each other: after a failure the rest fail at once instead of waiting for timeouts.
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
  const pageStatus = () => page.getByTestId("page-status");

  /** The REST API, straight from the test: what the server holds, to compare the dashboard with. */
  async function rest<T>(pathAndQuery: string): Promise<T> {
    if (api === undefined) throw new Error("not started");
    const res = await fetch(`${api.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${api.apiKey}` } });
    if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  type Listed = { data: Array<{ name: string; language: string; category: string }>; has_more: boolean };

  /** Meta's responses, slowed (ms per Graph request) or back to normal (0), through the sandbox's control API. */
  async function metaLatency(ms: number): Promise<void> {
    if (api === undefined) throw new Error("not started");
    const res = await fetch(`${await api.sandboxUrl()}/_sandbox/faults`, {
      method: ms === 0 ? "DELETE" : "PUT",
      headers: { "content-type": "application/json" },
      ...(ms === 0 ? {} : { body: JSON.stringify({ latency_ms: ms }) }),
    });
    expect(res.ok, await res.text()).toBe(true);
  }

  step("signs in, picks the demo account, syncs with progress and pages through more than 100 templates", async () => {
    if (dashboard === undefined || api === undefined) throw new Error("not started");
    await page.goto(dashboard.url());
    await page.getByLabel("API key").fill("not-a-real-key-0000000000");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("not accepted");

    await page.getByLabel("API key").fill(api.apiKey);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    // The demo organisation has one account: it lands on its templates; the picker is one link away.
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Accounts" }).click();
    await page.getByRole("heading", { name: "WhatsApp accounts" }).waitFor();
    const accounts = page.getByRole("list", { name: "Accounts" }).getByRole("listitem");
    expect(await accounts.count()).toBeGreaterThan(0);
    await shot("accounts");
    await accounts
      .first()
      .getByRole("link", { name: /^Templates/ })
      .click();
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();

    expect(await page.getByTestId("last-sync").textContent()).toBe("Never synced from Meta.");

    // Meta answers each page slowly, so the run's progress (pages read so far) is there to be seen while it runs.
    await metaLatency(2_000);
    await page.getByRole("button", { name: "Sync from Meta" }).click();
    const progress = page.getByTestId("sync-progress");
    await expect
      .poll(() => progress.textContent(), { timeout: 30_000 })
      .toMatch(/1 page read, 100 templates so far \(\d+ created, \d+ updated, \d+ unchanged\)/);
    await shot("sync-progress");
    const summary = page.getByTestId("sync-summary");
    await summary.waitFor({ timeout: 60_000 });
    await metaLatency(0);
    const match = /Synced (\d+): (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) removed\./.exec(
      (await summary.textContent()) ?? "",
    );
    expect(match).not.toBeNull();
    const synced = Number(match?.[1]);
    expect(synced).toBeGreaterThan(100);
    expect(Number(match?.[2]) + Number(match?.[3]) + Number(match?.[4])).toBe(synced);
    expect(await progress.count()).toBe(0);

    // The account picker tells how the last sync went.
    await page.getByRole("link", { name: "Kirim templates" }).click();
    await page.getByRole("heading", { name: "WhatsApp accounts" }).waitFor();
    await expect
      .poll(() => page.getByTestId("last-sync").first().textContent())
      .toContain(`${synced} templates (${match?.[2]} created`);
    await shot("accounts-last-sync");
    await accounts
      .first()
      .getByRole("link", { name: /^Templates/ })
      .click();
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();

    await expect.poll(() => page.getByTestId("template-row").count()).toBe(25);
    await expect.poll(() => pageStatus().textContent()).toContain("Page 1 · templates 1–25");
    // Several languages of one name are grouped under it.
    const groups = await page.getByTestId("template-group").count();
    expect(groups).toBeGreaterThan(0);
    expect(groups).toBeLessThanOrEqual(25);
    await shot("list");

    for (let n = 2; n <= 5; n += 1) {
      await page.getByRole("button", { name: "Next page" }).click();
      await expect.poll(() => pageStatus().textContent()).toContain(`Page ${n} · templates ${(n - 1) * 25 + 1}–`);
    }
    await expect.poll(() => pageStatus().textContent()).toContain("templates 101–125");
    await page.getByRole("button", { name: "Previous page" }).click();
    await expect.poll(() => pageStatus().textContent()).toContain("Page 4 · templates 76–100");
  });

  step("filters by category and searches names on the server", async () => {
    const listed = await rest<{ data: Array<{ phone_number_id: string | null }> }>("/v1/accounts");
    const phoneNumberId = listed.data[0]?.phone_number_id ?? "";
    const names = (rows: Listed["data"]) => rows.map((r) => r.name);

    // Every AUTHENTICATION template of the account, wherever it sits in the unfiltered list (we are on page 4).
    const authentication = await rest<Listed>(`/v1/${phoneNumberId}/templates?category=AUTHENTICATION&limit=100`);
    expect(authentication.has_more).toBe(false);
    expect(authentication.data.length).toBeGreaterThan(0);
    const shown = Math.min(authentication.data.length, 25);
    await page.getByLabel("Category").selectOption("AUTHENTICATION");
    await expect.poll(() => pageStatus().textContent()).toContain(`Page 1 · templates 1–${shown}`);
    expect(await page.locator('[data-testid="template-row"] td[data-label="Category"]').allTextContents()).toEqual(
      Array(shown).fill("Authentication"),
    );
    await page.getByLabel("Category").selectOption("");

    // Name search, sent as typed (trimmed) once typing pauses; the server ignores case.
    const matching = await rest<Listed>(`/v1/${phoneNumberId}/templates?search=update&limit=100`);
    expect(matching.has_more).toBe(false);
    expect(matching.data.length).toBeGreaterThan(1);
    const searched = page.waitForRequest(
      (request) =>
        request.url().includes("templates.list") && decodeURIComponent(request.url()).includes('"search":"UPDATE"'),
    );
    await page.getByLabel("Search by name").fill(" UPDATE");
    await searched;
    await expect.poll(() => page.getByTestId("template-row").count()).toBe(Math.min(matching.data.length, 25));
    const groups = page.getByTestId("template-group");
    // One group per name, its languages under it.
    expect(await groups.count()).toBe(new Set(names(matching.data)).size);
    for (const name of await groups.locator("td.name-cell a").allTextContents()) expect(name).toContain("update");
    await shot("list-search");
    await page.getByLabel("Search by name").fill("");
    await expect.poll(() => pageStatus().textContent()).toContain("Page 1 · templates 1–25");
  });

  step("opens a template: WhatsApp preview, Meta's status, raw components, history", async () => {
    const firstName = page.getByTestId("template-group").first().locator("td.name-cell a");
    const name = (await firstName.textContent()) ?? "";
    await firstName.click();
    await page.getByRole("heading", { name, exact: true }).waitFor();
    await page.getByRole("figure", { name: /^Preview of / }).waitFor();
    await page.getByText("Meta’s status").waitFor();
    expect(await page.getByLabel("Components as JSON").textContent()).toContain('"type"');
    // The sync recorded when it first saw the template.
    await expect.poll(() => page.getByTestId("history-event").first().textContent()).toContain("sync from Meta");
    await shot("detail");
  });

  step("creates a template with header, two-variable body, footer and buttons, and shows it pending", async () => {
    await page.getByRole("link", { name: "Templates", exact: true }).click();
    await page.getByRole("link", { name: "New template" }).click();
    await page.getByRole("heading", { name: "New template" }).waitFor();
    await fillOrderTemplate(page);
    await shot("form");

    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("created-notice").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("detail-status").textContent()).toBe("Pending");
    await page.getByRole("heading", { name: "e2e_order_update", exact: true }).waitFor();
    expect(await page.getByRole("figure", { name: /^Preview of / }).textContent()).toContain(
      "Hello Maria, your order A-1042 has been confirmed",
    );
    // Its history: the submission, recorded by the create.
    const history = page.getByTestId("history-event");
    await expect.poll(() => history.count()).toBe(1);
    expect(await history.textContent()).toContain("Submitted to Meta: Pending");
    expect(await history.textContent()).toContain("created here");
    await page.getByRole("heading", { name: "History" }).scrollIntoViewIfNeeded();
    await shot("detail-history");
  });

  step("explains the 409 when the same name and language already exist", async () => {
    await page.getByRole("link", { name: "Templates", exact: true }).click();
    await page.getByRole("link", { name: "New template" }).click();
    await page.getByRole("heading", { name: "New template" }).waitFor();
    await fillOrderTemplate(page);
    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    const error = page.getByTestId("submit-error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toContain("already exists in this language");
    expect(await error.textContent()).toContain("template_already_exists");
    // …and beside the name field.
    expect(await page.locator('[data-error-for="name"]').textContent()).toContain("already exists");
    await shot("form-duplicate");
  });

  step("works at phone width", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("link", { name: "Templates", exact: true }).click();
    await expect.poll(() => page.getByTestId("template-row").count()).toBeGreaterThan(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot("list-phone");
    await page.getByRole("link", { name: "New template" }).click();
    await page.getByRole("heading", { name: "New template" }).waitFor();
    await fillOrderTemplate(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot("form-phone");
    expect(problems, problems.join("\n")).toEqual([]);
  });
});

async function fillOrderTemplate(page: Page): Promise<void> {
  // The form keeps an unsent draft (the refused duplicate's); start from a clean form.
  const discard = page.getByRole("button", { name: "Discard draft" });
  if (await discard.isVisible()) {
    page.once("dialog", (dialog) => void dialog.accept());
    await discard.click();
    await expect.poll(() => page.getByLabel("Name", { exact: true }).inputValue()).toBe("");
  }
  await page.getByLabel("Name", { exact: true }).fill("e2e_order_update");
  await page.getByLabel("Category").selectOption("MARKETING");
  await page.getByLabel("Add a header").check();
  await page.getByLabel("Header text").fill("Your order update");
  await page
    .getByLabel("Body text")
    .fill("Hello {{1}}, your order {{2}} has been confirmed and will ship within two days.");
  await page.getByLabel("Example for {{1}}").fill("Maria");
  await page.getByLabel("Example for {{2}}").fill("A-1042");
  await page.getByLabel("Add a footer").check();
  await page.getByLabel("Footer text").fill("Reply STOP to unsubscribe");
  await page.getByLabel("Button type to add").selectOption("QUICK_REPLY");
  await page.getByRole("button", { name: "Add button" }).click();
  await page
    .getByRole("group", { name: /^Button 1:/ })
    .getByLabel("Button text")
    .fill("Thanks");
  await page.getByLabel("Button type to add").selectOption("URL");
  await page.getByRole("button", { name: "Add button" }).click();
  await page
    .getByRole("group", { name: /^Button 2:/ })
    .getByLabel("Button text")
    .fill("Track order");
  await page.getByLabel("Website URL").fill("https://example.com/track");
  // The preview follows the form.
  await page.getByText("Hello Maria, your order A-1042 has been confirmed", { exact: false }).first().waitFor();
}
