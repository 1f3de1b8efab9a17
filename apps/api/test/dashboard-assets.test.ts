/**
 * The dashboard is served like a product (issue 15 §6): the build's pre-compressed copies go out with the
 * Content-Encoding the request accepts, hashed assets are immutable for a year, index.html is revalidated, and
 * source maps are not reachable unless the operator sets DASHBOARD_SOURCE_MAPS=true.
 */
import { readdirSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { createCore, createMetaGateway } from "@kirim/core";
import { createTestDatabase, testTokenKeyring } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { listen } from "./support/http.js";
import type { Listening } from "./support/http.js";

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/dist");

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http, not fetch: fetch adds its own Accept-Encoding and decodes the body. */
function get(baseUrl: string, pathname: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${pathname}`,
      { headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("dashboard assets", () => {
  let db: TestDatabase;
  let app: Listening;
  let withMaps: Listening;
  let scripts: string[];

  beforeAll(async () => {
    db = await createTestDatabase("pglite");
    const core = createCore({
      db: db.db,
      gateway: createMetaGateway({ graphUrl: "http://127.0.0.1:9", apiVersion: "v23.0" }),
      cursorSecret: "dashboard-assets-cursor-secret",
      tokenKeyring: testTokenKeyring(),
    });
    const logger = pino({ level: "silent" });
    app = await listen(createApp({ core, logger, webDistDir: WEB_DIST }));
    withMaps = await listen(createApp({ core, logger, webDistDir: WEB_DIST, dashboardSourceMaps: true }));
    const index = await get(app.baseUrl, "/");
    scripts = [...index.body.toString("utf8").matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  });
  afterAll(async () => {
    await app?.close();
    await withMaps?.close();
    await db?.dispose();
  });

  it("the entry script goes out as brotli or gzip, as the request accepts, and decodes to the same JavaScript", async () => {
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const plain = await get(app.baseUrl, script);
      expect(plain.status).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers["content-type"]).toMatch(/javascript/);
      const source = plain.body.toString("utf8");

      const br = await get(app.baseUrl, script, "gzip, deflate, br, zstd");
      expect(br.headers["content-encoding"]).toBe("br");
      expect(br.headers["content-type"]).toMatch(/javascript/);
      expect(br.headers.vary).toMatch(/Accept-Encoding/i);
      expect(br.body.length).toBeLessThan(plain.body.length);
      expect(brotliDecompressSync(br.body).toString("utf8")).toBe(source);

      for (const accept of ["gzip", "br;q=0, gzip;q=0.8", "gzip, deflate"]) {
        const gz = await get(app.baseUrl, script, accept);
        expect(gz.headers["content-encoding"], accept).toBe("gzip");
        expect(gz.headers.vary).toMatch(/Accept-Encoding/i);
        expect(gunzipSync(gz.body).toString("utf8")).toBe(source);
      }
      const identity = await get(app.baseUrl, script, "br;q=0, gzip;q=0");
      expect(identity.headers["content-encoding"]).toBeUndefined();
      expect(identity.body.toString("utf8")).toBe(source);
    }
  });

  it("every built JS and CSS file is served compressed, hashed files immutable for a year, index.html revalidated", async () => {
    const assets = readdirSync(path.join(WEB_DIST, "assets")).filter((name) => /\.(js|css)$/.test(name));
    expect(assets.length).toBeGreaterThan(3);
    for (const name of assets) {
      const res = await get(app.baseUrl, `/assets/${name}`, "br, gzip");
      expect(res.status, name).toBe(200);
      expect(res.headers["content-encoding"], name).toBe("br");
      expect(res.headers["cache-control"], name).toBe("public, max-age=31536000, immutable");
    }
    const index = await get(app.baseUrl, "/", "gzip");
    expect(index.status).toBe(200);
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(index.headers["content-type"]).toMatch(/text\/html/);
    expect(index.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(index.body).toString("utf8")).toContain('<div id="root">');
  });

  it("no source map is reachable by default; the compressed copies are not addressable by name", async () => {
    const maps = readdirSync(path.join(WEB_DIST, "assets")).filter((name) => name.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const name of maps) {
      const res = await get(app.baseUrl, `/assets/${name}`, "br, gzip");
      expect(res.status, name).toBe(404);
      expect(JSON.parse(res.body.toString("utf8")).error.code).toBe("route_not_found");
    }
    for (const suffix of [".br", ".gz"]) expect((await get(app.baseUrl, `${scripts[0]}${suffix}`)).status).toBe(404);
    for (const probe of ["/assets/..%2Findex.html", "/assets/%2e%2e/index.html", "/assets/nope.js"]) {
      expect((await get(app.baseUrl, probe)).status, probe).toBe(404);
    }
  });

  it("DASHBOARD_SOURCE_MAPS=true serves them", async () => {
    const map = readdirSync(path.join(WEB_DIST, "assets")).find((name) => name.endsWith(".js.map"));
    const res = await get(withMaps.baseUrl, `/assets/${map ?? "missing"}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString("utf8")).version).toBe(3);
  });
});
