// The control API: the same operations in-process (`sandbox.control.*`) and over HTTP (`/_sandbox/*`).
// No Meta auth here: it is the test's and the operator's back door, never part of Meta's surface.
import { z } from "zod";

import { FAULT_KINDS } from "./faults.js";
import type { FaultInjector, FaultRule, FaultSettings, FaultsSnapshot } from "./faults.js";
import { serializeTemplate } from "./graph-routes.js";
import { QUALITY_SCORES, REJECTION_REASONS, TEMPLATE_CATEGORIES, TEMPLATE_STATUSES } from "./model.js";
import type { QualityScore, StoredTemplate, TemplateCategory, Waba } from "./model.js";
import type { RequestLogEntry, SandboxState, StatusChange, TemplateWebhookChange } from "./state.js";
import type { WebhookConfig, WebhookDelivery, WebhookDispatcher } from "./webhooks.js";

const ALL_FIELDS = [
  "id",
  "name",
  "language",
  "status",
  "category",
  "previous_category",
  "correct_category",
  "sub_category",
  "parameter_format",
  "components",
  "rejected_reason",
  "quality_score",
  "message_send_ttl_seconds",
  "cta_url_link_tracking_opted_out",
  "last_updated_time",
];

/** A template as the control API shows it: every Graph field plus the WABA and rejection details. */
export type ControlTemplate = Record<string, unknown> & {
  id: string;
  waba_id: string;
  name: string;
  language: string;
  status: string;
  category: string;
};

export interface ControlWaba {
  id: string;
  name: string;
  access_tokens: string[];
  template_limit: number;
  template_count: number;
  /** Business phone numbers registered to this WABA (what `GET /{waba_id}/phone_numbers` lists). */
  phone_numbers: Array<{ id: string; display_phone_number: string; verified_name: string }>;
}

export interface RequestLogFilter {
  wabaId?: string;
  method?: string;
  /** Only entries with seq greater than this. */
  sinceSeq?: number;
}

export interface SandboxControl {
  wabas(): ControlWaba[];
  addWaba(input: { id?: string; name?: string; accessToken?: string; templateLimit?: number }): ControlWaba;
  /** Registers a business phone number to a WABA (a number belongs to one WABA; a second owner is refused). */
  addPhoneNumber(
    wabaId: string,
    input: { id: string; displayPhoneNumber?: string; verifiedName?: string },
  ): ControlWaba;
  templates(wabaId: string): ControlTemplate[];
  template(id: string): ControlTemplate | undefined;
  findTemplate(wabaId: string, name: string, language: string): ControlTemplate | undefined;
  /** Stores a template as a Meta list/get answer shows it (any component kind kept verbatim); no rule, no webhook. */
  importTemplate(wabaId: string, read: Record<string, unknown>): ControlTemplate;
  setStatus(id: string, change: StatusChange): ControlTemplate;
  /** Runs the review rules on a PENDING template now. */
  review(id: string): ControlTemplate | undefined;
  /** Reviews every PENDING template (of one WABA, or all). Returns how many. */
  reviewPending(wabaId?: string): number;
  setReviewDelay(ms: number | null): void;
  setQuality(id: string, score: QualityScore): ControlTemplate;
  changeCategory(
    id: string,
    category: TemplateCategory,
    phase: "impending" | "completed",
    effectiveAt?: number,
  ): ControlTemplate;
  deleteTemplate(id: string): ControlTemplate;
  /** Registers a finished upload of this type and returns its handle (skips the Resumable Upload dance). */
  createMediaHandle(fileType: string): string;
  requests(filter?: RequestLogFilter): RequestLogEntry[];
  clearRequests(): void;
  /** Back to the seeded start: demo WABA only, no faults, empty logs. The webhook config is kept. */
  reset(): void;
  faults: {
    configure(settings: FaultSettings & { seed?: number }): FaultsSnapshot;
    add(rule: FaultRule): FaultsSnapshot;
    clear(): void;
    get(): FaultsSnapshot;
  };
  webhooks: {
    configure(config: WebhookConfig | undefined): void;
    verify(): Promise<{ ok: boolean; status: number | null; challenge: string; body?: string; error?: string }>;
    deliveries(): WebhookDelivery[];
    /** Resolves once every queued delivery has finished (delivered or given up). */
    idle(): Promise<void>;
    /** Sends a change as Meta would (envelope + signature); `signature` overrides it to test rejection. */
    forge(
      change: TemplateWebhookChange,
      options?: { signature?: string; rawBody?: string },
    ): WebhookDelivery | undefined;
    /** Sends an earlier delivery's exact body and signature again (Meta's redelivery). */
    replay(seq: number): WebhookDelivery | undefined;
  };
}

