// Meta's create rules (§2, order of §10.3) answered over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl } from "./testing/http.js";
import type { GraphErrorShape } from "./testing/http.js";

let sandbox: MetaSandbox;
let counter = 0;

beforeAll(async () => {
  // A roomy WABA so 60-odd creates never meet the template limit or the hourly rate.
  sandbox = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: 0, demoTemplateLimit: 6000 });
});
afterAll(async () => {
  await sandbox.close();
});

const body = (text: string, example?: unknown): Record<string, unknown> => ({
  type: "BODY",
  text,
  ...(example === undefined ? {} : { example }),
});
const GOOD_BODY = body("Hi {{1}}, your order {{2}} has been confirmed and will ship within two days.", {
  body_text: [["Ana", "#1042"]],
});

function submission(components: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return { name: `rule_case_${counter}`, language: "en_US", category: "UTILITY", components, ...extra };
}

async function create(
  payload: Record<string, unknown>,
): Promise<{ status: number; body: GraphErrorShape & Record<string, unknown> }> {
  return call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: payload });
}

interface Refusal {
  name: string;
  payload: () => Record<string, unknown>;
  code?: number;
  subcode: number | undefined;
  /** Substring of error_user_msg (or message when the error has no user message). */
  says: string;
}

const AUTH_BODY = { type: "BODY", add_security_recommendation: true };
const OTP_BUTTONS = { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE" }] };

const refusals: Refusal[] = [
  // 1. parameters
  {
    name: "missing name",
    payload: () => ({ language: "en", category: "UTILITY", components: [GOOD_BODY] }),
    subcode: undefined,
    says: "The parameter name is required",
  },
  {
    name: "components not an array",
    payload: () => submission([], { components: "nope" }),
    subcode: undefined,
    says: "components must be a valid JSON array",
  },
  {
    name: "unsupported language",
    payload: () => submission([GOOD_BODY], { language: "xx_YY" }),
    subcode: undefined,
    says: "Param language must be one of",
  },
  {
    name: "unknown component type",
    payload: () => submission([GOOD_BODY, { type: "SIDEBAR" }]),
    subcode: undefined,
    says: "must be one of {HEADER",
  },
  {
    name: "no BODY",
    payload: () => submission([{ type: "FOOTER", text: "Only a footer" }]),
    subcode: undefined,
    says: "exactly one BODY",
  },
  // 2. name
  {
    name: "uppercase name",
    payload: () => submission([GOOD_BODY], { name: "Order-Confirmation" }),
    subcode: undefined,
    says: "lowercase alphanumeric",
  },
  {
    name: "name over 512",
    payload: () => submission([GOOD_BODY], { name: "a".repeat(513) }),
    subcode: undefined,
    says: "at most 512",
  },
  // 3. category
  {
    name: "unknown category",
    payload: () => submission([GOOD_BODY], { category: "PROMO" }),
    subcode: undefined,
    says: "Param category must be one of {AUTHENTICATION, MARKETING, UTILITY}",
  },
  // 4. character limits
  {
    name: "header over 60",
    payload: () => submission([{ type: "HEADER", format: "TEXT", text: "H".repeat(61) }, GOOD_BODY]),
    subcode: 2388040,
    says: "limit of 60",
  },
  {
    name: "body over 1024",
    payload: () => submission([body(`Hello there ${"x".repeat(1020)}`)]),
    subcode: 2388040,
    says: "limit of 1024",
  },
  {
    name: "footer over 60",
    payload: () => submission([GOOD_BODY, { type: "FOOTER", text: "F".repeat(61) }]),
    subcode: 2388040,
    says: "footer text",
  },
  {
    name: "button text over 25",
    payload: () =>
      submission([GOOD_BODY, { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Q".repeat(26) }] }]),
    subcode: 2388040,
    says: "button text",
  },
  {
    name: "copy code over 20",
    payload: () =>
      submission([GOOD_BODY, { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: "C".repeat(21) }] }], {
        category: "MARKETING",
      }),
    subcode: 2388040,
    says: "coupon code",
  },
  // 5. header format
  {
    name: "two header variables",
    payload: () =>
      submission([
        { type: "HEADER", format: "TEXT", text: "{{1}} and {{2}}", example: { header_text: ["a", "b"] } },
        GOOD_BODY,
      ]),
    subcode: 2388047,
    says: "at most one variable",
  },
  {
    name: "unknown header format",
    payload: () => submission([{ type: "HEADER", format: "AUDIO" }, GOOD_BODY]),
    subcode: 2388047,
    says: "header format",
  },
  {
    name: 'media header on AUTHENTICATION ("media … not supported")',
    payload: () =>
      submission([{ type: "HEADER", format: "IMAGE", example: { header_handle: ["x"] } }, AUTH_BODY, OTP_BUTTONS], {
        category: "AUTHENTICATION",
      }),
    subcode: 2388047,
    says: "can't have a media header",
  },
  {
    name: "fewer body samples than variables",
    payload: () =>
      submission([
        body("Hi {{1}}, your order {{2}} has been confirmed and will ship within two days.", { body_text: [["Ana"]] }),
      ]),
    subcode: 2388043,
    says: "component of type BODY is missing expected field(s) (example)",
  },
  {
    name: "LIMITED_TIME_OFFER outside MARKETING",
    payload: () =>
      submission([
        { type: "LIMITED_TIME_OFFER", limited_time_offer: { text: "Expiring offer!", has_expiration: true } },
        GOOD_BODY,
      ]),
    subcode: undefined,
    says: "only supported in MARKETING",
  },
  // 6. footer format
  {
    name: "footer variable",
    payload: () => submission([GOOD_BODY, { type: "FOOTER", text: "Ref {{1}}" }]),
    subcode: 2388073,
    says: "footer can't contain variables",
  },
  // 7. body format
  {
    name: "non-sequential variables",
    payload: () =>
      submission([
        body("Hi {{1}}, your order {{3}} is ready for pickup at the front desk today.", { body_text: [["a", "b"]] }),
      ]),
    subcode: 2388072,
    says: "sequential",
  },
  {
    name: "named variable in a positional template",
    payload: () =>
      submission([
        body("Hi {{first_name}}, your order is ready for pickup at the front desk today.", { body_text: [["a"]] }),
      ]),
    subcode: 2388072,
    says: "positional variables must be numbers",
  },
  {
    name: "unbalanced braces",
    payload: () => submission([body("Hi {{1}, your order is ready for pickup at the front desk today.")]),
    subcode: 2388072,
    says: "curly braces",
  },
  {
    name: "three newlines",
    payload: () => submission([body("Hello there friend\n\n\nYour order is on its way to you now.")]),
    subcode: undefined,
    says: "more than two consecutive newline characters",
  },
  {
    name: "leading variable",
    payload: () =>
      submission([
        body("{{1}}, your order has been confirmed and will ship within two days.", { body_text: [["Ana"]] }),
      ]),
    subcode: 2388299,
    says: "Variables can't be at the start or end of the template.",
  },
  {
    name: "trailing variable",
    payload: () =>
      submission([
        body("Your order has been confirmed and will ship within two days, {{1}}", { body_text: [["Ana"]] }),
      ]),
    subcode: 2388299,
    says: "start or end",
  },
  // 8. words ratio
  // 9. examples
  {
    name: "body variables without example",
    payload: () => submission([body("Hi {{1}}, your order has been confirmed and will ship within two days.")]),
    subcode: 2388043,
    says: "component of type BODY is missing expected field(s) (example)",
  },
  {
    name: "URL variable without example",
    payload: () =>
      submission([
        GOOD_BODY,
        { type: "BUTTONS", buttons: [{ type: "URL", text: "Track", url: "https://example.com/t/{{1}}" }] },
      ]),
    subcode: 2388043,
    says: "component of type BUTTONS is missing expected field(s) (example)",
  },
  {
    name: "media header without handle",
    payload: () => submission([{ type: "HEADER", format: "IMAGE" }, GOOD_BODY]),
    subcode: 2388043,
    says: "HEADER",
  },
  {
    name: "unknown header_handle",
    payload: () =>
      submission([{ type: "HEADER", format: "IMAGE", example: { header_handle: ["4::bogus"] } }, GOOD_BODY]),
    subcode: undefined,
    says: "header_handle",
  },
  // 10. buttons, authentication, TTL
  {
    name: "eleven buttons",
    payload: () =>
      submission([
        GOOD_BODY,
        {
          type: "BUTTONS",
          buttons: Array.from({ length: 11 }, (_, i) => ({ type: "QUICK_REPLY", text: `Option ${i}` })),
        },
      ]),
    subcode: undefined,
    says: "at most 10 buttons",
  },
  {
    name: "three URL buttons",
    payload: () =>
      submission([
        GOOD_BODY,
        {
          type: "BUTTONS",
          buttons: [1, 2, 3].map((i) => ({ type: "URL", text: `Link ${i}`, url: `https://example.com/${i}` })),
        },
      ]),
    subcode: undefined,
    says: "at most 2 URL",
  },
  {
    name: "QR, URL, QR grouping",
    payload: () =>
      submission([
        GOOD_BODY,
        {
          type: "BUTTONS",
          buttons: [
            { type: "QUICK_REPLY", text: "A" },
            { type: "URL", text: "B", url: "https://example.com" },
            { type: "QUICK_REPLY", text: "C" },
          ],
        },
      ]),
    subcode: undefined,
    says: "grouped together",
  },
  {
    name: "AUTHENTICATION without OTP button",
    payload: () => submission([AUTH_BODY], { category: "AUTHENTICATION" }),
    subcode: undefined,
    says: "exactly one OTP button",
  },
  {
    name: "code_expiration_minutes 91",
    payload: () =>
      submission([AUTH_BODY, { type: "FOOTER", code_expiration_minutes: 91 }, OTP_BUTTONS], {
        category: "AUTHENTICATION",
      }),
    subcode: undefined,
    says: "between 1 and 90",
  },
  {
    name: "ONE_TAP without supported_apps",
    payload: () =>
      submission([AUTH_BODY, { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "ONE_TAP" }] }], {
        category: "AUTHENTICATION",
      }),
    subcode: undefined,
    says: "supported_apps",
  },
  {
    name: "UTILITY TTL above 12 h",
    payload: () => submission([GOOD_BODY], { message_send_ttl_seconds: 50_000 }),
    subcode: undefined,
    says: "between 30 and 43200",
  },
  // More of Meta's documented rules (each cited next to its check in template-rules.ts).
  {
    name: "TEXT header with blank text (D6)",
    payload: () => submission([{ type: "HEADER", format: "TEXT", text: "  " }, GOOD_BODY]),
    subcode: undefined,
    says: "components[0][text] is required",
  },
  {
    name: "TEXT header without text (D6)",
    payload: () => submission([{ type: "HEADER", format: "TEXT" }, GOOD_BODY]),
    subcode: undefined,
    says: "components[0][text] is required",
  },
  {
    name: "named header variable in a positional template (D11)",
    payload: () => submission([{ type: "HEADER", format: "TEXT", text: "Hi {{name}}" }, GOOD_BODY]),
    subcode: 2388047,
    says: "positional variables must be numbers",
  },
  {
    name: "blank footer (D9)",
    payload: () => submission([GOOD_BODY, { type: "FOOTER", text: " " }]),
    subcode: undefined,
    says: "components[1][text] is required",
  },
  {
    name: "named variable with a digit (D10)",
    payload: () =>
      submission(
        [
          body("Hi {{name2}}, your order is ready for pickup at the front desk today.", {
            body_text_named_params: [{ param_name: "name2", example: "a" }],
          }),
        ],
        { parameter_format: "NAMED" },
      ),
    subcode: 2388072,
    says: "lowercase letters and underscores",
  },
  {
    name: "three newlines separated by spaces (D8)",
    payload: () => submission([body("Hello there friend\n \n \nYour order is on its way to you now.")]),
    subcode: undefined,
    says: "consecutive newline",
  },
  {
    name: "punctuation only (D8)",
    payload: () => submission([body("... !")]),
    subcode: undefined,
    says: "only have parameters",
  },
  {
    name: "eleven emoji (D8)",
    payload: () => submission([body(`Your order is on its way ${"😀".repeat(11)} see you soon`)]),
    subcode: undefined,
    says: "more than 10 emojis",
  },
  {
    name: "NAMED body with positional samples (D15)",
    payload: () =>
      submission(
        [body("Hi {{first_name}}, your order has been confirmed and will ship soon.", { body_text: [["Ana"]] })],
        { parameter_format: "NAMED" },
      ),
    subcode: 2388043,
    says: "missing expected field(s)",
  },
  {
    name: "URL with broken braces (D21)",
    payload: () =>
      submission([
        GOOD_BODY,
        {
          type: "BUTTONS",
          buttons: [{ type: "URL", text: "Track", url: "https://example.com/t/{{1", example: ["a"] }],
        },
      ]),
    subcode: undefined,
    says: "appended to the end of the URL",
  },
  {
    name: "COPY_CODE without example (D22)",
    payload: () =>
      submission([GOOD_BODY, { type: "BUTTONS", buttons: [{ type: "COPY_CODE" }] }], { category: "MARKETING" }),
    subcode: 2388043,
    says: "missing expected field(s) (example)",
  },
  {
    name: "COPY_CODE example as an array (D22: Meta's syntax is a string)",
    payload: () =>
      submission([GOOD_BODY, { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: ["SAVE10"] }] }], {
        category: "MARKETING",
      }),
    subcode: 2388043,
    says: "missing expected field(s) (example)",
  },
  {
    name: "emoji in the OTP button text (D28)",
    payload: () =>
      submission([AUTH_BODY, { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE", text: "Copy 🔑" }] }], {
        category: "AUTHENTICATION",
      }),
    subcode: undefined,
    says: "can't contain emojis",
  },
  {
    name: "two FOOTERs (D5)",
    payload: () => submission([GOOD_BODY, { type: "FOOTER", text: "a" }, { type: "FOOTER", text: "b" }]),
    subcode: undefined,
    says: "only have one FOOTER",
  },
  {
    name: "AUTHENTICATION TTL above 900 (D29)",
    payload: () => submission([AUTH_BODY, OTP_BUTTONS], { category: "AUTHENTICATION", message_send_ttl_seconds: 901 }),
    subcode: undefined,
    says: "between 30 and 900",
  },
  {
    name: "MARKETING TTL below 12 h (D29)",
    payload: () => submission([GOOD_BODY], { category: "MARKETING", message_send_ttl_seconds: 43_199 }),
    subcode: undefined,
    says: "between 43200 and 2592000",
  },
  {
    name: "invalid phone number",
    payload: () =>
      submission([
        GOOD_BODY,
        { type: "BUTTONS", buttons: [{ type: "PHONE_NUMBER", text: "Call", phone_number: "call-me" }] },
      ]),
    code: 192,
    subcode: undefined,
    says: "not valid",
  },
];

