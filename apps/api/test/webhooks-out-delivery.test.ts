/**
 * Issue 19, outbound webhook throughput (docs/benchmarks.md, 5.): deliveries are claimed in batches and sent over
 * kept-alive connections. Over HTTP against the in-process app: the batches keep per-template order, and a kept
 * connection is only ever reused for the address it was opened to (a target name re-pointed elsewhere gets a new
 * connection to the newly checked address — the SSRF / DNS-rebinding guard).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createInProcessQueue, createWebhookDeliveryWorker } from "@kirim/core";
import type { WebhookDeliveryWorker } from "@kirim/core";
import { databaseKinds } from "@kirim/core/testing";
import { sql } from "@kirim/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";
import { present, startReceiver } from "./support/webhook-receiver.js";
import type { Receiver } from "./support/webhook-receiver.js";

const HOUR = 60 * 60 * 1000;
/** Never looked up: the API's resolver is injected. */
const TARGET_HOST = "hooks.receiver.test";

interface Arrival {
  id: string;
  /** The client end of the connection it came on (one value per TCP connection). */
  connection: string;
}

/** A receiver on one port of both loopback addresses, recording which connection each POST came on. */
async function startDualReceiver(): Promise<{
  port: number;
  v4: Arrival[];
  v6: Arrival[];
  close(): Promise<void>;
}> {
  const v4: Arrival[] = [];
  const v6: Arrival[] = [];
  const servers = [v4, v6].map((into) =>
    http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        into.push({
          id: String(req.headers["webhook-id"]),
          connection: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
        });
        res.writeHead(204).end();
      });
    }),
  );
  const [s4, s6] = servers as [http.Server, http.Server];
  await new Promise<void>((resolve) => s4.listen(0, "127.0.0.1", resolve));
  const port = (s4.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => s6.once("error", reject).listen(port, "::1", resolve));
  return {
    port,
    v4,
    v6,
    close: async () => {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not met in ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(databaseKinds())("outbound webhook delivery batches and kept connections on %s", (kind) => {
  let stack: Stack;
  let clock = Date.now();
  let resolvesTo = "127.0.0.1";
  let worker: WebhookDeliveryWorker | undefined;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    stack = await startStack(kind, {
      core: {
        webhooks: {
          allowPrivateTargets: true,
          timeoutMs: 2_000,
          resolver: (hostname) =>
            hostname === TARGET_HOST
              ? Promise.resolve([{ address: resolvesTo, family: resolvesTo.includes(":") ? 6 : 4 }])
              : Promise.reject(new Error(`unexpected lookup of ${hostname}`)),
        },
        now: () => new Date(clock),
      },
      sandbox: { demoTemplateCount: 6 },
    });
  }, 180_000);
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    await stack?.close();
    for (const r of receivers) await r.close();
  });

  const api = (method: string, path: string, body?: unknown) =>
    call(stack.baseUrl, method, path, { token: stack.demoKey, ...(body === undefined ? {} : { body }) });

  async function startWorker(options: { pollMs?: number; lingerMs?: number } = {}): Promise<WebhookDeliveryWorker> {
    const queue = createInProcessQueue();
    await queue.start();
    const started = createWebhookDeliveryWorker({
      webhooks: stack.core.webhooks,
      queue,
      pollMs: options.pollMs ?? 20,
      lingerMs: options.lingerMs ?? 50,
    });
    worker = started;
    await started.start();
    return started;
  }

  it("a batch holds one event per template: a failing event holds back its template's later events, not others'", async () => {
    expect((await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`)).status).toBe(200);
    const r = await startReceiver();
    receivers.push(r);
    const created = await api("POST", "/v1/webhook_subscriptions", { url: r.url, events: ["template.status_updated"] });
    expect(created.status).toBe(201);
    const subscriptionId = created.body.data.id as string;
    // Two status changes of three templates, each synced: six events pending before any worker runs.
    const [a, b, c] = stack.sandbox.control.templates(stack.sandbox.demo.wabaId).slice(0, 3);
    for (let round = 0; round < 2; round++) {
      for (const t of [a, b, c].map(present))
        stack.sandbox.control.setStatus(t.id, {
          status: present(stack.sandbox.control.template(t.id)).status === "PAUSED" ? "APPROVED" : "PAUSED",
        });
      expect((await api("POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`)).status).toBe(200);
    }
    const pending = await sql<{ event_id: string; name: string }>`
      SELECT d.event_id, e.payload->'data'->'template'->>'name' AS name
        FROM webhook_deliveries d JOIN webhook_out_events e ON e.id = d.event_id
       WHERE d.subscription_id = ${subscriptionId} AND d.state = 'pending' ORDER BY d.seq`.execute(stack.db.db);
    const names = [a, b, c].map((t) => present(t).name);
    const ids = (name: string) => pending.rows.filter((p) => p.name === name).map((p) => p.event_id);
    expect(names.map((n) => ids(n).length)).toEqual([2, 2, 2]);
    const [a1, a2] = ids(names[0] as string) as [string, string];
    // A's first event fails once (retried hours later); everything else is answered 200.
    r.respond = (index, hook) =>
      hook.headers["webhook-id"] === a1 && !r.received.slice(0, index).some((h) => h.headers["webhook-id"] === a1)
        ? 500
        : 200;

    await startWorker();
    const arrived = () => r.received.map((h) => h.headers["webhook-id"]);
    // B's and C's events all go out while A's first is waiting for its retry; A's second is held back.
    await until("B and C delivered", () =>
      [...ids(names[1] as string), ...ids(names[2] as string)].every((id) => arrived().includes(id)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(arrived().filter((id) => id === a1)).toHaveLength(1);
    expect(arrived()).not.toContain(a2);
    for (const name of names.slice(1)) {
      const [first, second] = ids(name);
      expect(arrived().indexOf(present(first))).toBeLessThan(arrived().indexOf(present(second)));
    }

    clock += 8 * HOUR; // past A1's retry
    await until("A's events delivered", () => arrived().includes(a2));
    expect(arrived().filter((id) => id === a1 || id === a2)).toEqual([a1, a1, a2]);
    expect(r.received.length).toBe(7);
  });

  it("reuses a kept connection for the checked address only: re-pointed, the name gets a new connection there", async () => {
    const receiver = await startDualReceiver();
    try {
      resolvesTo = "127.0.0.1";
      const created = await api("POST", "/v1/webhook_subscriptions", {
        url: `http://${TARGET_HOST}:${receiver.port}/hooks`,
        events: ["template.created"],
      });
      expect(created.status, created.text).toBe(201);
      const id = created.body.data.id as string;
      await startWorker();
      const test = async () => {
        const sent = await api("POST", `/v1/webhook_subscriptions/${id}/test`);
        expect(sent.status).toBe(202);
        return sent.body.data.event_id as string;
      };

      const first = await test();
      await until("first at 127.0.0.1", () => receiver.v4.length === 1);
      const second = await test();
      await until("second at 127.0.0.1", () => receiver.v4.length === 2);
      expect(receiver.v4.map((x) => x.id)).toEqual([first, second]);
      // Kept alive: both came on one connection.
      expect(present(receiver.v4[1]).connection).toBe(present(receiver.v4[0]).connection);

      // The name now resolves to another address: the kept connection to 127.0.0.1 is not used for it.
      resolvesTo = "::1";
      const third = await test();
      await until("third at ::1", () => receiver.v6.length === 1);
      expect(present(receiver.v6[0]).id).toBe(third);
      expect(receiver.v4).toHaveLength(2);
    } finally {
      resolvesTo = "127.0.0.1";
      await receiver.close();
    }
  });

  it("a job that has caught up stays for new events: they go out without waiting for the next poll", async () => {
    const r = await startReceiver();
    receivers.push(r);
    const created = await api("POST", "/v1/webhook_subscriptions", { url: r.url, events: ["template.created"] });
    expect(created.status).toBe(201);
    const id = created.body.data.id as string;
    // The poller would next look in 10 minutes: only the job started by this one poll can deliver.
    const started = await startWorker({ pollMs: 600_000, lingerMs: 10_000 });
    expect((await api("POST", `/v1/webhook_subscriptions/${id}/test`)).status).toBe(202);
    await started.poll();
    await r.waitFor((got) => got.length === 1);
    expect((await api("POST", `/v1/webhook_subscriptions/${id}/test`)).status).toBe(202);
    await r.waitFor((got) => got.length === 2, 5_000);
  });

  it("a kept connection the receiver drops as it is reused: sent again at once on a new one, one attempt", async () => {
    // Drops, once, a request that arrives on a kept (already used) connection, without answering.
    const seen: string[] = [];
    const used = new WeakSet<object>();
    let dropped = false;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        seen.push(String(req.headers["webhook-id"]));
        if (used.has(req.socket) && !dropped) {
          dropped = true;
          req.socket.destroy();
          return;
        }
        used.add(req.socket);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const created = await api("POST", "/v1/webhook_subscriptions", {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
        events: ["template.created"],
      });
      expect(created.status).toBe(201);
      const id = created.body.data.id as string;
      await startWorker();
      const events: string[] = [];
      for (let n = 1; n <= 2; n++) {
        const sent = await api("POST", `/v1/webhook_subscriptions/${id}/test`);
        expect(sent.status).toBe(202);
        events.push(sent.body.data.event_id as string);
        await until(
          `event ${n} received`,
          () => seen.includes(present(events[n - 1])) && (n === 1 || seen.length === 3),
        );
      }
      expect(dropped).toBe(true);
      // The second event came twice (dropped, then on a new connection) and was delivered at its first attempt.
      expect(seen).toEqual([events[0], events[1], events[1]]);
      const deadline = Date.now() + 10_000;
      let log: { attempt: number; outcome: string; event_id: string }[] = [];
      while (log.length < 2 && Date.now() < deadline) {
        log = (await api("GET", `/v1/webhook_subscriptions/${id}/deliveries?limit=10`)).body.data;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(log.map((a) => [a.event_id, a.attempt, a.outcome])).toEqual([
        [events[1], 1, "delivered"],
        [events[0], 1, "delivered"],
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
