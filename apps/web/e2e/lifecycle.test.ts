/// <reference types="node" />
/**
 * Issue 15 §2, the whole lifecycle from the dashboard against the real API and its in-process Meta sandbox:
 * edit an approved template (Meta's rules and the edits left shown first, category locked), duplicate it, add a
 * language to it, delete an approved one (30-day name-lock warning), and create an IMAGE template from a file
 * uploaded through the picker, with its thumbnail in the preview. Each result is checked in the UI and over REST.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { deflateSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import { haveChromium, openDashboard, requireChromiumInCi, screenshotsDir as screenshots } from "./harness.js";

requireChromiumInCi("the lifecycle tests");

/** A real 4×3 red PNG (a thumbnail the browser decodes, with a size to check). */
function redPng(width = 4, height = 3): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([len, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0xff, 0, 0]))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(Array(height).fill(row)))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe.runIf(haveChromium)("template lifecycle from the dashboard (real API, Debian chromium)", () => {
  let api: RunningApi | undefined;
  let dashboard: Dashboard | undefined;
  let page: Page;
  let pid = "";
  let problems: string[] = [];

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the REST answers are read loosely; the API tests check their shapes
  async function rest<T = any>(
    method: string,
    pathAndQuery: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    if (api === undefined) throw new Error("not started");
    const res = await fetch(`${api.url}${pathAndQuery}`, {
      method,
      headers: {
        authorization: `Bearer ${api.apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Creates a template over REST and has Meta (the sandbox) approve it; returns once our copy says APPROVED. */
  async function approvedTemplate(name: string): Promise<void> {
    const created = await rest("POST", `/v1/${pid}/templates`, {
      name,
      language: "en",
      category: "MARKETING",
      components: [{ type: "BODY", text: "Our spring collection is in the store now, come and see it this week." }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const metaId: string = created.body.data.provider_template_id;
    if (api === undefined) throw new Error("not started");
    const sandbox = await api.sandboxUrl();
    const approved = await fetch(`${sandbox}/_sandbox/templates/${metaId}/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "APPROVED" }),
    });
    expect(approved.ok, await approved.text()).toBe(true);
    expect((await rest("POST", `/v1/${pid}/templates/sync`)).status).toBe(200);
    await expect
      .poll(async () => (await rest("GET", `/v1/${pid}/templates/${name}`)).body.data?.meta_status, { timeout: 30_000 })
      .toBe("APPROVED");
  }

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    // The demo organisation has one account: sign-in lands on its templates.
    dashboard = await openDashboard({ signIn: "form", permissions: ["clipboard-read", "clipboard-write"] });
    ({ api, page, problems } = dashboard);
    pid = (await rest("GET", "/v1/accounts")).body.data[0].phone_number_id;
  }, 180_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  const open = async (hash: string) => {
    if (dashboard === undefined) throw new Error("not started");
    await page.goto(dashboard.url(hash));
  };
  const shot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  it("edit: the rules and the edits left come first, the category is fixed, and the edit reaches Meta", async () => {
    await approvedTemplate("e2e_life_edit");
    await open(`#/accounts/${pid}/templates/e2e_life_edit`);
    await page.getByRole("heading", { name: "Actions" }).waitFor();
    await expect.poll(() => page.getByTestId("edits-left").textContent()).toContain("Edits left: 1 now, 10 of 10");
    // Copy buttons and the ready curl of the create request; the API reference is one link away.
    expect(await page.getByTestId("create-curl").textContent()).toContain(`/v1/${pid}/templates`);
    expect(await page.getByTestId("create-curl").textContent()).toContain('"name": "e2e_life_edit"');
    expect(await page.getByRole("link", { name: "API reference" }).getAttribute("href")).toBe("/docs");
    await page.getByRole("button", { name: "Copy the template name" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Copy the template name" }).textContent()).toBe("Copied");

    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await page.getByRole("heading", { name: /^Edit e2e_life_edit/ }).waitFor();
    expect(await page.getByTestId("edit-rules").textContent()).toContain("category cannot change");
    expect(await page.getByTestId("edits-left").textContent()).toContain("Edits left: 1 now");
    expect(await page.getByLabel("Category").isDisabled()).toBe(true);
    expect(await page.getByLabel("Name", { exact: true }).getAttribute("readonly")).not.toBeNull();
    await page.getByLabel("Body text").fill("Our summer collection is in the store now, come and see it this week.");
    await shot("lifecycle-edit");
    await page.getByRole("button", { name: "Submit the edit to Meta" }).click();
    await page.getByRole("heading", { name: "e2e_life_edit", exact: false, level: 1 }).waitFor();
    await expect.poll(() => page.getByLabel("Components as JSON").textContent()).toContain("summer collection");
    const after = await rest("GET", `/v1/${pid}/templates/e2e_life_edit`);
    expect(after.body.data.components[0].text).toContain("summer collection");
    expect(after.body.data.category).toBe("MARKETING");
    // Back in review: no edit until Meta decides, and the page says why.
    await expect.poll(() => page.getByTestId("edit-rules").textContent()).toContain("still reviewing");
    expect(await page.getByRole("button", { name: "Edit", exact: true }).isDisabled()).toBe(true);
  });

  it("duplicate: a new name prefilled from this one, created as its own template", async () => {
    await open(`#/accounts/${pid}/templates/e2e_life_edit`);
    await page.getByRole("link", { name: "Duplicate" }).click();
    await page.getByRole("heading", { name: "Duplicate e2e_life_edit" }).waitFor();
    await expect.poll(() => page.getByLabel("Name", { exact: true }).inputValue()).toBe("e2e_life_edit_copy");
    expect(await page.getByLabel("Body text").inputValue()).toContain("summer collection");
    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("created-notice").waitFor();
    await page.getByRole("heading", { name: "e2e_life_edit_copy", level: 1 }).waitFor();
    const copy = await rest("GET", `/v1/${pid}/templates/e2e_life_edit_copy`);
    expect(copy.status).toBe(200);
    expect(copy.body.data.components[0].text).toContain("summer collection");
    expect(copy.body.data.provider_template_id).not.toBe(
      (await rest("GET", `/v1/${pid}/templates/e2e_life_edit`)).body.data.provider_template_id,
    );
  });

  it("add language: same name, category fixed to the name's, a new language", async () => {
    await open(`#/accounts/${pid}/templates/e2e_life_edit`);
    await page.getByRole("link", { name: "Add language" }).click();
    await page.getByRole("heading", { name: "Add a language to e2e_life_edit" }).waitFor();
    expect(await page.getByTestId("mode-notice").textContent()).toContain("Marketing");
    expect(await page.getByLabel("Category").isDisabled()).toBe(true);
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("e2e_life_edit");
    await page.getByLabel("Language").fill("id");
    await page.getByLabel("Body text").fill("Koleksi musim panas kami sudah ada di toko, datang dan lihat minggu ini.");
    await page.getByRole("button", { name: "Submit the new language to Meta" }).click();
    await page.getByTestId("created-notice").waitFor();
    await page.getByRole("navigation", { name: "Languages" }).getByRole("link", { name: "id" }).waitFor();
    const id = await rest("GET", `/v1/${pid}/templates/e2e_life_edit?language=id`);
    expect(id.status).toBe(200);
    expect(id.body.data.category).toBe("MARKETING");
    expect(id.body.data.languages).toEqual(["en", "id"]);
  });

  it("delete: a confirm dialog with the 30-day name-lock warning for an approved template; gone over REST", async () => {
    await approvedTemplate("e2e_life_gone");
    await open(`#/accounts/${pid}/templates/e2e_life_gone`);
    await page.getByRole("button", { name: "Delete…" }).click();
    const dialog = page.getByTestId("delete-dialog");
    await dialog.waitFor();
    expect(await dialog.getByTestId("name-lock-warning").textContent()).toContain("30 days");
    await shot("lifecycle-delete");
    // Cancel keeps it.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await rest("GET", `/v1/${pid}/templates/e2e_life_gone`)).status).toBe(200);
    await page.getByRole("button", { name: "Delete…" }).click();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("heading", { name: "Templates", exact: true }).waitFor();
    expect((await rest("GET", `/v1/${pid}/templates/e2e_life_gone`)).status).toBe(404);
  });

  it("an IMAGE template from an uploaded file: the thumbnail in the preview, the handle in the template", async () => {
    await open(`#/accounts/${pid}/templates/new`);
    await page.getByRole("heading", { name: "New template" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("e2e_life_image");
    await page.getByLabel("Category").selectOption("MARKETING");
    await page.getByLabel("Add a header").check();
    await page.getByLabel("Header type").selectOption("IMAGE");
    // A wrong type is refused before any upload.
    await page
      .getByLabel("Or upload a file from this device")
      .setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
    expect(await page.getByTestId("media-upload-error").textContent()).toContain("JPEG or PNG");
    await page
      .getByLabel("Or upload a file from this device")
      .setInputFiles({ name: "banner.png", mimeType: "image/png", buffer: redPng() });
    await expect.poll(() => page.getByTestId("media-upload-status").textContent()).toContain("Uploaded banner.png");
    const thumbnail = page.getByTestId("preview-media-thumbnail");
    await thumbnail.waitFor();
    await expect.poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(4);
    const handle = await page.getByLabel(/^Sample image/).inputValue();
    expect(handle).not.toBe("");
    expect(handle).not.toMatch(/^https?:/);
    await page.getByLabel("Body text").fill("Our new collection is here, take a look at it in the store today.");
    await shot("lifecycle-image");
    await page.getByRole("button", { name: "Submit to Meta for review" }).click();
    await page.getByTestId("created-notice").waitFor();
    const created = await rest("GET", `/v1/${pid}/templates/e2e_life_image`);
    expect(created.status).toBe(200);
    expect(created.body.data.components[0]).toMatchObject({
      type: "HEADER",
      format: "IMAGE",
      example: { header_handle: [handle] },
    });
  });

  it("video and document samples: a first frame where the browser decodes the video, else its icon; a document's icon and name", async () => {
    await open(`#/accounts/${pid}/templates/new`);
    await page.getByRole("heading", { name: "New template" }).waitFor();
    await page.getByLabel("Add a header").check();
    await page.getByLabel("Header type").selectOption("VIDEO");
    // An MP4 that is only its ftyp box: Meta's checks pass (magic bytes), no browser can decode a frame from it.
    const ftyp = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from("ftypisom", "ascii"),
      Buffer.from([0, 0, 2, 0]),
      Buffer.from("isomiso2", "ascii"),
    ]);
    await page
      .getByLabel("Or upload a file from this device")
      .setInputFiles({ name: "clip.mp4", mimeType: "video/mp4", buffer: ftyp });
    await expect.poll(() => page.getByTestId("media-upload-status").textContent()).toContain("Uploaded clip.mp4");
    await page.getByRole("img", { name: "Video header: clip.mp4" }).waitFor();
    await page.getByLabel("Header type").selectOption("DOCUMENT");
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1");
    await page
      .getByLabel("Or upload a file from this device")
      .setInputFiles({ name: "invoice.pdf", mimeType: "application/pdf", buffer: pdf });
    await expect.poll(() => page.getByTestId("media-upload-status").textContent()).toContain("Uploaded invoice.pdf");
    await page.getByRole("img", { name: "Document header: invoice.pdf" }).waitFor();
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
