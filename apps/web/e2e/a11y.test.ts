/// <reference types="node" />
/**
 * axe-core (injected from its npm package) in Chromium on the list, detail and create pages, at desktop and phone
 * width, after a sync from the sandbox: no serious or critical finding (issue 15 §6).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi } from "./harness.js";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PNID = "106540352242922";
const TEMPLATE = "a11y_probe";

interface AxeResult {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: string[]; failureSummary?: string }[];
  }[];
}

requireChromiumInCi("the accessibility scan");

describe.runIf(haveChromium)("accessibility scan (axe-core in Chromium)", () => {
  let dashboard: Dashboard | undefined;
  let page: Page;

  beforeAll(async () => {
    dashboard = await openDashboard({ signIn: "session" });
    page = dashboard.page;
    const { api } = dashboard;
    const res = await fetch(`${api.url}/v1/${PNID}/templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: TEMPLATE,
        language: "en",
        category: "MARKETING",
        components: [
          { type: "HEADER", format: "TEXT", text: "New arrivals" },
          {
            type: "BODY",
            text: "Hi {{1}}, *new arrivals* are in. Come and see them this week.",
            example: { body_text: [["Ana"]] },
          },
          { type: "FOOTER", text: "Reply STOP to opt out" },
          {
            type: "BUTTONS",
            buttons: [
              { type: "QUICK_REPLY", text: "Show me" },
              { type: "QUICK_REPLY", text: "Not now" },
            ],
          },
        ],
      }),
    });
    expect(res.status, await res.text()).toBe(201);
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  async function scan(): Promise<string[]> {
    if ((await page.evaluate(() => "axe" in window)) === false) await page.addScriptTag({ content: axeSource });
    const result = (await page.evaluate(() =>
      (window as unknown as { axe: { run: (ctx: Document) => Promise<unknown> } }).axe.run(document),
    )) as AxeResult;
    return (
      result.violations
        // and heading-order (moderate), one of the two findings issue 15 names
        .filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "heading-order")
        .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)
    );
  }

  const targets = [
    {
      name: "list",
      hash: `#/accounts/${PNID}/templates`,
      ready: () => page.getByRole("link", { name: TEMPLATE }).first().waitFor(),
    },
    {
      name: "detail",
      hash: `#/accounts/${PNID}/templates/${TEMPLATE}?language=en`,
      ready: () => page.getByTestId("preview-body").first().waitFor(),
    },
    { name: "create", hash: `#/accounts/${PNID}/templates/new`, ready: () => page.getByLabel("Name").waitFor() },
  ];

  for (const width of [1280, 390]) {
    it(`list, detail and create at ${width} px: 0 serious or critical findings, headings in order`, async () => {
      await page.setViewportSize({ width, height: 900 });
      const findings: string[] = [];
      for (const target of targets) {
        await page.goto(dashboard?.url(target.hash) ?? "");
        await page.reload();
        await target.ready();
        findings.push(...(await scan()).map((f) => `${target.name}: ${f}`));
      }
      expect(findings).toEqual([]);
    });
  }

  it("the create form after a failed submit (error summary, invalid fields, an image header placeholder): 0 serious or critical", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(dashboard?.url(`#/accounts/${PNID}/templates/new`) ?? "");
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
