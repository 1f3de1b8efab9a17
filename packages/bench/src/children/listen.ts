/**
 * The baselines' servers (bare express, the one-query floor, the create floor) listen alike: on loopback, a port the
 * system picks, announced as `{"url": …}` on the first stdout line (processes.ts waits for it), and idle keep-alive
 * sockets kept 5 s, as our API keeps them.
 */
import type { Server } from "node:http";
import type { Express } from "express";

export function listenOnLoopback(app: Express): Server {
  const server = app.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = address !== null && typeof address === "object" ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