describe("create refusals", () => {
  it.each(refusals)("$name", async ({ payload, code, subcode, says }) => {
    const response = await create(payload());
    expect(response.status).toBe(400);
    const error = response.body.error;
    expect(error.code).toBe(code ?? 100);
    expect(error.type).toBe("OAuthException");
    expect(error.error_subcode).toBe(subcode);
    expect(error.fbtrace_id).toBeTruthy();
    expect(error.error_user_msg ?? error.message).toContain(says);
  });

  it("uses Meta's observed body for 2388299", async () => {
    const dangling = await create(
      submission([body("{{1}} is the code for your order, please keep it safe.", { body_text: [["a"]] })]),
    );
    expect(dangling.body.error).toMatchObject({
      error_subcode: 2388299,
      error_user_title: "Leading or trailing parameters not allowed",
    });
  });

  it("reports the earliest rule in Meta's order when several are broken", async () => {
    // Character limit (step 4) beats the dangling parameter (step 7).
    const both = await create(submission([body(`{{1}} ${"x".repeat(1030)}`, { body_text: [["a"]] })]));
    expect(both.body.error.error_subcode).toBe(2388040);
    // Header format (step 5) beats footer format (step 6).
    const headerAndFooter = await create(
      submission([
        { type: "HEADER", format: "TEXT", text: "{{1}} {{2}}", example: { header_text: ["a", "b"] } },
        GOOD_BODY,
        { type: "FOOTER", text: "{{1}}" },
      ]),
    );
    expect(headerAndFooter.body.error.error_subcode).toBe(2388047);
  });
});

