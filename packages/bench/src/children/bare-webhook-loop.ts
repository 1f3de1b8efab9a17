/**
 * Child process: the fan-out baseline. A bare loop POSTing the bodies our API delivered, one at a time (our worker
 * delivers a subscription's events one at a time too), with the same Standard Webhooks headers (HMAC-SHA256 over
 * `id.timestamp.body` with the subscription's secret), to the same receiver. Each body becomes available at the
 * same offset from the start as our event was committed after the first one, so both are measured on the same
 * schedule. Usage: `bare-webhook-loop.js <events.json> <url> <secret>`; prints `{startedAt}` when done.
 */
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

const [file, url, secret] = process.argv.slice(2);
if (file === undefined || url === undefined || secret === undefined)
  throw new Error("usage: bare-webhook-loop.js <events.json> <url> <secret>");
const events = JSON.parse(await readFile(file, "utf8")) as { id: string; body: string; offsetMs: number }[];
const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
const clock = (): number => performance.timeOrigin + performance.now();

const startedAt = clock();
for (const event of events) {
  // Ahead of the producer's schedule: the event does not exist yet.
  const wait = startedAt + event.offsetMs - clock();
  if (wait > 0) await delay(wait);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v1,${createHmac("sha256", key).update(`${event.id}.${timestamp}.${event.body}`).digest("base64")}`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": event.id,
      "webhook-timestamp": timestamp,
      "webhook-signature": signature,
    },
    body: event.body,
  });
  await response.arrayBuffer();
  if (response.status !== 204) throw new Error(`receiver answered ${response.status}`);
}
process.stdout.write(`${JSON.stringify({ startedAt })}\n`);
