/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
/**
 * Sync cannot wedge (issue 13 §3): a restarted sandbox starts over with the same seed, so it hands out the template
 * ids it gave before — for other names. Meta is the authority: the id moves to the template Meta now names, the row
 * that held it is tombstoned, history records both, syncs converge, and a create whose id we already hold is a 201.
 * Before the fix the unique (account, provider id) index made that create a 500 and every later sync a 500.
 */
import { request } from "node:http";
import { databaseKinds } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, OTHER_ACCESS_TOKEN, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;

function utilityBody(name: string): Record<string, unknown> {
  return {
    name,
    category: "UTILITY",
    language: "en",
    components: [{ type: "BODY", text: `Your parcel for ${name} ships today.` }],
  };
}

describe.each(databaseKinds())("a Meta template id that comes back for another name, on %s", (kind) => {
  let stack: Stack;
  /** The sandbox now listening on the stack's port (the stack's own one is closed by the first restart). */
  let meta: MetaSandbox;
  beforeAll(async () => {
    stack = await startStack(kind);
    meta = stack.sandbox;
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
    await meta?.close();
  });

  const api = (method: string, path: string, body?: unknown) =>
    call(stack.baseUrl, method, path, { token: stack.demoKey, ...(body === undefined ? {} : { body }) });

  /** Stops the sandbox and starts a fresh one on the same port: same seed, so the same ids come out again. */
  async function restartSandbox(): Promise<void> {
    const port = new URL(meta.url).port;
    await meta.close();
    meta = await startMetaSandbox({ port: Number(port), reviewDelayMs: null });
    // Set up as the stack set up the first one (its second WABA took an id), so the same ids come out again.
    const other = meta.control.addWaba({ name: "Other WABA", accessToken: OTHER_ACCESS_TOKEN });
    expect(other.id).toBe(stack.otherWabaId);
  }

  /** Creates a template straight on Meta (WhatsApp Manager, another tool), not through us. A fresh connection: a
   * pooled one may still point at the sandbox that was just stopped. */
  function createOnMeta(name: string): Promise<string> {
    const payload = JSON.stringify(utilityBody(name));
    return new Promise((resolve, reject) => {
      const req = request(
        `${meta.graphUrl}/${meta.demo.wabaId}/message_templates`,
        {
          method: "POST",
          agent: false,
          headers: {
            authorization: `Bearer ${meta.demo.accessToken}`,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(payload),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () =>
            res.statusCode === 200
              ? resolve((JSON.parse(text) as { id: string }).id)
              : reject(new Error(`${res.statusCode} ${text}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  async function rowsNamed(name: string): Promise<any[]> {
    const res = await api("GET", `/v1/${PID}/templates?search=${name}&include_deleted=true&limit=100`);
    expect(res.status).toBe(200);
    return res.body.data.filter((t: any) => t.name === name);
  }

  async function history(name: string): Promise<any[]> {
    const res = await api("GET", `/v1/${PID}/templates/${name}/events?language=en`);
    expect(res.status).toBe(200);
    return res.body.data;
  }

  it("sync moves the id to the template Meta now names, tombstones the old holder, records both, and converges", async () => {
    expect((await api("POST", `/v1/${PID}/templates/sync`)).status).toBe(200);
    const alpha = await api("POST", `/v1/${PID}/templates`, utilityBody("reuse_alpha"));
    expect(alpha.status).toBe(201);
    const reusedId: string = alpha.body.data.provider_template_id;

    await restartSandbox();
    // The restarted Meta has never heard of reuse_alpha, and gives its id to a template made there.
    expect(await createOnMeta("reuse_beta")).toBe(reusedId);

    const second = await api("POST", `/v1/${PID}/templates/sync`);
    expect(second.status, second.text).toBe(200);
    expect(second.body.data).toMatchObject({ created: 1, removed: 1 });

    const [alphaRow] = await rowsNamed("reuse_alpha");
    expect(alphaRow).toMatchObject({ meta_status: "DELETED", provider_template_id: null });
    expect(alphaRow.deleted_at).not.toBeNull();
    const [betaRow] = await rowsNamed("reuse_beta");
    expect(betaRow).toMatchObject({ provider_template_id: reusedId, meta_status: "PENDING", deleted_at: null });

    expect((await history("reuse_alpha"))[0]).toMatchObject({
      kind: "status",
      from: "PENDING",
      to: "DELETED",
      source: "sync",
      reason: `Meta's template id ${reusedId} now belongs to reuse_beta (en)`,
    });
    expect((await history("reuse_beta"))[0]).toMatchObject({
      kind: "status",
      from: null,
      to: "PENDING",
      source: "sync",
      reason: `first seen in a sync (Meta's template id ${reusedId}, previously reuse_alpha (en))`,
    });

    // Converged: the next sync finds nothing to change, and the run record says it succeeded.
    const third = await api("POST", `/v1/${PID}/templates/sync`);
    expect(third.status, third.text).toBe(200);
    expect(third.body.data).toMatchObject({ created: 0, updated: 0, removed: 0 });
    const runs = await api("GET", `/v1/${PID}/template_sync_runs`);
    expect(runs.body.data.slice(0, 3).map((r: any) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });

  it("a create whose new id we still hold for another name is a 201: the id moves, the old holder is tombstoned", async () => {
    const beta = (await rowsNamed("reuse_beta"))[0];
    const heldId: string = beta.provider_template_id;
    await restartSandbox();

    // The fresh Meta's first new id is the one reuse_beta holds.
    const gamma = await api("POST", `/v1/${PID}/templates`, utilityBody("reuse_gamma"));
    expect(gamma.status, gamma.text).toBe(201);
    expect(gamma.body.data).toMatchObject({ name: "reuse_gamma", provider_template_id: heldId });

    const [betaRow] = await rowsNamed("reuse_beta");
    expect(betaRow).toMatchObject({ meta_status: "DELETED", provider_template_id: null });
    expect((await history("reuse_beta"))[0]).toMatchObject({
      to: "DELETED",
      source: "create",
      reason: `Meta's template id ${heldId} now belongs to reuse_gamma (en)`,
    });
    expect((await history("reuse_gamma"))[0]).toMatchObject({
      from: null,
      to: "PENDING",
      source: "create",
      reason: `Meta's template id ${heldId}, previously reuse_beta (en)`,
    });

    const sync = await api("POST", `/v1/${PID}/templates/sync`);
    expect(sync.status, sync.text).toBe(200);
    expect((await rowsNamed("reuse_gamma"))[0]).toMatchObject({ provider_template_id: heldId, deleted_at: null });
    expect((await api("POST", `/v1/${PID}/templates/sync`)).body.data).toMatchObject({
      created: 0,
      updated: 0,
      removed: 0,
    });
  });
});
