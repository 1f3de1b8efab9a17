/**
 * Example payloads of the OpenAPI document. They are plain values typed with the wire types of @kirim/schema,
 * and `test/openapi.test.ts` parses every one of them with the zod schema it illustrates (and the linter checks
 * them against the emitted JSON Schema), so an example can never drift from the contract.
 */
import { deriveTemplateFields, ERROR_CODES } from "@kirim/schema";
import type {
  TAccount,
  TTemplateEvent,
  TTemplateSyncRun,
  TCreateTemplateRequestInput,
  TErrorCode,
  TErrorEnvelope,
  TMe,
  TTemplate,
  TTemplateSyncResult,
} from "@kirim/schema";

export const EXAMPLE_PHONE_NUMBER_ID = "106540352242922";
export const EXAMPLE_REQUEST_ID = "req_01JD4Z8Q6M3T5W7Y9B1C3E5G7H";

/** A realistic UTILITY template: a BODY with two positional variables and their samples, a footer and a URL button. */
export const CREATE_TEMPLATE_EXAMPLE = {
  name: "order_confirmation",
  category: "UTILITY",
  language: "en",
  components: [
    {
      type: "BODY",
      text: "Hi {{1}}, thank you for your order. Order {{2}} is confirmed and will ship within 2 business days.",
      example: { body_text: [["Budi", "A-10423"]] },
    },
    { type: "FOOTER", text: "Reply STOP to opt out" },
    {
      type: "BUTTONS",
      buttons: [
        {
          type: "URL",
          text: "Track order",
          url: "https://shop.example.com/orders/{{1}}",
          example: ["https://shop.example.com/orders/A-10423"],
        },
      ],
    },
  ],
} satisfies TCreateTemplateRequestInput;

// ── issue 16 kinds: Meta's own create bodies (fixtures/meta-real/create), with example handles ──
const cardButtons = () => ({
  type: "BUTTONS" as const,
  buttons: [
    { type: "QUICK_REPLY" as const, text: "Send me more like this!" },
    {
      type: "URL" as const,
      text: "Shop",
      url: "https://www.luckyshrub.com/rare-succulents/{{1}}",
      example: ["BLUE_ELF"],
    },
  ],
});
const mediaCard = (handle: string, text: string) => ({
  components: [
    { type: "HEADER" as const, format: "IMAGE" as const, example: { header_handle: [handle] } },
    { type: "BODY" as const, text },
    cardButtons(),
  ],
});

/** Media-card carousel (Meta's "Media card carousel templates" page). */
export const CREATE_CAROUSEL_EXAMPLE = {
  name: "carousel_template_media_cards_v1",
  category: "MARKETING",
  language: "en_US",
  components: [
    {
      type: "BODY",
      text: "Rare succulents for sale! {{1}}, add these unique plants to your collection. Each of these rare succulents are {{2}} if you checkout using code {{3}}.",
      example: { body_text: [["Pablo", "30%", "30OFF"]] },
    },
    {
      type: "CAROUSEL",
      cards: [
        mediaCard("4::aW1hZ2UvanBlZw==:ARa5_blue_elf", "Aloe 'Blue Elf': deep blue-green leaves with a hint of pink."),
        mediaCard("4::aW1hZ2UvanBlZw==:ARa5_buddha", "Crassula 'Buddha's Temple': tiny temple shaped leaves."),
      ],
    },
  ],
} satisfies TCreateTemplateRequestInput;

/** Product-card carousel (Meta's "Product card carousel templates" page): products chosen at send time. */
export const CREATE_PRODUCT_CAROUSEL_EXAMPLE = {
  name: "carousel_template_product_cards_v1",
  category: "MARKETING",
  language: "en_US",
  components: [
    {
      type: "BODY",
      text: "Rare succulents for sale! {{1}}, add these unique plants to your collection.",
      example: { body_text: "Pablo" },
    },
    {
      type: "CAROUSEL",
      cards: [0, 1].map(() => ({
        components: [
          { type: "HEADER" as const, format: "PRODUCT" as const },
          { type: "BUTTONS" as const, buttons: [{ type: "SPM" as const, text: "View" }] },
        ],
      })),
    },
  ],
} satisfies TCreateTemplateRequestInput;

