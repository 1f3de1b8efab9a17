/**
 * Child process: the "database floor" of the REST benchmark — bare express plus the same four statements our list
 * request runs, over the same driver and pool size (pg, 10), then the same body as bare express. No request id,
 * logging, helmet, zod, Kysely, mapping: what is left is the cost of the database round trips and of the shared
 * rate-limit row itself, so ours ÷ floor is our own code's share and floor ÷ bare the database's.
 *
 * The SQL mirrors @kirim/core at the time of writing (api-key lookup, the token-bucket upsert of
 * rate-limit.repository.ts, the account with its customer, the keyset page); it is a measuring stick, not a copy
 * that must track every change. argv: <body.json> <database url> <api key>.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import express from "express";
import pg from "pg";

const [bodyFile, databaseUrl, apiKey] = process.argv.slice(2);
if (bodyFile === undefined || databaseUrl === undefined || apiKey === undefined) throw new Error("usage: db-floor.js <body.json> <database url> <api key>");
const body: unknown = JSON.parse(readFileSync(bodyFile, "utf8"));
const keyHash = createHash("sha256").update(apiKey).digest("hex");
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });

const TAKE_TOKEN = `
  WITH limits AS (SELECT COALESCE(o.rate_limit_read_per_minute, $2::int)::float8 AS capacity FROM organisations o WHERE o.id = $1)
  INSERT INTO rate_limit_buckets AS b (organisation_id, bucket, capacity, tokens, updated_at)
  SELECT $1, 'read', l.capacity, l.capacity - 1, now() FROM limits l
  ON CONFLICT (organisation_id, bucket) DO UPDATE SET
    capacity = excluded.capacity,
    tokens = LEAST(excluded.capacity, b.tokens + GREATEST(0, excluded.capacity - b.capacity) + GREATEST(0, extract(epoch FROM (excluded.updated_at - b.updated_at))::float8) * excluded.capacity / 60) - 1,
    updated_at = GREATEST(b.updated_at, excluded.updated_at)
  WHERE LEAST(excluded.capacity, b.tokens + GREATEST(0, excluded.capacity - b.capacity) + GREATEST(0, extract(epoch FROM (excluded.updated_at - b.updated_at))::float8) * excluded.capacity / 60) >= 1
  RETURNING b.capacity, b.tokens, extract(epoch FROM now())::float8 AS now`;

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.set("query parser", "simple");
app.get("/v1/:phone_number_id/templates", async (req, res) => {
  const key = (await pool.query<{ organisation_id: string }>("SELECT * FROM api_keys WHERE key_hash = $1", [keyHash])).rows[0];
  if (!key) throw new Error("unknown key");
  await pool.query(TAKE_TOKEN, [key.organisation_id, 100_000_000]);
  const account = (
    await pool.query<{ id: string }>(
      "SELECT a.*, c.name AS customer_name FROM whatsapp_accounts a LEFT JOIN customers c ON c.id = a.customer_id WHERE a.phone_number_id = $1 AND a.organisation_id = $2",
      [req.params.phone_number_id, key.organisation_id],
    )
  ).rows[0];
  if (!account) throw new Error("unknown account");
  await pool.query("SELECT * FROM templates WHERE account_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 26", [account.id]);
  res.json(body);
});
const server = app.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
server.keepAliveTimeout = 5_000;
// Exit at once: requests still in flight would otherwise fail noisily on a closed pool. PostgreSQL sees the
// connections drop, and the bench drops its database WITH (FORCE) anyway.
process.on("SIGTERM", () => process.exit(0));