export interface ControlDeps {
  state: () => SandboxState;
  resetState: () => void;
  faults: FaultInjector;
  webhooks: WebhookDispatcher;
}

function toControlTemplate(template: StoredTemplate): ControlTemplate {
  return {
    ...serializeTemplate(template, ALL_FIELDS),
    waba_id: template.wabaId,
    ...(template.rejectionInfo ? { rejection_info: template.rejectionInfo } : {}),
  } as ControlTemplate;
}

function toControlWaba(state: SandboxState, waba: Waba): ControlWaba {
  return {
    id: waba.id,
    name: waba.name,
    access_tokens: [...waba.accessTokens],
    template_limit: waba.templateLimit,
    template_count: state.templateCount(waba.id),
    phone_numbers: [...waba.phoneNumbers.values()].map((p) => ({
      id: p.id,
      display_phone_number: p.displayPhoneNumber,
      verified_name: p.verifiedName,
    })),
  };
}

export function createControl(deps: ControlDeps): SandboxControl {
  const state = deps.state;
  return {
    wabas: () => [...state().wabas.values()].map((waba) => toControlWaba(state(), waba)),
    addWaba: (input) => toControlWaba(state(), state().addWaba(input)),
    addPhoneNumber: (wabaId, input) => {
      state().addPhoneNumber(wabaId, input);
      return toControlWaba(state(), state().wabas.get(wabaId) as Waba);
    },
    templates: (wabaId) => state().templatesOf(wabaId).map(toControlTemplate),
    template: (id) => {
      const template = state().templates.get(id);
      return template ? toControlTemplate(template) : undefined;
    },
    findTemplate: (wabaId, name, language) => {
      const template = state()
        .templatesOf(wabaId)
        .find((candidate) => candidate.name === name && candidate.language === language);
      return template ? toControlTemplate(template) : undefined;
    },
    importTemplate: (wabaId, read) => {
      const waba = state().wabas.get(wabaId);
      if (!waba) throw new Error(`unknown WABA ${wabaId}`);
      return toControlTemplate(state().importTemplate(waba, read));
    },
    setStatus: (id, change) => toControlTemplate(state().setStatus(id, change)),
    review: (id) => {
      const template = state().review(id);
      return template ? toControlTemplate(template) : undefined;
    },
    reviewPending: (wabaId) => state().reviewAllPending(wabaId),
    setReviewDelay: (ms) => {
      state().reviewDelayMs = ms;
    },
    setQuality: (id, score) => toControlTemplate(state().setQuality(id, score)),
    changeCategory: (id, category, phase, effectiveAt) =>
      toControlTemplate(state().changeCategory(id, category, phase, effectiveAt)),
    deleteTemplate: (id) => toControlTemplate(state().deleteTemplate(id, "control")),
    createMediaHandle: (fileType) => {
      const current = state();
      const session = current.startUpload([...current.apps.keys()][0] ?? "0", "sample", 1, fileType);
      session.received.push(Buffer.from("x"));
      session.offset = 1;
      return current.finishUpload(session);
    },
    requests: (filter = {}) =>
      state().requestLog.filter(
        (entry) =>
          (filter.wabaId === undefined || entry.wabaId === filter.wabaId) &&
          (filter.method === undefined || entry.method === filter.method.toUpperCase()) &&
          (filter.sinceSeq === undefined || entry.seq > filter.sinceSeq),
      ),
    clearRequests: () => {
      state().requestLog.length = 0;
    },
    reset: () => {
      deps.resetState();
      deps.faults.clear();
      deps.webhooks.deliveries.length = 0;
    },
    faults: {
      configure: (settings) => {
        deps.faults.configure(settings);
        return deps.faults.snapshot();
      },
      add: (rule) => {
        deps.faults.add(rule);
        return deps.faults.snapshot();
      },
      clear: () => deps.faults.clear(),
      get: () => deps.faults.snapshot(),
    },
    webhooks: {
      configure: (config) => deps.webhooks.configure(config),
      verify: () => deps.webhooks.verify(),
      deliveries: () => [...deps.webhooks.deliveries],
      idle: () => deps.webhooks.idle(),
      forge: (change, options = {}) =>
        options.rawBody !== undefined || options.signature !== undefined
          ? deps.webhooks.sendRaw(
              change.field,
              change.wabaId,
              options.rawBody ??
                JSON.stringify({
                  object: "whatsapp_business_account",
                  entry: [
                    {
                      id: change.wabaId,
                      time: Math.floor(state().now() / 1000),
                      changes: [{ value: change.value, field: change.field }],
                    },
                  ],
                }),
              options.signature,
            )
          : deps.webhooks.send(change),
      replay: (seq) => {
        const original = deps.webhooks.deliveries.find((delivery) => delivery.seq === seq);
        return original
          ? deps.webhooks.sendRaw(original.field, original.wabaId, original.body, original.signature)
          : undefined;
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP surface: `/_sandbox/*` (documented in README.md)

const ZAddPhoneNumber = z.object({
  id: z.string().regex(/^\d+$/),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
});
const ZAddWaba = z.object({
  id: z.string().regex(/^\d+$/).optional(),
  name: z.string().optional(),
  access_token: z.string().min(1).optional(),
  template_limit: z.number().int().positive().optional(),
});
const ZStatusChange = z.object({
  status: z.enum(TEMPLATE_STATUSES),
  reason: z.enum(REJECTION_REASONS).optional(),
  rejection_info: z.object({ reason: z.string(), recommendation: z.string() }).optional(),
  other_info: z.object({ title: z.string(), description: z.string() }).optional(),
  event: z.string().optional(),
});
const ZQuality = z.object({ score: z.enum(QUALITY_SCORES) });
const ZCategory = z.object({
  category: z.enum(TEMPLATE_CATEGORIES),
  phase: z.enum(["impending", "completed"]).default("completed"),
  effective_at: z.number().int().optional(),
});
const ZFaultRule = z.object({
  kind: z.enum(FAULT_KINDS),
  method: z.string().optional(),
  path: z.string().optional(),
  rate: z.number().min(0).max(1).optional(),
  times: z.number().int().positive().optional(),
  respond_status: z.number().int().min(200).max(599).optional(),
  respond_body: z.unknown().optional(),
});
const ZFaults = z.object({
  seed: z.number().int().optional(),
  latency_ms: z
    .union([z.number().int().min(0), z.tuple([z.number().int().min(0), z.number().int().min(0)])])
    .optional(),
  fail_list_page: z.number().int().positive().optional(),
  app_rate_limit_status: z.number().int().min(400).max(599).optional(),
  rules: z.array(ZFaultRule).optional(),
});
const ZWebhook = z.object({
  url: z.string().url(),
  verify_token: z.string(),
  app_secret: z.string().optional(),
  retry_delays_ms: z.array(z.number().int().min(0)).max(20).optional(),
  timeout_ms: z.number().int().positive().optional(),
});
const ZForge = z.object({
  waba_id: z.string().optional(),
  field: z.enum([
    "message_template_status_update",
    "message_template_quality_update",
    "template_category_update",
    "message_template_components_update",
  ]),
  value: z.record(z.string(), z.unknown()),
  signature: z.string().optional(),
  raw_body: z.string().optional(),
});
const ZSettings = z.object({ review_delay_ms: z.number().int().min(0).nullable().optional() });

const ruleFromWire = (rule: z.infer<typeof ZFaultRule>): FaultRule => ({
  kind: rule.kind,
  ...(rule.method !== undefined ? { method: rule.method } : {}),
  ...(rule.path !== undefined ? { path: rule.path } : {}),
  ...(rule.rate !== undefined ? { rate: rule.rate } : {}),
  ...(rule.times !== undefined ? { times: rule.times } : {}),
  ...(rule.respond_status !== undefined ? { respondStatus: rule.respond_status } : {}),
  ...(rule.respond_body !== undefined ? { respondBody: rule.respond_body } : {}),
});

export function createControlHttp(
  control: SandboxControl,
  info: () => Record<string, unknown>,
  demoWabaId: string,
): (
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
) => Promise<{ status: number; body: unknown } | undefined> {
  const ok = (body: unknown, status = 200): { status: number; body: unknown } => ({ status, body });
  const notFound = (what: string): { status: number; body: unknown } => ({
    status: 404,
    body: { error: { message: `${what} not found` } },
  });
  return async (method, path, query, body) => {
    const segments = path.split("/").filter((segment) => segment !== "");
    const [a, b, c] = segments;
    const route = `${method} /${segments.map((segment, index) => (index === 1 && (a === "wabas" || a === "templates") ? ":id" : index === 2 && a === "webhook" && b === "deliveries" ? ":seq" : segment)).join("/")}`;
    switch (route) {
      case "GET /":
        return ok(info());
      case "GET /wabas":
        return ok({ data: control.wabas() });
      case "POST /wabas": {
        const input = ZAddWaba.parse(body ?? {});
        return ok(
          control.addWaba({
            ...(input.id ? { id: input.id } : {}),
            ...(input.name ? { name: input.name } : {}),
            ...(input.access_token ? { accessToken: input.access_token } : {}),
            ...(input.template_limit ? { templateLimit: input.template_limit } : {}),
          }),
          201,
        );
      }
      case "POST /wabas/:id/phone_numbers": {
        const input = ZAddPhoneNumber.parse(body ?? {});
        if (!control.wabas().some((waba) => waba.id === b)) return notFound(`WABA ${String(b)}`);
        return ok(
          control.addPhoneNumber(b ?? "", {
            id: input.id,
            ...(input.display_phone_number ? { displayPhoneNumber: input.display_phone_number } : {}),
            ...(input.verified_name ? { verifiedName: input.verified_name } : {}),
          }),
          201,
        );
      }
      case "GET /wabas/:id/templates":
        return ok({ data: control.templates(b ?? demoWabaId) });
      case "POST /wabas/:id/templates": {
        // One template object, or a Meta list answer ({data: [...]}): each stored as Meta showed it.
        const input = z
          .union([z.object({ data: z.array(z.record(z.string(), z.unknown())) }), z.record(z.string(), z.unknown())])
          .parse(body ?? {});
        const reads = Array.isArray(input.data) ? (input.data as Array<Record<string, unknown>>) : [input];
        return ok({ data: reads.map((read) => control.importTemplate(b ?? demoWabaId, read)) }, 201);
      }
      case "GET /templates/:id": {
        const template = control.template(b ?? "");
        return template ? ok(template) : notFound(`template ${String(b)}`);
      }
      case "DELETE /templates/:id":
        if (!control.template(b ?? "")) return notFound(`template ${String(b)}`);
        return ok(control.deleteTemplate(b ?? ""));
      case "POST /templates/:id/status": {
        if (!control.template(b ?? "")) return notFound(`template ${String(b)}`);
        const input = ZStatusChange.parse(body ?? {});
        return ok(
          control.setStatus(b ?? "", {
            status: input.status,
            ...(input.reason ? { reason: input.reason } : {}),
            ...(input.rejection_info ? { rejectionInfo: input.rejection_info } : {}),
            ...(input.other_info ? { otherInfo: input.other_info } : {}),
            ...(input.event ? { event: input.event } : {}),
          }),
        );
      }
      case "POST /templates/:id/review": {
        const template = control.review(b ?? "");
        return template ? ok(template) : notFound(`template ${String(b)}`);
      }
      case "POST /templates/:id/quality": {
        if (!control.template(b ?? "")) return notFound(`template ${String(b)}`);
        return ok(control.setQuality(b ?? "", ZQuality.parse(body ?? {}).score));
      }
      case "POST /templates/:id/category": {
        if (!control.template(b ?? "")) return notFound(`template ${String(b)}`);
        const input = ZCategory.parse(body ?? {});
        return ok(control.changeCategory(b ?? "", input.category, input.phase, input.effective_at));
      }
      case "POST /review": {
        const wabaId = query.get("waba_id") ?? undefined;
        return ok({ reviewed: control.reviewPending(wabaId) });
      }
      case "POST /settings": {
        const input = ZSettings.parse(body ?? {});
        if (input.review_delay_ms !== undefined) control.setReviewDelay(input.review_delay_ms);
        return ok({ success: true });
      }
      case "POST /uploads": {
        const input = z
          .object({ file_type: z.enum(["application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4"]) })
          .parse(body ?? {});
        return ok({ h: control.createMediaHandle(input.file_type) }, 201);
      }
      case "GET /requests": {
        const since = query.get("since_seq");
        return ok({
          data: control.requests({
            ...(query.get("waba_id") ? { wabaId: query.get("waba_id") ?? "" } : {}),
            ...(query.get("method") ? { method: query.get("method") ?? "" } : {}),
            ...(since ? { sinceSeq: Number(since) } : {}),
          }),
        });
      }
      case "DELETE /requests":
        control.clearRequests();
        return ok({ success: true });
      case "POST /reset":
        control.reset();
        return ok({ success: true });
      case "GET /faults":
        return ok(control.faults.get());
      case "PUT /faults": {
        const input = ZFaults.parse(body ?? {});
        return ok(
          control.faults.configure({
            ...(input.seed !== undefined ? { seed: input.seed } : {}),
            ...(input.latency_ms !== undefined ? { latencyMs: input.latency_ms } : {}),
            ...(input.fail_list_page !== undefined ? { failListPage: input.fail_list_page } : {}),
            ...(input.app_rate_limit_status !== undefined ? { appRateLimitStatus: input.app_rate_limit_status } : {}),
            ...(input.rules ? { rules: input.rules.map(ruleFromWire) } : {}),
          }),
        );
      }
      case "POST /faults/rules":
        return ok(control.faults.add(ruleFromWire(ZFaultRule.parse(body ?? {}))), 201);
      case "DELETE /faults":
        control.faults.clear();
        return ok({ success: true });
      case "PUT /webhook": {
        const input = ZWebhook.parse(body ?? {});
        control.webhooks.configure({
          url: input.url,
          verifyToken: input.verify_token,
          ...(input.app_secret ? { appSecret: input.app_secret } : {}),
          ...(input.retry_delays_ms ? { retryDelaysMs: input.retry_delays_ms } : {}),
          ...(input.timeout_ms ? { timeoutMs: input.timeout_ms } : {}),
        });
        return ok(await control.webhooks.verify());
      }
      case "DELETE /webhook":
        control.webhooks.configure(undefined);
        return ok({ success: true });
      case "POST /webhook/verify":
        return ok(await control.webhooks.verify());
      case "GET /webhook/deliveries":
        return ok({ data: control.webhooks.deliveries() });
      case "POST /webhook/forge": {
        const input = ZForge.parse(body ?? {});
        const delivery = control.webhooks.forge(
          { wabaId: input.waba_id ?? demoWabaId, field: input.field, value: input.value },
          {
            ...(input.signature ? { signature: input.signature } : {}),
            ...(input.raw_body ? { rawBody: input.raw_body } : {}),
          },
        );
        return delivery ? ok(delivery, 202) : { status: 409, body: { error: { message: "no webhook configured" } } };
      }
      case "POST /webhook/deliveries/:seq/replay": {
        const delivery = control.webhooks.replay(Number(c));
        return delivery ? ok(delivery, 202) : notFound(`delivery ${String(c)}`);
      }
      default:
        return undefined;
    }
  };
}
