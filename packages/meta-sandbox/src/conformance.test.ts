// Conformance: zod schemas of Meta's documented shapes (FB-OAS, M-API, M-WH-*), strict where Meta lists the
// keys, so a key the sandbox invents or drops fails. Each schema must accept Meta's own example AND the
// sandbox's live answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { DEMO_ACCESS_TOKEN, DEMO_APP_SECRET, DEMO_WABA_ID, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl, utilityTemplate } from "./testing/http.js";
import {
  CATEGORY_WEBHOOK_EXAMPLES,
  COMPONENTS_WEBHOOK_EXAMPLE,
  CREATE_RESPONSE_EXAMPLE,
  ERROR_EXAMPLES,
  GET_FIELDS_STATUS_EXAMPLE,
  LIST_RESPONSE_EXAMPLE,
  QUALITY_WEBHOOK_EXAMPLE,
  STATUS_WEBHOOK_EXAMPLES,
} from "./testing/meta-doc-examples.js";
import { startWebhookReceiver } from "./testing/webhook-receiver.js";

// ---------------------------------------------------------------------------------------------
// Meta's shapes

/** FB-OAS `GraphAPIError` (+ `error_data` from M-API). */
const ZGraphError = z.strictObject({
  error: z.strictObject({
    message: z.string().min(1),
    type: z.string().min(1),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    fbtrace_id: z.string().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    error_data: z.object({ messaging_product: z.literal("whatsapp"), details: z.string() }).optional(),
  }),
});

const ZNumericId = z.string().regex(/^\d+$/);
const ZCategory = z.enum(["AUTHENTICATION", "MARKETING", "UTILITY"]);
const ZStatus = z.enum([
  "APPROVED",
  "ARCHIVED",
  "DELETED",
  "DISABLED",
  "IN_APPEAL",
  "LIMIT_EXCEEDED",
  "PAUSED",
  "PENDING",
  "PENDING_DELETION",
  "REJECTED",
]);

/** M-API `CreateTemplateResponse`: {id: numeric string, status, category}. */
const ZCreateResponse = z.strictObject({ id: ZNumericId, status: ZStatus, category: ZCategory });

const ZButton = z.looseObject({
  type: z.enum([
    "QUICK_REPLY",
    "URL",
    "PHONE_NUMBER",
    "COPY_CODE",
    "FLOW",
    "MPM",
    "CATALOG",
    "SPM",
    "VOICE_CALL",
    "EXTENSION",
    "ORDER_DETAILS",
    "POSTBACK",
    "REMINDER",
    "SEND_LOCATION",
  ]),
  text: z.string().optional(),
  url: z.string().optional(),
  phone_number: z.string().optional(),
  example: z.union([z.string(), z.array(z.string())]).optional(),
});

/** Components as read back (M-API "Components"; OTP never appears on reads, §2.5). */
const ZComponent = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("HEADER"),
    format: z.enum(["TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION"]),
    text: z.string().optional(),
    example: z
      .union([
        z.strictObject({ header_text: z.array(z.string()) }),
        z.strictObject({
          header_text_named_params: z.array(z.object({ param_name: z.string(), example: z.string() })),
        }),
        z.strictObject({ header_handle: z.array(z.string().url()) }),
      ])
      .optional(),
  }),
  z.looseObject({
    type: z.literal("BODY"),
    text: z.string(),
    example: z
      .union([
        z.strictObject({ body_text: z.array(z.array(z.string())) }),
        z.strictObject({ body_text_named_params: z.array(z.object({ param_name: z.string(), example: z.string() })) }),
      ])
      .optional(),
  }),
  z.looseObject({ type: z.literal("FOOTER"), text: z.string() }),
  z.looseObject({ type: z.literal("BUTTONS"), buttons: z.array(ZButton).min(1) }),
]);

