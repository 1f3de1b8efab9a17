/**
 * Media header samples end to end (issue 4): POST /v1/{pid}/templates with `example.header_url` → SSRF-safe
 * download from a loopback file server (allow-listed for this test only) → Meta's Resumable Upload API on the
 * sandbox → the create sent to Meta carries the sandbox-issued handle → 201 pending; the stored template keeps
 * the caller's URL. Refused samples answer in the error envelope with `param` at the example field, and then the
 * sandbox has seen no upload and no create.
 *
 * Only loopback is ever contacted: hostile names go through an injected resolver (no DNS query), and the
 * download connector refuses any non-loopback address.
 */
import { createMediaFetchPolicy } from "@kirim/core";
import {
  databaseKinds,
  fakeResolver,
  loopbackOnlyConnector,
  send,
  startFileServer,
  tinyJpeg,
  tinyMp4,
  tinyPdf,
  tinyPng,
} from "@kirim/core/testing";
import type { LoopbackServer } from "@kirim/core/testing";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { ZTemplate, zDataEnvelope } from "@kirim/schema";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../src/env.js";
import { createMediaPolicy } from "../src/media-policy.js";
import { call, expectError } from "./support/http.js";
import { createCalls, DEMO_PHONE_NUMBER_ID, lastSeq, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const TEMPLATES = `/v1/${PID}/templates`;
const MB = 1024 * 1024;

/** A Graph call as our code made it (gateway or media upload), with the JSON Meta answered. */
interface GraphCall {
  method: string;
  url: string;
  body: unknown;
  answer: unknown;
}

/** Wraps the global fetch and records every Graph call that got an answer. */
function recordingFetch(log: GraphCall[]): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await globalThis.fetch(input, init);
    let body: unknown = init?.body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        // form or raw body: keep the string
      }
    }
    let answer: unknown;
    try {
      answer = await response.clone().json();
    } catch {
      answer = undefined;
    }
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    log.push({ method: init?.method ?? "GET", url, body, answer });
    return response;
  };
}

/** Graph requests the sandbox received since `since` that belong to the Resumable Upload API. */
function uploadRequests(sandbox: MetaSandbox, since: number) {
  return sandbox.control.requests({ sinceSeq: since }).filter((r) => /\/uploads$|\/upload:/.test(r.path));
}

function mediaTemplate(name: string, format: string, example: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    category: "MARKETING",
    language: "en",
    components: [
      { type: "HEADER", format, example },
      { type: "BODY", text: "Our new collection is here, take a look at it in the store today." },
    ],
  };
}

