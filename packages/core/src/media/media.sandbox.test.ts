/**
 * End to end against @kirim/meta-sandbox (loopback): sample served by a loopback file server →
 * prepareMediaHeader (fetch + Resumable Upload to the sandbox) → the handle is accepted by the
 * sandbox's `message_templates` create, which rejects handles it did not issue.
 */
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaFetchPolicy } from "./policy.js";
import { prepareMediaHeader, withMetaHeaderHandle } from "./prepare.js";
import {
  loopbackOnlyConnector,
  send,
  startFileServer,
  tinyJpeg,
  tinyMp4,
  tinyPdf,
  tinyPng,
} from "./testing/fixtures.js";
import type { LoopbackServer } from "./testing/fixtures.js";

let sandbox: MetaSandbox;
let files: LoopbackServer;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: 0 });
  files = await startFileServer({
    "/a.jpg": send(tinyJpeg(), { "content-type": "image/jpeg" }),
    "/a.png": send(tinyPng(), { "content-type": "image/png" }),
    "/a.mp4": send(tinyMp4(), { "content-type": "video/mp4" }),
    "/a.pdf": send(tinyPdf(), { "content-type": "application/pdf" }),
  });
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), files?.close()]);
});

async function createOnSandbox(name: string, header: Record<string, unknown>) {
  const response = await fetch(`${sandbox.url}/v23.0/${sandbox.demo.wabaId}/message_templates`, {
    method: "POST",
    headers: { authorization: `Bearer ${sandbox.demo.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({
      name,
      language: "en",
      category: "MARKETING",
      components: [header, { type: "BODY", text: "Our new collection is here, take a look today." }],
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("media pipeline against the Meta sandbox", () => {
  it.each([
    ["IMAGE", "/a.jpg", "image/jpeg"],
    ["IMAGE", "/a.png", "image/png"],
    ["VIDEO", "/a.mp4", "video/mp4"],
    ["DOCUMENT", "/a.pdf", "application/pdf"],
  ])("%s %s uploads and the sandbox accepts the handle", async (format, path, mimeType) => {
    const url = `${files.origin}${path}`;
    const component = { type: "HEADER", format, example: { header_url: [url] } };
    const counting = loopbackOnlyConnector();
    const prepared = await prepareMediaHeader({
      component,
      componentIndex: 0,
      policy: createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: [files.origin] } }),
      connector: counting.connector,
      upload: {
        graphUrl: sandbox.url,
        apiVersion: "v23.0",
        appId: sandbox.demo.appId,
        accessToken: sandbox.demo.accessToken,
      },
    });
    expect(prepared.sourceUrl).toBe(url);
    expect(prepared.uploaded?.mimeType).toBe(mimeType);
    expect(prepared.handle).not.toBe(url);
    const created = await createOnSandbox(
      `media_${format.toLowerCase()}_${path.slice(-3)}`,
      withMetaHeaderHandle(component, prepared.handle),
    );
    expect(created.status).toBe(200);
    expect(created.body).toHaveProperty("id");
  });

  it("the sandbox refuses a header_url forwarded as if it were a handle (why the upload is needed)", async () => {
    const created = await createOnSandbox("media_raw_url", {
      type: "HEADER",
      format: "IMAGE",
      example: { header_handle: [`${files.origin}/a.png`] },
    });
    expect(created.status).toBe(400);
  });
});
