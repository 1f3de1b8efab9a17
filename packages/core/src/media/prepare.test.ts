import type { ServerResponse } from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaError } from "./errors.js";
import type { MediaConnector } from "./fetch-media.js";
import { createMediaFetchPolicy } from "./policy.js";
import type { MediaFetchPolicy } from "./policy.js";
import { isMediaHeaderComponent, prepareMediaHeader, withMetaHeaderHandle } from "./prepare.js";
import type { MediaHeaderComponentInput } from "./prepare.js";
import {
  fakeResolver,
  loopbackOnlyConnector,
  redirect,
  send,
  startFakeMetaUpload,
  startFileServer,
  startRawServer,
  tinyJpeg,
  tinyMp4,
  tinyPdf,
  tinyPng,
} from "./testing/fixtures.js";
import type { FakeMetaUpload, LoopbackServer } from "./testing/fixtures.js";

const MB = 1024 * 1024;

let meta: FakeMetaUpload;
let files: LoopbackServer;
const raw: LoopbackServer[] = [];

/** Public-looking names only ever go through this table (no real DNS). */
const dns = {
  "cdn.example.test": ["93.184.216.34"],
  localhost: ["127.0.0.1", "::1"],
  "internal.example.test": ["10.0.0.8"],
  "metadata.example.test": ["169.254.169.254"],
  "rebind.example.test": ["93.184.216.34", "192.168.0.10"],
  "ula.example.test": ["fd00::5"],
  "mapped.example.test": ["::ffff:127.0.0.1"],
};

const pngBytes = tinyPng();
const html = Buffer.from("<!doctype html><html><body>Not an image, promise.</body></html>");

beforeAll(async () => {
  meta = await startFakeMetaUpload();
  const self = (path: string) => () => `${files.origin}${path}`;
  const chain: Record<string, string> = {};
  files = await startFileServer({
    "/ok.png": send(pngBytes, { "content-type": "image/png" }),
    "/ok.jpg": send(tinyJpeg(), { "content-type": "image/jpeg" }),
    "/ok.mp4": send(tinyMp4(), { "content-type": "video/mp4" }),
    "/ok.pdf": send(tinyPdf(), { "content-type": "application/pdf" }),
    "/no-type.png": send(pngBytes),
    "/png-as-jpeg.jpg": send(pngBytes, { "content-type": "image/jpeg" }),
    "/html.png": send(html, { "content-type": "image/png" }),
    "/html-untyped.png": send(html),
    "/declared-html.png": send(pngBytes, { "content-type": "text/html; charset=utf-8" }),
    "/jpeg-for-video.mp4": send(tinyJpeg(), { "content-type": "video/mp4" }),
    "/video.3gp": send(tinyMp4("3gp4"), { "content-type": "video/3gpp" }),
    "/quicktime.mov": send(tinyMp4("qt  ")),
    "/gzip.png": send(pngBytes, { "content-type": "image/png", "content-encoding": "gzip" }),
    "/empty.png": send(Buffer.alloc(0), { "content-type": "image/png" }),
    "/missing.png": send("nope", { "content-type": "text/plain" }, 404),
    "/boom.png": send("boom", { "content-type": "text/plain" }, 500),
    "/partial.png": send(pngBytes, {}, 206),
    "/declared-huge.png": (_req, res: ServerResponse) => {
      // Declares 6 MB and would send it: refused on the header, before the body is read.
      res.writeHead(200, { "content-type": "image/png", "content-length": String(6 * MB) });
      res.write(pngBytes);
    },
    "/chunked-huge.png": (_req, res: ServerResponse) => {
      // No Content-Length (chunked): counted while streaming, cut off past 5 MB.
      res.writeHead(200, { "content-type": "image/png" });
      res.write(pngBytes);
      const chunk = Buffer.alloc(256 * 1024, 0x41);
      let sent = 0;
      const pump = () => {
        while (sent < 8 * MB) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end();
      };
      pump();
    },
    "/big.pdf": (_req, res: ServerResponse) => {
      // 2 KB PDF against a policy cap of 1 KB (no Content-Length).
      res.writeHead(200, { "content-type": "application/pdf" });
      res.end(Buffer.concat([tinyPdf(), Buffer.alloc(2048, 0x20)]));
    },
    "/hang.png": () => {
      // Never answers.
    },
    "/trickle.png": (_req, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "image/png", "content-length": String(pngBytes.length + 1000) });
      res.write(pngBytes);
      // …then nothing: the total timeout has to end it.
    },
    "/to-private": redirect("https://internal.example.test/x.png"),
    "/to-metadata-ip": redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-metadata-name": redirect("https://metadata.example.test/latest/meta-data/"),
    "/to-other-loopback-port": redirect("http://127.0.0.1:1/x.png"),
    "/to-http-public": redirect("http://cdn.example.test/x.png"),
    "/to-rebind": redirect("https://rebind.example.test/x.png"),
    "/to-creds": redirect("https://user:pw@cdn.example.test/x.png"),
    "/loop": (_req, res: ServerResponse) => redirect(self("/loop")())(_req, res),
    "/r1": (req, res) => redirect(chain.r1 ?? "")(req, res),
    "/r2": (req, res) => redirect(chain.r2 ?? "")(req, res),
    "/r3": (req, res) => redirect(chain.r3 ?? "")(req, res),
    "/r4": (req, res) => redirect(chain.r4 ?? "")(req, res),
    "/no-location": (_req, res: ServerResponse) => res.writeHead(302, { "content-length": "0" }).end(),
    "/relative": redirect("/ok.png", 301),
    "/two-hops": redirect("/relative", 307),
  });
  chain.r1 = `${files.origin}/r2`;
  chain.r2 = `${files.origin}/r3`;
  chain.r3 = `${files.origin}/r4`;
  chain.r4 = `${files.origin}/ok.png`;
});

