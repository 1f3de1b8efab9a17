/**
 * Child process: the loopback webhook receiver of the fan-out benchmark. Answers every POST with 204 and records
 * the arrival time (epoch ms, sub-millisecond) per `webhook-id` header under the request path (`/ours`, `/bare`).
 * `GET /_arrivals?path=/ours` returns them; prints one JSON line `{url}` when listening on 127.0.0.1, port 0.
 * Its own process, so neither the API nor the bare loop shares an event loop with it.
 */
import http from "node:http";

const arrivals = new Map<string, { id: string; at: number; bytes: number }[]>();
const clock = (): number => performance.timeOrigin + performance.now();

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (req.method === "GET" && url.pathname === "/_arrivals") {
    const list = arrivals.get(url.searchParams.get("path") ?? "") ?? [];
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ count: list.length, data: url.searchParams.get("count_only") === "1" ? [] : list }));
    return;
  }
  let bytes = 0;
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on("end", () => {
    const at = clock();
    const id = req.headers["webhook-id"];
    const signed =
      typeof req.headers["webhook-signature"] === "string" && typeof req.headers["webhook-timestamp"] === "string";
    if (req.method !== "POST" || typeof id !== "string" || !signed) {
      res.writeHead(400).end();
      return;
    }
    const list = arrivals.get(url.pathname) ?? [];
    list.push({ id, at, bytes });
    arrivals.set(url.pathname, list);
    res.writeHead(204).end();
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
