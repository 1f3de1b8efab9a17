/**
 * `GET /v1/openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (the interactive reference), both public.
 * Mount it on the app root BEFORE the `/v1` router, whose bearer-auth middleware would otherwise claim
 * `/v1/openapi.json`, and after the request-id middleware, which sets the `X-Request-Id` header the document
 * promises on every response.
 */
import { Router } from "express";
import { allowedMethods } from "../endpoints/rest.js";
import { methodNotAllowed } from "../rest/method-not-allowed.js";
import { API_TITLE, getOpenApiJson } from "./document.js";
import { DOCS_INIT_PATH, SCALAR_BUNDLE_PATH, docsHtml, docsInitScript, resolveScalarBundle } from "./docs-page.js";
import { DOCS_PATH, OPENAPI_JSON_PATH } from "./routes.js";

export interface OpenApiRouterOptions {
  /** Serve `/docs` and its assets (default true). The JSON document is always served. */
  docs?: boolean;
}

export function openApiRouter(options: OpenApiRouterOptions = {}): Router {
  const router = Router({ strict: false });

  router.get(OPENAPI_JSON_PATH, (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.type("application/json").send(getOpenApiJson());
  });
  // Same 405 (with `Allow`) as the rest of the API: the methods the endpoint table declares for the path.
  router.all(OPENAPI_JSON_PATH, methodNotAllowed(allowedMethods(OPENAPI_JSON_PATH)));

  if (options.docs ?? true) {
    // Resolved now so a broken install fails at startup, not on the first visit.
    const bundle = resolveScalarBundle();
    const html = docsHtml(API_TITLE);
    const init = docsInitScript();

    router.get(DOCS_PATH, (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.type("html").send(html);
    });
    router.all(DOCS_PATH, methodNotAllowed(allowedMethods(DOCS_PATH)));
    router.get(SCALAR_BUNDLE_PATH, (_req, res, next) => {
      // dotfiles: "allow" because pnpm's store path contains `.pnpm`; the path is ours, never the client's.
      const sendOptions = {
        maxAge: "1d",
        dotfiles: "allow" as const,
        headers: { "Content-Type": "text/javascript; charset=utf-8" },
      };
      res.sendFile(bundle, sendOptions, (error) => {
        if (error !== undefined) next(error);
      });
    });
    router.get(DOCS_INIT_PATH, (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.type("text/javascript").send(init);
    });
  }

  return router;
}
