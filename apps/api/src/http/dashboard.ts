/**
 * Serves the built dashboard (apps/web/dist) at `/`. The app routes on the URL hash, so only `/` needs
 * index.html. The build leaves `.br` and `.gz` beside each text file; the request's Accept-Encoding picks one.
 * Asset names are content-hashed and cached for good, index.html is revalidated every time. Source maps are
 * 404 unless the operator asks for them.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import express from "express";
import type { Request, Response, Router } from "express";

export interface DashboardOptions {
  /** Serve `.map` files (DASHBOARD_SOURCE_MAPS=true). */
  sourceMaps?: boolean;
}

const IMMUTABLE = "public, max-age=31536000, immutable";
const ENCODINGS = [
  { token: "br", suffix: ".br" },
  { token: "gzip", suffix: ".gz" },
] as const;

/** q-values of Accept-Encoding (RFC 9110 §12.5.3); `*` covers codings not named. */
function acceptedEncodings(header: string | undefined): (token: string) => boolean {
  const q = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name === undefined || name === "") continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  return (token) => (q.get(token) ?? q.get("*") ?? 0) > 0;
}

/** Returns a router serving the dashboard, or `undefined` when it has not been built. */
export function dashboardRouter(distDir: string, options: DashboardOptions = {}): Router | undefined {
  const indexHtml = path.join(distDir, "index.html");
  if (!existsSync(indexHtml)) return undefined;
  const assetsDir = path.join(distDir, "assets");
  // Only names the build produced are served: no path handling on request input at all.
  const files = new Set(existsSync(assetsDir) ? readdirSync(assetsDir) : []);
  const has = (name: string) => files.has(name);

  const send = (
    req: Request,
    res: Response,
    dir: string,
    name: string,
    available: (name: string) => boolean,
    cacheControl: string,
  ) => {
    res.type(path.extname(name));
    res.setHeader("Cache-Control", cacheControl);
    const variants = ENCODINGS.filter((encoding) => available(name + encoding.suffix));
    if (variants.length > 0) res.setHeader("Vary", "Accept-Encoding");
    const accepts = acceptedEncodings(req.headers["accept-encoding"]);
    const chosen = variants.find((encoding) => accepts(encoding.token));
    if (chosen !== undefined) res.setHeader("Content-Encoding", chosen.token);
    res.sendFile(path.join(dir, name + (chosen?.suffix ?? "")), { cacheControl: false, dotfiles: "deny" });
  };

  const router = express.Router();
  router.get("/", (req, res) => {
    send(req, res, distDir, "index.html", (name) => existsSync(path.join(distDir, name)), "no-cache");
  });
  router.get("/assets/:name", (req, res, next) => {
    const name = req.params.name;
    const compressedCopy = ENCODINGS.some((encoding) => name.endsWith(encoding.suffix));
    const sourceMap = name.endsWith(".map");
    if (!has(name) || compressedCopy || (sourceMap && options.sourceMaps !== true)) {
      next();
      return;
    }
    send(req, res, assetsDir, name, has, IMMUTABLE);
  });
  return router;
}
