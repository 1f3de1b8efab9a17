/**
 * The transport's own HTTP client (node's http, the default): what `fetch` did for it before — decoded bodies, no
 * redirect followed, a total timeout, the system's error code read — against loopback servers that misbehave on
 * purpose. The gateway's tests (fake Graph, sandbox) cover the Graph-shaped answers over the same client.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { MetaApiError } from "./meta-api-error.js";
import { createTransport } from "./transport.js";

const TOKEN = "secret-token-123";
const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const transport = createTransport({ timeoutMs: 300 });

async function failure(promise: Promise<unknown>): Promise<MetaApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MetaApiError)) throw new Error(`expected a MetaApiError, got ${String(error)}`);
  expect(JSON.stringify({ ...error, message: error.message })).not.toContain(TOKEN);
  return error;
}

describe("the transport's http client", () => {
  it("sends the token, the JSON body and its length, and reads the JSON answer", async () => {
    let seen: { method?: string; auth?: string; length?: string; body?: string } = {};
    const url = await serve((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        seen = { method: req.method, auth: req.headers.authorization, length: req.headers["content-length"], body };
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ id: "1", status: "PENDING", name: "é" }));
      });
    });
    const answer = await transport({ method: "POST", url, accessToken: TOKEN, body: { name: "é" } });
    expect(answer).toEqual({ id: "1", status: "PENDING", name: "é" });
    expect(seen).toEqual({
      method: "POST",
      auth: `Bearer ${TOKEN}`,
      length: String(Buffer.byteLength(JSON.stringify({ name: "é" }))),
      body: JSON.stringify({ name: "é" }),
    });
  });

  it.each([
    ["gzip", gzipSync],
    ["br", brotliCompressSync],
  ] as const)("asks for compressed answers and decodes %s", async (encoding, compress) => {
    let accepted: string | undefined;
    const url = await serve((req, res) => {
      accepted = req.headers["accept-encoding"];
      res.setHeader("content-encoding", encoding);
      res.end(compress(Buffer.from(JSON.stringify({ data: [{ id: "7" }] }))));
    });
    expect(await transport({ method: "GET", url, accessToken: TOKEN })).toEqual({ data: [{ id: "7" }] });
    expect(accepted).toContain(encoding);
  });

  it("follows no redirect: the token never reaches the other host, and the 3xx is refused", async () => {
    let otherHostSaw = 0;
    const other = await serve((_req, res) => {
      otherHostSaw += 1;
      res.end("{}");
    });
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: `${other}/steal` });
      res.end();
    });
    const error = await failure(transport({ method: "GET", url, accessToken: TOKEN }));
    expect(error).toMatchObject({ kind: "graph", status: 302 });
    expect(otherHostSaw).toBe(0);
  });

  it("a server that never answers, or stops mid-body, hits the total timeout", async () => {
    const silent = await serve(() => undefined);
    expect(await failure(transport({ method: "GET", url: silent, accessToken: TOKEN }))).toMatchObject({
      kind: "timeout",
    });
    const stalls = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"data": [');
    });
    expect(await failure(transport({ method: "GET", url: stalls, accessToken: TOKEN }))).toMatchObject({
      kind: "timeout",
    });
  });

  it("a refused connection never reached Meta; a connection cut after the request may have", async () => {
    const closed = await serve(() => undefined);
    const port = new URL(closed).port;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const refused = await failure(
      transport({ method: "POST", url: `http://127.0.0.1:${port}/x`, accessToken: TOKEN, body: {} }),
    );
    expect(refused).toMatchObject({ kind: "network", reachedMeta: false });
    expect(refused.message).toContain("ECONNREFUSED");

    const cut = await serve((req) => req.socket.destroy());
    const reset = await failure(transport({ method: "POST", url: cut, accessToken: TOKEN, body: {} }));
    expect(reset).toMatchObject({ kind: "network", reachedMeta: true });
  });

  it("keeps the connection alive between exchanges", async () => {
    const ports = new Set<number>();
    const url = await serve((req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end("{}");
    });
    for (let i = 0; i < 3; i++) await transport({ method: "GET", url, accessToken: TOKEN });
    expect(ports.size).toBe(1);
  });
});