describe.each(databaseKinds())("media header samples over REST on %s", (kind) => {
  let s: Stack;
  let files: LoopbackServer;
  const graphCalls: GraphCall[] = [];
  const dns = fakeResolver({ "internal.example.test": ["10.0.0.8"], "metadata.example.test": ["169.254.169.254"] });
  const guard = loopbackOnlyConnector();
  let counter = 0;
  const uniqueName = (prefix: string) => `${prefix}_${++counter}`;
  const post = (body: unknown) => call(s.baseUrl, "POST", TEMPLATES, { token: s.demoKey, body });

  beforeAll(async () => {
    files = await startFileServer({
      "/a.jpg": send(tinyJpeg(), { "content-type": "image/jpeg" }),
      "/a.png": send(tinyPng(), { "content-type": "image/png" }),
      "/a.mp4": send(tinyMp4(), { "content-type": "video/mp4" }),
      "/a.pdf": send(tinyPdf(), { "content-type": "application/pdf" }),
      "/a.3gp": send(tinyMp4("3gp4"), { "content-type": "video/3gpp" }),
      "/page.png": send("<!doctype html><html><body>not an image</body></html>", { "content-type": "image/png" }),
      "/huge.png": send(Buffer.concat([tinyPng(), Buffer.alloc(5 * MB)]), { "content-type": "image/png" }),
    });
    const recorder = recordingFetch(graphCalls);
    s = await startStack(kind, {
      gateway: { fetch: recorder },
      media: (sandbox) => ({
        graphUrl: sandbox.url,
        apiVersion: "v23.0",
        appId: sandbox.demo.appId,
        // Only the file server's exact origin gets the test-only loopback allowance.
        policy: createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: [files.origin] } }),
        resolver: dns.resolver,
        connector: guard.connector,
        fetch: recorder,
        upload: { maxResumeAttempts: 2 },
      }),
    });
  }, 120_000);
  afterEach(() => {
    s.sandbox.control.faults.clear();
  });
  afterAll(async () => {
    await s?.close();
    await files?.close();
  });

  /** The handle the sandbox issued on the last finished upload, and the header the last create sent to Meta. */
  function lastHandleAndCreate(sinceCall: number) {
    const calls = graphCalls.slice(sinceCall);
    const issued = calls
      .filter((c) => /\/upload:/.test(c.url) && c.method === "POST")
      .map((c) => (c.answer as { h?: string } | undefined)?.h);
    const create = calls.filter((c) => c.method === "POST" && c.url.includes("/message_templates")).at(-1);
    const header = (create?.body as { components?: Array<Record<string, unknown>> } | undefined)?.components?.[0];
    return {
      handle: issued.filter((h) => h !== undefined).at(-1),
      header,
      creates: calls.filter((c) => c.url.includes("/message_templates")).length,
    };
  }

  describe("happy paths", () => {
    it.each([
      ["IMAGE", "/a.jpg", "image/jpeg", tinyJpeg().length],
      ["IMAGE", "/a.png", "image/png", tinyPng().length],
      ["VIDEO", "/a.mp4", "video/mp4", tinyMp4().length],
      ["DOCUMENT", "/a.pdf", "application/pdf", tinyPdf().length],
    ])(
      "%s %s: downloaded, uploaded to the sandbox, created pending with the issued handle; the stored template keeps the URL",
      async (format, path, mimeType, size) => {
        const url = `${files.origin}${path}`;
        const name = uniqueName(`media_${format.toLowerCase()}`);
        const since = lastSeq(s.sandbox);
        const sinceCall = graphCalls.length;
        const res = await post(mediaTemplate(name, format, { header_url: [url] }));
        expect(res.status, res.text).toBe(201);
        const { data } = zDataEnvelope(ZTemplate).parse(res.body);
        expect(data).toMatchObject({ name, status: "pending" });

        // The sandbox saw an upload session for this file and its bytes, then one create.
        const uploads = uploadRequests(s.sandbox, since);
        expect(uploads.map((r) => [r.method, r.path.endsWith("/uploads") ? "start" : "transfer", r.status])).toEqual([
          ["POST", "start", 200],
          ["POST", "transfer", 200],
        ]);
        expect(uploads[0]?.path).toBe(`/v23.0/${s.sandbox.demo.appId}/uploads`);
        expect(uploads[0]?.query).toMatchObject({ file_type: mimeType, file_length: String(size) });
        expect(createCalls(s.sandbox, since)).toBe(1);

        // Meta got the handle it issued, and no header_url.
        const { handle, header } = lastHandleAndCreate(sinceCall);
        expect(handle).toMatch(/^4::/);
        expect(header).toEqual({ type: "HEADER", format, example: { header_handle: [handle] } });
        expect(s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, name, "en")?.status).toBe("PENDING");

        // Our stored template keeps the caller's URL.
        expect(data.components[0]).toEqual({ type: "HEADER", format, example: { header_url: [url] } });
        const read = await call(s.baseUrl, "GET", `${TEMPLATES}/${name}`, { token: s.demoKey });
        expect(read.status, read.text).toBe(200);
        expect(read.body.data.components[0]).toEqual({ type: "HEADER", format, example: { header_url: [url] } });
      },
    );

    it("an https-style URL in header_handle (the alias) is downloaded and uploaded the same way, and stored as given", async () => {
      const url = `${files.origin}/a.png`;
      const name = uniqueName("media_alias");
      const since = lastSeq(s.sandbox);
      const sinceCall = graphCalls.length;
      const res = await post(mediaTemplate(name, "IMAGE", { header_handle: [url] }));
      expect(res.status, res.text).toBe(201);
      expect(uploadRequests(s.sandbox, since)).toHaveLength(2);
      const { handle, header } = lastHandleAndCreate(sinceCall);
      expect(handle).toMatch(/^4::/);
      expect(header).toEqual({ type: "HEADER", format: "IMAGE", example: { header_handle: [handle] } });
      expect(res.body.data.components[0]).toEqual({
        type: "HEADER",
        format: "IMAGE",
        example: { header_handle: [url] },
      });
    });

    it("a real Meta handle passes through unchanged: no download, no upload", async () => {
      const handle = s.sandbox.control.createMediaHandle("video/mp4");
      const name = uniqueName("media_handle");
      const since = lastSeq(s.sandbox);
      const sinceCall = graphCalls.length;
      const fileRequests = files.requests.length;
      const res = await post(mediaTemplate(name, "VIDEO", { header_handle: [handle] }));
      expect(res.status, res.text).toBe(201);
      expect(res.body.data.status).toBe("pending");
      expect(files.requests.length).toBe(fileRequests);
      expect(uploadRequests(s.sandbox, since)).toEqual([]);
      expect(lastHandleAndCreate(sinceCall).header).toEqual({
        type: "HEADER",
        format: "VIDEO",
        example: { header_handle: [handle] },
      });
    });

    it("a duplicate name + language is refused (409) before anything is downloaded", async () => {
      const name = uniqueName("media_dup");
      expect((await post(mediaTemplate(name, "IMAGE", { header_url: [`${files.origin}/a.png`] }))).status).toBe(201);
      const since = lastSeq(s.sandbox);
      const fileRequests = files.requests.length;
      expectError(
        await post(mediaTemplate(name, "IMAGE", { header_url: [`${files.origin}/a.png`] })),
        409,
        "template_already_exists",
        { param: "name" },
      );
      expect(files.requests.length).toBe(fileRequests);
      expect(uploadRequests(s.sandbox, since)).toEqual([]);
    });
  });

  describe("refused samples: the envelope's code, status and param; nothing reaches Meta", () => {
    const HEADER_URL = "components[0].example.header_url[0]";
    it.each([
      [
        "a name that resolves to a private address (injected resolver)",
        () => "https://internal.example.test/a.png",
        "IMAGE",
        400,
        "media_url_forbidden",
      ],
      [
        "a name that resolves to the metadata service",
        () => "https://metadata.example.test/latest/meta-data/",
        "IMAGE",
        400,
        "media_url_forbidden",
      ],
      [
        "https://127.0.0.1 (loopback, not allow-listed)",
        () => "https://127.0.0.1/a.png",
        "IMAGE",
        400,
        "media_url_forbidden",
      ],
      [
        "an allow-listed host on another port",
        () => `http://127.0.0.1:${files.port === 65_535 ? 65_534 : files.port + 1}/a.png`,
        "IMAGE",
        400,
        "media_url_forbidden",
      ],
      ["plain http://", () => "http://cdn.example.test/a.png", "IMAGE", 400, "media_url_forbidden"],
      ["IPv4-mapped IPv6 loopback", () => "https://[::ffff:127.0.0.1]/a.png", "IMAGE", 400, "media_url_forbidden"],
      ["credentials in the URL", () => "https://user:pass@cdn.example.test/a.png", "IMAGE", 400, "media_url_forbidden"],
      ["a 404 from the file server", () => `${files.origin}/missing.png`, "IMAGE", 422, "media_download_failed"],
      ["an image over 5 MB", () => `${files.origin}/huge.png`, "IMAGE", 422, "media_too_large"],
      [
        "HTML served as image/png (wrong magic bytes)",
        () => `${files.origin}/page.png`,
        "IMAGE",
        422,
        "media_type_unsupported",
      ],
      ["a PNG for a VIDEO header", () => `${files.origin}/a.png`, "VIDEO", 422, "media_type_unsupported"],
      [
        "3GPP video (Meta's upload API takes only mp4)",
        () => `${files.origin}/a.3gp`,
        "VIDEO",
        422,
        "media_type_unsupported",
      ],
      ["a JPEG for a DOCUMENT header", () => `${files.origin}/a.jpg`, "DOCUMENT", 422, "media_type_unsupported"],
    ])("%s", async (_label, url, format, status, code) => {
      const since = lastSeq(s.sandbox);
      const sinceCall = graphCalls.length;
      const res = await post(mediaTemplate(uniqueName("media_refused"), format, { header_url: [url()] }));
      expectError(res, status, code, { type: "invalid_request_error", param: HEADER_URL });
      expect(uploadRequests(s.sandbox, since)).toEqual([]);
      expect(createCalls(s.sandbox, since)).toBe(0);
      expect(graphCalls.length).toBe(sinceCall);
    });

    it("param names header_handle when the alias carried the refused URL, and the component's index", async () => {
      const since = lastSeq(s.sandbox);
      const body = mediaTemplate(uniqueName("media_refused"), "IMAGE", {});
      const [header, bodyComponent] = body.components as Array<Record<string, unknown>>;
      body.components = [
        bodyComponent,
        { ...header, example: { header_handle: ["https://internal.example.test/a.png"] } },
      ];
      expectError(await post(body), 400, "media_url_forbidden", { param: "components[1].example.header_handle[0]" });
      expect(uploadRequests(s.sandbox, since)).toEqual([]);
      expect(createCalls(s.sandbox, since)).toBe(0);
    });

    it("the download connector was only ever asked for loopback addresses", () => {
      expect(guard.targets.length).toBeGreaterThan(0);
      expect(new Set(guard.targets.map((t) => t.address))).toEqual(new Set(["127.0.0.1"]));
    });
  });

  describe("Meta's upload API failing", () => {
    it("a refused upload session → 502 whatsapp_upstream_error with Meta's error; no create", async () => {
      s.sandbox.control.faults.configure({ rules: [{ kind: "server_error", method: "POST", path: "/uploads" }] });
      const since = lastSeq(s.sandbox);
      const res = await post(
        mediaTemplate(uniqueName("media_upfail"), "IMAGE", { header_url: [`${files.origin}/a.png`] }),
      );
      expectError(res, 502, "whatsapp_upstream_error", {
        type: "api_error",
        param: "components[0].example.header_url[0]",
      });
      expect(res.body.error.meta).toMatchObject({ code: 2 });
      expect(uploadRequests(s.sandbox, since).map((r) => [r.method, r.status])).toEqual([["POST", 503]]);
      expect(createCalls(s.sandbox, since)).toBe(0);
    });

    it("a transfer that keeps failing → 502 after the bounded resumes; no create", async () => {
      s.sandbox.control.faults.configure({ rules: [{ kind: "server_error", method: "POST", path: "/upload:" }] });
      const since = lastSeq(s.sandbox);
      const res = await post(
        mediaTemplate(uniqueName("media_upfail"), "DOCUMENT", { header_url: [`${files.origin}/a.pdf`] }),
      );
      expectError(res, 502, "whatsapp_upstream_error", { param: "components[0].example.header_url[0]" });
      // start, then (transfer, offset check) × maxResumeAttempts, then the last transfer.
      expect(
        uploadRequests(s.sandbox, since).map(
          (r) => `${r.method} ${r.path.endsWith("/uploads") ? "start" : "session"} ${r.status}`,
        ),
      ).toEqual([
        "POST start 200",
        "POST session 503",
        "GET session 200",
        "POST session 503",
        "GET session 200",
        "POST session 503",
      ]);
      expect(createCalls(s.sandbox, since)).toBe(0);
    });

    it("a transfer whose connection breaks resumes from the offset the sandbox reports, and the create succeeds", async () => {
      // The sandbox takes the bytes, then drops the socket: the client must ask where it stands (GET) and continue
      // from the reported offset. Restarting from 0 would be refused ("file_offset 0 doesn't match").
      s.sandbox.control.faults.configure({
        rules: [{ kind: "accept_then_drop", method: "POST", path: "/upload:", times: 1 }],
      });
      const name = uniqueName("media_resume");
      const since = lastSeq(s.sandbox);
      const sinceCall = graphCalls.length;
      const res = await post(mediaTemplate(name, "VIDEO", { header_url: [`${files.origin}/a.mp4`] }));
      expect(res.status, res.text).toBe(201);
      const calls = graphCalls.slice(sinceCall).filter((c) => /\/upload:/.test(c.url));
      expect(calls.map((c) => [c.method, c.answer])).toEqual([
        ["GET", { id: expect.stringMatching(/^upload:/), file_offset: String(tinyMp4().length) }],
        ["POST", { h: expect.stringMatching(/^4::/) }],
      ]);
      expect(
        uploadRequests(s.sandbox, since).map((r) => `${r.method} ${r.path.endsWith("/uploads") ? "start" : "session"}`),
      ).toEqual(["POST start", "POST session", "GET session", "POST session"]);
      const { handle, header } = lastHandleAndCreate(sinceCall);
      expect(header).toEqual({ type: "HEADER", format: "VIDEO", example: { header_handle: [handle] } });
      expect(s.sandbox.control.findTemplate(s.sandbox.demo.wabaId, name, "en")?.status).toBe("PENDING");
    });
  });
});

