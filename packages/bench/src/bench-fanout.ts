/**
 * Benchmark 5 (issue 17): outbound webhook fan-out. Producer: a re-sync after the account's first sync, in which
 * every template's status changed at Meta (the sandbox), so one sync writes N history rows and N
 * `template.status_updated` events, committed page by page as a real sync commits them — the cheapest realistic
 * producer (one request, no per-event HTTP, and the events arrive in the outbox the way production's do). The API
 * delivers them with its own worker (job queue, Standard Webhooks signing) to a loopback receiver in its own process.
 * Baseline: a bare loop POSTing the same bodies with the same headers, one at a time as our worker does per
 * subscription, to the same receiver, each body released on our commit schedule.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { BenchEnv } from "./env.js";
import { expectStatus, sandboxControl, syncOnce } from "./http.js";
import { runBareWebhookLoop, startWebhookReceiver } from "./processes.js";
import { BENCH_API_KEY, startStack } from "./stack.js";
import { deliveryFigures } from "./stats.js";
import type { DeliveryFigures } from "./stats.js";

export interface FanoutBenchmark {
  events: number;
  bodyBytes: { min: number; max: number };
  /** How long the producing sync took (its events were being delivered meanwhile). */
  syncMs: number;
  ours: DeliveryFigures;
  bare: DeliveryFigures;
}

interface Arrival {
  id: string;
  at: number;
}

async function arrivals(
  receiverUrl: string,
  pathName: string,
  countOnly: boolean,
): Promise<{ count: number; data: Arrival[] }> {
  return (
    await expectStatus<{ count: number; data: Arrival[] }>(
      200,
      "GET",
      `${receiverUrl}/_arrivals?path=${pathName}${countOnly ? "&count_only=1" : ""}`,
    )
  ).body;
}

export async function measureFanout(
  env: BenchEnv,
  events: number,
  workDir: string,
  log: (line: string) => void,
): Promise<FanoutBenchmark> {
  const stack = await startStack(env, events, "fanout", { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" });
  const receiver = await startWebhookReceiver(env.childBaseEnv);
  try {
    const control = sandboxControl(stack.sandbox.url);
    await control.setLatency(0);
    // The first sync imports without per-template events (template_sync.completed summarises it).
    await syncOnce(stack.api.baseUrl, BENCH_API_KEY, stack.phoneNumberId);
    const templates = await control.templates(stack.sandbox.wabaId);
    // Every template's status flips at Meta, 16 control requests at a time.
    const queue = [...templates];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let t = queue.pop(); t !== undefined; t = queue.pop())
          await control.setStatus(t.id, t.status === "PAUSED" ? "APPROVED" : "PAUSED");
      }),
    );
    const subscription = await expectStatus<{ data: { id: string; secret: string } }>(
      201,
      "POST",
      `${stack.api.baseUrl}/v1/webhook_subscriptions`,
      {
        token: BENCH_API_KEY,
        body: { url: `${receiver.url}/ours`, events: ["template.status_updated"], description: "pnpm bench fan-out" },
      },
    );
    log(`  ${templates.length} statuses changed at Meta; re-sync, delivering to ${receiver.url}/ours`);

    const sync = await syncOnce(stack.api.baseUrl, BENCH_API_KEY, stack.phoneNumberId);
    if (sync.result.updated !== templates.length)
      throw new Error(`the re-sync updated ${sync.result.updated} templates, expected ${templates.length}`);
    const produced = await stack.db.query<{ id: string; body: string; created_ms: string }>(
      `SELECT e.id, e.payload::text AS body, (extract(epoch FROM e.created_at) * 1000)::text AS created_ms
         FROM webhook_out_events e JOIN webhook_deliveries d ON d.event_id = e.id
        WHERE d.subscription_id = $1 ORDER BY e.created_at, d.seq`,
      [subscription.body.data.id],
    );
    const expected = produced.rows.length;
    if (expected < templates.length)
      throw new Error(`${expected} events in the outbox for ${templates.length} changes`);
    // Bounded: below 10 events per second the run is broken, not slow.
    const deadline = Date.now() + Math.max(120_000, expected * 100);
    let arrived = 0;
    while ((arrived = (await arrivals(receiver.url, "/ours", true)).count) < expected) {
      if (Date.now() > deadline) throw new Error(`only ${arrived} of ${expected} webhooks arrived before the deadline`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const oursAt = new Map((await arrivals(receiver.url, "/ours", false)).data.map((a) => [a.id, a.at]));
    const created = produced.rows.map((r) => ({ id: r.id, body: r.body, createdAt: Number(r.created_ms) }));
    const ours = deliveryFigures(created.map((e) => ({ availableAt: e.createdAt, arrivedAt: oursAt.get(e.id) })));
    log(
      `  ours: ${expected} delivered, ${ours.eventsPerSecond.toFixed(0)} events/s, p50 ${ours.p50.toFixed(1)} ms, p99 ${ours.p99.toFixed(1)} ms`,
    );

    // The bytes our worker sent: JSON.stringify of the stored payload (jsonb::text differs in spacing only).
    const first = created[0]?.createdAt ?? 0;
    const bodies = created.map((e) => ({
      id: e.id,
      body: JSON.stringify(JSON.parse(e.body)),
      offsetMs: e.createdAt - first,
    }));
    const eventsFile = path.join(workDir, "fanout-events.json");
    await writeFile(eventsFile, JSON.stringify(bodies));
    const bare = await runBareWebhookLoop(
      eventsFile,
      `${receiver.url}/bare`,
      subscription.body.data.secret,
      env.childBaseEnv,
      Math.max(120_000, expected * 100),
    );
    const bareAt = new Map((await arrivals(receiver.url, "/bare", false)).data.map((a) => [a.id, a.at]));
    const bareFigures = deliveryFigures(
      bodies.map((e) => ({ availableAt: bare.startedAt + e.offsetMs, arrivedAt: bareAt.get(e.id) })),
    );
    log(
      `  bare loop: ${bareFigures.eventsPerSecond.toFixed(0)} events/s, p50 ${bareFigures.p50.toFixed(1)} ms, p99 ${bareFigures.p99.toFixed(1)} ms`,
    );
    const sizes = bodies.map((b) => Buffer.byteLength(b.body));
    return {
      events: expected,
      bodyBytes: { min: Math.min(...sizes), max: Math.max(...sizes) },
      syncMs: sync.ms,
      ours,
      bare: bareFigures,
    };
  } finally {
    await receiver.stop().catch(() => undefined);
    await stack.close();
  }
}
