/**
 * REST `/v1`: thin handlers. Parse with @kirim/schema, call core, serialize. No business rules here.
 */
import {
  ZAccount,
  ZCreateTemplateRequestChecked,
  ZGetTemplateQuery,
  ZListAccountsQuery,
  ZDeleteTemplateQuery,
  ZEditTemplateRequest,
  ZTemplateDeleteResult,
  ZListSyncRunsQuery,
  ZListTemplateEventsQuery,
  ZListTemplatesQuery,
  ZMe,
  ZMediaUpload,
  ZMediaUploadQuery,
  ZTemplateByName,
  ZTemplateEvent,
  ZTemplateSyncRun,
  ZPhoneNumberId,
  ZTemplate,
  ZSyncTemplatesRequest,
  ZTemplateSyncResult,
  ZTemplateCounts,
  ZTemplateCountsQuery,
} from "@kirim/schema";
import { DomainError, acceptedUploadType, uploadLimitFor } from "@kirim/core";
import type { Core } from "@kirim/core";
import express, { Router } from "express";
import type { Request, RequestHandler } from "express";
import { z } from "zod";
import { principalOf, requireApiKey } from "../http/auth.js";
import { hasBody, jsonBody, objectBody } from "../http/body.js";
import { idempotency } from "../http/idempotency.js";
import { rateLimit } from "../http/rate-limit.js";
import { parseOrThrow } from "../errors/validation.js";
import { methodNotAllowed } from "./method-not-allowed.js";
import { registerLibraryRoutes } from "./library.js";
import { registerRenderRoutes } from "./render.js";
import { sendData, sendList, serialize } from "./serialize.js";
import { registerWebhookSubscriptionRoutes } from "./webhook-subscriptions.js";

export interface V1Deps {
  core: Core;
  /** Readiness probe (e.g. `select 1`); `GET /v1/health/ready` answers 500 `internal_error` when it throws
   * (the catalogue has no 503 code). */
  checkReady?: () => Promise<void>;
}

const ZPathPhoneNumberId = z.object({ phone_number_id: ZPhoneNumberId });
const ZTemplateList = z.array(ZTemplate);
const ZAccountList = z.array(ZAccount);
const ZSyncRunList = z.array(ZTemplateSyncRun);
const ZTemplateEventList = z.array(ZTemplateEvent);

/**
 * Express decodes `:phone_number_id` and `:name` with decodeURIComponent, and a segment that is not valid
 * percent-encoded UTF-8 (`%zz`, `%ED%A0%80`) would surface as an internal error. Checked first instead: such a
 * phone_number_id is not 6–20 digits either (the usual 400), such a template name cannot exist (404, the answer for
 * any unknown name, so it says nothing about the account), and any other such segment matches no route.
 */
/** The collections under `/v1/{phone_number_id}/…`: a new one must be listed here (the fuzz drill finds it otherwise). */
const PHONE_SCOPED_COLLECTIONS = new Set(["templates", "template_sync_runs", "uploads", "template_counts", "template_library"]);