describe("media uploads not configured (no META_APP_ID with a real Graph URL)", () => {
  let s: Stack;
  let files: LoopbackServer;
  beforeAll(async () => {
    files = await startFileServer({ "/a.png": send(tinyPng(), { "content-type": "image/png" }) });
    s = await startStack("pglite", {
      media: (sandbox) => ({
        graphUrl: sandbox.url,
        apiVersion: "v23.0",
        appId: undefined,
        policy: createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: [files.origin] } }),
        connector: loopbackOnlyConnector().connector,
      }),
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await files?.close();
  });

  it("a URL sample gets a clear 500 internal_error naming the field, before anything is downloaded; a handle still works", async () => {
    const since = lastSeq(s.sandbox);
    const res = await call(s.baseUrl, "POST", TEMPLATES, {
      token: s.demoKey,
      body: mediaTemplate("media_unconfigured", "IMAGE", { header_url: [`${files.origin}/a.png`] }),
    });
    expectError(res, 500, "internal_error", { type: "api_error", param: "components[0].example.header_url[0]" });
    expect(res.body.error.message).toMatch(/not configured/);
    expect(files.requests).toEqual([]);
    expect(uploadRequests(s.sandbox, since)).toEqual([]);
    expect(createCalls(s.sandbox, since)).toBe(0);

    const handle = s.sandbox.control.createMediaHandle("image/png");
    const ok = await call(s.baseUrl, "POST", TEMPLATES, {
      token: s.demoKey,
      body: mediaTemplate("media_unconfigured_handle", "IMAGE", { header_handle: [handle] }),
    });
    expect(ok.status, ok.text).toBe(201);
  });
});

