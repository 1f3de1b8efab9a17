/**
 * 1. CONTEXT. What every procedure can see: the core services, the request id of the HTTP request that
 * carried the call, the raw Authorization and Idempotency-Key headers (authenticated lazily by `authedProcedure`,
 * with the same code as REST), and a way to set response headers.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Core } from "@kirim/core";
import type { CreateExpressContextOptions } from "@trpc/server/adapters/express";
import type { Logger } from "pino";
import "../http/locals.js";

export interface Context {
  core: Core;
  logger: Logger;
  requestId: string;
  authorization: string | string[] | undefined;
  /** The raw `Idempotency-Key` header: mutations honour it as REST POSTs do (./idempotency.ts). */
  idempotencyKey: string | string[] | undefined;
  /**
   * Sets headers on the HTTP response that carries the call (rate-limit headers, Retry-After, Idempotent-Replayed).
   * In a batch every call shares one response, so the last call's values win. A no-op without HTTP.
   */
  setResponseHeaders: (headers: Record<string, string>) => void;
  /** Lets the auth middleware put the organisation into the request log line. */
  onAuthenticated?: (organisationId: string, apiKeyId: string) => void;
}

export interface ContextDeps {
  core: Core;
  logger: Logger;
}

/**
 * The HTTP request id while tRPC handles a request. tRPC refuses some requests before it builds a context (no JSON
 * Content-Type on a mutation, a batch mixing queries and mutations, an undecodable path); the error formatter reads
 * the id from here then, so those answers carry `data.request_id` like every other.
 */
export const trpcRequestIds = new AsyncLocalStorage<string>();

/** Transport-free context (tests, `createCaller`). */
export function createContextInner(
  deps: ContextDeps & { requestId: string; authorization?: string | undefined; idempotencyKey?: string | undefined },
): Context {
  return {
    core: deps.core,
    logger: deps.logger,
    requestId: deps.requestId,
    authorization: deps.authorization,
    idempotencyKey: deps.idempotencyKey,
    setResponseHeaders: () => undefined,
  };
}

/** The Express adapter's `createContext`. */
export function createContextFactory(deps: ContextDeps): (opts: CreateExpressContextOptions) => Context {
  return ({ req, res }) => ({
    core: deps.core,
    logger: deps.logger,
    requestId: res.locals.requestId,
    authorization: req.headers.authorization,
    idempotencyKey: req.headers["idempotency-key"],
    setResponseHeaders: (headers) => {
      if (res.headersSent) return;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    },
    onAuthenticated: (organisationId, apiKeyId) => {
      res.locals.principal = { organisationId, apiKeyId };
    },
  });
}