/** M-API `MessageTemplate` fields (§3.3); legacy categories allowed in previous_category. */
const ZTemplate = z.strictObject({
  id: ZNumericId,
  name: z.string().optional(),
  language: z.string().optional(),
  status: ZStatus.optional(),
  category: ZCategory.optional(),
  previous_category: z.string().optional(),
  correct_category: z.string().optional(),
  sub_category: z.string().optional(),
  parameter_format: z.enum(["POSITIONAL", "NAMED"]).optional(),
  components: z.array(ZComponent).optional(),
  rejected_reason: z.string().optional(),
  quality_score: z
    .object({ score: z.enum(["GREEN", "YELLOW", "RED", "UNKNOWN"]), date: z.number().int().optional() })
    .optional(),
  message_send_ttl_seconds: z.number().int().optional(),
  cta_url_link_tracking_opted_out: z.boolean().optional(),
  last_updated_time: z.string().optional(),
});

/** M-API `CursorPaging`; `next`/`previous` are absolute URLs. */
const ZPaging = z.strictObject({
  cursors: z.strictObject({ before: z.string().min(1), after: z.string().min(1) }),
  next: z.string().url().optional(),
  previous: z.string().url().optional(),
});

const ZListResponse = z.strictObject({
  data: z.array(ZTemplate),
  paging: ZPaging.optional(),
  summary: z
    .strictObject({
      total_count: z.number().int().optional(),
      message_template_count: z.number().int().optional(),
      message_template_limit: z.number().int().optional(),
    })
    .optional(),
});

// Webhooks (M-WH-STATUS, -QUAL, -CAT, -COMP)
const templateRef = {
  message_template_id: z.number().int(),
  message_template_name: z.string(),
  message_template_language: z.string(),
};
const ZStatusValue = z.strictObject({
  event: z.enum([
    "APPROVED",
    "ARCHIVED",
    "UNARCHIVED",
    "DELETED",
    "DISABLED",
    "FLAGGED",
    "IN_APPEAL",
    "LIMIT_EXCEEDED",
    "LOCKED",
    "PAUSED",
    "PENDING",
    "REINSTATED",
    "PENDING_DELETION",
    "REJECTED",
  ]),
  ...templateRef,
  reason: z
    .enum([
      "ABUSIVE_CONTENT",
      "CATEGORY_NOT_AVAILABLE",
      "INCORRECT_CATEGORY",
      "INVALID_FORMAT",
      "NONE",
      "PROMOTIONAL",
      "SCAM",
      "TAG_CONTENT_MISMATCH",
    ])
    .nullable(),
  message_template_category: ZCategory.optional(),
  disable_info: z.strictObject({ disable_date: z.number().int() }).optional(),
  other_info: z
    .strictObject({
      title: z.enum(["FIRST_PAUSE", "SECOND_PAUSE", "RATE_LIMITING_PAUSE", "UNPAUSE", "DISABLED"]),
      description: z.string(),
    })
    .optional(),
  rejection_info: z.strictObject({ reason: z.string(), recommendation: z.string() }).optional(),
});
const ZQuality = z.enum(["GREEN", "YELLOW", "RED", "UNKNOWN"]);
const ZQualityValue = z.strictObject({ previous_quality_score: ZQuality, new_quality_score: ZQuality, ...templateRef });
const ZCategoryValue = z.union([
  z.strictObject({
    ...templateRef,
    new_category: ZCategory,
    correct_category: ZCategory,
    category_update_timestamp: z.number().int(),
  }),
  z.strictObject({ ...templateRef, previous_category: ZCategory, new_category: ZCategory }),
]);
const ZComponentsValue = z.strictObject({
  ...templateRef,
  message_template_element: z.string(),
  message_template_title: z.string().optional(),
  message_template_footer: z.string().optional(),
  message_template_buttons: z
    .array(
      z.strictObject({
        message_template_button_type: z.string(),
        message_template_button_text: z.string(),
        message_template_button_url: z.string().optional(),
        message_template_button_phone_number: z.string().optional(),
      }),
    )
    .optional(),
});
const ZChange = z.discriminatedUnion("field", [
  z.strictObject({ field: z.literal("message_template_status_update"), value: ZStatusValue }),
  z.strictObject({ field: z.literal("message_template_quality_update"), value: ZQualityValue }),
  z.strictObject({ field: z.literal("template_category_update"), value: ZCategoryValue }),
  z.strictObject({ field: z.literal("message_template_components_update"), value: ZComponentsValue }),
]);
const ZWebhook = z.strictObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.strictObject({ id: ZNumericId, time: z.number().int(), changes: z.array(ZChange).min(1) })).min(1),
});