describe("media configuration (env → policy)", () => {
  it("defaults: port 443, 5 s connect, 60 s total, no app id, no loopback allowance", () => {
    const env = loadEnv({});
    expect(env.media).toEqual({
      appId: undefined,
      allowedPorts: [443],
      connectTimeoutMs: 5_000,
      totalTimeoutMs: 60_000,
      testLoopbackOrigins: undefined,
    });
    const policy = createMediaPolicy(env.media);
    expect(policy).toMatchObject({ allowedPorts: [443], connectTimeoutMs: 5_000, totalTimeoutMs: 60_000 });
    expect(policy.allowInsecureLoopbackForTests).toBeUndefined();
  });

  it("reads META_APP_ID, the port list, the timeouts and the test-only loopback origins", () => {
    const env = loadEnv({
      META_APP_ID: "1234567890123456",
      MEDIA_FETCH_ALLOWED_PORTS: "443, 8443",
      MEDIA_FETCH_CONNECT_TIMEOUT_MS: "2000",
      MEDIA_FETCH_TIMEOUT_MS: "30000",
      MEDIA_FETCH_TEST_LOOPBACK_ORIGINS: "http://127.0.0.1:40123,http://[::1]:40124",
    });
    expect(env.media).toEqual({
      appId: "1234567890123456",
      allowedPorts: [443, 8443],
      connectTimeoutMs: 2_000,
      totalTimeoutMs: 30_000,
      testLoopbackOrigins: ["http://127.0.0.1:40123", "http://[::1]:40124"],
    });
    expect(createMediaPolicy(env.media).allowInsecureLoopbackForTests?.origins).toEqual([
      "http://127.0.0.1:40123",
      "http://[::1]:40124",
    ]);
  });

  it.each([
    [
      { MEDIA_FETCH_TEST_LOOPBACK_ORIGINS: "http://127.0.0.1:40123", NODE_ENV: "production" },
      /refused when NODE_ENV=production/,
    ],
    [{ MEDIA_FETCH_ALLOWED_PORTS: "443,0" }, /MEDIA_FETCH_ALLOWED_PORTS/],
    [{ MEDIA_FETCH_ALLOWED_PORTS: "https" }, /MEDIA_FETCH_ALLOWED_PORTS/],
    [{ MEDIA_FETCH_TIMEOUT_MS: "0" }, /MEDIA_FETCH_TIMEOUT_MS/],
    [{ MEDIA_FETCH_CONNECT_TIMEOUT_MS: "90000" }, /must not exceed MEDIA_FETCH_TIMEOUT_MS/],
    [{ META_APP_ID: "my-app" }, /META_APP_ID/],
    [{ MEDIA_FETCH_TEST_LOOPBACK_ORIGINS: "ftp://127.0.0.1:21" }, /MEDIA_FETCH_TEST_LOOPBACK_ORIGINS/],
  ])("refuses %o at start", (source, message) => {
    expect(() => loadEnv(source)).toThrow(EnvError);
    expect(() => loadEnv(source)).toThrow(message);
  });

  it("refuses a test origin that is not a loopback address when the policy is built", () => {
    const env = loadEnv({ MEDIA_FETCH_TEST_LOOPBACK_ORIGINS: "http://10.0.0.8:8080" });
    expect(() => createMediaPolicy(env.media)).toThrow(EnvError);
    expect(() => createMediaPolicy(env.media)).toThrow(/not a loopback address/);
  });
});
