/**
 * A loopback webhook receiver for outbound-webhook tests: records every POST, answers with what `respond` says
 * (default 200), and verifies Standard Webhooks signatures with the `standardwebhooks` library — what an
 * integrator would run.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- event bodies are asserted field by field
  json: { id: string; type: string; timestamp: string; data: Record<string, any> };
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer the n-th request (0-based) with; "hang" never answers. */
  respond: (index: number, hook: ReceivedWebhook) => number | "hang";
  /** Verifies one received request with `secret` (throws WebhookVerificationError when it does not verify). */
  verify(hook: ReceivedWebhook, secret: string): unknown;
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = "/hooks"): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    received: [],
    respond: () => 200,
    verify: (hook, secret) => new Webhook(secret).verify(hook.body, hook.headers),
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline)
          throw new Error(
            `receiver: condition not met in ${timeoutMs} ms; got ${receiver.received.map((r) => r.json.type).join(", ")}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
      );
      const hook: ReceivedWebhook = { headers, body, json: JSON.parse(body) as ReceivedWebhook["json"] };
      const index = receiver.received.length;
      receiver.received.push(hook);
      const status = receiver.respond(index, hook);
      if (status === "hang") return;
      res.writeHead(status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

/** The value, or a failed test when it is missing (instead of a non-null assertion). */
export function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a value");
  return value;
}
