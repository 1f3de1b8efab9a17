/**
 * Issue 13 §2 (sandbox-mode webhook secret) and §4 (the banner and the demo key), as a user runs the server:
 * dist/main.js on a fresh DATA_DIR, its whole output captured, then a second start on the same directory.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_APP_SECRET, DEMO_WABA_ID, signWebhookBody } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseApiEnv, startApiProcess, stopApiProcess } from "./drills/drill-support.js";
import type { ApiProcess } from "./drills/drill-support.js";
import { call } from "./support/http.js";
import { orderConfirmation } from "./support/stack.js";

/** Resolves once the process logged its last start-up line (the banner and the webhook handshake are before it). */
async function started(api: ApiProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!api.output().includes('"msg":"started"')) {
    if (api.child.exitCode !== null) throw new Error(`API process exited\n${api.output()}`);
    if (Date.now() > deadline) throw new Error(`no "started" within 60 s\n${api.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** A template status change as Meta sends it, for a template that does not exist (only the signature matters). */
function statusChangeBody(): string {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: DEMO_WABA_ID,
        time: Math.floor(Date.now() / 1000),
        changes: [
          {
            field: "message_template_status_update",
            value: {
              event: "APPROVED",
              message_template_id: 1,
              message_template_name: "forged_status",
              message_template_language: "en",
              reason: "NONE",
            },
          },
        ],
      },
    ],
  });
}

async function postWebhook(baseUrl: string, body: string, secret: string): Promise<number> {
  const res = await fetch(`${baseUrl}/webhooks/meta`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": signWebhookBody(body, secret) },
    body,
  });
  await res.text();
  return res.status;
}

describe("the default start, twice on one DATA_DIR", () => {
  let dataDir: string;
  let first: ApiProcess | undefined;
  let second: ApiProcess | undefined;
  let apiKey: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-doors-"));
    const env = baseApiEnv({ DATA_DIR: dataDir, LOG_LEVEL: "info", SANDBOX_REVIEW_DELAY_MS: "100" });
    first = await startApiProcess(env);
    await started(first);
    apiKey = (await readFile(path.join(dataDir, "demo-api-key"), "utf8")).trim();
  }, 120_000);

  afterAll(async () => {
    await stopApiProcess(first);
    await stopApiProcess(second);
    await rm(dataDir, { recursive: true, force: true });
  });

  it("the start that generates the demo key prints it exactly once, and says so", () => {
    expect(apiKey).toMatch(/^kdv_live_[A-Za-z0-9_-]{24}$/);
    const out = first?.output() ?? "";
    expect(occurrences(out, apiKey)).toBe(1);
    expect(out).toMatch(new RegExp(`API key\\s+${apiKey}\\s+\\(generated now and shown this once`));
    expect(out).toContain('--header "Authorization: Bearer $KIRIM_API_KEY"');
  });

  it("a webhook signed with the sandbox's public demo secret is refused 401; the per-directory secret is accepted", async () => {
    const baseUrl = first?.baseUrl ?? "";
    const secretFile = path.join(dataDir, "sandbox-webhook-secret");
    const secret = (await readFile(secretFile, "utf8")).trim();
    expect(secret).not.toBe(DEMO_APP_SECRET);
    expect(secret.length).toBeGreaterThanOrEqual(40);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    expect(await postWebhook(baseUrl, statusChangeBody(), DEMO_APP_SECRET)).toBe(401);
    // The per-directory secret is the one in force.
    expect(await postWebhook(baseUrl, statusChangeBody(), secret)).toBe(200);
  });

  it("the sandbox's own review webhooks still arrive and apply", async () => {
    const baseUrl = first?.baseUrl ?? "";
    const pid = /phone_number_id (\d+)/.exec(first?.output() ?? "")?.[1] ?? "";
    const created = await call(baseUrl, "POST", `/v1/${pid}/templates`, {
      token: apiKey,
      body: { ...orderConfirmation("en"), name: "review_by_webhook" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data.status).toBe("pending");
    // The sandbox reviews after 100 ms and tells us by webhook only (no sync runs: TEMPLATE_SYNC_INTERVAL_MS=0).
    const deadline = Date.now() + 30_000;
    let template = created.body.data;
    while (template.last_synced_via !== "webhook") {
      if (Date.now() > deadline) throw new Error(`no webhook applied within 30 s: ${JSON.stringify(template)}`);
      await new Promise((r) => setTimeout(r, 100));
      const got = (await call(baseUrl, "GET", `/v1/${pid}/templates/review_by_webhook`, { token: apiKey })).body.data;
      template = Array.isArray(got) ? got[0] : got;
    }
    expect(template.status).not.toBe("pending");
  }, 60_000);

  it("a restart on the same DATA_DIR prints the key zero times; the key still works", async () => {
    await stopApiProcess(first);
    second = await startApiProcess(baseApiEnv({ DATA_DIR: dataDir, LOG_LEVEL: "info" }));
    await started(second);
    const out = second.output();
    expect(occurrences(out, apiKey)).toBe(0);
    expect(out).toContain(`API key   not printed (it is in ${path.join(dataDir, "demo-api-key")})`);
    expect((await call(second.baseUrl, "GET", "/v1/accounts", { token: apiKey })).status).toBe(200);
  }, 120_000);
});
