/**
 * `GET /v1/{phone_number_id}/template_library` (issue 16): Meta's Template Library with Meta's filters (search, topic,
 * usecase, industry, language), through the gateway with the account's token. Beside the templates, not under them,
 * so `template_library` stays free as a template name.
 */
import { ZPhoneNumberId, ZTemplateLibraryList, ZTemplateLibraryQuery } from "@kirim/schema";
import type { Core } from "@kirim/core";
import type { Router } from "express";
import { z } from "zod";
import { principalOf } from "../http/auth.js";
import { parseOrThrow } from "../errors/validation.js";
import { methodNotAllowed } from "./method-not-allowed.js";
import { sendData, serialize } from "./serialize.js";

const ZLibraryPath = z.object({ phone_number_id: ZPhoneNumberId });

export function registerLibraryRoutes(router: Router, core: Core): void {
  router.get("/:phone_number_id/template_library", async (req, res) => {
    const { phone_number_id: phoneNumberId } = parseOrThrow(ZLibraryPath, { phone_number_id: req.params.phone_number_id }, "path");
    const query = parseOrThrow(ZTemplateLibraryQuery, req.query, "query");
    const entries = await core.templates.library(principalOf(res.locals), phoneNumberId, query);
    sendData(res, 200, serialize(ZTemplateLibraryList, entries));
  });
  router.all("/:phone_number_id/template_library", methodNotAllowed(["GET"]));
}
