/**
 * @kirim/trpc-types — the type of the Kirim tRPC router (`/trpc`) for other internal apps, declaration only.
 * Needs only `@trpc/client` (its peer `@trpc/server` for the router types) and `@kirim/schema` (zod): none of the
 * server's own types (express, Kysely, core) — the procedures' context is erased, inputs and outputs are the wire
 * contract. apps/api/test/router-types.typecheck.ts fails the type check when this drifts from the real router.
 *
 * ```ts
 * import { createTRPCClient, httpLink } from "@trpc/client";
 * import type { AppRouter } from "@kirim/trpc-types";
 * const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: "https://kirim.example.com/trpc", headers: { authorization: `Bearer ${key}` } })] });
 * ```
 */
import type {
  TAccount,
  TErrorDetails,
  TLibraryTemplate,
  TMe,
  TMetaErrorDetail,
  TRedeliverResult,
  TRenderedTemplate,
  TTemplate,
  TTemplateByName,
  TTemplateDeleteResult,
  TTemplateEvent,
  TTemplateSyncResult,
  TTemplateSyncRun,
  TTemplateCounts,
  TWebhookDeliveryAttempt,
  TWebhookSubscription,
  TWebhookTestResult,
  ZCreateTemplateRequest,
  ZCreateWebhookSubscriptionRequest,
  ZDeleteTemplateQuery,
  ZEditTemplateRequest,
  ZGetTemplateQuery,
  ZListAccountsQuery,
  ZListSyncRunsQuery,
  ZListTemplateEventsQuery,
  ZListTemplatesQuery,
  ZTemplateLibraryQuery,
  ZListWebhookDeliveriesQuery,
  ZListWebhookSubscriptionsQuery,
  ZRedeliverRequest,
  ZRenderTemplateRequest,
  ZUpdateWebhookSubscriptionRequest,
} from "@kirim/schema";
import type {
  TRPCBuiltRouter,
  TRPCMutationProcedure,
  TRPCQueryProcedure,
  TRPC_ERROR_CODE_KEY,
  TRPC_ERROR_CODE_NUMBER,
} from "@trpc/server";
import type { z } from "zod";

/** `error.data` of every tRPC error: the REST envelope's fields plus tRPC's own. */
export interface KirimTrpcErrorData {
  /** Kirimdev error code (`template_already_exists`, …); the tRPC code is in `trpcCode`. */
  code: string;
  type: string;
  param: string | null;
  request_id: string | null;
  trpcCode: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  path: string | null;
  /** Meta's own error when it explains the failure (as `error.meta` in REST). */
  meta: TMetaErrorDetail | null;
  /** The documented structured detail of a few codes (as `error.details` in REST). */
  details: TErrorDetails | null;
}

export interface KirimTrpcErrorShape {
  message: string;
  code: TRPC_ERROR_CODE_NUMBER;
  data: KirimTrpcErrorData;
}

interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}
type Scope = { phone_number_id: string };
type Named = { phone_number_id: string; name: string };
type Id = { id: string };
/** tRPC's infinite queries send `direction` beside `cursor` (forward only). */
type Infinite = { direction?: "forward" | undefined };
type Query<Input, Output> = TRPCQueryProcedure<{ input: Input; output: Output; meta: object }>;
type Mutation<Input, Output> = TRPCMutationProcedure<{ input: Input; output: Output; meta: object }>;

export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: KirimTrpcErrorShape; transformer: false },
  {
    accounts: {
      list: Query<z.input<typeof ZListAccountsQuery> | undefined, TAccount[]>;
    };
    me: {
      get: Query<void, TMe>;
    };
    templates: {
      create: Mutation<Scope & { template: z.input<typeof ZCreateTemplateRequest> }, TTemplate>;
      sync: Mutation<Scope, TTemplateSyncResult>;
      syncRuns: Query<z.input<typeof ZListSyncRunsQuery> & Scope & Infinite, Page<TTemplateSyncRun>>;
      edit: Mutation<Named & { edit: z.input<typeof ZEditTemplateRequest> }, TTemplate>;
      delete: Mutation<z.input<typeof ZDeleteTemplateQuery> & Named, TTemplateDeleteResult>;
      events: Query<z.input<typeof ZListTemplateEventsQuery> & Named & Infinite, Page<TTemplateEvent>>;
      list: Query<z.input<typeof ZListTemplatesQuery> & Scope & Infinite, Page<TTemplate>>;
      counts: Query<Scope, TTemplateCounts>;
      get: Query<z.input<typeof ZGetTemplateQuery> & Named, TTemplateByName>;
      render: Mutation<Named & { template: z.input<typeof ZRenderTemplateRequest> }, TRenderedTemplate>;
      library: Query<Scope & { query?: z.input<typeof ZTemplateLibraryQuery> | undefined }, TLibraryTemplate[]>;
    };
    webhooks: {
      create: Mutation<z.input<typeof ZCreateWebhookSubscriptionRequest>, TWebhookSubscription>;
      list: Query<z.input<typeof ZListWebhookSubscriptionsQuery> & Infinite, Page<TWebhookSubscription>>;
      get: Query<Id, TWebhookSubscription>;
      update: Mutation<Id & { update: z.input<typeof ZUpdateWebhookSubscriptionRequest> }, TWebhookSubscription>;
      delete: Mutation<Id, { object: "webhook_subscription"; id: string; deleted: true }>;
      rotateSecret: Mutation<Id, TWebhookSubscription>;
      sendTest: Mutation<Id, TWebhookTestResult>;
      deliveries: Query<Id & z.input<typeof ZListWebhookDeliveriesQuery> & Infinite, Page<TWebhookDeliveryAttempt>>;
      redeliver: Mutation<Id & { redeliver: z.input<typeof ZRedeliverRequest> }, TRedeliverResult>;
    };
  }
>;
