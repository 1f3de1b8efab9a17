import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { toMetaComponentsWithMedia, uploadTarget } from "./core-media.js";
import type { CoreMediaOptions } from "./core-media.js";
import type { MediaConnector } from "./fetch-media.js";
import { createMediaFetchPolicy } from "./policy.js";
import {
  fakeResolver,
  loopbackOnlyConnector,
  send,
  startFakeMetaUpload,
  startFileServer,
  tinyPng,
} from "./testing/fixtures.js";
import type { FakeMetaUpload, LoopbackServer } from "./testing/fixtures.js";

let meta: FakeMetaUpload;
let files: LoopbackServer;

beforeAll(async () => {
  meta = await startFakeMetaUpload();
  files = await startFileServer({ "/a.png": send(tinyPng(), { "content-type": "image/png" }) });
});
afterAll(async () => {
  await Promise.all([meta?.close(), files?.close()]);
});

const body = { type: "BODY", text: "Our new collection is here, take a look today." };
const neverConnect: MediaConnector = () => {
  throw new Error("the download must not start");
};

async function domainErrorOf(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe("uploadTarget", () => {
  it.each([
    ["https://graph.facebook.com", "v23.0", { graphUrl: "https://graph.facebook.com", apiVersion: "v23.0" }],
    ["https://graph.facebook.com/", "v23.0", { graphUrl: "https://graph.facebook.com", apiVersion: "v23.0" }],
    // Like the gateway: a graphUrl that ends in a version (the sandbox's `graphUrl`) brings its own version.
    ["http://127.0.0.1:4010/v21.0", "v23.0", { graphUrl: "http://127.0.0.1:4010", apiVersion: "v21.0" }],
    ["http://127.0.0.1:4010/v21.0/", "v23.0", { graphUrl: "http://127.0.0.1:4010", apiVersion: "v21.0" }],
  ])("%s + %s", (graphUrl, apiVersion, expected) => {
    expect(uploadTarget(graphUrl, apiVersion)).toEqual(expected);
  });
});

describe("toMetaComponentsWithMedia", () => {
  const media = (overrides: Partial<CoreMediaOptions> = {}): CoreMediaOptions => ({
    graphUrl: meta.graphUrl,
    apiVersion: meta.apiVersion,
    appId: meta.appId,
    policy: createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: [files.origin] } }),
    connector: loopbackOnlyConnector().connector,
    ...overrides,
  });

  it("uploads a header_url sample and puts the handle in header_handle; the input keeps its URL", async () => {
    const url = `${files.origin}/a.png`;
    const components = [{ type: "HEADER", format: "IMAGE", example: { header_url: [url] } }, body];
    const sessionsBefore = meta.sessions.length;
    // A graphUrl ending in the version, as the gateway accepts it.
    const out = await toMetaComponentsWithMedia(
      components,
      media({ graphUrl: `${meta.graphUrl}/${meta.apiVersion}` }),
      meta.accessToken,
    );
    const session = meta.sessions[sessionsBefore];
    expect(session).toMatchObject({ fileType: "image/png", fileLength: tinyPng().length });
    expect(out).toEqual([
      {
        type: "HEADER",
        format: "IMAGE",
        example: { header_handle: [meta.handleFor(session?.id.split("?")[0] ?? "")] },
      },
      body,
    ]);
    expect(components[0]).toEqual({ type: "HEADER", format: "IMAGE", example: { header_url: [url] } });
  });

  it("passes a real handle through without downloading, and drops header_url from non-media components", async () => {
    const sessionsBefore = meta.sessions.length;
    const out = await toMetaComponentsWithMedia(
      [
        { type: "HEADER", format: "TEXT", text: "Hello", example: { header_url: ["https://example.com"] } },
        { type: "HEADER", format: "VIDEO", example: { header_handle: ["4::dmlkZW8vbXA0:ARZabc:e:1:1:x"] } },
      ],
      media({ connector: neverConnect }),
      meta.accessToken,
    );
    expect(out).toEqual([
      { type: "HEADER", format: "TEXT", text: "Hello", example: {} },
      { type: "HEADER", format: "VIDEO", example: { header_handle: ["4::dmlkZW8vbXA0:ARZabc:e:1:1:x"] } },
    ]);
    expect(meta.sessions.length).toBe(sessionsBefore);
  });

  it("refuses a URL sample before any download when no app id is configured (or no media options at all)", async () => {
    const components = [
      body,
      { type: "HEADER", format: "DOCUMENT", example: { header_url: ["https://cdn.example.test/a.pdf"] } },
    ];
    const dns = fakeResolver({ "cdn.example.test": ["93.184.216.34"] });
    for (const options of [
      media({ appId: undefined, connector: neverConnect, resolver: dns.resolver }),
      media({ appId: "  ", connector: neverConnect, resolver: dns.resolver }),
      undefined,
    ]) {
      const error = await domainErrorOf(toMetaComponentsWithMedia(components, options, meta.accessToken));
      expect(error).toMatchObject({ code: "internal_error", param: "components[1].example.header_url[0]" });
      expect(error.message).toMatch(/not configured/);
    }
    expect(dns.calls).toEqual([]);
    // A handle still passes through without media options.
    const handle = { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::aW1hZ2UvcG5n:ARZx:e:1:1:y"] } };
    expect(await toMetaComponentsWithMedia([handle], undefined, meta.accessToken)).toEqual([handle]);
  });

  it("maps a refused sample to a DomainError whose param points at the example field, and uploads nothing", async () => {
    const sessionsBefore = meta.sessions.length;
    const dns = fakeResolver({ "internal.example.test": ["10.0.0.8"] });
    const error = await domainErrorOf(
      toMetaComponentsWithMedia(
        [
          body,
          { type: "HEADER", format: "IMAGE", example: { header_handle: ["https://internal.example.test/a.png"] } },
        ],
        media({ connector: neverConnect, resolver: dns.resolver }),
        meta.accessToken,
      ),
    );
    expect(error).toMatchObject({
      code: "media_url_forbidden",
      status: 400,
      param: "components[1].example.header_handle[0]",
    });
    expect(meta.sessions.length).toBe(sessionsBefore);
  });
});
