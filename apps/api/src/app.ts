/**
 * The Express composition root. Middleware order:
 *   request id → request log → security headers → CORS (/v1, when configured) → /webhooks/meta (raw body, signature) →
 *   /v1 (single-valued headers, health, bearer auth + failed-auth bucket, rate limit, JSON body, Idempotency-Key, routes) →
 *   /trpc (single-valued headers, batch ≤ 10 calls, body ≤ 256 kB, then tRPC) → dashboard (/) → 404 →
 *   error handler.
 */
import type { Core } from "@kirim/core";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express from "express";
import type { ErrorRequestHandler, Express, RequestHandler } from "express";
import type { Logger } from "pino";
import { DomainError } from "@kirim/core";
import { META_WEBHOOK_PATH } from "./endpoints/paths.js";
import { dashboardRouter } from "./http/dashboard.js";
import { BODY_LIMIT_BYTES } from "./http/body.js";
import { singleValuedHeaders } from "./http/headers.js";
import { newRequestId, requestId } from "./http/request-id.js";
import { requestLog } from "./http/request-log.js";
import { cors, securityHeaders } from "./http/security.js";
import { toErrorResponse } from "./rest/error-response.js";
import { createV1Router } from "./rest/v1.js";
import { lazyHandler } from "./http/lazy-router.js";
import { MCP_PATH } from "./endpoints/paths.js";
import { openApiRouter } from "./openapi/router.js";
import { createContextFactory, trpcRequestIds } from "./trpc/context.js";
import { trpcGuardErrors, trpcRequestGuards } from "./trpc/http-guards.js";
import { appRouter } from "./trpc/root.js";
import { createMetaWebhookRouter } from "./webhooks/meta-webhooks.js";
import type { MetaWebhookConfig } from "./webhooks/meta-webhooks.js";
import "./http/locals.js";

export interface AppDeps {
  core: Core;
  logger: Logger;
  /** Readiness probe for `GET /v1/health/ready` (e.g. a `select 1`). */
  checkReady?: () => Promise<void>;
  /** Request id generator (tests). */
  generateRequestId?: () => string;
  /** The built dashboard to serve at `/`; not served when absent or not built. */
  webDistDir?: string;
  /** Serve the dashboard's source maps (default: 404). */
  dashboardSourceMaps?: boolean;
  /** Origins allowed to call /v1 from a browser (CORS); absent or empty → no CORS headers. */
  corsOrigins?: readonly string[] | undefined;
  /** Meta webhooks at /webhooks/meta: secret + verify token (absent → 404 webhooks_not_configured) and where stored
   * events go (the job queue; default: applied inline right after the acknowledgement). */
  metaWebhooks?:
    { config: MetaWebhookConfig | undefined; dispatch?: (eventIds: readonly string[]) => Promise<void> } | undefined;
}

export function createApp(deps: AppDeps): Express {
  const { core, logger } = deps;
  const app = express();

  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use(requestId(deps.generateRequestId ?? newRequestId));
  app.use(requestLog(logger));
  app.use(securityHeaders());
  app.use("/v1", cors(deps.corsOrigins));
  // Before the /v1 router (its key check would claim /v1/openapi.json) and the dashboard.
  app.use(openApiRouter());

  // Outside /v1: Meta authenticates with the body signature, not an API key; the raw body is read by this router.
  app.use(
    META_WEBHOOK_PATH,
    createMetaWebhookRouter({
      core,
      logger,
      config: deps.metaWebhooks?.config,
      dispatch:
        deps.metaWebhooks?.dispatch ??
        (async (ids) => {
          for (const id of ids) await core.webhooksIn.apply(id);
        }),
    }),
  );

  // Before authentication: two Authorization headers must not be answered as the first key's organisation.
  app.use("/v1", singleValuedHeaders());
  app.use(
    "/v1",
    createV1Router({
      core,
      ...(deps.checkReady === undefined ? {} : { checkReady: deps.checkReady }),
    }),
  );

  // MCP for AI agents (Streamable HTTP, stateless): the same API keys, buckets and error catalogue as /v1.
  // Its SDK is loaded on the first MCP request: a process that serves only REST/tRPC does not carry it.
  app.use(
    MCP_PATH,
    lazyHandler(async () => (await import("./mcp/mcp-server.js")).createMcpRouter({ core, logger })),
  );

  const trpcHandler = createExpressMiddleware({
    router: appRouter,
    // The REST limit; a body streamed past it is cut off (PAYLOAD_TOO_LARGE → 413 request_too_large), never buffered.
    maxBodySize: BODY_LIMIT_BYTES,
    createContext: createContextFactory({ core, logger }),
    // An error tRPC raises before it has a context would otherwise go out as text/plain; its body is JSON.
    responseMeta: ({ ctx, errors }) =>
      ctx === undefined && errors.length > 0 ? { headers: { "content-type": "application/json" } } : {},
    // Errors are shaped by the router's errorFormatter and logged by its middleware; nothing more here.
    onError: () => undefined,
  });
  const trpc: RequestHandler = (req, res, next) => {
    trpcRequestIds.run(res.locals.requestId, () => void trpcHandler(req, res, next));
  };
  app.use("/trpc", trpcRequestGuards(), trpc, trpcGuardErrors(logger));

  const dashboard =
    deps.webDistDir === undefined
      ? undefined
      : dashboardRouter(deps.webDistDir, { sourceMaps: deps.dashboardSourceMaps === true });
  if (dashboard !== undefined) app.use(dashboard);

  const notFound: RequestHandler = (req) => {
    throw new DomainError("route_not_found", `No route for ${req.method} ${req.path}.`);
  };
  app.use(notFound);

  const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
    const requestIdValue = res.locals.requestId ?? newRequestId();
    const response = toErrorResponse(err, requestIdValue);
    if (response.unexpected) {
      logger.error({ request_id: requestIdValue, method: req.method, err }, "unhandled error");
    } else if (response.status >= 500) {
      logger.warn({ request_id: requestIdValue, code: response.body.error.code, err }, "upstream or server error");
    }
    if (res.headersSent) {
      // Too late for an envelope; let Express close the connection.
      next(err);
      return;
    }
    res.setHeader("X-Request-Id", requestIdValue);
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    res.status(response.status).json(response.body);
  };
  app.use(errorHandler);

  return app;
}
