import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ZAccount } from "./account.js";
import { zDataEnvelope, zListEnvelope } from "./envelopes.js";
import { ERROR_CODE_LIST, ERROR_CODES, ERROR_TYPES, isErrorCode, ZErrorEnvelope } from "./errors.js";
import { ZPhoneNumberId, ZPhoneNumberIdParams, ZRequestId, ZTemplateId } from "./ids.js";
import { firstIssue } from "./issues.js";
import {
  deriveTemplateFields,
  META_TEMPLATE_STATUSES,
  ZMetaTemplateStatus,
  ZTemplate,
  ZTemplateStatus,
  ZTemplateSyncResult,
} from "./template.js";

describe("ids", () => {
  it.each([
    [ZPhoneNumberId, "123456", true],
    [ZPhoneNumberId, "1".repeat(20), true],
    [ZPhoneNumberId, "12345", false],
    [ZPhoneNumberId, "1".repeat(21), false],
    [ZPhoneNumberId, "12345a7", false],
    [ZTemplateId, "tmpl_01HXYZABCDEFGHJKMNPQRSTVWX", true],
    [ZTemplateId, "tmpl_01HXYZABCDEFGHJKMNPQRSTVW", false],
    [ZTemplateId, "tmpl_01HXYZABCDEFGHJKMNPQRSTVWXY", false],
    [ZTemplateId, "tmpl_01HXYZABCDEFGHJKMNPQRSTVWI", false], // I is not Crockford
    [ZTemplateId, "tmpl_01hxyzabcdefghjkmnpqrstvwx", false],
    [ZTemplateId, "req_01HXYZABCDEFGHJKMNPQRSTVWX", false],
    [ZRequestId, "req_01HXYZABCDEFGHJKMNPQRSTVWX", true],
    [ZRequestId, "req_01HXYZABCDEFGHJKMNPQRSTVWU", false], // U is not Crockford
  ] as [z.ZodType, string, boolean][])("%#: %s → %s", (schema, value, ok) => {
    expect(schema.safeParse(value).success).toBe(ok);
  });
});

describe("ZPhoneNumberIdParams", () => {
  it("maps a bad phone_number_id to invalid_phone_number_id", () => {
    expect(ZPhoneNumberIdParams.parse({ phone_number_id: "106540352242922" })).toEqual({
      phone_number_id: "106540352242922",
    });
    const result = ZPhoneNumberIdParams.safeParse({ phone_number_id: "abc" });
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error)).toMatchObject({ param: "phone_number_id", code: "invalid_phone_number_id" });
  });
});

function sampleTemplate(): Record<string, unknown> {
  const template: Record<string, unknown> = {
    id: "tmpl_01HXYZABCDEFGHJKMNPQRSTVWX",
    object: "template",
    name: "order_update",
    language: "en",
    status: "pending",
    content: "Hi {{1}}",
    variables: ["1"],
    components: [
      { type: "BODY", text: "Hi {{1}}", example: { body_text: [["Ann"]] } },
      {
        type: "BUTTONS",
        buttons: [{ type: "URL", text: "Copy code", url: "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE" }],
      },
      { type: "CAROUSEL", cards: [] },
    ],
    whatsapp_account: {
      phone_number: "+628111222333",
      phone_number_id: "106540352242922",
      customer: { id: "cus_01HXYZABCDEFGHJKMNPQRSTVWX", name: "Acme" },
    },
    provider_template_id: null,
    created_at: "2026-06-04T10:00:00.000Z",
    updated_at: "2026-06-04T10:00:00Z",
    category: "UTILITY",
    meta_status: "PENDING",
    rejected_reason: null,
    quality_score: null,
    previous_category: null,
    last_synced_at: null,
    last_synced_via: null,
    rejection_info: null,
    status_info: null,
    pending_category_change: null,
    deleted_at: null,
    library_template_name: null,
  };
  return { ...template, ...deriveTemplateFields(template["components"] as unknown[]) };
}

describe("ZTemplate", () => {
  it("parses a template and keeps unknown component fields Meta returned", () => {
    const parsed = ZTemplate.parse(sampleTemplate());
    expect(parsed.components[2]).toEqual({ type: "CAROUSEL", cards: [] });
  });

  it.each([
    "header_type",
    "header_content",
    "footer_content",
    "has_variables",
    "buttons",
    "category",
    "meta_status",
    "rejected_reason",
    "quality_score",
    "previous_category",
    "last_synced_at",
    "provider_template_id",
    "whatsapp_account",
  ])("requires the key %s", (key) => {
    const template = sampleTemplate();
    delete template[key];
    expect(ZTemplate.safeParse(template).success).toBe(false);
  });

  it("accepts customer null and refuses an unknown status or a non-ISO timestamp", () => {
    expect(
      ZTemplate.safeParse({
        ...sampleTemplate(),
        whatsapp_account: { phone_number: null, phone_number_id: null, customer: null },
      }).success,
    ).toBe(true);
    expect(ZTemplate.safeParse({ ...sampleTemplate(), status: "paused" }).success).toBe(false);
    expect(ZTemplate.safeParse({ ...sampleTemplate(), created_at: "yesterday" }).success).toBe(false);
  });

  it("tolerates unknown Meta statuses but lists the known ones", () => {
    expect(ZMetaTemplateStatus.parse("SOMETHING_NEW")).toBe("SOMETHING_NEW");
    expect(META_TEMPLATE_STATUSES).toHaveLength(10);
    expect(ZTemplateStatus.options).toEqual(["pending", "approved", "rejected"]);
  });
});

