/**
 * Child process: the "bare express" baseline of the REST benchmark. The same express version, settings
 * (x-powered-by off, no ETag, simple query parser) and route shape as @kirim/api, and one handler that answers
 * the list body our API returned (read from the file given as argv[2], serialised again per request as
 * `res.json` does in ours) — no request id, logging, auth, rate limit or database.
 */
import { readFileSync } from "node:fs";
import express from "express";
import { listenOnLoopback } from "./listen.js";

const bodyFile = process.argv[2];
if (bodyFile === undefined) throw new Error("usage: bare-express.js <body.json>");
const body: unknown = JSON.parse(readFileSync(bodyFile, "utf8"));

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.set("query parser", "simple");
app.get("/v1/:phone_number_id/templates", (_req, res) => {
  res.json(body);
});
const server = listenOnLoopback(app);
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