/** Limited-time offer with its coupon code (Meta's "Limited-time offer templates" page). */
export const CREATE_LIMITED_TIME_OFFER_EXAMPLE = {
  name: "limited_time_offer_caribbean_pkg_2023",
  category: "MARKETING",
  language: "en_US",
  components: [
    { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::aW1hZ2UvanBlZw==:ARa5_caribbean"] } },
    { type: "LIMITED_TIME_OFFER", limited_time_offer: { text: "Expiring offer!", has_expiration: true } },
    {
      type: "BODY",
      text: "Good news, {{1}}! Use code {{2}} to get 25% off all Caribbean Destination packages!",
      example: { body_text: [["Pablo", "CARIBE25"]] },
    },
    {
      type: "BUTTONS",
      buttons: [
        { type: "COPY_CODE", example: "CARIBE25" },
        {
          type: "URL",
          text: "Book now!",
          url: "https://awesomedestinations.com/offers?code={{1}}",
          example: ["https://awesomedestinations.com/offers?ref=n3mtql"],
        },
      ],
    },
  ],
} satisfies TCreateTemplateRequestInput;

/** Coupon code on a marketing template (Meta's "Coupon code templates" page). */
export const CREATE_COUPON_EXAMPLE = {
  name: "coupon_code_fall2023_25off",
  category: "MARKETING",
  language: "en_US",
  components: [
    { type: "HEADER", format: "TEXT", text: "Our Fall Sale is on!" },
    {
      type: "BODY",
      text: "Shop now through November and use code {{1}} to get {{2}} off of all merchandise!",
      example: { body_text: [["25OFF", "25%"]] },
    },
    {
      type: "BUTTONS",
      buttons: [
        { type: "QUICK_REPLY", text: "Unsubscribe" },
        { type: "COPY_CODE", example: "25OFF" },
      ],
    },
  ],
} satisfies TCreateTemplateRequestInput;

/** From Meta's Template Library (M-LIB "Create a template from the library", button inputs as an array). */
export const CREATE_FROM_LIBRARY_EXAMPLE = {
  name: "my_delivery_update",
  language: "en_US",
  category: "UTILITY",
  library_template_name: "delivery_update_1",
  library_template_button_inputs: [
    {
      type: "URL",
      url: { base_url: "https://www.example.com/{{1}}", url_suffix_example: "https://www.example.com/order_update" },
    },
  ],
} satisfies TCreateTemplateRequestInput;

const WHATSAPP_ACCOUNT = {
  phone_number: "+628111222333",
  phone_number_id: EXAMPLE_PHONE_NUMBER_ID,
  customer: null,
} satisfies TTemplate["whatsapp_account"];

/** The template the create example produces: stored, submitted to Meta, waiting for review. */
export const TEMPLATE_PENDING_EXAMPLE = {
  id: "tmpl_01JD4Z8Q6M3T5W7Y9B1C3E5G7J",
  object: "template",
  name: "order_confirmation",
  language: "en",
  status: "pending",
  content: "Hi {{1}}, thank you for your order. Order {{2}} is confirmed and will ship within 2 business days.",
  variables: ["1", "2"],
  components: CREATE_TEMPLATE_EXAMPLE.components,
  whatsapp_account: WHATSAPP_ACCOUNT,
  provider_template_id: "1386172992476610",
  created_at: "2026-11-23T09:30:12.481Z",
  updated_at: "2026-11-23T09:30:12.481Z",
  category: "UTILITY",
  meta_status: "PENDING",
  rejected_reason: null,
  quality_score: null,
  previous_category: null,
  last_synced_at: "2026-11-23T09:30:12.481Z",
  last_synced_via: "create",
  rejection_info: null,
  status_info: null,
  pending_category_change: null,
  deleted_at: null,
  library_template_name: null,
  ...deriveTemplateFields(CREATE_TEMPLATE_EXAMPLE.components),
} satisfies TTemplate;

/** The same template once Meta approved it and a sync picked the decision up. */
export const TEMPLATE_APPROVED_EXAMPLE = {
  ...TEMPLATE_PENDING_EXAMPLE,
  status: "approved",
  meta_status: "APPROVED",
  quality_score: "GREEN",
  updated_at: "2026-11-23T09:41:55.012Z",
  last_synced_at: "2026-11-23T09:41:55.012Z",
  last_synced_via: "webhook",
} satisfies TTemplate;

const PROMO_COMPONENTS = [
  { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::aW1hZ2UvanBlZw==:ARb1x"] } },
  {
    type: "BODY",
    text: "Halo {{1}}, diskon akhir tahun 50% untuk semua produk sampai {{2}}!",
    example: { body_text: [["Sari", "31 Desember"]] },
  },
];

/** An Indonesian MARKETING template with an image header, rejected by Meta. */
export const TEMPLATE_REJECTED_EXAMPLE = {
  id: "tmpl_01JD4ZC2R8S0V2X4Z6A8C0E2G4",
  object: "template",
  name: "promo_akhir_tahun",
  language: "id",
  status: "rejected",
  content: "Halo {{1}}, diskon akhir tahun 50% untuk semua produk sampai {{2}}!",
  variables: ["1", "2"],
  components: PROMO_COMPONENTS,
  whatsapp_account: WHATSAPP_ACCOUNT,
  provider_template_id: "1386172992476744",
  created_at: "2026-11-20T03:12:40.000Z",
  updated_at: "2026-11-20T05:02:18.000Z",
  category: "MARKETING",
  meta_status: "REJECTED",
  rejected_reason: "PROMOTIONAL",
  quality_score: null,
  previous_category: null,
  last_synced_at: "2026-11-20T05:02:18.000Z",
  last_synced_via: "webhook",
  rejection_info: {
    reason: "PROMOTIONAL",
    recommendation: "Marketing content must use the MARKETING category; resubmit it as a MARKETING template.",
  },
  status_info: null,
  pending_category_change: null,
  deleted_at: null,
  library_template_name: null,
  ...deriveTemplateFields(PROMO_COMPONENTS),
} satisfies TTemplate;

/** `GET /v1/me` for a key on the default tier. */
export const ME_EXAMPLE = {
  organization: { id: "org_01JD4Z5A7C9E1G3J5M7P9R1T3V", object: "organization", name: "Toko Budi" },
  api_key: { id: "key_01JD4Z6B8D0F2H4K6N8Q0S2U4W", object: "api_key", label: "Production server", last4: "x9Qa" },
  rate_limits: { tier: "default", write_per_minute: 60, read_per_minute: 600 },
} satisfies TMe;

export const SYNC_RESULT_EXAMPLE = {
  object: "template_sync_result",
  synced: 42,
  created: 3,
  updated: 2,
  unchanged: 37,
  removed: 1,
} satisfies TTemplateSyncResult;

export const SYNC_RUN_EXAMPLE = {
  id: "tsr_01JD4ZJ5K7M9P1R3T5V7X9Z1B3",
  object: "template_sync_run",
  phone_number_id: EXAMPLE_PHONE_NUMBER_ID,
  trigger: "api",
  status: "succeeded",
  started_at: "2026-11-23T09:41:52.300Z",
  finished_at: "2026-11-23T09:41:55.012Z",
  pages: 2,
  synced: 42,
  created: 3,
  updated: 2,
  unchanged: 37,
  removed: 1,
  error: null,
} satisfies TTemplateSyncRun;

export const TEMPLATE_EVENT_EXAMPLES = [
  {
    id: "tev_01JD4ZM8N0Q2S4U6W8Y0A2C4E6",
    object: "template_event",
    template_id: TEMPLATE_PENDING_EXAMPLE.id,
    name: "order_confirmation",
    language: "en",
    kind: "status",
    from: "PENDING",
    to: "APPROVED",
    reason: null,
    detail: null,
    source: "webhook",
    source_id: "evt_01JD4ZM8N0Q2S4U6W8Y0A2C4E7",
    occurred_at: "2026-11-23T09:41:50.000Z",
    recorded_at: "2026-11-23T09:41:55.012Z",
  },
  {
    id: "tev_01JD4Z8Q6M3T5W7Y9B1C3E5G7K",
    object: "template_event",
    template_id: TEMPLATE_PENDING_EXAMPLE.id,
    name: "order_confirmation",
    language: "en",
    kind: "status",
    from: null,
    to: "PENDING",
    reason: null,
    detail: null,
    source: "create",
    source_id: EXAMPLE_REQUEST_ID,
    occurred_at: "2026-11-23T09:30:12.481Z",
    recorded_at: "2026-11-23T09:30:12.481Z",
  },
] satisfies TTemplateEvent[];

export const ACCOUNT_EXAMPLES = [
  {
    object: "account",
    phone_number_id: EXAMPLE_PHONE_NUMBER_ID,
    phone_number: "+628111222333",
    name: "Customer Support",
    status: "connected",
    customer: null,
  },
  {
    object: "account",
    phone_number_id: "109876543210987",
    phone_number: "+6281299998888",
    name: "Toko Sari",
    status: "connected",
    customer: { id: "cus_01JD4ZF0A2B4C6D8E0F2G4H6J8", name: "Toko Sari" },
  },
] satisfies TAccount[];

/** A cursor as the list endpoint issues it (opaque; clients only echo it back). */
export const EXAMPLE_CURSOR =
  "eyJrIjpbIjIwMjYtMTEtMjBUMDM6MTI6NDAuMDAwWiIsInRtcGxfMDFKRDRaQzJSOFMwVjJYNFo2QThDMEUyRzQiXX0.Xw2kq8w3Tz0bXh1sJ4nVrM8cLq5yPd6fGa9eKu2iWo";

/** One plausible error of each code a route documents: message and `param` as the server words them. */
const ERROR_DETAILS: Partial<
  Record<
    TErrorCode,
    {
      message: string;
      param?: string;
      meta?: TErrorEnvelope["error"]["meta"];
      details?: TErrorEnvelope["error"]["details"];
    }
  >
> = {
  template_not_editable: {
    message: "Meta only edits APPROVED, REJECTED or PAUSED templates; this one is PENDING.",
    details: { meta_status: "PENDING" },
  },
  template_edit_quota_exceeded: {
    message:
      "An APPROVED template can be edited once per 24 hours. It can be edited again at 2026-11-24T09:30:12.481Z.",
    details: { retry_at: "2026-11-24T09:30:12.481Z" },
  },
  template_not_deletable: {
    message: "Meta does not delete DISABLED templates: order_confirmation (en).",
    details: { disabled_languages: ["en"] },
  },
  invalid_request: { message: "The JSON request body must be an object." },
  invalid_json: { message: "The request body is not valid JSON." },
  unsupported_content_type: {
    message: "Unsupported Content-Type `text/plain`. Send `Content-Type: application/json`.",
  },
  missing_required_field: { message: "category is required.", param: "category" },
  invalid_field_value: {
    message: "components must contain exactly one BODY component (found 0).",
    param: "components",
  },
  invalid_phone_number_id: {
    message: "phone_number_id must be 6 to 20 digits (Meta's business phone_number_id).",
    param: "phone_number_id",
  },
  invalid_limit: { message: "limit must be an integer from 1 to 100.", param: "limit" },
  invalid_cursor: {
    message: "The cursor was issued for different filters; start again without a cursor.",
    param: "cursor",
  },
  request_too_large: { message: "The request body is too large." },
  unsupported_media_type: {
    message: "A header sample must be sent as image/jpeg, image/png, video/mp4, application/pdf (got `image/gif`).",
    param: "Content-Type",
  },
  missing_api_key: { message: "No API key provided. Send it as `Authorization: Bearer <key>`." },
  invalid_api_key: { message: "Invalid API key." },
  expired_api_key: { message: "This API key has expired." },
  resource_not_found: {
    message: `No WhatsApp account with phone_number_id ${EXAMPLE_PHONE_NUMBER_ID}.`,
    param: "phone_number_id",
  },
  template_already_exists: {
    message: 'A template named "order_confirmation" already exists in language "en" on this account.',
    param: "name",
  },
  meta_rate_limited: {
    message: "Meta is rate limiting this WhatsApp Business Account; retry later.",
    meta: { code: 80008, error_user_title: "Rate limit hit", fbtrace_id: "AbCdEfGhIjKlMnOp" },
  },
  internal_error: { message: `An internal error occurred. Quote request id ${EXAMPLE_REQUEST_ID} when reporting it.` },
  whatsapp_upstream_error: {
    message: "Meta returned an error (code 2).",
    meta: { code: 2, error_user_msg: "Service temporarily unavailable", fbtrace_id: "AbCdEfGhIjKlMnOp" },
  },
  whatsapp_account_reauthorization_required: {
    message: "Meta refused this account's access token or permissions; reconnect the WhatsApp account.",
    meta: { code: 190, error_subcode: 463, fbtrace_id: "AbCdEfGhIjKlMnOp" },
  },
  meta_validation_failed: {
    message: "Meta rejected the template: The body text contains too many variables for its length.",
    param: "components.BODY",
    meta: {
      code: 100,
      error_subcode: 2388293,
      error_user_title: "Parameters to words ratio",
      error_user_msg: "The body text contains too many variables for its length.",
      fbtrace_id: "AbCdEfGhIjKlMnOp",
    },
  },
};

/** A complete error envelope for `code`, with the catalogue's type. */
export function errorExample(code: TErrorCode, override: { message?: string; param?: string } = {}): TErrorEnvelope {
  const entry = ERROR_CODES[code];
  const detail = ERROR_DETAILS[code] ?? { message: entry.description };
  const param = override.param ?? detail.param;
  return {
    error: {
      type: entry.type,
      code,
      message: override.message ?? detail.message,
      ...(param === undefined ? {} : { param }),
      request_id: EXAMPLE_REQUEST_ID,
      ...(detail.meta === undefined ? {} : { meta: detail.meta }),
      ...(detail.details === undefined ? {} : { details: detail.details }),
    },
  };
}
