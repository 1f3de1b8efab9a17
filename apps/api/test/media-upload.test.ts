/**
 * `POST /v1/{phone_number_id}/uploads` (issue 15 §2): a header sample sent as raw bytes → checked against Meta's
 * types and caps → Meta's Resumable Upload API on the sandbox → the handle, which a create then carries in
 * `example.header_handle[0]`. Refusals answer in the envelope (400/413/415) and nothing reaches the sandbox.
 */
import { createMediaFetchPolicy } from "@kirim/core";
import { databaseKinds, tinyJpeg, tinyMp4, tinyPdf, tinyPng } from "@kirim/core/testing";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResponseValidator } from "./helpers/openapi-validator.js";
import { call, checkInvariants, expectError } from "./support/http.js";
import type { CallResult } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, OTHER_PHONE_NUMBER_ID, lastSeq, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const UPLOADS = `/v1/${PID}/uploads`;
const MB = 1024 * 1024;
const openApi = createResponseValidator();

function uploadCalls(sandbox: MetaSandbox, since: number) {
  return sandbox.control.requests({ sinceSeq: since }).filter((r) => /\/uploads$|\/upload:/.test(r.path));
}

/** A raw-body POST (the shared `call` sends JSON or strings only), with the same invariants and OpenAPI check. */
async function upload(
  s: Stack,
  body: Uint8Array | undefined,
  headers: Record<string, string>,
  path = UPLOADS,
  token: string | null = s.demoKey,
): Promise<CallResult> {
  const response = await fetch(`${s.baseUrl}${path}`, {
    method: "POST",
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  const parsed: unknown = (response.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : undefined;
  checkInvariants({ headers: response.headers, text }, parsed);
  openApi.assert({ method: "POST", path, status: response.status, body: parsed, headers: response.headers });
  return { status: response.status, headers: response.headers, text, body: parsed };
}

describe.each(databaseKinds())("POST /v1/{pid}/uploads on %s", (kind) => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack(kind, {
      media: (sandbox) => ({
        graphUrl: sandbox.url,
        apiVersion: "v23.0",
        appId: sandbox.demo.appId,
        policy: createMediaFetchPolicy(),
      }),
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it.each([
    ["image/png", tinyPng(), "IMAGE", "banner.png"],
    ["image/jpeg", tinyJpeg(), "IMAGE", "photo.jpg"],
    ["video/mp4", tinyMp4(), "VIDEO", "clip.mp4"],
    ["application/pdf", tinyPdf(), "DOCUMENT", "invoice.pdf"],
  ])(
    "%s: uploaded to Meta through the Resumable Upload API; the handle is Meta's",
    async (type, bytes, format, fileName) => {
      const since = lastSeq(s.sandbox);
      const res = await upload(
        s,
        bytes,
        { "content-type": type },
        `${UPLOADS}?file_name=${encodeURIComponent(`../dir/${fileName}`)}`,
      );
      expect(res.status, res.text).toBe(201);
      expect(res.body.data).toMatchObject({
        object: "media_upload",
        format,
        mime_type: type,
        bytes: bytes.length,
        file_name: fileName,
      });
      const calls = uploadCalls(s.sandbox, since);
      // Session opened on the app, bytes sent to the session; the handle we return is the one Meta issued.
      expect(calls.map((c) => `${c.method} ${c.path.includes("upload:") ? "upload:" : "uploads"}`)).toEqual([
        "POST uploads",
        "POST upload:",
      ]);
      expect(typeof res.body.data.handle).toBe("string");
      expect(res.body.data.handle.length).toBeGreaterThan(0);
    },
  );

  it("the handle completes an IMAGE template: the create carries it to Meta and Meta accepts it", async () => {
    const up = await upload(s, tinyPng(), { "content-type": "image/png" });
    expect(up.status, up.text).toBe(201);
    const handle: string = up.body.data.handle;
    const since = lastSeq(s.sandbox);
    const created = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: s.demoKey,
      body: {
        name: `uploaded_image_${kind}`,
        category: "MARKETING",
        language: "en",
        components: [
          { type: "HEADER", format: "IMAGE", example: { header_handle: [handle] } },
          { type: "BODY", text: "Our new collection is here, take a look at it in the store today." },
        ],
      },
    });
    expect(created.status, created.text).toBe(201);
    // The sandbox refuses a handle it did not issue (code 100), so Meta's copy existing proves the handle was real.
    expect(s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, `uploaded_image_${kind}`, "en")).toBeDefined();
    const bogus = await call(s.baseUrl, "POST", `/v1/${PID}/templates`, {
      token: s.demoKey,
      body: {
        name: `bogus_handle_${kind}`,
        category: "MARKETING",
        language: "en",
        components: [
          { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::not-issued-by-meta"] } },
          { type: "BODY", text: "Our new collection is here, take a look at it in the store today." },
        ],
      },
    });
    expect(bogus.status).toBeGreaterThanOrEqual(400);
    // No second upload: a real handle passes through.
    expect(uploadCalls(s.sandbox, since)).toEqual([]);
  });

  it("413 request_too_large over Meta's cap for the type (5 MB image), before anything reaches Meta", async () => {
    const since = lastSeq(s.sandbox);
    const big = Buffer.concat([tinyPng(), Buffer.alloc(5 * MB)]);
    const res = await upload(s, big, { "content-type": "image/png" });
    expectError(res, 413, "request_too_large", { param: "body" });
    expect(res.body.error.message).toMatch(/5 MB/);
    // The same size is fine for a video (16 MB cap) — as far as the cap goes: the bytes are not an MP4.
    const asVideo = await upload(s, big, { "content-type": "video/mp4" });
    expectError(asVideo, 415, "unsupported_media_type", { param: "body" });
    expect(uploadCalls(s.sandbox, since)).toEqual([]);
  });

  it.each([
    ["text/plain", Buffer.from("hello"), "Content-Type"],
    ["image/gif", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"), "Content-Type"],
    ["video/3gpp", tinyMp4("3gp4"), "Content-Type"],
    ["application/json", Buffer.from('{"a":1}'), "Content-Type"],
  ])("415 unsupported_media_type for %s", async (type, bytes, param) => {
    const since = lastSeq(s.sandbox);
    const res = await upload(s, bytes, { "content-type": type });
    expectError(res, 415, "unsupported_media_type", { param });
    expect(res.body.error.message).toContain("image/png");
    expect(uploadCalls(s.sandbox, since)).toEqual([]);
  });

  it("415 when the bytes are not what the Content-Type says (an HTML page as image/png)", async () => {
    const since = lastSeq(s.sandbox);
    const res = await upload(s, Buffer.from("<!doctype html><html><body>not an image</body></html>"), {
      "content-type": "image/png",
    });
    expectError(res, 415, "unsupported_media_type", { param: "body" });
    expect(uploadCalls(s.sandbox, since)).toEqual([]);
  });

  it("415 for a compressed body (Content-Encoding)", async () => {
    const res = await upload(s, tinyPng(), { "content-type": "image/png", "content-encoding": "gzip" });
    expectError(res, 415, "unsupported_media_type", { param: "Content-Encoding" });
  });

  it("400 for an empty body and for an unknown query parameter", async () => {
    expectError(await upload(s, new Uint8Array(), { "content-type": "image/png" }), 400, "invalid_request", {
      param: "body",
    });
    expectError(
      await upload(s, tinyPng(), { "content-type": "image/png" }, `${UPLOADS}?format=IMAGE`),
      400,
      "unknown_parameter",
    );
    expectError(
      await upload(s, tinyPng(), { "content-type": "image/png" }, "/v1/12/uploads"),
      400,
      "invalid_phone_number_id",
    );
    // A segment that is not valid percent-encoding is the same 400, not a missing route.
    expectError(
      await upload(s, tinyPng(), { "content-type": "image/png" }, "/v1/%zz/uploads"),
      400,
      "invalid_phone_number_id",
    );
  });

  it("authenticated, and scoped to the caller's accounts", async () => {
    expectError(await upload(s, tinyPng(), { "content-type": "image/png" }, UPLOADS, null), 401, "missing_api_key");
    const since = lastSeq(s.sandbox);
    expectError(
      await upload(s, tinyPng(), { "content-type": "image/png" }, `/v1/${OTHER_PHONE_NUMBER_ID}/uploads`),
      404,
      "resource_not_found",
    );
    // The account is judged first: another organisation's number is 404 whatever the body.
    expectError(
      await upload(s, Buffer.from("x"), { "content-type": "text/plain" }, `/v1/${OTHER_PHONE_NUMBER_ID}/uploads`),
      404,
      "resource_not_found",
    );
    expect(uploadCalls(s.sandbox, since)).toEqual([]);
  });

  it("Meta refusing the upload is 502 whatsapp_upstream_error, not a 500", async () => {
    s.sandbox.control.faults.configure({ rules: [{ kind: "server_error", method: "POST", path: "/uploads" }] });
    try {
      const res = await upload(s, tinyPng(), { "content-type": "image/png" });
      expectError(res, 502, "whatsapp_upstream_error", { type: "api_error", param: "body" });
    } finally {
      s.sandbox.control.faults.clear();
    }
  });

  it("other methods are 405", async () => {
    const res = await call(s.baseUrl, "GET", UPLOADS, { token: s.demoKey });
    expect(res.status).toBe(405);
  });
});
