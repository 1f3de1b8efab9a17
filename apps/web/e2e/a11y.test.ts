/// <reference types="node" />
/**
 * axe-core (injected from its npm package) in Chromium on the list, detail and create pages, at desktop and phone
 * width, after a sync from the sandbox: no serious or critical finding (issue 15 §6).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
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
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PNID = "106540352242922";
const TEMPLATE = "a11y_probe";

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}

describe.runIf(haveChromium || Boolean(process.env.CI))("accessibility scan (axe-core in Chromium)", () => {
  let api: RunningApi | undefined;
  let web: RunningWeb | undefined;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    api = await startApi(apiMain);
    web = await serveWeb(distDir, api.url);
    const res = await fetch(`${api.url}/v1/${PNID}/templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: TEMPLATE,
        language: "en",
        category: "MARKETING",
        components: [
          { type: "HEADER", format: "TEXT", text: "New arrivals" },
          { type: "BODY", text: "Hi {{1}}, *new arrivals* are in. Come and see them this week.", example: { body_text: [["Ana"]] } },
          { type: "FOOTER", text: "Reply STOP to opt out" },
          { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Show me" }, { type: "QUICK_REPLY", text: "Not now" }] },
        ],
      }),
    });
    expect(res.status, await res.text()).toBe(201);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
    await context.addInitScript((key) => sessionStorage.setItem("kirim.apiKey", key), api.apiKey);
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await api?.stop();
  });

  async function scan(): Promise<string[]> {
    if ((await page.evaluate(() => "axe" in window)) === false) await page.addScriptTag({ content: axeSource });
    const result = (await page.evaluate(() => (window as unknown as { axe: { run: (ctx: Document) => Promise<unknown> } }).axe.run(document))) as AxeResult;
    return result.violations
      // and heading-order (moderate), one of the two findings issue 15 names
      .filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "heading-order")
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }

  const targets = [
    { name: "list", hash: `#/accounts/${PNID}/templates`, ready: () => page.getByRole("link", { name: TEMPLATE }).first().waitFor() },
    { name: "detail", hash: `#/accounts/${PNID}/templates/${TEMPLATE}?language=en`, ready: () => page.getByTestId("preview-body").first().waitFor() },
    { name: "create", hash: `#/accounts/${PNID}/templates/new`, ready: () => page.getByLabel("Name").waitFor() },
  ];

  for (const width of [1280, 390]) {
    it(`list, detail and create at ${width} px: 0 serious or critical findings, headings in order`, async () => {
      await page.setViewportSize({ width, height: 900 });
      const findings: string[] = [];
      for (const target of targets) {
        await page.goto(`${web?.url ?? ""}/${target.hash}`);
        await page.reload();
        await target.ready();
        findings.push(...(await scan()).map((f) => `${target.name}: ${f}`));
      }
      expect(findings).toEqual([]);
    });
  }

  it("the create form after a failed submit (error summary, invalid fields, an image header placeholder): 0 serious or critical", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${web?.url ?? ""}/#/accounts/${PNID}/templates/new`);
    await page.getByLabel("Name").waitFor();
    await page.getByLabel("Add a header").check();
    await page.getByLabel("Header type").selectOption("IMAGE");
    await page.getByLabel("Body text").fill("Hello {{1}}, your order is on its way to you.");
    await page.getByLabel("Button type to add").selectOption("QUICK_REPLY");
    await page.getByRole("button", { name: "Add button" }).click();
    await page.getByRole("group", { name: /^Button 1/ }).waitFor();
    expect(await scan()).toEqual([]);
    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("error-summary").waitFor();
    await page.getByTestId("preview-media").waitFor();
    expect(await scan()).toEqual([]);
  });
});
