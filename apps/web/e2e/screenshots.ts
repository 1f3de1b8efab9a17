/// <reference types="node" />
/**
 * README screenshots: the list, a detail page and the create form, at desktop (1280 px) and phone (390 px) width,
 * from the offline demo (the in-process Meta sandbox, synced). Run after a build:
 *   pnpm --filter @kirim/web screenshots      (writes docs/screenshots/*.png)
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveWeb, startApi } from "./harness.js";

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.resolve(webRoot, "../../docs/screenshots");
const PNID = "106540352242922";

const api = await startApi(path.resolve(webRoot, "../api/dist/main.js"));
const web = await serveWeb(path.resolve(webRoot, "dist"), api.url);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  await mkdir(out, { recursive: true });
  const headers = { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" };
  const sync = await fetch(`${api.url}/v1/${PNID}/templates/sync`, { method: "POST", headers });
  if (!sync.ok) throw new Error(`sync: ${sync.status} ${await sync.text()}`);
  let name = "";
  for (let attempt = 0; attempt < 120 && name === ""; attempt++) {
    const list = (await (await fetch(`${api.url}/v1/${PNID}/templates?limit=100`, { headers })).json()) as {
      data: { name: string; components: { type: string }[] }[];
    };
    name =
      list.data.find(
        (t) => t.components.some((c) => c.type === "BUTTONS") && t.components.some((c) => c.type === "FOOTER"),
      )?.name ??
      list.data[0]?.name ??
      "";
    if (name === "") await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (name === "") throw new Error("the sync brought no templates");

  for (const [label, viewport] of [
    ["desktop", { width: 1280, height: 900 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: label === "phone" ? 2 : 1 });
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
    await context.addInitScript((key) => sessionStorage.setItem("kirim.apiKey", key), api.apiKey);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);

    await page.goto(`${web.url}/#/accounts/${PNID}/templates`);
    await page.getByTestId("template-row").first().waitFor();
    await page.screenshot({ path: path.join(out, `list-${label}.png`) });

    await page.goto(`${web.url}/#/accounts/${PNID}/templates/${name}`);
    await page.getByTestId("preview-body").first().waitFor();
    await page.screenshot({ path: path.join(out, `detail-${label}.png`) });

    await page.goto(`${web.url}/#/accounts/${PNID}/templates/new`);
    await page.getByLabel("Name", { exact: true }).fill("order_shipped");
    await page
      .getByLabel("Body text")
      .fill("Hi {{1}}, your order *{{2}}* has _shipped_ and arrives ~Friday~ Thursday. Code: ```AB12```");
    await page.getByLabel("Example for {{1}}").fill("Maria");
    await page.getByLabel("Example for {{2}}").fill("A-1042");
    await page.getByLabel("Add a footer").check();
    await page.getByLabel("Footer text").fill("Reply STOP to unsubscribe");
    await page.getByLabel("Button type to add").selectOption("QUICK_REPLY");
    await page.getByRole("button", { name: "Add button" }).click();
    await page.getByLabel("Button text").fill("Track order");
    await page.getByRole("button", { name: "Submit to Meta for review" }).focus();
    await page.waitForFunction(() => document.querySelector("[data-testid=preview-body] strong") !== null);
    // the form validated after the typing pause: nothing left to fix
    await page.waitForFunction(() => document.querySelector("[data-error-for]") === null);
    await page.screenshot({ path: path.join(out, `create-${label}.png`), fullPage: label === "desktop" });
    await context.close();
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await web.close();
  await api.stop();
}
