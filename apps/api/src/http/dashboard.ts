/**
 * Serves the built dashboard (apps/web/dist) at `/`. The app routes on the URL hash, so only `/` needs
 * index.html; asset names are content-hashed and cached for good, index.html is revalidated every time.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import express from "express";
import type { Router } from "express";

/** Returns a router serving the dashboard, or `undefined` when it has not been built. */
export function dashboardRouter(distDir: string): Router | undefined {
  const indexHtml = path.join(distDir, "index.html");
  if (!existsSync(indexHtml)) return undefined;
  const router = express.Router();
  router.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(indexHtml);
  });
  router.use(
    "/assets",
    express.static(path.join(distDir, "assets"), {
      immutable: true,
      maxAge: "365d",
      index: false,
      fallthrough: true,
    }),
  );
  return router;
}
