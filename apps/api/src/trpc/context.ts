/**
 * 1. CONTEXT. What every procedure can see: the core services, the request id of the HTTP request that
 * carried the call, the request's authentication (run lazily, once per HTTP request, by `authedProcedure`, with the
 * same code as REST), the raw Idempotency-Key header, and a way to set response headers.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Core, Principal } from "@kirim/core";
import type { CreateExpressContextOptions } from "@trpc/server/adapters/express";
import type { Logger } from "pino";
import { authenticate } from "../http/auth.js";
import { clientAddress } from "../http/client-address.js";
import "../http/locals.js";

export interface Context {
  core: Core;
  logger: Logger;
  requestId: string;
  /**
   * The request's principal. TRPC builds one context per HTTP request, and this authenticates on the first call
   * and hands every later call of the batch the same outcome (principal or error): one key lookup per request.
   */
  authenticate: () => Promise<Principal>;
  /** The raw `Idempotency-Key` header: mutations honour it as REST POSTs do (./idempotency.ts). */
  idempotencyKey: string | string[] | undefined;
  /**
   * Sets headers on the HTTP response that carries the call (rate-limit headers, Retry-After, Idempotent-Replayed).
   * In a batch every call shares one response, so the last call's values win. A no-op without HTTP.
   */
  setResponseHeaders: (headers: Record<string, string>) => void;
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

/** Runs `authenticate` the first time it is asked for, and returns that same promise ever after. */
function once(authenticateNow: () => Promise<Principal>): () => Promise<Principal> {
  let outcome: Promise<Principal> | undefined;
  return () => (outcome ??= authenticateNow());
}

/** Transport-free context (tests, `createCaller`); the client address is a placeholder. */
export function createContextInner(
  deps: ContextDeps & { requestId: string; authorization?: string | undefined; idempotencyKey?: string | undefined },
): Context {
  return {
    core: deps.core,
    logger: deps.logger,
    requestId: deps.requestId,
    authenticate: once(() => authenticate(deps.core, deps.authorization, "in-process")),
    idempotencyKey: deps.idempotencyKey,
    setResponseHeaders: () => undefined,
  };
}

/** The Express adapter's `createContext` (called once per HTTP request, batch or not). */
export function createContextFactory(deps: ContextDeps): (opts: CreateExpressContextOptions) => Context {
  return ({ req, res }) => ({
    core: deps.core,
    logger: deps.logger,
    requestId: res.locals.requestId,
    authenticate: once(async () => {
      const principal = await authenticate(deps.core, req.headers.authorization, clientAddress(req));
      // Puts the organisation into the request log line.
      res.locals.principal = principal;
      return principal;
    }),
    idempotencyKey: req.headers["idempotency-key"],
    setResponseHeaders: (headers) => {
      if (res.headersSent) return;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    },
  });
}
