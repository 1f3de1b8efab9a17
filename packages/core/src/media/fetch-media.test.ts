import type { TLSSocket } from "node:tls";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchMedia, fileNameFor } from "./fetch-media.js";
import { createMediaFetchPolicy } from "./policy.js";
import { declaredMediaType, sniffMediaType } from "./sniff.js";
import {
  fakeResolver,
  loopbackOnlyConnector,
  send,
  startFileServer,
  tinyJpeg,
  tinyMp4,
  tinyPdf,
  tinyPng,
} from "./testing/fixtures.js";
import type { LoopbackServer } from "./testing/fixtures.js";

describe("sniffMediaType / declaredMediaType", () => {
  it("recognises the four sample formats by their magic bytes", () => {
    expect(sniffMediaType(tinyJpeg())).toBe("image/jpeg");
    expect(sniffMediaType(tinyPng())).toBe("image/png");
    expect(sniffMediaType(tinyMp4())).toBe("video/mp4");
    expect(sniffMediaType(tinyMp4("mp42"))).toBe("video/mp4");
    expect(sniffMediaType(tinyPdf())).toBe("application/pdf");
    expect(sniffMediaType(tinyMp4("3gp5"))).toBe("video/3gpp");
  });
  it.each([
    ["HTML", Buffer.from("<html><body>hi</body></html>")],
    ["GIF", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1")],
    ["WebP", Buffer.from("RIFF\x24\x00\x00\x00WEBPVP8 ", "latin1")],
    ["HEIC in ftyp", tinyMp4("heic")],
    ["QuickTime", tinyMp4("qt  ")],
    [
      "PNG signature without IHDR",
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]),
    ],
    ["PDF after junk", Buffer.from("junk%PDF-1.4\n")],
    ["empty", Buffer.alloc(0)],
  ])("refuses %s", (_label, bytes) => {
    expect(sniffMediaType(bytes)).toBeNull();
  });
  it("folds aliases and ignores generic types", () => {
    expect(declaredMediaType("image/JPG; q=1")).toBe("image/jpeg");
    expect(declaredMediaType("application/octet-stream")).toBeNull();
    expect(declaredMediaType(undefined)).toBeNull();
    expect(declaredMediaType("text/html; charset=utf-8")).toBe("text/html");
  });
  it("derives a safe file name with the detected extension", () => {
    expect(fileNameFor(new URL("https://cdn.example.test/a/Summer%20Sale!.JPG?x=1"), "image/jpeg")).toBe(
      "Summer_Sale.jpg",
    );
    expect(fileNameFor(new URL("https://cdn.example.test/a/b.png"), "image/jpeg")).toBe("b.jpg");
    expect(fileNameFor(new URL("https://cdn.example.test/"), "application/pdf")).toBe("header.pdf");
    expect(fileNameFor(new URL("https://cdn.example.test/..%2F..%2Fetc%2Fpasswd"), "application/pdf")).toBe(
      "passwd.pdf",
    );
  });
});

// TLS with a certificate made in-process at test time (selfsigned): proves the connection goes to the
// checked address while SNI, Host and certificate verification use the name. No external tool, so it never skips.
describe("https to a pinned address with SNI (self-signed certificate made at test time)", () => {
  const name = "cdn.example.test";
  let cert = "";
  let server: LoopbackServer;
  let servernames: (string | false | null)[] = [];

  beforeAll(async () => {
    const now = Date.now();
    const generated = await generate([{ name: "commonName", value: name }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: new Date(now - 60_000),
      notAfterDate: new Date(now + 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: name }] },
      ],
    });
    cert = generated.cert;
    const key = generated.private;
    const png = tinyPng();
    server = await startFileServer(
      {
        "/ok.png": (req, res) => {
          servernames.push((req.socket as TLSSocket).servername);
          send(png, { "content-type": "image/png" })(req, res);
        },
      },
      { key, cert, name },
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it("fetches over TLS from the checked loopback address, SNI and Host set to the name", async () => {
    servernames = [];
    const { resolver, calls } = fakeResolver({ [name]: ["127.0.0.1"] });
    const counting = loopbackOnlyConnector();
    const policy = createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: [server.origin], ca: cert } });
    const result = await fetchMedia({
      url: `${server.origin}/ok.png`,
      format: "IMAGE",
      policy,
      param: "p",
      resolver,
      connector: counting.connector,
    });
    expect(result.mimeType).toBe("image/png");
    expect(calls).toEqual([name]);
    expect(counting.targets).toHaveLength(1);
    expect(counting.targets[0]).toMatchObject({ address: "127.0.0.1", hostname: name, protocol: "https:" });
    expect(servernames).toEqual([name]);
    expect(server.requests.at(-1)?.headers.host).toBe(`${name}:${server.port}`);
  });

  it("refuses a certificate it does not trust (no CA given)", async () => {
    const { resolver } = fakeResolver({ [name]: ["127.0.0.1"] });
    const policy = createMediaFetchPolicy({ allowInsecureLoopbackForTests: { origins: [server.origin] } });
    await expect(
      fetchMedia({ url: `${server.origin}/ok.png`, format: "IMAGE", policy, param: "p", resolver }),
    ).rejects.toMatchObject({
      code: "media_download_failed",
    });
  });

  it("verifies the certificate against the name, not the address (wrong name fails)", async () => {
    const other = `other.example.test:${server.port}`;
    const { resolver } = fakeResolver({ "other.example.test": ["127.0.0.1"] });
    const policy = createMediaFetchPolicy({
      allowInsecureLoopbackForTests: { origins: [`https://${other}`], ca: cert },
    });
    await expect(
      fetchMedia({ url: `https://${other}/ok.png`, format: "IMAGE", policy, param: "p", resolver }),
    ).rejects.toMatchObject({
      code: "media_download_failed",
    });
  });
});
