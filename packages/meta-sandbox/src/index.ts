// @kirim/meta-sandbox: a local HTTP server that behaves like Meta's WhatsApp Graph API for message templates.
import { createServer } from "node:http";
import type { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { createControl, createControlHttp } from "./control.js";
import type { SandboxControl } from "./control.js";
import { DEMO_ACCESS_TOKEN, DEMO_APP_ID, DEMO_APP_SECRET, DEMO_PHONE_NUMBER_ID, DEMO_WABA_ID } from "./demo-data.js";
import { FaultInjector } from "./faults.js";
import type { FaultSettings } from "./faults.js";
import { DEFAULT_API_VERSION } from "./graph-routes.js";
import { createRequestListener } from "./server.js";
import type { ServerContext } from "./server.js";
import { SandboxState } from "./state.js";
import type { TemplateWebhookChange } from "./state.js";
import { WebhookDispatcher } from "./webhooks.js";
import type { WebhookConfig } from "./webhooks.js";

export {
  DEMO_ACCESS_TOKEN,
  DEMO_APP_ID,
  DEMO_APP_SECRET,
  DEMO_DISPLAY_PHONE_NUMBER,
  DEMO_PHONE_NUMBER_ID,
  DEMO_WABA_ID,
  DEMO_WABA_NAME,
  RESERVED_DEMO_NAMES,
} from "./demo-data.js";
export { DEFAULT_API_VERSION, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./graph-routes.js";
export { CREATES_PER_HOUR, DEFAULT_TEMPLATE_LIMIT, NAME_LOCK_MS, VERIFIED_TEMPLATE_LIMIT } from "./state.js";
export type { RequestLogEntry, StatusChange, TemplateWebhookChange } from "./state.js";
export { SCAM_PHRASES, ABUSIVE_PHRASES, PROMOTIONAL_PHRASES } from "./review.js";
export { FAULT_KINDS } from "./faults.js";
export type { FaultKind, FaultRule, FaultSettings, FaultsSnapshot } from "./faults.js";
export { signWebhookBody, DEFAULT_RETRY_DELAYS_MS } from "./webhooks.js";
export type { WebhookConfig, WebhookDelivery } from "./webhooks.js";
export type { ControlTemplate, ControlWaba, RequestLogFilter, SandboxControl } from "./control.js";
export type { GraphErrorBody } from "./graph-error.js";
export { TEMPLATE_STATUSES, REJECTION_REASONS, QUALITY_SCORES, TEMPLATE_CATEGORIES } from "./model.js";
export type { TemplateStatus, RejectionReason, QualityScore, TemplateCategory } from "./model.js";

export interface MetaSandboxOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Seed for demo data, ids and fault draws. Default 42. */
  seed?: number;
  /** How many templates the demo WABA starts with (hand-written ones included). Default 150. */
  demoTemplateCount?: number;
  /** Template limit of the demo WABA; default 250, or 6,000 when more than 200 demo templates are seeded. */
  demoTemplateLimit?: number;
  /** Delay before a submitted template is reviewed; `null` = only when the control API says so. Default 3000. */
  reviewDelayMs?: number | null;
  /** HTTP status for code 190 (invalid token): Meta's table says 401, real Graph often says 400. Default 401. */
  invalidTokenStatus?: 400 | 401;
  /** Template webhooks (status, quality, category, components) go here, signed with `appSecret`. */
  webhook?: WebhookConfig;
  /** Fault injection from the start (also settable later through `control.faults`). */
  faults?: FaultSettings & { seed?: number };
  /** Clock (ms) for rate windows, cooldowns and timestamps; tests can move time. Default Date.now. */
  now?: () => number;
}

export interface MetaSandbox {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url + "/v23.0"`: what a Graph client uses as its base URL. */
  graphUrl: string;
  demo: { wabaId: string; phoneNumberId: string; accessToken: string; appId: string; appSecret: string };
  control: SandboxControl;
  close(): Promise<void>;
}

export async function startMetaSandbox(options: MetaSandboxOptions = {}): Promise<MetaSandbox> {
  const seed = options.seed ?? 42;
  const now = options.now ?? Date.now;
  const webhooks = new WebhookDispatcher(DEMO_APP_SECRET, now);
  if (options.webhook) webhooks.configure(options.webhook);
  const emit = (change: TemplateWebhookChange): void => {
    webhooks.send(change);
  };
  const reviewDelayMs = options.reviewDelayMs === undefined ? 3000 : options.reviewDelayMs;
  const makeState = (): SandboxState =>
    new SandboxState({
      seed,
      demoTemplateCount: options.demoTemplateCount ?? 150,
      demoTemplateLimit: options.demoTemplateLimit,
      reviewDelayMs,
      now,
      emit,
    });

  const faults = new FaultInjector(options.faults?.seed ?? seed);
  if (options.faults) faults.configure(options.faults);
  let origin = "http://127.0.0.1";
  const hanging = new Set<ServerResponse>();
  const context: ServerContext = {
    state: makeState(),
    invalidTokenStatus: options.invalidTokenStatus ?? 401,
    faults,
    hanging,
    origin: () => origin,
    control: () => Promise.resolve(undefined),
  };
  const control = createControl({
    state: () => context.state,
    resetState: () => {
      context.state.dispose();
      context.state = makeState();
    },
    faults,
    webhooks,
  });
  const demo = {
    wabaId: DEMO_WABA_ID,
    phoneNumberId: DEMO_PHONE_NUMBER_ID,
    accessToken: DEMO_ACCESS_TOKEN,
    appId: DEMO_APP_ID,
    appSecret: DEMO_APP_SECRET,
  };
  context.control = createControlHttp(
    control,
    () => ({ url: origin, graphUrl: `${origin}/${DEFAULT_API_VERSION}`, demo }),
    DEMO_WABA_ID,
  );

  const server = createServer(createRequestListener(context));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Loopback only: the sandbox must never be reachable from (or reach) anything else.
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${address.port}`;

  let closed = false;
  return {
    url: origin,
    graphUrl: `${origin}/${DEFAULT_API_VERSION}`,
    demo,
    control,
    close: async () => {
      if (closed) return;
      closed = true;
      context.state.dispose();
      webhooks.close();
      for (const response of hanging) response.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
