/**
 * A full stack for integration tests: a fresh migrated database of the given kind, the Meta sandbox over
 * HTTP, the real gateway and core, the demo seed, a second organisation, and the app listening on
 * 127.0.0.1:0.
 */
import { createCore, createInProcessQueue, createLifecycleWorker, createMetaGateway } from "@kirim/core";
import type { Core, CoreMediaOptions, CoreOptions, LifecycleWorker, MetaGatewayOptions } from "@kirim/core";
import { createTestDatabase, testTokenKeyring } from "@kirim/core/testing";
import type { DatabaseKind, TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox, MetaSandboxOptions } from "@kirim/meta-sandbox";
import { pino } from "pino";
import type { Logger } from "pino";
import { createApp } from "../../src/app.js";
import type { AppDeps } from "../../src/app.js";
import { listen } from "./http.js";

export const DEMO_PHONE_NUMBER_ID = "106540352242922";
export const OTHER_PHONE_NUMBER_ID = "109876543210987";
export const OTHER_ACCESS_TOKEN = "other-org-sandbox-token";

/** A Kysely plugin (kysely is core's dependency, not this app's). */
export type DbPlugin = Parameters<TestDatabase["db"]["withPlugin"]>[0];

export interface Stack {
  kind: DatabaseKind;
  baseUrl: string;
  core: Core;
  sandbox: MetaSandbox;
  db: TestDatabase;
  demoKey: string;
  otherKey: string;
  otherWabaId: string;
  close(): Promise<void>;
}

/** Optional overrides; every field keeps today's default when omitted (existing callers pass nothing). */
export interface StackOptions {
  /** Gateway overrides, e.g. a short timeout, a fast retry policy or a recording `sleep` for fault tests. */
  gateway?: Partial<Pick<MetaGatewayOptions, "timeoutMs" | "retry" | "sleep" | "random" | "fetch">>;
  /** `createCore`'s media options, built from the running sandbox (its url and app id). Default: none. */
  media?: (sandbox: MetaSandbox) => CoreMediaOptions;
  /** The app's logger (default: silent), e.g. a pino writing to a buffer to inspect what gets logged. */
  logger?: Logger;
  /**
   * `createCore`'s platform limits (idempotency wait, request buckets, Meta's create budget). Default: core's,
   * except request buckets and Meta's budget so large that no other test runs into them.
   */
  core?: Pick<CoreOptions, "idempotency" | "rateLimits" | "webhooks" | "now">;
  /** Kysely plugins on the database handle core uses, e.g. a counter of the statements a request sends. */
  dbPlugins?: DbPlugin[];
  /** Meta webhooks at /webhooks/meta (issue 5), built from the stack's core and sandbox. Default: off. */
  metaWebhooks?: (core: Core, sandbox: MetaSandbox, db: TestDatabase) => AppDeps["metaWebhooks"];
  /** Sandbox start options, e.g. a large demo inventory or faults from the start. Default: 150 templates, no review. */
  sandbox?: Pick<MetaSandboxOptions, "demoTemplateCount" | "demoTemplateLimit" | "seed" | "faults">;
  /** One clock (Unix ms) for core and the sandbox, so a test can move time for both (quotas, expiry). Default: real time. */
  now?: () => number;
}

/**
 * A stack whose /webhooks/meta takes Meta's webhooks (the sandbox's app secret, `verifyToken`) and applies them through
 * a started lifecycle worker on an in-process queue with fast retries. The caller stops the worker before the stack.
 */
export async function startStackWithMetaWebhooks(
  kind: DatabaseKind,
  verifyToken: string,
  options: Omit<StackOptions, "metaWebhooks"> = {},
): Promise<{ stack: Stack; worker: LifecycleWorker }> {
  let worker: LifecycleWorker | undefined;
  const stack = await startStack(kind, {
    ...options,
    metaWebhooks: (core, sandbox) => {
      const created = createLifecycleWorker({
        lifecycle: core.lifecycle,
        queue: createInProcessQueue({ retryUnitMs: 10 }),
      });
      worker = created;
      return {
        config: { appSecret: sandbox.demo.appSecret, verifyToken },
        dispatch: (ids) => created.enqueueWebhookEvents(ids),
      };
    },
  });
  if (worker === undefined) throw new Error("the stack did not build its Meta webhooks");
  await worker.start();
  return { stack, worker };
}

