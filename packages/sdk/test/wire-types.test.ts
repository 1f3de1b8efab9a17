/**
 * The SDK's types are the wire contract: each method's parameters are z.input of the schema the API parses with,
 * and its result is z.output of the schema the API serialises with (apps/api/src/rest/*). Checked by `tsc`
 * (typecheck of test/tsconfig.json): a hand-written type, or a method pointing at another schema, fails to compile.
 */
import type {
  ZAccount,
  ZCreateTemplateRequest,
  ZCreateWebhookSubscriptionRequest,
  ZEditTemplateRequest,
  ZListAccountsQuery,
  ZListTemplatesQuery,
  ZListWebhookDeliveriesQuery,
  ZListWebhookSubscriptionsQuery,
  ZMe,
  ZRedeliverRequest,
  ZRedeliverResult,
  ZRenderedTemplate,
  ZRenderTemplateRequest,
  ZTemplate,
  ZTemplateByName,
  ZTemplateDeleteResult,
  ZTemplateEvent,
  ZTemplateSyncResult,
  ZTemplateSyncRun,
  ZUpdateWebhookSubscriptionRequest,
  ZWebhookDeliveryAttempt,
  ZWebhookSubscription,
  ZWebhookSubscriptionDeleteResult,
  ZWebhookTestResult,
} from "@kirim/schema";
import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { Kirim } from "../src/index.js";

type Templates = ReturnType<Kirim["phoneNumbers"]>["templates"];
type Subscriptions = Kirim["webhookSubscriptions"];
type Result<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Item<F extends (...args: never[]) => unknown> = ReturnType<F> extends AsyncIterable<infer T> ? T : never;

describe("SDK types = @kirim/schema wire types", () => {
  it("results are the schemas the API serialises with", () => {
    expectTypeOf<Result<Kirim["me"]>>().toEqualTypeOf<z.output<typeof ZMe>>();
    expectTypeOf<Result<Kirim["accounts"]["list"]>>().toEqualTypeOf<z.output<typeof ZAccount>[]>();
    expectTypeOf<Result<Templates["create"]>>().toEqualTypeOf<z.output<typeof ZTemplate>>();
    expectTypeOf<Result<Templates["get"]>>().toEqualTypeOf<z.output<typeof ZTemplateByName>>();
    expectTypeOf<Item<Templates["list"]>>().toEqualTypeOf<z.output<typeof ZTemplate>>();
    expectTypeOf<Result<Templates["sync"]>>().toEqualTypeOf<z.output<typeof ZTemplateSyncResult>>();
    expectTypeOf<Item<Templates["syncRuns"]>>().toEqualTypeOf<z.output<typeof ZTemplateSyncRun>>();
    expectTypeOf<Result<Templates["edit"]>>().toEqualTypeOf<z.output<typeof ZTemplate>>();
    expectTypeOf<Result<Templates["delete"]>>().toEqualTypeOf<z.output<typeof ZTemplateDeleteResult>>();
    expectTypeOf<Item<Templates["events"]>>().toEqualTypeOf<z.output<typeof ZTemplateEvent>>();
    expectTypeOf<Result<Templates["render"]>>().toEqualTypeOf<z.output<typeof ZRenderedTemplate>>();
    expectTypeOf<Result<Subscriptions["create"]>>().toEqualTypeOf<z.output<typeof ZWebhookSubscription>>();
    expectTypeOf<Item<Subscriptions["list"]>>().toEqualTypeOf<z.output<typeof ZWebhookSubscription>>();
    expectTypeOf<Result<Subscriptions["get"]>>().toEqualTypeOf<z.output<typeof ZWebhookSubscription>>();
    expectTypeOf<Result<Subscriptions["update"]>>().toEqualTypeOf<z.output<typeof ZWebhookSubscription>>();
    expectTypeOf<Result<Subscriptions["delete"]>>().toEqualTypeOf<z.output<typeof ZWebhookSubscriptionDeleteResult>>();
    expectTypeOf<Result<Subscriptions["rotateSecret"]>>().toEqualTypeOf<z.output<typeof ZWebhookSubscription>>();
    expectTypeOf<Result<Subscriptions["sendTest"]>>().toEqualTypeOf<z.output<typeof ZWebhookTestResult>>();
    expectTypeOf<Item<Subscriptions["deliveries"]>>().toEqualTypeOf<z.output<typeof ZWebhookDeliveryAttempt>>();
    expectTypeOf<Result<Subscriptions["redeliver"]>>().toEqualTypeOf<z.output<typeof ZRedeliverResult>>();
  });

  it("parameters are the inputs the API parses", () => {
    expectTypeOf<Parameters<Templates["create"]>[0]>().toEqualTypeOf<z.input<typeof ZCreateTemplateRequest>>();
    expectTypeOf<Parameters<Templates["edit"]>[1]>().toEqualTypeOf<z.input<typeof ZEditTemplateRequest>>();
    expectTypeOf<Parameters<Templates["render"]>[1]>().toEqualTypeOf<z.input<typeof ZRenderTemplateRequest>>();
    expectTypeOf<NonNullable<Parameters<Templates["list"]>[0]>>().toEqualTypeOf<
      Omit<z.input<typeof ZListTemplatesQuery>, "cursor">
    >();
    expectTypeOf<NonNullable<Parameters<Kirim["accounts"]["list"]>[0]>>().toEqualTypeOf<
      z.input<typeof ZListAccountsQuery>
    >();
    expectTypeOf<Parameters<Subscriptions["create"]>[0]>().toEqualTypeOf<
      z.input<typeof ZCreateWebhookSubscriptionRequest>
    >();
    expectTypeOf<Parameters<Subscriptions["update"]>[1]>().toEqualTypeOf<
      z.input<typeof ZUpdateWebhookSubscriptionRequest>
    >();
    expectTypeOf<Parameters<Subscriptions["redeliver"]>[1]>().toEqualTypeOf<z.input<typeof ZRedeliverRequest>>();
    expectTypeOf<NonNullable<Parameters<Subscriptions["list"]>[0]>>().toEqualTypeOf<
      Omit<z.input<typeof ZListWebhookSubscriptionsQuery>, "cursor">
    >();
    expectTypeOf<NonNullable<Parameters<Subscriptions["deliveries"]>[1]>>().toEqualTypeOf<
      Omit<z.input<typeof ZListWebhookDeliveriesQuery>, "cursor">
    >();
  });
});
