// A loopback webhook endpoint for tests: answers Meta's handshake, records signed POSTs, and can be told
// to fail a number of deliveries to exercise retries.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  rawBody: string;
  signature: string | undefined;
  signatureValid: boolean;
  json: {
    object: string;
    entry: Array<{ id: string; time: number; changes: Array<{ field: string; value: Record<string, unknown> }> }>;
  };
}

export interface WebhookReceiver {
  url: string;
  verifyToken: string;
  handshakes: URLSearchParams[];
  received: ReceivedWebhook[];
  /** Answer the next N POSTs with HTTP 500. */
  failNext(count: number): void;
  /** Answer handshakes with a wrong challenge from now on. */
  breakHandshake(): void;
  /** Resolves when `count` POSTs have been received. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(appSecret: string, verifyToken = "verify-me"): Promise<WebhookReceiver> {
  const handshakes: URLSearchParams[] = [];
  const received: ReceivedWebhook[] = [];
  let failures = 0;
  let brokenHandshake = false;
  const waiters: Array<() => void> = [];

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "GET") {
      handshakes.push(url.searchParams);
      const ok =
        url.searchParams.get("hub.mode") === "subscribe" && url.searchParams.get("hub.verify_token") === verifyToken;
      if (!ok) {
        response.writeHead(403).end();
        return;
      }
      response
        .writeHead(200, { "content-type": "text/plain" })
        .end(brokenHandshake ? "wrong" : (url.searchParams.get("hub.challenge") ?? ""));
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      if (failures > 0) {
        failures -= 1;
        response.writeHead(500).end();
        return;
      }
      const header = request.headers["x-hub-signature-256"];
      const signature = typeof header === "string" ? header : undefined;
      const expected = `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
      const signatureValid =
        signature !== undefined &&
        signature.length === expected.length &&
        timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
      received.push({ rawBody, signature, signatureValid, json: JSON.parse(rawBody) as ReceivedWebhook["json"] });
      response.writeHead(200).end("EVENT_RECEIVED");
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    verifyToken,
    handshakes,
    received,
    failNext: (count) => {
      failures = count;
    },
    breakHandshake: () => {
      brokenHandshake = true;
    },
    waitFor: async (count, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
