/**
 * Test fixtures for the media pipeline: tiny valid files, loopback servers, a fake Meta
 * Resumable Upload endpoint, an injected resolver and connectors. Everything listens on 127.0.0.1
 * only; nothing here opens a connection anywhere else.
 */
import { once } from "node:events";
import http from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { crc32, deflateSync } from "node:zlib";
import type { MediaResolver, ResolvedAddress } from "../address-guard.js";
import { defaultMediaConnector } from "../fetch-media.js";
import type { MediaConnector, MediaRequestTarget } from "../fetch-media.js";

// ---------------------------------------------------------------------------------------------
// Files with the right magic bytes.

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real 1×1 RGB PNG. */
export function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.from([0, 0xff, 0x00, 0x00]))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A minimal JFIF-framed JPEG (SOI, APP0, …, EOI); enough for every magic-byte check. */
export function tinyJpeg(): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, Buffer.alloc(64, 0x11), Buffer.from([0xff, 0xd9])]);
}

function box(type: string, payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + payload.length);
  return Buffer.concat([size, Buffer.from(type, "ascii"), payload]);
}

/** An ISO-BMFF file: `ftyp` (major brand `isom` by default) + `free` + empty `mdat`. */
export function tinyMp4(majorBrand = "isom"): Buffer {
  const ftyp = box(
    "ftyp",
    Buffer.concat([
      Buffer.from(majorBrand, "ascii"),
      Buffer.from([0, 0, 2, 0]),
      Buffer.from("isomiso2avc1mp41", "ascii"),
    ]),
  );
  return Buffer.concat([ftyp, box("free", Buffer.alloc(8)), box("mdat", Buffer.alloc(32, 0x42))]);
}

/** A one-page PDF. */
export function tinyPdf(): Buffer {
  return Buffer.from(
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
      "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
    "latin1",
  );
}

// ---------------------------------------------------------------------------------------------
// Loopback servers.

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` (or https://<name>:<port> for TLS servers). */
  origin: string;
  port: number;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function closer(server: http.Server | net.Server): () => Promise<void> {
  return async () => {
    if ("closeAllConnections" in server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** A loopback HTTP server routing by path; unknown paths 404. */
export async function startFileServer(
  routes: Record<string, Handler>,
  tls?: { key: string; cert: string; name: string },
): Promise<LoopbackServer> {
  const requests: LoopbackServer["requests"] = [];
  const handler: Handler = (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const route = routes[(req.url ?? "").split("?")[0] ?? ""];
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    route(req, res);
  };
  const server =
    tls === undefined ? http.createServer(handler) : https.createServer({ key: tls.key, cert: tls.cert }, handler);
  const port = await listen(server);
  const origin = tls === undefined ? `http://127.0.0.1:${port}` : `https://${tls.name}:${port}`;
  return { origin, port, requests, close: closer(server) };
}