// ---------------------------------------------------------------------------------------------

let sandbox: MetaSandbox;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null });
});
afterAll(async () => {
  await sandbox.close();
});

describe("the schemas accept Meta's own examples", () => {
  it.each([
    ["list response", ZListResponse, LIST_RESPONSE_EXAMPLE],
    ["create response", ZCreateResponse, CREATE_RESPONSE_EXAMPLE],
    ["GET ?fields=status", ZTemplate, GET_FIELDS_STATUS_EXAMPLE],
    ...ERROR_EXAMPLES.map((example, index) => [`error example ${index}`, ZGraphError, example] as const),
    ...STATUS_WEBHOOK_EXAMPLES.map((example, index) => [`status webhook ${index}`, ZWebhook, example] as const),
    ["quality webhook", ZWebhook, QUALITY_WEBHOOK_EXAMPLE],
    ...CATEGORY_WEBHOOK_EXAMPLES.map((example, index) => [`category webhook ${index}`, ZWebhook, example] as const),
    ["components webhook", ZWebhook, COMPONENTS_WEBHOOK_EXAMPLE],
  ] as Array<[string, z.ZodType, unknown]>)("%s", (_name, schema, example) => {
    expect(schema.safeParse(example).error).toBeUndefined();
  });

  it("and reject shapes Meta does not document (the schemas are not vacuous)", () => {
    expect(ZCreateResponse.safeParse({ ...CREATE_RESPONSE_EXAMPLE, name: "x" }).success).toBe(false);
    expect(ZCreateResponse.safeParse({ ...CREATE_RESPONSE_EXAMPLE, id: 594425479261596 }).success).toBe(false);
    expect(ZListResponse.safeParse({ ...LIST_RESPONSE_EXAMPLE, has_more: true }).success).toBe(false);
    expect(ZGraphError.safeParse({ error: { message: "x", code: 100 } }).success).toBe(false);
    expect(ZWebhook.safeParse({ ...QUALITY_WEBHOOK_EXAMPLE, object: "page" }).success).toBe(false);
  });
});