afterAll(async () => {
  await Promise.all([meta.close(), files.close(), ...raw.map((server) => server.close())]);
});

function header(
  format: string,
  url: string,
  field: "header_url" | "header_handle" = "header_url",
): MediaHeaderComponentInput {
  return { type: "HEADER", format, example: { [field]: [url] } };
}

function testPolicy(extra: Partial<MediaFetchPolicy> = {}, origins: string[] = [files.origin]): MediaFetchPolicy {
  return createMediaFetchPolicy({
    allowInsecureLoopbackForTests: { origins },
    connectTimeoutMs: 2_000,
    totalTimeoutMs: 5_000,
    ...extra,
  });
}

function upload() {
  return { graphUrl: meta.graphUrl, apiVersion: meta.apiVersion, appId: meta.appId, accessToken: meta.accessToken };
}

interface Attempt {
  error: MediaError;
  resolverCalls: string[];
  connections: number;
  uploads: number;
}

async function attempt(
  component: MediaHeaderComponentInput,
  policy: MediaFetchPolicy,
  connectorOverride?: MediaConnector,
): Promise<Attempt> {
  const { resolver, calls } = fakeResolver(dns);
  const counting = loopbackOnlyConnector();
  const before = meta.requests.length;
  const error = await prepareMediaHeader({
    component,
    componentIndex: 0,
    policy,
    resolver,
    connector: connectorOverride ?? counting.connector,
    upload: upload(),
  }).then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  if (!(error instanceof MediaError)) throw error;
  return { error, resolverCalls: calls, connections: counting.targets.length, uploads: meta.requests.length - before };
}

/** A connector that must never be reached: the check happens before any socket. */
const noSocket: MediaConnector = () => {
  throw new Error("a socket was about to be opened for a URL that should have been refused");
};

const PARAM = "components[0].example.header_url[0]";

