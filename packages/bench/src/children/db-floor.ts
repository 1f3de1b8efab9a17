/**
 * Child process: the "one-query floor" of the REST benchmark — bare express plus the single keyset page statement
 * our list request needs, over the same driver and pool size (pg, 10), then the same body as bare express. The
 * account is resolved once at start; per request there is no auth, rate limit, request id, logging, helmet, zod,
 * Kysely or mapping: what is left is one database round trip and parsing its rows, so ours ÷ floor is the share of
 * everything else we do. argv: <body.json> <database url> <phone number id>.
 */
import { readFileSync } from "node:fs";
import express from "express";
import pg from "pg";
import { listenOnLoopback } from "./listen.js";

const [bodyFile, databaseUrl, phoneNumberId] = process.argv.slice(2);
if (bodyFile === undefined || databaseUrl === undefined || phoneNumberId === undefined)
  throw new Error("usage: db-floor.js <body.json> <database url> <phone number id>");
const body: unknown = JSON.parse(readFileSync(bodyFile, "utf8"));
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const account = (
  await pool.query<{ id: string }>("SELECT id FROM whatsapp_accounts WHERE phone_number_id = $1", [phoneNumberId])
).rows[0];
if (account === undefined) throw new Error(`no account with phone number id ${phoneNumberId}`);
const accountId = account.id;

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.set("query parser", "simple");
app.get("/v1/:phone_number_id/templates", async (_req, res) => {
  await pool.query(
    "SELECT * FROM templates WHERE account_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 26",
    [accountId],
  );
  res.json(body);
});
listenOnLoopback(app);
// Exit at once: requests still in flight would otherwise fail noisily on a closed pool. PostgreSQL sees the
// connections drop, and the bench drops its database WITH (FORCE) anyway.
process.on("SIGTERM", () => process.exit(0));
