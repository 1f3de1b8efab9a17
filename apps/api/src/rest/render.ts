/**
 * `POST /v1/{phone_number_id}/templates/{name}/render`: render-and-check a send (core `templates.render`). Its own
 * file so the template routes of v1.ts stay as they are; registered by createV1Router after auth, rate limit, body
 * parsing and Idempotency-Key, like every other route.
 */
import { ZPhoneNumberId, ZRenderTemplateRequest, ZRenderedTemplate } from "@kirim/schema";
import type { Core } from "@kirim/core";
import type { Router } from "express";
import { z } from "zod";
import { principalOf } from "../http/auth.js";
import { objectBody } from "../http/body.js";
import { parseOrThrow } from "../errors/validation.js";
import { methodNotAllowed } from "./method-not-allowed.js";
import { sendData, serialize } from "./serialize.js";

const ZRenderPath = z.object({ phone_number_id: ZPhoneNumberId });

export function registerRenderRoutes(router: Router, core: Core): void {
  router.post("/:phone_number_id/templates/:name/render", async (req, res) => {
    const { phone_number_id: phoneNumberId } = parseOrThrow(ZRenderPath, { phone_number_id: req.params.phone_number_id }, "path");
    const request = parseOrThrow(ZRenderTemplateRequest, objectBody(req), "body");
    const rendered = await core.templates.render(principalOf(res.locals), phoneNumberId, req.params.name ?? "", request);
    sendData(res, 200, serialize(ZRenderedTemplate, rendered));
  });
  router.all("/:phone_number_id/templates/:name/render", methodNotAllowed(["POST"]));
}
