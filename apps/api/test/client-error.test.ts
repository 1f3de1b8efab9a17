/**
 * Requests Node's HTTP parser refuses before Express sees them (oversized headers, a malformed request line)
 * are answered in the envelope with a request id, not with Node's bare 400/431 — and the server keeps serving.
 */
import { connect } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientErrorResponse } from "../src/http/client-error.js";
import { listen } from "./support/http.js";
import type { Listening } from "./support/http.js";

/** Sends raw bytes to 127.0.0.1 and resolves with everything the server wrote before closing. */
function rawExchange(baseUrl: string, request: string): Promise<string> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: Number(port) });
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("utf8")));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
    socket.write(request);
  });
}

function parse(answer: string): { statusLine: string; headers: Map<string, string>; body: unknown } {
  const [head = "", body = ""] = answer.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers = new Map(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(":")).toLowerCase(),
      line.slice(line.indexOf(":") + 1).trim(),
    ]),
  );
  return { statusLine, headers, body: JSON.parse(body) as unknown };
}

describe("requests Node refuses before Express", () => {
  let server: Listening;
  beforeAll(async () => {
    const app = express();
    app.get("/ok", (_req, res) => void res.json({ ok: true }));
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    [
      "headers over Node's 16 kB limit",
      `GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${"a".repeat(20_000)}\r\n\r\n`,
      /too large/,
    ],
    ["a malformed request line", "GARBAGE\r\n\r\n", /could not be parsed/],
    [
      "broken chunked framing",
      "POST /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      /could not be parsed/,
    ],
  ])("%s → 400 invalid_request in the envelope with a request id", async (_label, request, message) => {
    const answer = parse(await rawExchange(server.baseUrl, request));
    expect(answer.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(answer.headers.get("content-type")).toContain("application/json");
    const requestId = answer.headers.get("x-request-id");
    expect(requestId).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(answer.body).toEqual({
      error: {
        type: "invalid_request_error",
        code: "invalid_request",
        message: expect.stringMatching(message),
        request_id: requestId,
      },
    });
    expect((await fetch(`${server.baseUrl}/ok`)).status).toBe(200);
  });

  it("states the body's exact length", () => {
    const raw = clientErrorResponse(undefined, "req_01ARZ3NDEKTSV4RRFFQ69G5FAV");
    const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
    expect(raw).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
  });
});
