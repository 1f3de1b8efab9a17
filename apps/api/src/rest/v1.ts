/**
 * REST `/v1`: the middleware chain, and the routes of the endpoint table (../endpoints/table.ts) registered in it by
 * ../endpoints/rest.ts. Handlers are thin: parse with @kirim/schema, call core, serialize. No business rules here.
 */
import { DomainError } from "@kirim/core";
import { Router } from "express";
import type { RequestHandler } from "express";
import { requireApiKey } from "../http/auth.js";
import { jsonBody } from "../http/body.js";
import { idempotency } from "../http/idempotency.js";
import { rateLimit } from "../http/rate-limit.js";
import { parseOrThrow } from "../errors/validation.js";
import { ZAccountPath } from "../endpoints/paths.js";
import { PHONE_SCOPED_COLLECTIONS, registerStage } from "../endpoints/rest.js";

import type { V1Deps } from "../endpoints/define.js";
export type { V1Deps };

/**
 * Express decodes `:phone_number_id` and `:name` with decodeURIComponent, and a segment that is not valid
 * percent-encoded UTF-8 (`%zz`, `%ED%A0%80`) would surface as an internal error. Checked first instead: such a
 * phone_number_id is not 6–20 digits either (the usual 400), such a template name cannot exist (404, the answer for
 * any unknown name, so it says nothing about the account), and any other such segment matches no route. The
 * collections under `/v1/{phone_number_id}/…` (PHONE_SCOPED_COLLECTIONS) come from the endpoint table.
 */
function requireDecodablePath(): RequestHandler {
  return (req, _res, next) => {
    const segments = req.path.split("/").slice(1);
    segments.forEach((segment, index) => {
      try {
        decodeURIComponent(segment);
      } catch {
        const templateRoute = segments[1] === "templates";
        const phoneScoped = PHONE_SCOPED_COLLECTIONS.has(segments[1] ?? "");
        if (phoneScoped && index === 0) parseOrThrow(ZAccountPath, { phone_number_id: segment }, "path");
        if (templateRoute && index === 2) {
          throw new DomainError("resource_not_found", "No template with this name on this account.", { param: "name" });
        }
        if (segments[0] === "webhook_subscriptions" && index === 1) {
          throw new DomainError("resource_not_found", "No webhook subscription with this id in your organisation.", {
            param: "id",
          });
        }
        throw new DomainError("route_not_found", `No route for ${req.method} ${req.path}.`);
      }
    });
    next();
  };
}

export function createV1Router(deps: V1Deps): Router {
  const { core } = deps;
  const router = Router({ strict: false });

  // ---- public: health probes -------------------------------------------------------------------------
  registerStage(router, "public", deps);

  // ---- everything below needs `Authorization: Bearer <key>` --------------------------------------
  router.use(requireApiKey(core));
  // The organisation's request bucket: before body parsing, so even a malformed request costs a token.
  router.use(rateLimit(core));
  router.use(requireDecodablePath());
  // Raw-body routes (header sample uploads): before the JSON parser, which refuses any other type.
  registerStage(router, "raw", deps);
  router.use(jsonBody());
  // Idempotency-Key on POST: needs the organisation (auth) and the parsed body (fingerprint).
  router.use(idempotency(core));
  // Every other endpoint of the table, each block followed by its 405 answers.
  registerStage(router, "json", deps);

  return router;
}
