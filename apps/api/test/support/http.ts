/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, asserted field by field */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { expect } from "vitest";
import { createResponseValidator } from "../helpers/openapi-validator.js";
import { answerClientErrorsInEnvelope } from "../../src/http/client-error.js";

export interface Listening {
  baseUrl: string;
  close(): Promise<void>;
}

export async function listen(app: Express): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, "127.0.0.1", (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  answerClientErrorsInEnvelope(server);
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface CallOptions {
  token?: string | null;
  /** An object is sent as JSON; a string is sent verbatim. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Stack-frame shapes that must never appear in a response body. */
const STACK_PATTERNS = [
  /"stack"/i,
  /\n\s+at\s/,
  /\bat\s+\S+\s+\(.*:\d+:\d+\)/,
  /node_modules/,
  /\.ts:\d+/,
  /\.js:\d+:\d+/,
];

/**
 * Every response is checked for the invariants of the whole API: an `X-Request-Id` header of the right
 * shape, equal to `request_id` in the body (or `error.request_id` / tRPC `error.data.request_id`), and no
 * stack trace anywhere in the body.
 */
export function checkInvariants(res: { headers: Headers; text: string }, body: any): void {
  const requestId = res.headers.get("x-request-id");
  expect(requestId, "X-Request-Id header").toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
  for (const pattern of STACK_PATTERNS) expect(res.text, `body must not match ${pattern}`).not.toMatch(pattern);
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const inBody = body.request_id ?? body.error?.request_id ?? body.error?.data?.request_id;
    if (inBody !== undefined) expect(inBody).toBe(requestId);
    else if (!("result" in body)) throw new Error(`response body has no request_id: ${res.text.slice(0, 300)}`);
  }
}

const openApi = createResponseValidator();

export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined && options.token !== null) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    payload = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["content-type"] = "application/json";
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await response.text();
  let body: any = undefined;
  if ((response.headers.get("content-type") ?? "").includes("json")) body = JSON.parse(text);
  checkInvariants({ headers: response.headers, text }, body);
  // Every REST response any test produces must match the published OpenAPI document.
  if (path.startsWith("/v1/"))
    openApi.assert({ method, path, status: response.status, body, headers: response.headers });
  return { status: response.status, headers: response.headers, text, body };
}

/** Asserts Kirimdev's error envelope. */
export function expectError(
  res: CallResult,
  status: number,
  code: string,
  extra: { type?: string; param?: string } = {},
): void {
  expect({ status: res.status, code: res.body?.error?.code }, res.text).toEqual({ status, code });
  expect(typeof res.body.error.message).toBe("string");
  expect(res.body.error.message.length).toBeGreaterThan(0);
  if (extra.type !== undefined) expect(res.body.error.type).toBe(extra.type);
  if (extra.param !== undefined) expect(res.body.error.param).toBe(extra.param);
}
