/**
 * 1. CONTEXT. What every procedure can see: the core services, the request id of the HTTP request that
 * carried the call, and the raw Authorization header (authenticated lazily by `authedProcedure`, with the
 * same code as REST).
 */
import type { Core } from "@kirim/core";
import type { CreateExpressContextOptions } from "@trpc/server/adapters/express";
import type { Logger } from "pino";
import "../http/locals.js";

export interface Context {
  core: Core;
  logger: Logger;
  requestId: string;
  authorization: string | string[] | undefined;
  /** Lets the auth middleware put the organisation into the request log line. */
  onAuthenticated?: (organisationId: string, apiKeyId: string) => void;
}

export interface ContextDeps {
  core: Core;
  logger: Logger;
}

/** Transport-free context (tests, `createCaller`). */
export function createContextInner(deps: ContextDeps & { requestId: string; authorization?: string | undefined }): Context {
  return { core: deps.core, logger: deps.logger, requestId: deps.requestId, authorization: deps.authorization };
}

/** The Express adapter's `createContext`. */
export function createContextFactory(deps: ContextDeps): (opts: CreateExpressContextOptions) => Context {
  return ({ req, res }) => ({
    core: deps.core,
    logger: deps.logger,
    requestId: res.locals.requestId,
    authorization: req.headers.authorization,
    onAuthenticated: (organisationId, apiKeyId) => {
      res.locals.principal = { organisationId, apiKeyId };
    },
  });
}