describe("ZTemplateSyncResult and ZAccount", () => {
  it("parses a sync result and refuses negative or fractional counts", () => {
    const ok = { object: "template_sync_result", synced: 12, created: 2, updated: 9, unchanged: 1, removed: 3 };
    expect(ZTemplateSyncResult.parse(ok)).toEqual(ok);
    expect(ZTemplateSyncResult.safeParse({ ...ok, created: -1 }).success).toBe(false);
    expect(ZTemplateSyncResult.safeParse({ ...ok, updated: 1.5 }).success).toBe(false);
    expect(ZTemplateSyncResult.safeParse({ ...ok, object: "sync" }).success).toBe(false);
  });

  it("parses the documented account row and an onboarding one", () => {
    const row = {
      object: "account",
      phone_number_id: "106540352242922",
      phone_number: "+628111222333",
      name: "Customer Support",
      status: "connected",
      customer: null,
    };
    expect(ZAccount.parse(row)).toEqual(row);
    expect(
      ZAccount.safeParse({ ...row, phone_number_id: null, phone_number: null, name: null, status: "onboarding" })
        .success,
    ).toBe(true);
    expect(ZAccount.safeParse({ ...row, object: "template" }).success).toBe(false);
  });
});

describe("envelopes", () => {
  it("wraps one item in data + request_id", () => {
    const envelope = zDataEnvelope(z.object({ a: z.number() }));
    expect(envelope.safeParse({ data: { a: 1 }, request_id: "req_x" }).success).toBe(true);
    expect(envelope.safeParse({ data: { a: 1 } }).success).toBe(false);
  });

  it("wraps a page in data[] + has_more + next_cursor + request_id", () => {
    const envelope = zListEnvelope(z.number());
    expect(envelope.safeParse({ data: [1], has_more: false, next_cursor: null, request_id: "req_x" }).success).toBe(
      true,
    );
    expect(envelope.safeParse({ data: [1], has_more: true, request_id: "req_x" }).success).toBe(false);
  });

  it("parses the error envelope with and without Meta's detail", () => {
    const base = { type: "invalid_request_error", code: "invalid_field_value", message: "m", request_id: "req_x" };
    expect(ZErrorEnvelope.safeParse({ error: base }).success).toBe(true);
    expect(
      ZErrorEnvelope.safeParse({
        error: { ...base, param: "name", meta: { code: 100, error_subcode: 2388040, fbtrace_id: "A" } },
      }).success,
    ).toBe(true);
    expect(ZErrorEnvelope.safeParse({ error: { ...base, type: "not_found_error" } }).success).toBe(false);
    expect(ZErrorEnvelope.safeParse({ error: { ...base, request_id: undefined } }).success).toBe(false);
  });
});

describe("ERROR_CODES", () => {
  it("has seven types", () => {
    expect(ERROR_TYPES).toHaveLength(7);
  });

  it.each(ERROR_CODE_LIST)("%s is lower_snake, has a known type, an error status and a description", (code) => {
    const definition = ERROR_CODES[code];
    expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(ERROR_TYPES).toContain(definition.type);
    expect(definition.status).toBeGreaterThanOrEqual(400);
    expect(definition.status).toBeLessThan(600);
    expect(definition.description.length).toBeGreaterThan(20);
  });

  it.each([
    ["invalid_request", 400, "invalid_request_error"],
    ["request_too_large", 413, "invalid_request_error"],
    ["missing_api_key", 401, "authentication_error"],
    ["invalid_api_key", 401, "authentication_error"],
    ["expired_api_key", 401, "authentication_error"],
    ["permission_denied", 403, "permission_error"],
    ["resource_not_found", 404, "not_found"],
    ["route_not_found", 404, "not_found"],
    ["method_not_allowed", 405, "invalid_request_error"],
    ["template_already_exists", 409, "conflict"],
    ["idempotency_in_progress", 409, "conflict"],
    ["idempotency_key_reuse", 422, "invalid_request_error"],
    ["account_not_connected", 422, "invalid_request_error"],
    ["rate_limit_exceeded", 429, "rate_limit_error"],
    ["meta_rate_limited", 429, "rate_limit_error"],
    ["internal_error", 500, "api_error"],
    ["whatsapp_upstream_error", 502, "api_error"],
    ["whatsapp_account_reauthorization_required", 502, "api_error"],
    ["meta_validation_failed", 400, "invalid_request_error"],
  ] as const)("%s is %i %s", (code, status, type) => {
    expect(ERROR_CODES[code]).toMatchObject({ status, type });
  });

  it("isErrorCode tells catalogue codes from other strings", () => {
    expect(isErrorCode("invalid_limit")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode(5)).toBe(false);
  });
});
