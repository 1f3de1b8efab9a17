/**
 * The client's own behaviour against small local HTTP servers: timeouts, Retry-After as an HTTP date, the
 * X-RateLimit-Reset fallback, a PATCH not replayed after a 5xx. (The API itself: apps/api/test/sdk.test.ts.)
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Kirim, KirimError, retryDelayMs } from "../src/index.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const envelope = (code: string, type: string) =>
  JSON.stringify({ error: { type, code, message: code, request_id: "req_X" } });

describe("transport", () => {
  it("an attempt that gets no answer within timeoutMs is retried, then a timeout_error KirimError", async () => {
    let attempts = 0;
    const baseUrl = await serve(() => undefined); // never answers
    const kirim = new Kirim({
      apiKey: "k",
      baseUrl,
      timeoutMs: 100,
      maxRetries: 1,
      sleep: () => Promise.resolve(),
      fetch: (input, init) => {
        attempts += 1;
        return fetch(input, init);
      },
    });
    const error = await kirim.accounts.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KirimError);
    expect(error).toMatchObject({ status: null, type: "timeout_error", code: "timeout_error" });
    expect(attempts).toBe(2);
  });

  it("a PATCH is not replayed after a 5xx (it may have been applied), but a GET is", async () => {
    const seen: string[] = [];
    const baseUrl = await serve((req, res) => {
      seen.push(req.method ?? "");
      res.writeHead(502, { "content-type": "application/json" }).end(envelope("whatsapp_upstream_error", "api_error"));
    });
    const kirim = new Kirim({ apiKey: "k", baseUrl, maxRetries: 2, sleep: () => Promise.resolve() });
    await expect(
      kirim.phoneNumbers("123456").templates.edit("x", { language: "en", components: [{ type: "BODY", text: "Hi" }] }),
    ).rejects.toMatchObject({ status: 502 });
    expect(seen).toEqual(["PATCH"]);
    seen.length = 0;
    await expect(kirim.accounts.list()).rejects.toMatchObject({ status: 502, code: "whatsapp_upstream_error" });
    expect(seen).toEqual(["GET", "GET", "GET"]);
  });

  it("the wait honours Retry-After (seconds or HTTP date), then X-RateLimit-Reset, else jittered backoff", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryDelayMs(0, new Headers({ "retry-after": "3" }), () => 0.5, now)).toBe(3000);
    expect(retryDelayMs(0, new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), () => 0.5, now)).toBe(5000);
    expect(
      retryDelayMs(
        0,
        new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 7) }),
        () => 0.5,
        now,
      ),
    ).toBe(7000);
    expect(retryDelayMs(2, new Headers(), () => 0, now)).toBe(1000);
    expect(retryDelayMs(2, new Headers(), () => 0.999, now)).toBeCloseTo(1999, 0);
    expect(retryDelayMs(10, undefined, () => 1, now)).toBe(8000);
  });
});