describe("hostile URLs refused before any connection (production policy, injected resolver)", () => {
  const production = createMediaFetchPolicy();
  it.each([
    // [label, url, expected code, resolver consulted?]
    ["plain http", "http://cdn.example.test/x.png", "media_url_forbidden", false],
    ["credentials in URL", "https://user:secret@cdn.example.test/x.png", "media_url_forbidden", false],
    ["username only", "https://admin@cdn.example.test/x.png", "media_url_forbidden", false],
    ["non-443 port", "https://cdn.example.test:8443/x.png", "media_url_forbidden", false],
    ["port 22", "https://cdn.example.test:22/x.png", "media_url_forbidden", false],
    ["file scheme", "file:///etc/passwd", "media_url_forbidden", false],
    ["data URL", "data:image/png;base64,iVBORw0KGgo=", "media_url_forbidden", false],
    ["127.0.0.1", "https://127.0.0.1/x.png", "media_url_forbidden", false],
    ["127.0.0.1 decimal form", "https://2130706433/x.png", "media_url_forbidden", false],
    ["127.0.0.1 hex/short form", "https://0x7f.1/x.png", "media_url_forbidden", false],
    ["localhost (resolves to loopback)", "https://localhost/x.png", "media_url_forbidden", true],
    ["::1", "https://[::1]/x.png", "media_url_forbidden", false],
    ["10/8", "https://10.1.2.3/x.png", "media_url_forbidden", false],
    ["172.16/12", "https://172.16.5.4/x.png", "media_url_forbidden", false],
    ["172.16/12 upper edge", "https://172.31.255.255/x.png", "media_url_forbidden", false],
    ["192.168/16", "https://192.168.1.1/x.png", "media_url_forbidden", false],
    ["100.64/10 CGNAT", "https://100.64.0.1/x.png", "media_url_forbidden", false],
    ["169.254.169.254 metadata", "https://169.254.169.254/latest/meta-data/", "media_url_forbidden", false],
    ["fc00::/7", "https://[fc00::1]/x.png", "media_url_forbidden", false],
    ["fd00::/8", "https://[fd12:3456::1]/x.png", "media_url_forbidden", false],
    ["fe80::/10", "https://[fe80::1]/x.png", "media_url_forbidden", false],
    ["::ffff:127.0.0.1", "https://[::ffff:127.0.0.1]/x.png", "media_url_forbidden", false],
    ["::ffff:7f00:1", "https://[::ffff:7f00:1]/x.png", "media_url_forbidden", false],
    ["::ffff:a9fe:a9fe (mapped metadata)", "https://[::ffff:a9fe:a9fe]/x.png", "media_url_forbidden", false],
    ["::7f00:1 (IPv4-compatible)", "https://[::7f00:1]/x.png", "media_url_forbidden", false],
    ["64:ff9b::a00:1 (NAT64 of 10.0.0.1)", "https://[64:ff9b::a00:1]/x.png", "media_url_forbidden", false],
    ["0.0.0.0", "https://0.0.0.0/x.png", "media_url_forbidden", false],
    ["::", "https://[::]/x.png", "media_url_forbidden", false],
    ["multicast", "https://224.0.0.251/x.png", "media_url_forbidden", false],
    ["reserved 240/4", "https://240.0.0.1/x.png", "media_url_forbidden", false],
    ["broadcast", "https://255.255.255.255/x.png", "media_url_forbidden", false],
    ["name resolving to a private address", "https://internal.example.test/x.png", "media_url_forbidden", true],
    ["name resolving to the metadata address", "https://metadata.example.test/x.png", "media_url_forbidden", true],
    [
      "name resolving to one public and one private address",
      "https://rebind.example.test/x.png",
      "media_url_forbidden",
      true,
    ],
    ["name resolving to a ULA", "https://ula.example.test/x.png", "media_url_forbidden", true],
    ["name resolving to a mapped loopback", "https://mapped.example.test/x.png", "media_url_forbidden", true],
    ["name that does not resolve", "https://nxdomain.example.test/x.png", "media_download_failed", true],
    ["not a URL", "definitely not a url", "media_url_forbidden", false],
  ] as const)("%s", async (_label, url, code, consulted) => {
    const result = await attempt(header("IMAGE", url), production, noSocket);
    expect(result.error.code).toBe(code);
    expect(result.error.param).toBe(PARAM);
    expect(result.resolverCalls.length > 0).toBe(consulted);
    expect(result.uploads).toBe(0);
  });

  it("an http:// value in header_handle is treated as a URL and refused", async () => {
    const result = await attempt(
      header("IMAGE", "http://cdn.example.test/x.png", "header_handle"),
      production,
      noSocket,
    );
    expect(result.error.code).toBe("media_url_forbidden");
    expect(result.error.param).toBe("components[0].example.header_handle[0]");
    expect(result.uploads).toBe(0);
  });

  it("the loopback test server itself is refused without the test allowance", async () => {
    const result = await attempt(header("IMAGE", `${files.origin}/ok.png`), production, noSocket);
    expect(result.error.code).toBe("media_url_forbidden");
    expect(files.requests.filter((r) => r.url === "/ok.png")).toHaveLength(0);
  });
});