/**
 * Bodies Meta publishes no refusal for: the sandbox accepts them, as Meta's synchronous create does. Our own API refuses
 * each of them locally (the rule named in `ours`), recorded as "ours alone" in packages/schema/src/meta-rules/DECISIONS.md.
 */
const acceptedWhereMetaIsSilent: Array<{ name: string; ours: string; payload: () => Record<string, unknown> }> = [
  {
    name: "emoji in a text header",
    ours: "template_header_text_invalid_characters",
    payload: () => submission([{ type: "HEADER", format: "TEXT", text: "Hello 🎉" }, GOOD_BODY]),
  },
  {
    name: "asterisks in a text header (Meta: markdown characters are 'not supported … we recommend avoiding their use')",
    ours: "template_header_text_invalid_characters",
    payload: () => submission([{ type: "HEADER", format: "TEXT", text: "*Big* sale" }, GOOD_BODY]),
  },
  {
    name: "the same header variable twice (one parameter)",
    ours: "template_header_too_many_variables",
    payload: () =>
      submission([
        { type: "HEADER", format: "TEXT", text: "{{1}} or {{1}}", example: { header_text: ["a"] } },
        GOOD_BODY,
      ]),
  },
  {
    name: "text on an IMAGE header",
    ours: "template_header_text_not_allowed",
    payload: () =>
      submission([
        {
          type: "HEADER",
          format: "IMAGE",
          text: "Caption",
          example: { header_handle: [sandbox.control.createMediaHandle("image/jpeg")] },
        },
        GOOD_BODY,
      ]),
  },
  {
    name: "a newline in the footer",
    ours: "template_footer_has_newlines",
    payload: () => submission([GOOD_BODY, { type: "FOOTER", text: "Line one\nline two" }]),
  },
  {
    name: "few words for many variables (Meta publishes no ratio)",
    ours: "template_variables_words_ratio",
    payload: () => submission([body("Dear {{1}}, {{2}} and {{3}} now.", { body_text: [["a", "b", "c"]] })]),
  },
  {
    name: "two body_text rows",
    ours: "template_example_count_mismatch",
    payload: () =>
      submission([
        body("Hi {{1}}, your order has been confirmed and will ship within two days.", { body_text: [["a"], ["b"]] }),
      ]),
  },
  {
    name: "an extra named sample",
    ours: "template_example_count_mismatch",
    payload: () =>
      submission(
        [
          body("Hi {{first_name}}, your order has been confirmed and will ship soon.", {
            body_text_named_params: [
              { param_name: "first_name", example: "Ana" },
              { param_name: "city", example: "Oslo" },
            ],
          }),
        ],
        { parameter_format: "NAMED" },
      ),
  },
  {
    name: "two samples for a URL variable",
    ours: "template_example_count_mismatch",
    payload: () =>
      submission([
        GOOD_BODY,
        {
          type: "BUTTONS",
          buttons: [{ type: "URL", text: "Track", url: "https://example.com/t/{{1}}", example: ["a", "b"] }],
        },
      ]),
  },
  {
    name: "an ftp URL",
    ours: "template_button_url_invalid",
    payload: () =>
      submission([
        GOOD_BODY,
        { type: "BUTTONS", buttons: [{ type: "URL", text: "Get", url: "ftp://example.com/file" }] },
      ]),
  },
  {
    name: "an OTP button in a UTILITY template",
    ours: "template_button_not_allowed_for_category",
    payload: () => submission([GOOD_BODY, OTP_BUTTONS]),
  },
  {
    name: "code_expiration_minutes on a UTILITY footer",
    ours: "template_auth_field_not_allowed",
    payload: () => submission([GOOD_BODY, { type: "FOOTER", text: "Thanks", code_expiration_minutes: 5 }]),
  },
  {
    name: "body text on AUTHENTICATION (ignored: Meta writes the preset text)",
    ours: "template_auth_free_text_not_allowed",
    payload: () =>
      submission([{ type: "BODY", text: "Your code is {{1}}" }, OTP_BUTTONS], { category: "AUTHENTICATION" }),
  },
  {
    name: "a text header on AUTHENTICATION",
    ours: "template_auth_header_not_allowed",
    payload: () =>
      submission([{ type: "HEADER", format: "TEXT", text: "Your code" }, AUTH_BODY, OTP_BUTTONS], {
        category: "AUTHENTICATION",
      }),
  },
  {
    name: "autofill_text on a COPY_CODE OTP button",
    ours: "template_auth_autofill_text_not_allowed",
    payload: () =>
      submission(
        [AUTH_BODY, { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE", autofill_text: "Fill" }] }],
        { category: "AUTHENTICATION" },
      ),
  },
  {
    name: "code_expiration_minutes 61–90 (Meta: 1–90)",
    ours: "wire schema 1–60 (D24)",
    payload: () =>
      submission([AUTH_BODY, { type: "FOOTER", code_expiration_minutes: 90 }, OTP_BUTTONS], {
        category: "AUTHENTICATION",
      }),
  },
  {
    name: "TTL -1",
    ours: "wire schema minimum 30 (D29)",
    payload: () => submission([GOOD_BODY], { message_send_ttl_seconds: -1 }),
  },
];

describe("create acceptances where Meta publishes no refusal", () => {
  it.each(acceptedWhereMetaIsSilent)("$name (ours alone: $ours)", async ({ payload }) => {
    const response = await create(payload());
    expect(response.body.error).toBeUndefined();
    expect(response.status).toBe(200);
  });

  it("answers a real Meta error verbatim when a test injects one (words ratio, 2388293)", async () => {
    const observed = {
      error: {
        message: "Invalid parameter",
        type: "OAuthException",
        code: 100,
        error_subcode: 2388293,
        is_transient: false,
        error_user_title: "Parameters words ratio exceeds limit",
        error_user_msg:
          "This template has too many variables for its length. Reduce the number of variables or increase the message length.",
        fbtrace_id: "A3mG2rOo5hxhQ0o8zT1Gq8l",
      },
    };
    sandbox.control.faults.add({
      kind: "respond",
      method: "POST",
      path: "/message_templates",
      times: 1,
      respondStatus: 400,
      respondBody: observed,
    });
    const response = await create(submission([GOOD_BODY]));
    expect(response.status).toBe(400);
    expect(response.body).toEqual(observed);
    expect((await create(submission([GOOD_BODY]))).status).toBe(200);
  });
});

describe("create acceptances", () => {
  const accepted: Array<{ name: string; payload: () => Record<string, unknown> }> = [
    {
      name: "variable followed by punctuation at the end",
      payload: () =>
        submission([body("Your verification for the order is complete, thank you {{1}}.", { body_text: [["Ana"]] })]),
    },
    {
      name: "lowercase types and category",
      payload: () =>
        submission([{ type: "body", text: "Your order has shipped and will arrive tomorrow morning." }], {
          category: "utility",
        }),
    },
    {
      name: "named parameters",
      payload: () =>
        submission(
          [
            body("Hi {{first_name}}, your order {{order_id}} has shipped and arrives soon.", {
              body_text_named_params: [
                { param_name: "first_name", example: "Ana" },
                { param_name: "order_id", example: "1" },
              ],
            }),
          ],
          { parameter_format: "NAMED" },
        ),
    },
    {
      name: "copy code of 20 characters",
      payload: () =>
        submission([GOOD_BODY, { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: "C".repeat(20) }] }], {
          category: "MARKETING",
        }),
    },
    {
      name: "QR, QR, URL, PHONE grouping",
      payload: () =>
        submission([
          GOOD_BODY,
          {
            type: "BUTTONS",
            buttons: [
              { type: "QUICK_REPLY", text: "A" },
              { type: "QUICK_REPLY", text: "B" },
              { type: "URL", text: "C", url: "https://example.com/{{1}}", example: ["x"] },
              { type: "PHONE_NUMBER", text: "D", phone_number: "+15551234567" },
            ],
          },
        ]),
    },
    {
      name: "one-tap with package_name / signature_hash on the button (Meta's OpenAPI example)",
      payload: () =>
        submission(
          [
            AUTH_BODY,
            {
              type: "BUTTONS",
              buttons: [
                {
                  type: "OTP",
                  otp_type: "ONE_TAP",
                  text: "Copy Code",
                  autofill_text: "Autofill",
                  package_name: "com.example.luckyshrub",
                  signature_hash: "K8a/AINcGX7",
                },
              ],
            },
          ],
          { category: "AUTHENTICATION" },
        ),
    },
    {
      name: "product-card carousel in MARKETING",
      payload: () =>
        submission(
          [
            GOOD_BODY,
            {
              type: "CAROUSEL",
              cards: [0, 1].map(() => ({
                components: [
                  { type: "HEADER", format: "PRODUCT" },
                  { type: "BUTTONS", buttons: [{ type: "SPM", text: "View" }] },
                ],
              })),
            },
          ],
          { category: "MARKETING" },
        ),
    },
    {
      name: "limited-time offer in MARKETING",
      payload: () =>
        submission(
          [
            { type: "LIMITED_TIME_OFFER", limited_time_offer: { text: "Expiring offer!", has_expiration: true } },
            GOOD_BODY,
            {
              type: "BUTTONS",
              buttons: [
                { type: "COPY_CODE", example: "CARIBE25" },
                { type: "URL", text: "Book now!", url: "https://example.com/offers" },
              ],
            },
          ],
          { category: "MARKETING" },
        ),
    },
    {
      name: "call permission request component (Meta's own create example)",
      payload: () =>
        submission(
          [
            { type: "BODY", text: "We would like to call you to help support your order." },
            { type: "call_permission_request" },
          ],
          { category: "MARKETING" },
        ),
    },
    {
      name: "one-tap authentication",
      payload: () =>
        submission(
          [
            AUTH_BODY,
            { type: "FOOTER", code_expiration_minutes: 5 },
            {
              type: "BUTTONS",
              buttons: [
                {
                  type: "otp",
                  otp_type: "one_tap",
                  supported_apps: [{ package_name: "com.example.app", signature_hash: "K8a/AINcGX7" }],
                },
              ],
            },
          ],
          { category: "authentication", message_send_ttl_seconds: 300 },
        ),
    },
  ];
  it.each(accepted)("$name", async ({ payload }) => {
    const response = await create(payload());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: "PENDING" });
  });

  it("stores an OTP button as a URL button and fills in the preset authentication text", async () => {
    const payload = submission([AUTH_BODY, { type: "FOOTER", code_expiration_minutes: 5 }, OTP_BUTTONS], {
      category: "AUTHENTICATION",
    });
    const created = await create(payload);
    const read = await call<{ components: Array<Record<string, unknown>> }>(
      `${sandbox.graphUrl}/${String(created.body.id)}?fields=components`,
      { token: DEMO_ACCESS_TOKEN },
    );
    expect(read.body.components).toEqual([
      {
        type: "BODY",
        text: "*{{1}}* is your verification code. For your security, do not share this code.",
        add_security_recommendation: true,
        example: { body_text: [["123456"]] },
      },
      { type: "FOOTER", text: "This code expires in 5 minutes.", code_expiration_minutes: 5 },
      {
        type: "BUTTONS",
        buttons: [
          {
            type: "URL",
            text: "Copy code",
            url: "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=5&code=otp{{1}}",
            example: ["https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code_expiration_minutes=5&code=otp123456"],
          },
        ],
      },
    ]);
  });
});
