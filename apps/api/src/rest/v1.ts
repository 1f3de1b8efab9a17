/**
 * REST `/v1`: thin handlers. Parse with @kirim/schema, call core, serialize. No business rules here.
 */
import {
  ZAccount,
  ZCreateTemplateRequest,
  ZGetTemplateQuery,
  ZListAccountsQuery,
  ZListTemplatesQuery,
  ZPhoneNumberId,
  ZTemplate,
  ZTemplateSyncResult,
} from "@kirim/schema";
import { DomainError } from "@kirim/core";
import type { Core } from "@kirim/core";
import { Router } from "express";
import type { Request, RequestHandler } from "express";
import { z } from "zod";
import { principalOf, requireApiKey } from "../http/auth.js";
import { jsonBody, objectBody } from "../http/body.js";
import { parseOrThrow } from "../errors/validation.js";
import { sendData, sendList, serialize } from "./serialize.js";

export interface V1Deps {
  core: Core;
  /** Readiness probe (e.g. `select 1`); `GET /v1/health/ready` answers 500 `internal_error` when it throws
   * (the catalogue has no 503 code). */
  checkReady?: () => Promise<void>;
}

const ZPathPhoneNumberId = z.object({ phone_number_id: ZPhoneNumberId });
const ZTemplateList = z.array(ZTemplate);
const ZAccountList = z.array(ZAccount);

/** 405 with `Allow` for a known path hit with another method (registered after the real routes). */
function methodNotAllowed(allowed: string[]): RequestHandler {
  const allow = allowed.includes("GET") ? [...allowed, "HEAD"] : allowed;
  return (req) => {
    throw new DomainError("method_not_allowed", `${req.method} is not allowed here. Allowed: ${allow.join(", ")}.`, {
      headers: { Allow: allow.join(", ") },
    });
  };
}

function phoneNumberIdOf(req: Request): string {
  return parseOrThrow(ZPathPhoneNumberId, { phone_number_id: req.params.phone_number_id }, "path").phone_number_id;
}

export function createV1Router(deps: V1Deps): Router {
  const { core } = deps;
  const router = Router({ strict: false });

  // ---- public -------------------------------------------------------------------------------------
  router.get("/health", (_req, res) => {
    sendData(res, 200, { status: "ok" });
  });
  router.get("/health/ready", async (_req, res) => {
    await deps.checkReady?.();
    sendData(res, 200, { status: "ok", database: "ok" });
  });
  router.all("/health", methodNotAllowed(["GET"]));
  router.all("/health/ready", methodNotAllowed(["GET"]));

  // ---- everything below needs `Authorization: Bearer <key>` --------------------------------------
  router.use(requireApiKey(core));
  router.use(jsonBody());

  router.get("/accounts", async (req, res) => {
    const query = parseOrThrow(ZListAccountsQuery, req.query, "query");
    const accounts = await core.accounts.list(principalOf(res.locals), query);
    sendList(res, { data: serialize(ZAccountList, accounts), has_more: false, next_cursor: null });
  });

  router.post("/:phone_number_id/templates/sync", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const result = await core.templates.sync(principalOf(res.locals), phoneNumberId);
    sendData(res, 200, serialize(ZTemplateSyncResult, result));
  });

  router.post("/:phone_number_id/templates", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const body = objectBody(req);
    const input = parseOrThrow(ZCreateTemplateRequest, body, "body");
    const template = await core.templates.create(principalOf(res.locals), phoneNumberId, input);
    sendData(res, 201, serialize(ZTemplate, template));
  });

  router.get("/:phone_number_id/templates", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZListTemplatesQuery, req.query, "query");
    const page = await core.templates.list(principalOf(res.locals), phoneNumberId, query);
    sendList(res, { ...page, data: serialize(ZTemplateList, page.data) });
  });

  router.get("/:phone_number_id/templates/:name", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZGetTemplateQuery, req.query, "query");
    const name = req.params.name ?? "";
    const templates = await core.templates.getByName(principalOf(res.locals), phoneNumberId, name, query);
    sendData(res, 200, serialize(ZTemplateList, templates));
  });

  router.all("/accounts", methodNotAllowed(["GET"]));
  router.all("/:phone_number_id/templates", methodNotAllowed(["GET", "POST"]));
  router.all("/:phone_number_id/templates/sync", methodNotAllowed(["POST", "GET"]));
  router.all("/:phone_number_id/templates/:name", methodNotAllowed(["GET"]));

  return router;
}