export async function startStack(kind: DatabaseKind, options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase(kind);
  // Review only when a test says so, so statuses are deterministic.
  const clock = options.now;
  const sandbox = await startMetaSandbox({
    port: 0,
    reviewDelayMs: null,
    ...options.sandbox,
    ...(clock === undefined ? {} : { now: clock }),
  });
  try {
    const gateway = createMetaGateway({
      graphUrl: sandbox.url,
      apiVersion: "v23.0",
      timeoutMs: 5_000,
      ...options.gateway,
      retry: { maxAttempts: 2, baseMs: 1, maxMs: 5, maxRetryAfterMs: 10, ...options.gateway?.retry },
    });
    const core = createCore({
      db: (options.dbPlugins ?? []).reduce((handle, plugin) => handle.withPlugin(plugin), db.db),
      gateway,
      cursorSecret: "integration-test-cursor-secret",
      tokenKeyring: testTokenKeyring(),
      ...(options.media === undefined ? {} : { media: options.media(sandbox) }),
      rateLimits: {
        writePerMinute: 1_000_000,
        readPerMinute: 1_000_000,
        metaCreatesPerHour: 1_000_000,
        authFailuresPerMinute: 1_000_000,
      },
      ...(clock === undefined ? {} : { now: () => new Date(clock()) }),
      ...options.core,
    });
    const demo = await core.admin.seedDemo({
      graph: { wabaId: sandbox.demo.wabaId, accessToken: sandbox.demo.accessToken },
    });
    if (demo.apiKey === null) throw new Error("seedDemo returned no key on a fresh database");

    const other = await core.admin.createOrganisation({ name: "Other Org" });
    const otherKey = await core.admin.createApiKey({ organisationId: other.id, label: "other" });
    const otherWaba = sandbox.control.addWaba({ name: "Other WABA", accessToken: OTHER_ACCESS_TOKEN });
    await core.admin.connectAccount({
      organisationId: other.id,
      phoneNumberId: OTHER_PHONE_NUMBER_ID,
      displayPhoneNumber: "+6281299998888",
      name: "Other Support",
      wabaId: otherWaba.id,
      accessToken: OTHER_ACCESS_TOKEN,
    });

    const app = createApp({
      core,
      logger: options.logger ?? pino({ level: "silent" }),
      ...(options.metaWebhooks === undefined ? {} : { metaWebhooks: options.metaWebhooks(core, sandbox, db) }),
      checkReady: async () => {
        await db.db.selectNoFrom((eb) => eb.val(1).as("one")).execute();
      },
    });
    const server = await listen(app);
    return {
      kind,
      baseUrl: server.baseUrl,
      core,
      sandbox,
      db,
      demoKey: demo.apiKey,
      otherKey: otherKey.key,
      otherWabaId: otherWaba.id,
      close: async () => {
        await server.close();
        await sandbox.close();
        await db.dispose();
      },
    };
  } catch (error) {
    await sandbox.close();
    await db.dispose();
    throw error;
  }
}

/** Graph calls the sandbox received that create templates (POST …/message_templates). */
export function createCalls(sandbox: MetaSandbox, sinceSeq = 0): number {
  return sandbox.control.requests({ method: "POST", sinceSeq }).filter((r) => r.path.endsWith("/message_templates"))
    .length;
}

export function lastSeq(sandbox: MetaSandbox): number {
  return sandbox.control.requests().at(-1)?.seq ?? 0;
}

/** A realistic, valid create body (the seed's `order_confirmation`, with the BODY the seed's sample lacks). */
export function orderConfirmation(language = "en"): Record<string, unknown> {
  return {
    name: "order_confirmation",
    category: "UTILITY",
    language,
    components: [
      { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A123"] } },
      {
        type: "BODY",
        text: "Hi {{1}}, your order {{2}} is confirmed and ships today.",
        example: { body_text: [["Budi", "A123"]] },
      },
      { type: "FOOTER", text: "Thank you for shopping with us" },
      {
        type: "BUTTONS",
        buttons: [
          {
            type: "URL",
            text: "Track order",
            url: "https://example.com/track/{{1}}",
            example: ["https://example.com/track/A123"],
          },
        ],
      },
    ],
  };
}

/** The seed's JS sample body, byte for byte. It has no BODY component, so it must get a clear 400. */
export const SEED_CREATE_SAMPLE_BODY =
  '{"name":"order_confirmation","category":"MARKETING","language":"en","components":[{"type":"HEADER","format":"TEXT","text":"example","example":{"header_text":["example"],"header_handle":["example"],"header_url":["https://example.com"],"body_text":[["example"]]},"buttons":[{"type":"URL","text":"example","url":"https://example.com","phone_number":"example","otp_type":"COPY_CODE","autofill_text":"example","supported_apps":[{"package_name":"example","signature_hash":"example"}],"example":["example"]}],"add_security_recommendation":true,"code_expiration_minutes":1}],"variables":["example"],"messageSendTtlSeconds":1}';

/** Waits until the lifecycle queue applied every stored Meta webhook event (none left `pending`); 10 s at most. */
export async function webhookEventsApplied(stack: Pick<Stack, "db">): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const pending = await stack.db.db
      .selectFrom("webhook_events")
      .select("id")
      .where("state", "=", "pending")
      .execute();
    if (pending.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("webhook events still pending");
}

/** Waits until the sandbox delivered every webhook it sent and the queue applied every stored event. */
export async function metaWebhooksSettled(stack: Pick<Stack, "db" | "sandbox">): Promise<void> {
  await stack.sandbox.control.webhooks.idle();
  await webhookEventsApplied(stack);
}