describe("hostile responses and redirects (loopback server under the test allowance)", () => {
  it.each([
    ["redirect to a name resolving to a private address", "/to-private", "media_url_forbidden", 1],
    ["redirect to the metadata IP over http", "/to-metadata-ip", "media_url_forbidden", 1],
    ["redirect to a name resolving to the metadata IP", "/to-metadata-name", "media_url_forbidden", 1],
    ["redirect to a loopback port that is not allow-listed", "/to-other-loopback-port", "media_url_forbidden", 1],
    ["redirect downgrading to http", "/to-http-public", "media_url_forbidden", 1],
    ["redirect to a mixed public/private name", "/to-rebind", "media_url_forbidden", 1],
    ["redirect to a URL with credentials", "/to-creds", "media_url_forbidden", 1],
    ["redirect loop", "/loop", "media_download_failed", 4],
    ["more than 3 redirects", "/r1", "media_download_failed", 4],
    ["redirect without Location", "/no-location", "media_download_failed", 1],
    ["404", "/missing.png", "media_download_failed", 1],
    ["500", "/boom.png", "media_download_failed", 1],
    ["206 partial content", "/partial.png", "media_download_failed", 1],
    ["Content-Length over the 5 MB image cap", "/declared-huge.png", "media_too_large", 1],
    ["no Content-Length, streamed past the 5 MB cap", "/chunked-huge.png", "media_too_large", 1],
    ["PNG declared as JPEG", "/png-as-jpeg.jpg", "media_type_unsupported", 1],
    ["a 'PNG' that is really HTML", "/html.png", "media_type_unsupported", 1],
    ["HTML with no Content-Type", "/html-untyped.png", "media_type_unsupported", 1],
    ["PNG bytes declared text/html", "/declared-html.png", "media_type_unsupported", 1],
    ["content-encoded body", "/gzip.png", "media_type_unsupported", 1],
    ["empty body", "/empty.png", "media_download_failed", 1],
  ] as const)("%s", async (_label, path, code, connections) => {
    const result = await attempt(header("IMAGE", `${files.origin}${path}`), testPolicy());
    expect(result.error.code).toBe(code);
    expect(result.error.param).toBe(PARAM);
    expect(result.connections).toBe(connections);
    expect(result.uploads).toBe(0);
  });

  it("redirect to a private name: the resolver was consulted and no socket went there", async () => {
    const { resolver, calls } = fakeResolver(dns);
    const counting = loopbackOnlyConnector();
    await expect(
      prepareMediaHeader({
        component: header("IMAGE", `${files.origin}/to-private`),
        componentIndex: 0,
        policy: testPolicy(),
        resolver,
        connector: counting.connector,
        upload: upload(),
      }),
    ).rejects.toMatchObject({ code: "media_url_forbidden" });
    expect(calls).toEqual(["internal.example.test"]);
    expect(counting.targets.map((t) => t.address)).toEqual(["127.0.0.1"]);
  });

  it.each([
    ["a JPEG sent for a VIDEO header", "VIDEO", "/jpeg-for-video.mp4"],
    ["3GPP video (not in Meta's upload file_type list)", "VIDEO", "/video.3gp"],
    ["QuickTime in an ftyp box", "VIDEO", "/quicktime.mov"],
    ["a PNG for a DOCUMENT header", "DOCUMENT", "/ok.png"],
    ["a PDF for an IMAGE header", "IMAGE", "/ok.pdf"],
  ])("%s", async (_label, format, path) => {
    const result = await attempt(header(format, `${files.origin}${path}`), testPolicy());
    expect(result.error.code).toBe("media_type_unsupported");
    expect(result.uploads).toBe(0);
  });

  it("a PDF over a lowered per-format cap", async () => {
    const result = await attempt(
      header("DOCUMENT", `${files.origin}/big.pdf`),
      testPolicy({ maxBytes: { DOCUMENT: 1024 } }),
    );
    expect(result.error.code).toBe("media_too_large");
    expect(result.error.details).toMatchObject({ maxBytes: 1024 });
    expect(result.uploads).toBe(0);
  });

  it("a server that never answers hits the total timeout", async () => {
    const started = Date.now();
    const result = await attempt(header("IMAGE", `${files.origin}/hang.png`), testPolicy({ totalTimeoutMs: 300 }));
    expect(result.error.code).toBe("media_download_failed");
    expect(result.error.details).toMatchObject({ reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.uploads).toBe(0);
  });

  it("a body that stalls mid-way hits the total timeout", async () => {
    const result = await attempt(header("IMAGE", `${files.origin}/trickle.png`), testPolicy({ totalTimeoutMs: 300 }));
    expect(result.error.code).toBe("media_download_failed");
    expect(result.error.details).toMatchObject({ reason: "timeout" });
    expect(result.uploads).toBe(0);
  });

  it("a server that lies in Content-Length (declares 100 bytes, pushes 6 MB) is refused, never buffered past the declared size", async () => {
    const liar = await startRawServer((socket: net.Socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100\r\nConnection: close\r\n\r\n");
      socket.write(pngBytes);
      socket.end(Buffer.alloc(6 * MB, 0x41));
    });
    raw.push(liar);
    const result = await attempt(header("IMAGE", `${liar.origin}/x.png`), testPolicy({}, [liar.origin]));
    // Node's parser stops at the declared length and flags the surplus; we refuse the whole response.
    expect(result.error.code).toBe("media_download_failed");
    expect(result.error.details).toMatchObject({ reason: "protocol" });
    expect(result.uploads).toBe(0);
  });

  it("a server that declares more than it sends (truncated body) is refused", async () => {
    const short = await startRawServer((socket: net.Socket) => {
      socket.end(
        Buffer.concat([
          Buffer.from(
            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n",
          ),
          pngBytes,
        ]),
      );
    });
    raw.push(short);
    const result = await attempt(header("IMAGE", `${short.origin}/x.png`), testPolicy({}, [short.origin]));
    expect(result.error.code).toBe("media_download_failed");
    expect(result.uploads).toBe(0);
  });

  it("a connection refused on loopback is media_download_failed", async () => {
    const gone = await startRawServer(() => undefined);
    const origin = gone.origin;
    await gone.close();
    const result = await attempt(header("IMAGE", `${origin}/x.png`), testPolicy({}, [origin]));
    expect(result.error.code).toBe("media_download_failed");
    expect(result.uploads).toBe(0);
  });
});

describe("happy path: loopback file server → resumable upload to a loopback fake Meta", () => {
  it.each([
    ["IMAGE", "/ok.jpg", "image/jpeg", "ok.jpg"],
    ["IMAGE", "/ok.png", "image/png", "ok.png"],
    ["IMAGE", "/no-type.png", "image/png", "no-type.png"],
    ["VIDEO", "/ok.mp4", "video/mp4", "ok.mp4"],
    ["DOCUMENT", "/ok.pdf", "application/pdf", "ok.pdf"],
    ["image", "/two-hops", "image/png", "ok.png"],
  ])("%s %s", async (format, path, mimeType, fileName) => {
    const url = `${files.origin}${path}`;
    const counting = loopbackOnlyConnector();
    const before = meta.sessions.length;
    const result = await prepareMediaHeader({
      component: header(format, url),
      componentIndex: 2,
      policy: testPolicy(),
      resolver: fakeResolver({}).resolver,
      connector: counting.connector,
      upload: upload(),
    });
    const session = meta.sessions[before];
    expect(session).toBeDefined();
    expect(session).toMatchObject({ fileType: mimeType, fileName });
    const sessionPath = (session?.id ?? "").split("?")[0] ?? "";
    expect(result).toMatchObject({
      handle: meta.handleFor(sessionPath),
      sourceUrl: url,
      format: format.toUpperCase(),
      uploaded: { mimeType, fileName },
    });
    const key = sessionPath.replace(/^upload:/, "");
    expect(meta.received.get(key)?.length).toBe(result.uploaded?.bytes);
    // The request reached the checked loopback address with the right Host header.
    expect(counting.targets.every((t) => t.address === "127.0.0.1")).toBe(true);
    const last = files.requests.at(-1);
    expect(last?.headers.host).toBe(`127.0.0.1:${files.port}`);
    expect(last?.headers["accept-encoding"]).toBe("identity");
  });

  it("a real Meta handle passes through unchanged (nothing fetched, nothing uploaded)", async () => {
    const handle = "4::aW1hZ2UvanBlZw==:ARZabc:e:1681000441:634974688087057:100089620928913:ARa";
    const before = meta.requests.length;
    const result = await prepareMediaHeader({
      component: header("IMAGE", handle, "header_handle"),
      componentIndex: 0,
      policy: createMediaFetchPolicy(),
      connector: noSocket,
      upload: upload(),
    });
    expect(result).toEqual({ handle, sourceUrl: null, format: "IMAGE", uploaded: null });
    expect(meta.requests.length).toBe(before);
  });

  it("an https:// value in header_handle is fetched (the backward-compatible alias)", async () => {
    // Under the allowance the loopback origin is http; the alias also accepts it there.
    const url = `${files.origin}/ok.png`;
    const result = await prepareMediaHeader({
      component: header("IMAGE", url, "header_handle"),
      componentIndex: 0,
      policy: testPolicy(),
      upload: upload(),
    });
    expect(result.sourceUrl).toBe(url);
    expect(result.handle.startsWith("4::")).toBe(true);
  });

  it("param names the example field of the right component", async () => {
    await expect(
      prepareMediaHeader({
        component: header("IMAGE", "https://10.0.0.1/x.png"),
        componentIndex: 3,
        policy: createMediaFetchPolicy(),
        connector: noSocket,
        upload: upload(),
      }),
    ).rejects.toMatchObject({ code: "media_url_forbidden", param: "components[3].example.header_url[0]" });
    await expect(
      prepareMediaHeader({
        component: { type: "HEADER", format: "IMAGE", example: {} },
        componentIndex: 1,
        policy: createMediaFetchPolicy(),
        connector: noSocket,
        upload: upload(),
      }),
    ).rejects.toMatchObject({ param: "components[1].example.header_url" });
  });

  it("without a Meta app id a URL sample is refused before anything is fetched", async () => {
    const before = files.requests.length;
    await expect(
      prepareMediaHeader({
        component: header("IMAGE", `${files.origin}/ok.png`),
        componentIndex: 0,
        policy: testPolicy(),
        connector: noSocket,
        upload: { ...upload(), appId: "" },
      }),
    ).rejects.toMatchObject({ code: "media_upload_failed", details: { reason: "not_configured" } });
    expect(files.requests.length).toBe(before);
  });

  it("withMetaHeaderHandle swaps header_url for header_handle", () => {
    const component = { type: "HEADER", format: "IMAGE", example: { header_url: ["https://cdn.example.test/x.png"] } };
    expect(isMediaHeaderComponent(component)).toBe(true);
    expect(isMediaHeaderComponent({ type: "HEADER", format: "TEXT" })).toBe(false);
    expect(withMetaHeaderHandle(component, "4::h")).toEqual({
      type: "HEADER",
      format: "IMAGE",
      example: { header_handle: ["4::h"] },
    });
  });
});
