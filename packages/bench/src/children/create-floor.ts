/**
 * Child process: the "create floor" of the create benchmark — bare express and its JSON body parser, plus the work a
 * create cannot do without, over the same driver (pg) and the same Meta client as the gateway (fetch):
 * 1. one statement: the account, the template of this name + language, and one slot of Meta's hourly budget taken
 *    with our own `reserve_meta_create` (its lock, DELETE, count and INSERT), a durable commit;
 * 2. the create sent to the sandbox, its answer read as JSON;
 * 3. one statement: the template row and its history row, a durable commit; the row answered as JSON.
 * Per request there is no auth, rate limit, request id, logging, helmet, zod, Meta's rules, Kysely, token decryption
 * or mapping, so ours − floor is the share of everything else we do. The budget is the floor's own WABA's on the
 * sandbox (its lock and Meta's count are not ours). argv: <database url> <phone number id> <sandbox url> <waba id>
 * <access token>.
 */
import { randomUUID } from "node:crypto";
import express from "express";
import pg from "pg";
import { listenOnLoopback } from "./listen.js";

const [databaseUrl, phoneNumberId, sandboxUrl, wabaId, accessToken] = process.argv.slice(2);
if (
  databaseUrl === undefined ||
  phoneNumberId === undefined ||
  sandboxUrl === undefined ||
  wabaId === undefined ||
  accessToken === undefined
)
  throw new Error("usage: create-floor.js <database url> <phone number id> <sandbox url> <waba id> <access token>");
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const HOUR_MS = 3_600_000;
/** Far above the timed creates: the floor measures a reservation's cost, never a refusal. */
const BUDGET = 1_000;

const accountAndBudget = {
  name: "create_floor_account_and_budget",
  text: `WITH account AS (SELECT id FROM whatsapp_accounts WHERE phone_number_id = $1),
    existing AS (SELECT t.id FROM templates t, account a WHERE t.account_id = a.id AND t.name = $2 AND t.language = $3
      AND t.deleted_at IS NULL),
    budget AS MATERIALIZED (SELECT r.attempt_id FROM reserve_meta_create($4, $5::int, $6, $7) r
      WHERE NOT EXISTS (SELECT 1 FROM existing))
    SELECT a.id, (SELECT id FROM existing) AS existing_id, b.attempt_id FROM account a LEFT JOIN budget b ON true`,
};
const rowAndHistory = {
  name: "create_floor_row_and_history",
  text: `WITH ins AS (
      INSERT INTO templates (id, account_id, name, language, category, status, meta_status, provider_template_id,
        components, content, variables, parameter_format, created_at, updated_at, last_synced_via, status_changed_at,
        category_changed_at, quality_changed_at, components_changed_at)
      VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, '[]', 'POSITIONAL', $10, $10, 'create', $10, $10, $10, $10)
      RETURNING *),
    ev AS (
      INSERT INTO template_events (id, template_id, account_id, kind, from_value, to_value, source, occurred_at)
      SELECT $11, ins.id, ins.account_id, 'status', NULL, ins.meta_status, 'create', $10 FROM ins)
    SELECT * FROM ins`,
};

interface CreateBody {
  name: string;
  language: string;
  category: string;
  components: { type: string; text?: string }[];
}

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.use(express.json({ limit: "256kb" }));
app.post("/v1/:phone_number_id/templates", async (req, res) => {
  try {
    const body = req.body as CreateBody;
    const now = new Date();
    const first = await pool.query<{ id: string; existing_id: string | null; attempt_id: string | null }>({
      ...accountAndBudget,
      values: [phoneNumberId, body.name, body.language, wabaId, BUDGET, new Date(now.getTime() - HOUR_MS), now],
    });
    const account = first.rows[0];
    if (account === undefined || account.existing_id !== null || account.attempt_id === null) {
      res.status(409).json({ error: "no account, a live template of this name, or no budget" });
      return;
    }
    const answer = await fetch(`${sandboxUrl}/v23.0/${wabaId}/message_templates`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: body.name,
        language: body.language,
        category: body.category,
        components: body.components,
      }),
    });
    const created = (await answer.json()) as { id?: string; status?: string };
    if (answer.status !== 200 || created.id === undefined) {
      res.status(502).json({ error: `the sandbox answered ${answer.status}` });
      return;
    }
    const { rows } = await pool.query<Record<string, unknown>>({
      ...rowAndHistory,
      values: [
        `tmpl_floor_${randomUUID()}`,
        account.id,
        body.name,
        body.language,
        body.category,
        (created.status ?? "PENDING").toUpperCase(),
        created.id,
        JSON.stringify(body.components),
        body.components.find((component) => component.type === "BODY")?.text ?? "",
        now,
        `tev_floor_${randomUUID()}`,
      ],
    });
    res.status(201).json({ data: rows[0] });
  } catch (error) {
    res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
  }
});
listenOnLoopback(app);
// Exit at once (as the one-query floor does): the bench drops its database WITH (FORCE) anyway.
process.on("SIGTERM", () => process.exit(0));