/** A raw TCP server on loopback that writes `raw` (and optionally more) after the request arrives. */
export async function startRawServer(onRequest: (socket: net.Socket) => void): Promise<LoopbackServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => onRequest(socket));
  });
  const port = await listen(server);
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const send =
  (body: Buffer | string, headers: Record<string, string> = {}, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { "content-length": String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

export const redirect =
  (location: string, status = 302): Handler =>
  (_req, res) => {
    res.writeHead(status, { location, "content-length": "0" }).end();
  };

// ---------------------------------------------------------------------------------------------
// A fake Meta Resumable Upload endpoint (mirrors §6 of the Meta reference).

export interface FakeMetaUpload extends LoopbackServer {
  /** `graphUrl` (no version). */
  graphUrl: string;
  apiVersion: string;
  appId: string;
  accessToken: string;
  /** Bytes Meta holds per session. */
  received: Map<string, Buffer>;
  /** Every session opened: the query params Meta saw. */
  sessions: { id: string; fileName: string; fileLength: number; fileType: string }[];
  /** Handle returned for a finished session. */
  handleFor(id: string): string;
}

export interface FakeMetaUploadOptions {
  /** Break the first N transfer POSTs after accepting this many bytes (the socket is destroyed). */
  breakAfterBytes?: number;
  breakTimes?: number;
  /** Answer every transfer with this status + Graph error body. */
  failTransferWith?: { status: number; body: unknown };
  /** Answer the session start with this session id. */
  sessionId?: string;
}

export async function startFakeMetaUpload(options: FakeMetaUploadOptions = {}): Promise<FakeMetaUpload> {
  const apiVersion = "v23.0";
  const appId = "1234567890";
  const accessToken = "EAAG-test-token-SECRET-do-not-leak";
  const received = new Map<string, Buffer>();
  const lengths = new Map<string, number>();
  const sessions: FakeMetaUpload["sessions"] = [];
  const requests: LoopbackServer["requests"] = [];
  let breaksLeft = options.breakTimes ?? (options.breakAfterBytes === undefined ? 0 : 1);
  let counter = 0;
  const handleFor = (id: string) => `4::aW1hZ2UvcG5n:${Buffer.from(id).toString("base64url")}:e:1700000000:${appId}`;
  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res
      .writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) })
      .end(text);
  };
  const graphError = (res: ServerResponse, status: number, message: string, code: number) =>
    json(res, status, { error: { message, type: "OAuthException", code, fbtrace_id: "AbCdEf" } });

  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const prefix = `/${apiVersion}/`;
    if (!url.pathname.startsWith(prefix)) return graphError(res, 404, "Unknown path", 803);
    const rest = decodeURIComponent(url.pathname.slice(prefix.length));
    if (req.method === "POST" && rest === `${appId}/uploads`) {
      if (url.searchParams.get("access_token") !== accessToken)
        return graphError(res, 401, "Invalid OAuth access token.", 190);
      const fileLength = Number(url.searchParams.get("file_length"));
      const fileType = url.searchParams.get("file_type") ?? "";
      if (!["application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4"].includes(fileType)) {
        return graphError(res, 400, "Invalid file_type", 100);
      }
      counter += 1;
      const key = `MTphdHRhY2htZW50${counter}`;
      // Real session ids carry a signature query (`upload:<b64>?sig=<…>`); the client must keep it verbatim.
      const id = options.sessionId ?? `upload:${key}?sig=ARaoPSzd${counter}`;
      sessions.push({ id, fileName: url.searchParams.get("file_name") ?? "", fileLength, fileType });
      received.set(key, Buffer.alloc(0));
      lengths.set(key, fileLength);
      return json(res, 200, { id });
    }
    const match = /^upload:([A-Za-z0-9]+)$/.exec(rest);
    const key = match?.[1];
    if (key === undefined || !received.has(key)) return graphError(res, 404, "Unknown upload session", 100);
    if (req.headers.authorization !== `OAuth ${accessToken}`)
      return graphError(res, 401, "Invalid OAuth access token.", 190);
    const held = received.get(key) ?? Buffer.alloc(0);
    if (req.method === "GET") return json(res, 200, { id: `upload:${key}`, file_offset: String(held.length) });
    if (req.method !== "POST") return graphError(res, 405, "Method not allowed", 100);
    if (options.failTransferWith !== undefined) {
      req.resume();
      return json(res, options.failTransferWith.status, options.failTransferWith.body);
    }
    const offset = Number(req.headers["file_offset"]);
    if (offset !== held.length) {
      req.resume();
      return graphError(res, 400, `file_offset ${offset} does not match ${held.length}`, 100);
    }
    const chunks: Buffer[] = [];
    let got = 0;
    const breaking = options.breakAfterBytes !== undefined && breaksLeft > 0;
    req.on("data", (chunk: Buffer) => {
      if (breaking && options.breakAfterBytes !== undefined) {
        const room = options.breakAfterBytes - got;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        got += chunk.length;
        if (got >= options.breakAfterBytes) {
          breaksLeft -= 1;
          received.set(key, Buffer.concat([held, ...chunks]));
          req.socket.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (breaking) return;
      const all = Buffer.concat([held, ...chunks]);
      received.set(key, all);
      if (all.length !== lengths.get(key)) return graphError(res, 400, "Incomplete upload", 100);
      return json(res, 200, { h: handleFor(`upload:${key}`) });
    });
  });
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    requests,
    graphUrl: origin,
    apiVersion,
    appId,
    accessToken,
    received,
    sessions,
    handleFor,
    close: closer(server),
  };
}

// ---------------------------------------------------------------------------------------------
// Resolver and connectors.

export interface FakeResolver {
  resolver: MediaResolver;
  calls: string[];
}

/** Maps names to addresses; unknown names fail like NXDOMAIN. Makes no DNS query. */
export function fakeResolver(table: Record<string, readonly string[]>): FakeResolver {
  const calls: string[] = [];
  const resolver: MediaResolver = (hostname) => {
    calls.push(hostname);
    const found = table[hostname.toLowerCase()];
    if (found === undefined)
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }));
    return Promise.resolve(
      found.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
  };
  return { resolver, calls };
}

export interface CountingConnector {
  connector: MediaConnector;
  targets: MediaRequestTarget[];
}

/**
 * Wraps the production connector, records every target and refuses (throws) anything that is not
 * a loopback address — a guard so a buggy test can never send traffic off the machine.
 */
export function loopbackOnlyConnector(): CountingConnector {
  const targets: MediaRequestTarget[] = [];
  const connector: MediaConnector = (target) => {
    targets.push(target);
    if (target.address !== "127.0.0.1" && target.address !== "::1") {
      throw new Error(`test connector: refusing to connect to non-loopback ${target.address}`);
    }
    return defaultMediaConnector(target);
  };
  return { connector, targets };
}
