/**
 * `/webhooks/meta` — Meta's webhook callback, outside /v1 and its API-key auth.
 *
 * GET: the subscription handshake. `hub.mode=subscribe` and `hub.verify_token` = META_WEBHOOK_VERIFY_TOKEN →
 *   200 with `hub.challenge` echoed verbatim (text/plain); anything else → 403 `webhook_verification_failed`.
 * POST: the body is read RAW (no JSON parser before this route) and `X-Hub-Signature-256` is checked over those
 *   exact bytes with META_APP_SECRET in constant time; a missing or wrong signature → 401 `webhook_signature_invalid`
 *   and nothing is stored. A verified body is stored change by change (deduplicated), the new events are handed to
 *   the job queue, and Meta gets its 200 at once: applying happens in the background (Meta retries for 36 h when
 *   it does not get a fast 2xx).
 */
import { DomainError, verifyWebhookSignature } from "@kirim/core";
import type { Core } from "@kirim/core";
import express, { Router } from "express";
import type { Logger } from "pino";
import { META_WEBHOOK_PATH } from "../endpoints/paths.js";
import { allowedMethods } from "../endpoints/rest.js";
import { methodNotAllowed } from "../rest/method-not-allowed.js";

export interface MetaWebhookConfig {
  appSecret: string;
  verifyToken: string;
}

export interface MetaWebhookDeps {
  core: Core;
  logger: Logger;
  /** Undefined → both endpoints answer 404 `webhooks_not_configured`. */
  config: MetaWebhookConfig | undefined;
  /** Hands stored event ids to the job queue (or applies them inline when no queue runs). */
  dispatch: (eventIds: readonly string[]) => Promise<void>;
}

/** Meta batches up to 1000 updates per POST; 5 MB is far above that. */
const WEBHOOK_BODY_LIMIT = "5mb";

export function createMetaWebhookRouter(deps: MetaWebhookDeps): Router {
  const router = Router({ strict: false });

  const requireConfig = (): MetaWebhookConfig => {
    if (deps.config === undefined) {
      throw new DomainError(
        "webhooks_not_configured",
        "Set META_APP_SECRET and META_WEBHOOK_VERIFY_TOKEN to receive Meta webhooks.",
      );
    }
    return deps.config;
  };

  router.get("/", (req, res) => {
    const config = requireConfig();
    const q = req.query as Record<string, unknown>;
    const challenge = typeof q["hub.challenge"] === "string" ? q["hub.challenge"] : "";
    if (q["hub.mode"] !== "subscribe" || q["hub.verify_token"] !== config.verifyToken || challenge === "") {
      throw new DomainError(
        "webhook_verification_failed",
        "hub.mode must be subscribe and hub.verify_token must match the configured token.",
      );
    }
    res.status(200).type("text/plain").send(challenge);
  });

  router.post("/", express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const config = requireConfig();
    const raw: unknown = req.body;
    const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
    const signature = req.headers["x-hub-signature-256"];
    if (!verifyWebhookSignature(config.appSecret, body, typeof signature === "string" ? signature : undefined)) {
      deps.logger.warn(
        { request_id: res.locals.requestId, bytes: body.length },
        "webhook with a missing or wrong signature refused",
      );
      throw new DomainError("webhook_signature_invalid", "X-Hub-Signature-256 is missing or does not match the body.");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      throw new DomainError("invalid_json", "The webhook body is not valid JSON.");
    }
    const stored = await deps.core.webhooksIn.receive(payload);
    deps.logger.info(
      {
        request_id: res.locals.requestId,
        stored: stored.stored.length,
        duplicates: stored.duplicates,
        skipped: stored.skipped,
      },
      "meta webhook received",
    );
    // Acknowledge first: a slow or failing apply must not make Meta retry a change we already hold.
    res.status(200).json({
      received: true,
      stored: stored.stored.length,
      duplicates: stored.duplicates,
      request_id: res.locals.requestId,
    });
    await deps
      .dispatch(stored.stored)
      .catch((err: unknown) => deps.logger.error({ err }, "webhook dispatch failed; events stay pending"));
  });

  router.all("/", methodNotAllowed(allowedMethods(META_WEBHOOK_PATH), { head: false }));
  return router;
}
