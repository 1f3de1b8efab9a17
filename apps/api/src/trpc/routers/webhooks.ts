/**
 * tRPC `webhooks.*` (issue 17): the same operations as REST `/v1/webhook_subscriptions`, through the same core
 * service; mutations honour Idempotency-Key and every call takes a rate-limit token (authedProcedure).
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
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { idempotentMutation } from "../idempotency.js";
import { infiniteQueryInput, withoutDirection } from "../paging.js";
import { authedProcedure } from "../trpc.js";

const ZId = z.strictObject({ id: z.string().min(1).max(64) });
const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

export const webhooksRouter = {
  create: authedProcedure
    .input(ZCreateWebhookSubscriptionRequest)
    .output(ZWebhookSubscription)
    .mutation(({ ctx, input }) => idempotentMutation(ctx, "webhooks.create", input, () => ctx.core.webhooks.create(ctx.principal, input))),
  list: authedProcedure
    .input(ZListWebhookSubscriptionsQuery.extend(infiniteQueryInput))
    .output(page(ZWebhookSubscription))
    .query(({ ctx, input }) => ctx.core.webhooks.list(ctx.principal, withoutDirection(input))),
  get: authedProcedure
    .input(ZId)
    .output(ZWebhookSubscription)
    .query(({ ctx, input }) => ctx.core.webhooks.get(ctx.principal, input.id)),
  update: authedProcedure
    .input(ZId.extend({ update: ZUpdateWebhookSubscriptionRequest }))
    .output(ZWebhookSubscription)
    .mutation(({ ctx, input }) => idempotentMutation(ctx, "webhooks.update", input, () => ctx.core.webhooks.update(ctx.principal, input.id, input.update))),
  delete: authedProcedure
    .input(ZId)
    .output(ZWebhookSubscriptionDeleteResult)
    .mutation(({ ctx, input }) => idempotentMutation(ctx, "webhooks.delete", input, () => ctx.core.webhooks.remove(ctx.principal, input.id))),
  rotateSecret: authedProcedure
    .input(ZId)
    .output(ZWebhookSubscription)
    .mutation(({ ctx, input }) => idempotentMutation(ctx, "webhooks.rotateSecret", input, () => ctx.core.webhooks.rotateSecret(ctx.principal, input.id))),
  sendTest: authedProcedure
    .input(ZId)
    .output(ZWebhookTestResult)
    .mutation(({ ctx, input }) => idempotentMutation(ctx, "webhooks.sendTest", input, () => ctx.core.webhooks.sendTest(ctx.principal, input.id))),
  deliveries: authedProcedure
    .input(ZId.extend({ ...ZListWebhookDeliveriesQuery.shape, ...infiniteQueryInput }))
    .output(page(ZWebhookDeliveryAttempt))
    .query(({ ctx, input }) => {
      const { id, ...query } = withoutDirection(input);
      return ctx.core.webhooks.listDeliveries(ctx.principal, id, query);
    }),
  redeliver: authedProcedure
    .input(ZId.extend({ redeliver: ZRedeliverRequest }))
    .output(ZRedeliverResult)
    .mutation(({ ctx, input }) => idempotentMutation(ctx, "webhooks.redeliver", input, () => ctx.core.webhooks.redeliver(ctx.principal, input.id, input.redeliver))),
} satisfies TRPCRouterRecord;