describe("the sandbox's live answers have Meta's shapes", () => {
  it("create response", async () => {
    const response = await call(templatesUrl(sandbox), {
      token: DEMO_ACCESS_TOKEN,
      json: utilityTemplate("order_confirmation"),
    });
    expect(ZCreateResponse.safeParse(response.body).error).toBeUndefined();
  });

  it("list pages: first, middle and last, default and all fields, with summary", async () => {
    const first = await call(
      templatesUrl(sandbox, "?limit=40&summary=total_count,message_template_count,message_template_limit"),
      { token: DEMO_ACCESS_TOKEN },
    );
    const parsedFirst = ZListResponse.parse(first.body);
    expect(parsedFirst.paging?.next).toBeDefined();
    const middle = ZListResponse.parse(
      (await call(String(parsedFirst.paging?.next), { token: DEMO_ACCESS_TOKEN })).body,
    );
    expect(middle.paging?.previous).toBeDefined();
    const fields =
      "id,name,language,status,category,previous_category,correct_category,sub_category,parameter_format,components,rejected_reason,quality_score,message_send_ttl_seconds,cta_url_link_tracking_opted_out,last_updated_time";
    const last = ZListResponse.parse(
      (await call(templatesUrl(sandbox, `?limit=1000&fields=${fields}`), { token: DEMO_ACCESS_TOKEN })).body,
    );
    expect(last.paging?.next).toBeUndefined();
    expect(last.data).toHaveLength(sandbox.control.templates(DEMO_WABA_ID).length);
  });

  it("GET /{id}?fields=status has exactly Meta's example keys", async () => {
    const hello = sandbox.control.findTemplate(DEMO_WABA_ID, "hello_world", "en_US");
    const response = await call(`${sandbox.graphUrl}/${String(hello?.id)}?fields=status`, { token: DEMO_ACCESS_TOKEN });
    expect(ZTemplate.parse(response.body)).toBeDefined();
    expect(Object.keys(response.body).sort()).toEqual(Object.keys(GET_FIELDS_STATUS_EXAMPLE).sort());
  });

  it("error envelopes, always with fbtrace_id", async () => {
    sandbox.control.addWaba({ id: "600000000000001", accessToken: "elsewhere" });
    await call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: utilityTemplate("order_confirmation", "es") });
    const answers = [
      await call(templatesUrl(sandbox)),
      await call(templatesUrl(sandbox), { token: "wrong" }),
      await call(templatesUrl(sandbox), { token: "elsewhere" }),
      await call(`${sandbox.graphUrl}/123456789012345`, { token: DEMO_ACCESS_TOKEN }),
      await call(templatesUrl(sandbox), {
        token: DEMO_ACCESS_TOKEN,
        json: utilityTemplate("order_confirmation", "es"),
      }),
    ];
    for (const kind of ["server_error", "app_rate_limit", "waba_rate_limit"] as const) {
      sandbox.control.faults.add({ kind, times: 1 });
      answers.push(await call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN }));
    }
    sandbox.control.faults.clear();
    for (const answer of answers) {
      const parsed = ZGraphError.parse(answer.body);
      expect(parsed.error.fbtrace_id).toMatch(/^A[\w-]{22}$/);
    }
  });

  it("webhook payloads of every template field", async () => {
    const receiver = await startWebhookReceiver(DEMO_APP_SECRET);
    try {
      sandbox.control.webhooks.configure({ url: receiver.url, verifyToken: receiver.verifyToken });
      const created = await call<{ id: string }>(templatesUrl(sandbox), {
        token: DEMO_ACCESS_TOKEN,
        json: utilityTemplate("conformance_check"),
      });
      const id = created.body.id;
      sandbox.control.review(id);
      await receiver.waitFor(1);
      await call(`${sandbox.graphUrl}/${id}`, {
        token: DEMO_ACCESS_TOKEN,
        json: {
          components: [
            {
              type: "BODY",
              text: "Hello {{1}}, your order {{2}} is confirmed and on its way.",
              example: { body_text: [["a", "b"]] },
            },
            { type: "BUTTONS", buttons: [{ type: "URL", text: "Track", url: "https://demo.kirim.dev/t" }] },
          ],
        },
      });
      sandbox.control.setStatus(id, {
        status: "REJECTED",
        reason: "INVALID_FORMAT",
        rejectionInfo: { reason: "r", recommendation: "s" },
      });
      sandbox.control.setStatus(id, { status: "DISABLED" });
      sandbox.control.setStatus(id, { status: "PAUSED" });
      sandbox.control.setQuality(id, "RED");
      sandbox.control.changeCategory(id, "MARKETING", "impending");
      sandbox.control.changeCategory(id, "MARKETING", "completed");
      await sandbox.control.webhooks.idle();
      expect(receiver.received).toHaveLength(8);
      const fields = new Set<string>();
      for (const webhook of receiver.received) {
        const parsed = ZWebhook.parse(webhook.json);
        for (const change of parsed.entry[0]?.changes ?? []) fields.add(change.field);
      }
      expect([...fields].sort()).toEqual([
        "message_template_components_update",
        "message_template_quality_update",
        "message_template_status_update",
        "template_category_update",
      ]);
    } finally {
      sandbox.control.webhooks.configure(undefined);
      await receiver.close();
    }
  });
});
