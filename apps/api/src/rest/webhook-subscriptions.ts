/**
 * REST `/v1/webhook_subscriptions` (issue 17): thin handlers over core.webhooks. Mounted inside the /v1 router, so
 * auth, rate limits, JSON body parsing and Idempotency-Key (POSTs) apply as to every other route.
 */
import {
  ZCreateWebhookSubscriptionRequest,
  ZListWebhookDeliveriesQuery,
  ZListWebhookSubscriptionsQuery,
  ZRedeliverRequest,
  ZRedeliverResult,
  ZUpdateWebhookSubscriptionRequest,
  ZWebhookDeliveryAttempt,
  ZWebhookSubscription,
  ZWebhookSubscriptionDeleteResult,
  ZWebhookTestResult,
} from "@kirim/schema";
import type { Core } from "@kirim/core";
import type { Router } from "express";
import { z } from "zod";
import { principalOf } from "../http/auth.js";
import { objectBody } from "../http/body.js";
import { parseOrThrow } from "../errors/validation.js";
import { methodNotAllowed } from "./method-not-allowed.js";
import { sendData, sendList, serialize } from "./serialize.js";

const BASE = "/webhook_subscriptions";
const ZSubscriptionList = z.array(ZWebhookSubscription);
const ZAttemptList = z.array(ZWebhookDeliveryAttempt);

/** Registers the routes on the /v1 router itself (after auth, rate limit, body and Idempotency-Key middleware). */
export function registerWebhookSubscriptionRoutes(router: Router, core: Core): void {
  const id = (raw: string | undefined) => raw ?? "";

  router.post(BASE, async (req, res) => {
    const input = parseOrThrow(ZCreateWebhookSubscriptionRequest, objectBody(req), "body");
    const created = await core.webhooks.create(principalOf(res.locals), input);
    res.setHeader("Location", `/v1/webhook_subscriptions/${created.id}`);
    sendData(res, 201, serialize(ZWebhookSubscription, created));
  });
  router.get(BASE, async (req, res) => {
    const query = parseOrThrow(ZListWebhookSubscriptionsQuery, req.query, "query");
    const page = await core.webhooks.list(principalOf(res.locals), query);
    sendList(res, { ...page, data: serialize(ZSubscriptionList, page.data) });
  });
  router.get(`${BASE}/:id`, async (req, res) => {
    sendData(res, 200, serialize(ZWebhookSubscription, await core.webhooks.get(principalOf(res.locals), id(req.params.id))));
  });
  router.patch(`${BASE}/:id`, async (req, res) => {
    const input = parseOrThrow(ZUpdateWebhookSubscriptionRequest, objectBody(req), "body");
    sendData(res, 200, serialize(ZWebhookSubscription, await core.webhooks.update(principalOf(res.locals), id(req.params.id), input)));
  });
  router.delete(`${BASE}/:id`, async (req, res) => {
    sendData(res, 200, serialize(ZWebhookSubscriptionDeleteResult, await core.webhooks.remove(principalOf(res.locals), id(req.params.id))));
  });
  router.post(`${BASE}/:id/rotate_secret`, async (req, res) => {
    sendData(res, 200, serialize(ZWebhookSubscription, await core.webhooks.rotateSecret(principalOf(res.locals), id(req.params.id))));
  });
  router.post(`${BASE}/:id/test`, async (req, res) => {
    sendData(res, 202, serialize(ZWebhookTestResult, await core.webhooks.sendTest(principalOf(res.locals), id(req.params.id))));
  });
  router.get(`${BASE}/:id/deliveries`, async (req, res) => {
    const query = parseOrThrow(ZListWebhookDeliveriesQuery, req.query, "query");
    const page = await core.webhooks.listDeliveries(principalOf(res.locals), id(req.params.id), query);
    sendList(res, { ...page, data: serialize(ZAttemptList, page.data) });
  });
  router.post(`${BASE}/:id/redeliver`, async (req, res) => {
    const input = parseOrThrow(ZRedeliverRequest, objectBody(req), "body");
    sendData(res, 202, serialize(ZRedeliverResult, await core.webhooks.redeliver(principalOf(res.locals), id(req.params.id), input)));
  });

  router.all(BASE, methodNotAllowed(["GET", "POST"]));
  router.all(`${BASE}/:id`, methodNotAllowed(["GET", "PATCH", "DELETE"]));
  router.all(`${BASE}/:id/rotate_secret`, methodNotAllowed(["POST"]));
  router.all(`${BASE}/:id/test`, methodNotAllowed(["POST"]));
  router.all(`${BASE}/:id/deliveries`, methodNotAllowed(["GET"]));
  router.all(`${BASE}/:id/redeliver`, methodNotAllowed(["POST"]));
}