function requireDecodablePath(): RequestHandler {
  return (req, _res, next) => {
    const segments = req.path.split("/").slice(1);
    segments.forEach((segment, index) => {
      try {
        decodeURIComponent(segment);
      } catch {
        const templateRoute = segments[1] === "templates";
        const phoneScoped = PHONE_SCOPED_COLLECTIONS.has(segments[1] ?? "");
        if (phoneScoped && index === 0) parseOrThrow(ZPathPhoneNumberId, { phone_number_id: segment }, "path");
        if (templateRoute && index === 2) {
          throw new DomainError("resource_not_found", "No template with this name on this account.", { param: "name" });
        }
        if (segments[0] === "webhook_subscriptions" && index === 1) {
          throw new DomainError("resource_not_found", "No webhook subscription with this id in your organisation.", { param: "id" });
        }
        throw new DomainError("route_not_found", `No route for ${req.method} ${req.path}.`);
      }
    });
    next();
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
  // The organisation's request bucket: before body parsing, so even a malformed request costs a token.
  router.use(rateLimit(core));
  router.use(requireDecodablePath());
  // Header samples as raw bytes (the dashboard's file picker): before the JSON parser, which refuses any other type.
  // No Idempotency-Key (it would fingerprint up to 100 MB); a retried upload only issues another handle.
  router.post("/:phone_number_id/uploads", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZMediaUploadQuery, req.query, "query");
    const contentType = req.headers["content-type"];
    const mimeType = acceptedUploadType(contentType);
    // Type and declared size are judged before a byte is read: a 1 GB PDF is refused at once.
    if (mimeType !== null) {
      const limit = uploadLimitFor(mimeType);
      const maxBytes = limit.maxBytes;
      const tooLarge = (size: string) => {
        res.setHeader("Connection", "close");
        return new DomainError("request_too_large", limit.tooLarge(size), { param: "body" });
      };
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > maxBytes) throw tooLarge(`${declared} bytes`);
      // inflate: false — a compressed body is refused (the byte cap and the magic bytes judge what Meta gets).
      await new Promise<void>((resolve, reject) => {
        express.raw({ type: () => true, limit: maxBytes, inflate: false })(req, res, (error?: unknown) => (error === undefined ? resolve() : reject(error)));
      }).catch((error: unknown) => {
        const type = (error as { type?: unknown } | null)?.type;
        if (type === "entity.too.large") throw tooLarge(`more than ${maxBytes} bytes`);
        if (type === "encoding.unsupported") {
          throw new DomainError("unsupported_media_type", "Send the file uncompressed (no Content-Encoding).", { param: "Content-Encoding" });
        }
        throw error;
      });
    }
    const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
    const uploaded = await core.media.uploadSample(principalOf(res.locals), phoneNumberId, { bytes, contentType, fileName: query.file_name });
    sendData(
      res,
      201,
      serialize(ZMediaUpload, { object: "media_upload", handle: uploaded.handle, format: uploaded.format, mime_type: uploaded.mimeType, bytes: uploaded.bytes, file_name: uploaded.fileName }),
    );
  });
  router.all("/:phone_number_id/uploads", methodNotAllowed(["POST"]));
  router.use(jsonBody());
  // Idempotency-Key on POST: needs the organisation (auth) and the parsed body (fingerprint).
  router.use(idempotency(core));
  // Outbound webhook subscriptions (issue 17), behind the same auth, rate limit and Idempotency-Key.
  registerWebhookSubscriptionRoutes(router, core);

  router.get("/accounts", async (req, res) => {
    const query = parseOrThrow(ZListAccountsQuery, req.query, "query");
    const accounts = await core.accounts.list(principalOf(res.locals), query);
    sendList(res, { data: serialize(ZAccountList, accounts), has_more: false, next_cursor: null });
  });

  router.get("/me", async (_req, res) => {
    sendData(res, 200, serialize(ZMe, await core.me.get(principalOf(res.locals))));
  });

  // Routes are laid out so that every valid template name (`^[a-z0-9_]+$`: `sync`, `sync_runs`, `events`, `me`…)
  // reaches every template operation: under /templates/ a single segment is always a name, except
  // `POST /templates/sync`, which is Kirimdev's own route (edit is PATCH, so it never competes with it).
  router.post("/:phone_number_id/templates/sync", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    parseOrThrow(ZSyncTemplatesRequest, req.query, "query");
    if (hasBody(req)) parseOrThrow(ZSyncTemplatesRequest, req.body, "body");
    const result = await core.templates.sync(principalOf(res.locals), phoneNumberId, { trigger: "api" });
    sendData(res, 200, serialize(ZTemplateSyncResult, result));
  });

  router.post("/:phone_number_id/templates", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const body = objectBody(req);
    const input = parseOrThrow(ZCreateTemplateRequestChecked, body, "body");
    const template = await core.templates.create(principalOf(res.locals), phoneNumberId, input, {
      requestId: res.locals.requestId,
      resumesAbandonedAttempt: res.locals.resumesAbandonedAttempt === true,
    });
    sendData(res, 201, serialize(ZTemplate, template));
  });

  router.get("/:phone_number_id/templates", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZListTemplatesQuery, req.query, "query");
    const page = await core.templates.list(principalOf(res.locals), phoneNumberId, query);
    sendList(res, { ...page, data: serialize(ZTemplateList, page.data) });
  });

  router.get("/:phone_number_id/template_counts", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    parseOrThrow(ZTemplateCountsQuery, req.query, "query");
    sendData(res, 200, serialize(ZTemplateCounts, await core.templates.counts(principalOf(res.locals), phoneNumberId)));
  });

  // Sync runs live beside the templates, not under them, so `sync_runs` stays a template name.
  router.get("/:phone_number_id/template_sync_runs", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZListSyncRunsQuery, req.query, "query");
    const page = await core.templates.syncRuns(principalOf(res.locals), phoneNumberId, query);
    sendList(res, { ...page, data: serialize(ZSyncRunList, page.data) });
  });

  router.get("/:phone_number_id/templates/:name/events", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZListTemplateEventsQuery, req.query, "query");
    const page = await core.templates.events(principalOf(res.locals), phoneNumberId, req.params.name ?? "", query);
    sendList(res, { ...page, data: serialize(ZTemplateEventList, page.data) });
  });

  router.get("/:phone_number_id/templates/:name", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZGetTemplateQuery, req.query, "query");
    const name = req.params.name ?? "";
    const template = await core.templates.getByName(principalOf(res.locals), phoneNumberId, name, query);
    sendData(res, 200, serialize(ZTemplateByName, template));
  });

  // Edit (one language; Meta's edit rules and quota checked first) and delete (all languages, or ?language=).
  router.patch("/:phone_number_id/templates/:name", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const input = parseOrThrow(ZEditTemplateRequest, objectBody(req), "body");
    const template = await core.templates.edit(principalOf(res.locals), phoneNumberId, req.params.name ?? "", input, { requestId: res.locals.requestId });
    sendData(res, 200, serialize(ZTemplate, template));
  });

  router.delete("/:phone_number_id/templates/:name", async (req, res) => {
    const phoneNumberId = phoneNumberIdOf(req);
    const query = parseOrThrow(ZDeleteTemplateQuery, req.query, "query");
    const result = await core.templates.delete(principalOf(res.locals), phoneNumberId, req.params.name ?? "", query, { requestId: res.locals.requestId });
    sendData(res, 200, serialize(ZTemplateDeleteResult, result));
  });

  registerRenderRoutes(router, core);
  registerLibraryRoutes(router, core);

  router.all("/me", methodNotAllowed(["GET"]));
  router.all("/accounts", methodNotAllowed(["GET"]));
  router.all("/:phone_number_id/templates", methodNotAllowed(["GET", "POST"]));
  router.all("/:phone_number_id/template_sync_runs", methodNotAllowed(["GET"]));
  router.all("/:phone_number_id/template_counts", methodNotAllowed(["GET"]));
  router.all("/:phone_number_id/templates/:name/events", methodNotAllowed(["GET"]));
  // `sync` is a template name too, so POST is the one extra method there.
  router.all("/:phone_number_id/templates/sync", methodNotAllowed(["GET", "POST", "PATCH", "DELETE"]));
  router.all("/:phone_number_id/templates/:name", methodNotAllowed(["GET", "PATCH", "DELETE"]));

  return router;
}
