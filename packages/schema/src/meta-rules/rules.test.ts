import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../errors.js";
import { firstIssue } from "../issues.js";
import {
  ZCreateTemplateRequest,
  type TCreateTemplateRequest,
  type TCreateTemplateRequestInput,
} from "../template-request.js";
import { META_RULE_SUBCODES, TEMPLATE_RULE_CODES, type TemplateRuleCode } from "./catalogue.js";
import { ZCreateTemplateRequestChecked } from "./checked.js";
import { locateTemplateRuleViolations, validateTemplateForMeta } from "./rules.js";

type Component = Record<string, unknown>;
type Request = TCreateTemplateRequestInput & Record<string, unknown>;

const BODY: Component = { type: "BODY", text: "Hello {{1}}, your order is ready.", example: { body_text: [["Ann"]] } };

function marketing(...components: Component[]): Request {
  return {
    name: "promo",
    category: "MARKETING",
    language: "en",
    components: components.length ? components : [BODY],
  } as Request;
}
function utility(...components: Component[]): Request {
  return { ...marketing(...components), category: "UTILITY" };
}
/** A valid COPY_CODE authentication template; components replace the defaults when given. */
function authentication(...components: Component[]): Request {
  return {
    name: "otp",
    category: "AUTHENTICATION",
    language: "en",
    components: components.length
      ? components
      : [
          { type: "BODY", add_security_recommendation: true },
          { type: "FOOTER", code_expiration_minutes: 10 },
          { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE", text: "Copy code" }] },
        ],
  } as Request;
}
function body(text: string, example?: Component): Component {
  return { type: "BODY", text, ...(example ? { example } : {}) };
}
function buttons(...list: Component[]): Component {
  return { type: "BUTTONS", buttons: list };
}
const QR = (text = "Yes"): Component => ({ type: "QUICK_REPLY", text });
const URL_BUTTON = (url = "https://example.com/a"): Component => ({ type: "URL", text: "Open", url });
const PHONE: Component = { type: "PHONE_NUMBER", text: "Call", phone_number: "+628111222333" };
const COPY = (code = "SUMMER25"): Component => ({ type: "COPY_CODE", example: [code] });
const ONE_TAP_APP = { package_name: "com.example.app", signature_hash: "K8a/AINcGX7" };
function authWithButton(button: Component): Request {
  return authentication({ type: "BODY", add_security_recommendation: true }, buttons(button));
}

function parseWire(request: Request): TCreateTemplateRequest {
  return ZCreateTemplateRequest.parse(request);
}
function violationsOf(request: Request) {
  return validateTemplateForMeta(parseWire(request));
}

/** Codes each refusal case produced, to check that every rule has at least one refusing test. */
const refusedCodes = new Set<TemplateRuleCode>();

type Case = [label: string, request: Request];
type RefusalCase = [label: string, request: Request, code: TemplateRuleCode, param: string];

function runTables(title: string, accepted: Case[], refused: RefusalCase[]): void {
  describe(title, () => {
    it.each(accepted)("accepts %s", (_label, request) => {
      expect(violationsOf(request)).toEqual([]);
    });
    it.each(refused)("refuses %s", (_label, request, code, param) => {
      refusedCodes.add(code);
      const violations = violationsOf(request);
      expect(violations).toContainEqual(expect.objectContaining({ code, param }));
    });
  });
}

const longText = (length: number, filler = "a") => filler.repeat(length);

runTables(
  "structure (D5)",
  [
    [
      "one of each component",
      marketing({ type: "HEADER", format: "TEXT", text: "Hi" }, BODY, { type: "FOOTER", text: "Bye" }, buttons(QR())),
    ],
    ["AUTH fields where Meta puts them", authentication()],
  ],
  [
    [
      "two HEADERs",
      marketing({ type: "HEADER", format: "TEXT", text: "a" }, { type: "HEADER", format: "TEXT", text: "b" }, BODY),
      "template_component_duplicated",
      "components[1].type",
    ],
    [
      "two FOOTERs",
      marketing(BODY, { type: "FOOTER", text: "a" }, { type: "FOOTER", text: "b" }),
      "template_component_duplicated",
      "components[2].type",
    ],
    [
      "two BUTTONS",
      marketing(BODY, buttons(QR()), buttons(QR())),
      "template_component_duplicated",
      "components[2].type",
    ],
    [
      "format on BODY",
      marketing({ ...BODY, format: "TEXT" }),
      "template_component_field_misplaced",
      "components[0].format",
    ],
    [
      "buttons on BODY",
      marketing({ ...BODY, buttons: [QR()] }),
      "template_component_field_misplaced",
      "components[0].buttons",
    ],
    [
      "text on BUTTONS",
      marketing(BODY, { ...buttons(QR()), text: "x" }),
      "template_component_field_misplaced",
      "components[1].text",
    ],
    [
      "add_security_recommendation on AUTH FOOTER",
      authentication(
        { type: "BODY" },
        { type: "FOOTER", add_security_recommendation: true },
        buttons({ type: "OTP", otp_type: "COPY_CODE" }),
      ),
      "template_component_field_misplaced",
      "components[1].add_security_recommendation",
    ],
    [
      "code_expiration_minutes on AUTH BODY",
      authentication({ type: "BODY", code_expiration_minutes: 5 }, buttons({ type: "OTP", otp_type: "COPY_CODE" })),
      "template_component_field_misplaced",
      "components[0].code_expiration_minutes",
    ],
    [
      "add_security_recommendation on MARKETING",
      marketing({ ...BODY, add_security_recommendation: true }),
      "template_auth_field_not_allowed",
      "components[0].add_security_recommendation",
    ],
    [
      "code_expiration_minutes on UTILITY",
      utility(BODY, { type: "FOOTER", text: "f", code_expiration_minutes: 5 }),
      "template_auth_field_not_allowed",
      "components[1].code_expiration_minutes",
    ],
  ],
);

runTables(
  "header (D6, D7)",
  [
    ["TEXT header of 60 characters", marketing({ type: "HEADER", format: "TEXT", text: longText(60) }, BODY)],
    [
      "TEXT header with {{1}} and its sample",
      marketing(
        { type: "HEADER", format: "TEXT", text: "Our {{1}} is on!", example: { header_text: ["Summer Sale"] } },
        BODY,
      ),
    ],
    [
      "header variable at the start and end (body-only rule)",
      marketing({ type: "HEADER", format: "TEXT", text: "{{1}}", example: { header_text: ["Hi"] } }, BODY),
    ],
    [
      "IMAGE header with header_url",
      marketing({ type: "HEADER", format: "IMAGE", example: { header_url: ["https://example.com/a.png"] } }, BODY),
    ],
    [
      "VIDEO header with header_handle",
      marketing({ type: "HEADER", format: "VIDEO", example: { header_handle: ["4::aW..."] } }, BODY),
    ],
    [
      "DOCUMENT header with header_url",
      utility({ type: "HEADER", format: "DOCUMENT", example: { header_url: ["https://example.com/a.pdf"] } }, BODY),
    ],
    ["LOCATION header without example", utility({ type: "HEADER", format: "LOCATION" }, BODY)],
    ["body emoji counted as one character", marketing(body(`${longText(1023)}🎉`))],
    [
      "LOCATION header with an (ignored) example",
      utility({ type: "HEADER", format: "LOCATION", example: { header_text: ["x"] } }, BODY),
    ],
    [
      "header with underscores and other punctuation",
      marketing({ type: "HEADER", format: "TEXT", text: "Order_update: 50% off!" }, BODY),
    ],
    [
      "NAMED header with its sample",
      {
        ...marketing(
          {
            type: "HEADER",
            format: "TEXT",
            text: "Hi {{first_name}}",
            example: { header_text_named_params: [{ param_name: "first_name", example: "Ann" }] },
          },
          body("Welcome back to the shop."),
        ),
        parameter_format: "NAMED",
      },
    ],
  ],
  [
    [
      "HEADER without format",
      marketing({ type: "HEADER", text: "Hi" }, BODY),
      "template_header_format_required",
      "components[0].format",
    ],
    [
      "TEXT header without text",
      marketing({ type: "HEADER", format: "TEXT" }, BODY),
      "template_header_text_required",
      "components[0].text",
    ],
    [
      "TEXT header with blank text",
      marketing({ type: "HEADER", format: "TEXT", text: "  " }, BODY),
      "template_header_text_required",
      "components[0].text",
    ],
    [
      "TEXT header of 61 characters",
      marketing({ type: "HEADER", format: "TEXT", text: longText(61) }, BODY),
      "template_header_text_too_long",
      "components[0].text",
    ],
    [
      "header with two variables",
      marketing(
        { type: "HEADER", format: "TEXT", text: "{{1}} and {{2}}", example: { header_text: ["a", "b"] } },
        BODY,
      ),
      "template_header_too_many_variables",
      "components[0].text",
    ],
    [
      "header variable {{2}}",
      marketing({ type: "HEADER", format: "TEXT", text: "Our {{2}} sale", example: { header_text: ["x"] } }, BODY),
      "template_header_variable_invalid",
      "components[0].text",
    ],
    [
      "header with broken braces",
      marketing({ type: "HEADER", format: "TEXT", text: "Our {{1} sale" }, BODY),
      "template_header_variable_invalid",
      "components[0].text",
    ],
    [
      "header variable {{ 1 }}",
      marketing({ type: "HEADER", format: "TEXT", text: "Our {{ 1 }} sale" }, BODY),
      "template_header_variable_invalid",
      "components[0].text",
    ],
    [
      "header variable without sample",
      marketing({ type: "HEADER", format: "TEXT", text: "Our {{1}} sale" }, BODY),
      "template_example_missing",
      "components[0].example.header_text",
    ],
    [
      "header variable with two samples",
      marketing({ type: "HEADER", format: "TEXT", text: "Our {{1}} sale", example: { header_text: ["a", "b"] } }, BODY),
      "template_example_count_mismatch",
      "components[0].example.header_text",
    ],
    [
      "named header variable in a POSITIONAL template (D11: a header problem)",
      marketing({ type: "HEADER", format: "TEXT", text: "Hi {{name}}" }, BODY),
      "template_header_variable_invalid",
      "components[0].text",
    ],
    [
      "positional header variable in a NAMED template",
      {
        ...marketing(
          { type: "HEADER", format: "TEXT", text: "Hi {{1}}", example: { header_text: ["A"] } },
          body("Welcome back to the shop."),
        ),
        parameter_format: "NAMED",
      },
      "template_header_variable_invalid",
      "components[0].text",
    ],
    [
      "header with the same variable twice",
      marketing({ type: "HEADER", format: "TEXT", text: "{{1}} or {{1}}", example: { header_text: ["a"] } }, BODY),
      "template_header_too_many_variables",
      "components[0].text",
    ],
    [
      "header with an emoji (D7)",
      marketing({ type: "HEADER", format: "TEXT", text: "Sale 🎉" }, BODY),
      "template_header_text_invalid_characters",
      "components[0].text",
    ],
    [
      "header with a newline (D7)",
      marketing({ type: "HEADER", format: "TEXT", text: "Big\nsale" }, BODY),
      "template_header_text_invalid_characters",
      "components[0].text",
    ],
    [
      "header with an asterisk (D7)",
      marketing({ type: "HEADER", format: "TEXT", text: "*Big* sale" }, BODY),
      "template_header_text_invalid_characters",
      "components[0].text",
    ],
    [
      "header with a tilde (D7)",
      marketing({ type: "HEADER", format: "TEXT", text: "~Old~ price" }, BODY),
      "template_header_text_invalid_characters",
      "components[0].text",
    ],
    [
      "header with a backtick (D7)",
      marketing({ type: "HEADER", format: "TEXT", text: "Code `X`" }, BODY),
      "template_header_text_invalid_characters",
      "components[0].text",
    ],
    [
      "IMAGE header with text (D6)",
      marketing({ type: "HEADER", format: "IMAGE", text: "caption", example: { header_handle: ["4::aW..."] } }, BODY),
      "template_header_text_not_allowed",
      "components[0].text",
    ],
    [
      "LOCATION header with text (D6)",
      utility({ type: "HEADER", format: "LOCATION", text: "Our shop" }, BODY),
      "template_header_text_not_allowed",
      "components[0].text",
    ],
    [
      "NAMED header without named sample",
      {
        ...marketing({ type: "HEADER", format: "TEXT", text: "Hi {{first_name}}" }, body("Welcome back to the shop.")),
        parameter_format: "NAMED",
      },
      "template_example_missing",
      "components[0].example.header_text_named_params",
    ],
    [
      "NAMED header with a sample for another name",
      {
        ...marketing(
          {
            type: "HEADER",
            format: "TEXT",
            text: "Hi {{first_name}}",
            example: { header_text_named_params: [{ param_name: "name", example: "Ann" }] },
          },
          body("Welcome back to the shop."),
        ),
        parameter_format: "NAMED",
      },
      "template_example_count_mismatch",
      "components[0].example.header_text_named_params",
    ],
    [
      "IMAGE header without sample",
      marketing({ type: "HEADER", format: "IMAGE" }, BODY),
      "template_example_missing",
      "components[0].example",
    ],
    [
      "VIDEO header with empty header_handle",
      marketing({ type: "HEADER", format: "VIDEO", example: { header_handle: [] } }, BODY),
      "template_example_missing",
      "components[0].example",
    ],
    [
      "DOCUMENT header with only header_text",
      marketing({ type: "HEADER", format: "DOCUMENT", example: { header_text: ["x"] } }, BODY),
      "template_example_missing",
      "components[0].example",
    ],
  ],
);

runTables(
  "body (D8, D12–D15)",
  [
    ["body of 1024 characters", marketing(body(longText(1024)))],
    ["body with two consecutive newlines", marketing(body("Hello\n\nthere"))],
    ["body with 10 emoji", marketing(body(`Hi ${"😀".repeat(10)} there`))],
    [
      "three variables in order with samples",
      marketing(
        body("Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.", {
          body_text: [["August", "25OFF", "25%"]],
        }),
      ),
    ],
    [
      "a repeated variable counts once for the samples (D12)",
      marketing(
        body("Hi {{1}}, we saved it for you {{1}}, so code {{2}} works today and tomorrow.", {
          body_text: [["Ann", "X1"]],
        }),
      ),
    ],
    [
      "exactly 2n+1 fixed words (D16)",
      marketing(body("Dear {{1}}, your order {{2}} has shipped.", { body_text: [["Ann", "A1"]] })),
    ],
    ["two newlines with spaces between (D8)", marketing(body("Hello\n \nthere"))],
    ["a body of words and emoji only", marketing(body("Thanks 🎉"))],
    [
      "variable followed by punctuation is not trailing (D13)",
      marketing(body("Your code is {{1}}.", { body_text: [["123"]] })),
    ],
    [
      "variables separated by punctuation (D14)",
      marketing(body("Hi {{1}},{{2}} ok, see you at the shop soon", { body_text: [["a", "b"]] })),
    ],
    ["single braces are text (D10)", marketing(body("Price {per item} is fine"))],
    ["no variables, no samples", marketing(body("Hello there"))],
    ["samples given for a body without variables (D15)", marketing(body("Hello there", { body_text: [["unused"]] }))],
    [
      "NAMED body with exact samples",
      {
        ...marketing(
          body("Hi {{first_name}}, your order {{order_id}} has shipped today.", {
            body_text_named_params: [
              { param_name: "first_name", example: "Ann" },
              { param_name: "order_id", example: "A1" },
            ],
          }),
        ),
        parameter_format: "NAMED",
      },
    ],
  ],
  [
    ["body without text", marketing({ type: "BODY" }), "template_body_text_required", "components[0].text"],
    ["body with blank text", marketing(body(" \n ")), "template_body_text_required", "components[0].text"],
    ["body of 1025 characters", marketing(body(longText(1025))), "template_body_too_long", "components[0].text"],
    [
      "body with three newlines",
      marketing(body("Hello\n\n\nthere")),
      "template_body_too_many_newlines",
      "components[0].text",
    ],
    [
      "body with three CRLF newlines",
      marketing(body("Hello\r\n\r\n\r\nthere")),
      "template_body_too_many_newlines",
      "components[0].text",
    ],
    [
      "body with three newlines separated by spaces (D8)",
      marketing(body("Hello\n \n\t\nthere")),
      "template_body_too_many_newlines",
      "components[0].text",
    ],
    ["body of punctuation only (D8)", marketing(body("...!")), "template_body_only_parameters", "components[0].text"],
    [
      "body of variables and punctuation only (D8)",
      marketing(body("{{1}}, {{2}}!", { body_text: [["a", "b"]] })),
      "template_body_only_parameters",
      "components[0].text",
    ],
    [
      "body with fewer than 2n+1 fixed words (D16)",
      marketing(body("Dear {{1}}, {{2}} and {{3}} now.", { body_text: [["a", "b", "c"]] })),
      "template_variables_words_ratio",
      "components[0].text",
    ],
    [
      "a repeated variable counts twice for the ratio (D16)",
      marketing(body("Hi {{1}}, yes {{1}}, code {{2}} here.", { body_text: [["a", "b"]] })),
      "template_variables_words_ratio",
      "components[0].text",
    ],
    [
      "NAMED body with a positional sample list",
      {
        ...marketing(body("Hi {{first_name}}, your order has shipped today.", { body_text: [["Ann"]] })),
        parameter_format: "NAMED",
      },
      "template_example_missing",
      "components[0].example.body_text_named_params",
    ],
    [
      "NAMED body with a sample for another name",
      {
        ...marketing(
          body("Hi {{first_name}}, your order has shipped today.", {
            body_text_named_params: [
              { param_name: "first_name", example: "A" },
              { param_name: "city", example: "B" },
            ],
          }),
        ),
        parameter_format: "NAMED",
      },
      "template_example_count_mismatch",
      "components[0].example.body_text_named_params",
    ],
    [
      "body with 11 emoji",
      marketing(body(`Hi ${"😀".repeat(11)} there`)),
      "template_body_too_many_emoji",
      "components[0].text",
    ],
    [
      "body with broken braces",
      marketing(body("Hi {{1} there")),
      "template_body_placeholder_malformed",
      "components[0].text",
    ],
    [
      "body with stray closing braces",
      marketing(body("Hi 1}} there")),
      "template_body_placeholder_malformed",
      "components[0].text",
    ],
    [
      "body variable with spaces",
      marketing(body("Hi {{ 1 }} there")),
      "template_body_placeholder_malformed",
      "components[0].text",
    ],
    [
      "body variable {{01}}",
      marketing(body("Hi {{01}} there", { body_text: [["a"]] })),
      "template_body_placeholder_malformed",
      "components[0].text",
    ],
    [
      "NAMED body variable with upper case",
      { ...marketing(body("Hi {{First}} there")), parameter_format: "NAMED" },
      "template_body_placeholder_malformed",
      "components[0].text",
    ],
    [
      "NAMED body variable with digits",
      { ...marketing(body("Hi {{name2}} there")), parameter_format: "NAMED" },
      "template_body_placeholder_malformed",
      "components[0].text",
    ],
    [
      "named variable in a POSITIONAL body",
      marketing(body("Hi {{name}} there")),
      "template_parameter_format_mismatch",
      "components[0].text",
    ],
    [
      "positional variable in a NAMED body",
      { ...marketing(body("Hi {{1}} there")), parameter_format: "NAMED" },
      "template_parameter_format_mismatch",
      "components[0].text",
    ],
    [
      "header NAMED, body positional (one kind)",
      {
        ...marketing(
          {
            type: "HEADER",
            format: "TEXT",
            text: "Hi {{first_name}}",
            example: { header_text_named_params: [{ param_name: "first_name", example: "A" }] },
          },
          body("Order {{1}} shipped", { body_text: [["A1"]] }),
        ),
        parameter_format: "NAMED",
      },
      "template_parameter_format_mismatch",
      "components[1].text",
    ],
    [
      "body starting at {{2}}",
      marketing(body("Hi {{2}} there", { body_text: [["a"]] })),
      "template_variables_not_sequential",
      "components[0].text",
    ],
    [
      "body skipping {{2}}",
      marketing(body("Hi {{1}} and {{3}} there", { body_text: [["a", "b"]] })),
      "template_variables_not_sequential",
      "components[0].text",
    ],
    [
      "body variables out of order",
      marketing(body("Hi {{2}} and {{1}} there", { body_text: [["a", "b"]] })),
      "template_variables_not_sequential",
      "components[0].text",
    ],
    [
      "body starting with a variable",
      marketing(body("{{1}}, your order shipped", { body_text: [["Ann"]] })),
      "template_variables_leading_trailing",
      "components[0].text",
    ],
    [
      "body ending with a variable",
      marketing(body("Your code is {{1}}", { body_text: [["123"]] })),
      "template_variables_leading_trailing",
      "components[0].text",
    ],
    [
      "body ending with a variable and spaces",
      marketing(body("Your code is {{1}}  \n", { body_text: [["123"]] })),
      "template_variables_leading_trailing",
      "components[0].text",
    ],
    [
      "body of only a variable",
      marketing(body("{{1}}", { body_text: [["x"]] })),
      "template_variables_leading_trailing",
      "components[0].text",
    ],
    [
      "adjacent variables",
      marketing(body("Hi {{1}}{{2}} there", { body_text: [["a", "b"]] })),
      "template_variables_adjacent",
      "components[0].text",
    ],
    [
      "variables separated by a space",
      marketing(body("Hi {{1}} {{2}} there", { body_text: [["a", "b"]] })),
      "template_variables_adjacent",
      "components[0].text",
    ],
    [
      "body variables without samples",
      marketing(body("Hi {{1}} there")),
      "template_example_missing",
      "components[0].example.body_text",
    ],
    [
      "body variables with empty body_text",
      marketing(body("Hi {{1}} there", { body_text: [] })),
      "template_example_missing",
      "components[0].example.body_text",
    ],
    [
      "body with an empty inner sample array",
      marketing(body("Hi {{1}} there", { body_text: [[]] })),
      "template_example_missing",
      "components[0].example.body_text[0]",
    ],
    [
      "body with too few samples",
      marketing(body("Hi {{1}} and {{2}} there", { body_text: [["a"]] })),
      "template_example_count_mismatch",
      "components[0].example.body_text[0]",
    ],
    [
      "body with too many samples",
      marketing(body("Hi {{1}} there", { body_text: [["a", "b"]] })),
      "template_example_count_mismatch",
      "components[0].example.body_text[0]",
    ],
    [
      "body with two sample rows",
      marketing(body("Hi {{1}} there", { body_text: [["a"], ["b"]] })),
      "template_example_count_mismatch",
      "components[0].example.body_text",
    ],
    [
      "NAMED body without samples",
      { ...marketing(body("Hi {{first_name}} there")), parameter_format: "NAMED" },
      "template_example_missing",
      "components[0].example.body_text_named_params",
    ],
    [
      "NAMED body with a missing sample",
      {
        ...marketing(
          body("Hi {{first_name}} from {{city}} here", {
            body_text_named_params: [{ param_name: "first_name", example: "A" }],
          }),
        ),
        parameter_format: "NAMED",
      },
      "template_example_count_mismatch",
      "components[0].example.body_text_named_params",
    ],
    [
      "NAMED body with a duplicated sample",
      {
        ...marketing(
          body("Hi {{first_name}} there", {
            body_text_named_params: [
              { param_name: "first_name", example: "A" },
              { param_name: "first_name", example: "B" },
            ],
          }),
        ),
        parameter_format: "NAMED",
      },
      "template_example_count_mismatch",
      "components[0].example.body_text_named_params",
    ],
  ],
);

runTables(
  "footer (D9)",
  [["footer of 60 characters", marketing(BODY, { type: "FOOTER", text: longText(60) })]],
  [
    ["footer without text", marketing(BODY, { type: "FOOTER" }), "template_footer_text_required", "components[1].text"],
    [
      "footer with blank text",
      marketing(BODY, { type: "FOOTER", text: " " }),
      "template_footer_text_required",
      "components[1].text",
    ],
    [
      "footer of 61 characters",
      marketing(BODY, { type: "FOOTER", text: longText(61) }),
      "template_footer_too_long",
      "components[1].text",
    ],
    [
      "footer with a variable",
      marketing(BODY, { type: "FOOTER", text: "Sent by {{1}} team" }),
      "template_footer_has_variables",
      "components[1].text",
    ],
    [
      "footer with stray braces",
      marketing(BODY, { type: "FOOTER", text: "Sent by {{team" }),
      "template_footer_has_variables",
      "components[1].text",
    ],
    [
      "footer with a newline (D9)",
      marketing(BODY, { type: "FOOTER", text: "Sent by\nus" }),
      "template_footer_has_newlines",
      "components[1].text",
    ],
  ],
);

runTables(
  "buttons (D17–D22)",
  [
    ["10 quick replies", marketing(BODY, buttons(...Array.from({ length: 10 }, (_v, index) => QR(`Option ${index}`))))],
    ["QR, QR, URL, PHONE (grouped)", marketing(BODY, buttons(QR(), QR("No"), URL_BUTTON(), PHONE))],
    ["URL, PHONE, QR, QR (grouped)", marketing(BODY, buttons(URL_BUTTON(), PHONE, QR(), QR("No")))],
    ["2 URL buttons", marketing(BODY, buttons(URL_BUTTON(), URL_BUTTON("https://example.com/b")))],
    [
      "URL ending in {{1}} with one sample",
      marketing(
        BODY,
        buttons({ ...URL_BUTTON("https://example.com/track/{{1}}"), example: ["https://example.com/track/A1"] }),
      ),
    ],
    ["COPY_CODE with a 20-character sample (D22)", marketing(BODY, buttons(COPY(longText(20, "X"))))],
    ["COPY_CODE in UTILITY (D19)", utility(BODY, buttons(COPY()))],
    ["VOICE_CALL in MARKETING", marketing(BODY, buttons({ type: "VOICE_CALL", text: "Call us" }))],
    [
      "all non-OTP types mixed, 6 buttons",
      marketing(BODY, buttons(URL_BUTTON(), URL_BUTTON("https://example.com/b"), PHONE, COPY(), QR(), QR("No"))),
    ],
  ],
  [
    [
      "BUTTONS without buttons",
      marketing(BODY, { type: "BUTTONS" }),
      "template_buttons_empty",
      "components[1].buttons",
    ],
    ["BUTTONS with an empty list", marketing(BODY, buttons()), "template_buttons_empty", "components[1].buttons"],
    [
      "11 buttons",
      marketing(BODY, buttons(...Array.from({ length: 11 }, (_v, index) => QR(`Option ${index}`)))),
      "template_too_many_buttons",
      "components[1].buttons",
    ],
    [
      "3 URL buttons",
      marketing(BODY, buttons(URL_BUTTON(), URL_BUTTON(), URL_BUTTON())),
      "template_too_many_url_buttons",
      "components[1].buttons[2].type",
    ],
    [
      "2 PHONE_NUMBER buttons",
      marketing(BODY, buttons(PHONE, PHONE)),
      "template_too_many_phone_number_buttons",
      "components[1].buttons[1].type",
    ],
    [
      "2 COPY_CODE buttons",
      marketing(BODY, buttons(COPY(), COPY())),
      "template_too_many_copy_code_buttons",
      "components[1].buttons[1].type",
    ],
    [
      "QR, URL, QR",
      marketing(BODY, buttons(QR(), URL_BUTTON(), QR("No"))),
      "template_quick_replies_not_grouped",
      "components[1].buttons[2].type",
    ],
    [
      "URL, QR, URL",
      marketing(BODY, buttons(URL_BUTTON(), QR(), URL_BUTTON("https://example.com/b"))),
      "template_quick_replies_not_grouped",
      "components[1].buttons[2].type",
    ],
    [
      "OTP in MARKETING",
      marketing(BODY, buttons({ type: "OTP", otp_type: "COPY_CODE" })),
      "template_button_not_allowed_for_category",
      "components[1].buttons[0].type",
    ],
    [
      "OTP in UTILITY",
      utility(BODY, buttons({ type: "OTP", otp_type: "COPY_CODE" })),
      "template_button_not_allowed_for_category",
      "components[1].buttons[0].type",
    ],
    [
      "QUICK_REPLY without text",
      marketing(BODY, buttons({ type: "QUICK_REPLY" })),
      "template_button_text_required",
      "components[1].buttons[0].text",
    ],
    [
      "URL without text",
      marketing(BODY, buttons({ type: "URL", url: "https://example.com" })),
      "template_button_text_required",
      "components[1].buttons[0].text",
    ],
    [
      "PHONE_NUMBER without text",
      marketing(BODY, buttons({ type: "PHONE_NUMBER", phone_number: "+628111222333" })),
      "template_button_text_required",
      "components[1].buttons[0].text",
    ],
    [
      "URL without url",
      marketing(BODY, buttons({ type: "URL", text: "Open" })),
      "template_button_url_required",
      "components[1].buttons[0].url",
    ],
    [
      "URL with two variables",
      marketing(BODY, buttons({ ...URL_BUTTON("https://example.com/{{1}}/{{2}}"), example: ["x"] })),
      "template_button_url_variable_invalid",
      "components[1].buttons[0].url",
    ],
    [
      "URL with a variable in the middle",
      marketing(BODY, buttons({ ...URL_BUTTON("https://example.com/{{1}}/x"), example: ["x"] })),
      "template_button_url_variable_invalid",
      "components[1].buttons[0].url",
    ],
    [
      "URL with {{2}}",
      marketing(BODY, buttons({ ...URL_BUTTON("https://example.com/{{2}}"), example: ["x"] })),
      "template_button_url_variable_invalid",
      "components[1].buttons[0].url",
    ],
    [
      "URL with a named variable",
      marketing(BODY, buttons({ ...URL_BUTTON("https://example.com/{{id}}"), example: ["x"] })),
      "template_button_url_variable_invalid",
      "components[1].buttons[0].url",
    ],
    [
      "URL with broken braces",
      marketing(BODY, buttons(URL_BUTTON("https://example.com/{{1"))),
      "template_button_url_variable_invalid",
      "components[1].buttons[0].url",
    ],
    [
      "URL with broken braces also needs a sample (D21)",
      marketing(BODY, buttons(URL_BUTTON("https://example.com/{{1"))),
      "template_example_missing",
      "components[1].buttons[0].example",
    ],
    [
      "URL with {{2}} and no sample (D21)",
      marketing(BODY, buttons(URL_BUTTON("https://example.com/{{2}}"))),
      "template_example_missing",
      "components[1].buttons[0].example",
    ],
    [
      "URL with an ftp scheme (D21)",
      marketing(BODY, buttons(URL_BUTTON("ftp://example.com/file"))),
      "template_button_url_invalid",
      "components[1].buttons[0].url",
    ],
    [
      "URL with a space (D21)",
      marketing(BODY, buttons(URL_BUTTON("https://example.com/a b"))),
      "template_button_url_invalid",
      "components[1].buttons[0].url",
    ],
    [
      "URL button in AUTHENTICATION still checked (D1)",
      authWithButton(URL_BUTTON("https://example.com/{{1}}")),
      "template_example_missing",
      "components[1].buttons[0].example",
    ],
    [
      "URL variable without sample",
      marketing(BODY, buttons(URL_BUTTON("https://example.com/{{1}}"))),
      "template_example_missing",
      "components[1].buttons[0].example",
    ],
    [
      "URL variable with two samples",
      marketing(BODY, buttons({ ...URL_BUTTON("https://example.com/{{1}}"), example: ["a", "b"] })),
      "template_example_count_mismatch",
      "components[1].buttons[0].example",
    ],
    [
      "PHONE_NUMBER without phone_number",
      marketing(BODY, buttons({ type: "PHONE_NUMBER", text: "Call" })),
      "template_button_phone_number_required",
      "components[1].buttons[0].phone_number",
    ],
    [
      "COPY_CODE without example",
      marketing(BODY, buttons({ type: "COPY_CODE" })),
      "template_example_missing",
      "components[1].buttons[0].example",
    ],
    [
      "COPY_CODE with an empty example",
      marketing(BODY, buttons(COPY(""))),
      "template_example_missing",
      "components[1].buttons[0].example",
    ],
    [
      "COPY_CODE with a 21-character sample (D22)",
      marketing(BODY, buttons(COPY(longText(21, "X")))),
      "template_copy_code_example_too_long",
      "components[1].buttons[0].example[0]",
    ],
  ],
);

runTables(
  "AUTHENTICATION (D23–D28)",
  [
    ["COPY_CODE OTP with security recommendation and expiry", authentication()],
    ["minimal: BODY and one OTP button", authWithButton({ type: "OTP", otp_type: "COPY_CODE" })],
    [
      "ONE_TAP with one app and a 25-character autofill_text",
      authWithButton({ type: "OTP", otp_type: "ONE_TAP", autofill_text: longText(25), supported_apps: [ONE_TAP_APP] }),
    ],
    [
      "ZERO_TAP with 5 apps and terms accepted",
      authWithButton({
        type: "OTP",
        otp_type: "ZERO_TAP",
        zero_tap_terms_accepted: true,
        supported_apps: Array.from({ length: 5 }, () => ONE_TAP_APP),
      }),
    ],
    [
      "package_name of 224 characters",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: `com.${longText(220)}`, signature_hash: "K8a/AINcGX7" }],
      }),
    ],
    [
      "package_name with digits and underscores",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "com.my_app2.x9", signature_hash: "abc+/=12345" }],
      }),
    ],
  ],
  [
    [
      "BODY with text",
      authentication({ type: "BODY", text: "Your code is {{1}}" }, buttons({ type: "OTP", otp_type: "COPY_CODE" })),
      "template_auth_free_text_not_allowed",
      "components[0].text",
    ],
    [
      "FOOTER with text",
      authentication(
        { type: "BODY" },
        { type: "FOOTER", text: "Expires soon" },
        buttons({ type: "OTP", otp_type: "COPY_CODE" }),
      ),
      "template_auth_free_text_not_allowed",
      "components[1].text",
    ],
    [
      "TEXT header",
      authentication(
        { type: "HEADER", format: "TEXT", text: "Code" },
        { type: "BODY" },
        buttons({ type: "OTP", otp_type: "COPY_CODE" }),
      ),
      "template_auth_header_not_allowed",
      "components[0]",
    ],
    [
      "IMAGE header",
      authentication(
        { type: "HEADER", format: "IMAGE", example: { header_url: ["https://example.com/a.png"] } },
        { type: "BODY" },
        buttons({ type: "OTP", otp_type: "COPY_CODE" }),
      ),
      "template_auth_header_not_allowed",
      "components[0]",
    ],
    [
      "URL button",
      authWithButton(URL_BUTTON()),
      "template_button_not_allowed_for_category",
      "components[1].buttons[0].type",
    ],
    [
      "QUICK_REPLY button",
      authWithButton(QR()),
      "template_button_not_allowed_for_category",
      "components[1].buttons[0].type",
    ],
    [
      "no BUTTONS",
      authentication({ type: "BODY", add_security_recommendation: true }),
      "template_auth_otp_button_count",
      "components",
    ],
    [
      "two OTP buttons",
      authentication(
        { type: "BODY" },
        buttons({ type: "OTP", otp_type: "COPY_CODE" }, { type: "OTP", otp_type: "COPY_CODE" }),
      ),
      "template_auth_otp_button_count",
      "components[1].buttons",
    ],
    [
      "OTP without otp_type",
      authWithButton({ type: "OTP" }),
      "template_otp_type_required",
      "components[1].buttons[0].otp_type",
    ],
    [
      "ONE_TAP without supported_apps",
      authWithButton({ type: "OTP", otp_type: "ONE_TAP" }),
      "template_auth_supported_apps_required",
      "components[1].buttons[0].supported_apps",
    ],
    [
      "ZERO_TAP with empty supported_apps",
      authWithButton({ type: "OTP", otp_type: "ZERO_TAP", zero_tap_terms_accepted: true, supported_apps: [] }),
      "template_auth_supported_apps_required",
      "components[1].buttons[0].supported_apps",
    ],
    [
      "6 supported_apps",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: Array.from({ length: 6 }, () => ONE_TAP_APP),
      }),
      "template_auth_too_many_supported_apps",
      "components[1].buttons[0].supported_apps",
    ],
    [
      "package_name of one segment",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "example", signature_hash: "K8a/AINcGX7" }],
      }),
      "template_auth_package_name_invalid",
      "components[1].buttons[0].supported_apps[0].package_name",
    ],
    [
      "package_name segment starting with a digit",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "com.1app", signature_hash: "K8a/AINcGX7" }],
      }),
      "template_auth_package_name_invalid",
      "components[1].buttons[0].supported_apps[0].package_name",
    ],
    [
      "package_name with a hyphen",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "com.my-app", signature_hash: "K8a/AINcGX7" }],
      }),
      "template_auth_package_name_invalid",
      "components[1].buttons[0].supported_apps[0].package_name",
    ],
    [
      "package_name of 225 characters",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: `com.${longText(221)}`, signature_hash: "K8a/AINcGX7" }],
      }),
      "template_auth_package_name_invalid",
      "components[1].buttons[0].supported_apps[0].package_name",
    ],
    [
      "signature_hash of 10 characters",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "com.example.app", signature_hash: "K8a/AINcGX" }],
      }),
      "template_auth_signature_hash_invalid",
      "components[1].buttons[0].supported_apps[0].signature_hash",
    ],
    [
      "signature_hash of 12 characters",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "com.example.app", signature_hash: "K8a/AINcGX7a" }],
      }),
      "template_auth_signature_hash_invalid",
      "components[1].buttons[0].supported_apps[0].signature_hash",
    ],
    [
      "signature_hash with a hyphen",
      authWithButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "com.example.app", signature_hash: "K8a-AINcGX7" }],
      }),
      "template_auth_signature_hash_invalid",
      "components[1].buttons[0].supported_apps[0].signature_hash",
    ],
    [
      "ZERO_TAP without terms",
      authWithButton({ type: "OTP", otp_type: "ZERO_TAP", supported_apps: [ONE_TAP_APP] }),
      "template_auth_zero_tap_terms_required",
      "components[1].buttons[0].zero_tap_terms_accepted",
    ],
    [
      "ZERO_TAP with terms false",
      authWithButton({
        type: "OTP",
        otp_type: "ZERO_TAP",
        zero_tap_terms_accepted: false,
        supported_apps: [ONE_TAP_APP],
      }),
      "template_auth_zero_tap_terms_required",
      "components[1].buttons[0].zero_tap_terms_accepted",
    ],
    [
      "emoji in the OTP text",
      authWithButton({ type: "OTP", otp_type: "COPY_CODE", text: "Copy 🔑" }),
      "template_auth_emoji_not_allowed",
      "components[1].buttons[0].text",
    ],
    [
      "emoji in autofill_text",
      authWithButton({ type: "OTP", otp_type: "ONE_TAP", autofill_text: "Fill ✨", supported_apps: [ONE_TAP_APP] }),
      "template_auth_emoji_not_allowed",
      "components[1].buttons[0].autofill_text",
    ],
    [
      "autofill_text on a COPY_CODE button (D28)",
      authWithButton({ type: "OTP", otp_type: "COPY_CODE", autofill_text: "Fill" }),
      "template_auth_autofill_text_not_allowed",
      "components[1].buttons[0].autofill_text",
    ],
    [
      "autofill_text of 26 characters",
      authWithButton({ type: "OTP", otp_type: "ONE_TAP", autofill_text: longText(26), supported_apps: [ONE_TAP_APP] }),
      "template_otp_autofill_text_too_long",
      "components[1].buttons[0].autofill_text",
    ],
  ],
);

runTables(
  "time to live per category (D29)",
  [
    ["AUTHENTICATION 30", { ...authentication(), messageSendTtlSeconds: 30 }],
    ["AUTHENTICATION 900", { ...authentication(), messageSendTtlSeconds: 900 }],
    ["UTILITY 30", { ...utility(), messageSendTtlSeconds: 30 }],
    ["UTILITY 43200", { ...utility(), messageSendTtlSeconds: 43200 }],
    ["MARKETING 43200", { ...marketing(), messageSendTtlSeconds: 43200 }],
    ["MARKETING 2592000", { ...marketing(), messageSendTtlSeconds: 2592000 }],
    ["no TTL", marketing()],
  ],
  [
    [
      "AUTHENTICATION 901",
      { ...authentication(), messageSendTtlSeconds: 901 },
      "template_ttl_out_of_range",
      "messageSendTtlSeconds",
    ],
    [
      "UTILITY 43201",
      { ...utility(), messageSendTtlSeconds: 43201 },
      "template_ttl_out_of_range",
      "messageSendTtlSeconds",
    ],
    [
      "MARKETING 43199",
      { ...marketing(), messageSendTtlSeconds: 43199 },
      "template_ttl_out_of_range",
      "messageSendTtlSeconds",
    ],
  ],
);

describe("decisions enforced by the wire schema, not by a rule", () => {
  it("D24: code_expiration_minutes 61–90 (Meta's range) is refused, 60 accepted", () => {
    const withExpiry = (minutes: number) =>
      authentication(
        { type: "BODY" },
        { type: "FOOTER", code_expiration_minutes: minutes },
        buttons({ type: "OTP", otp_type: "COPY_CODE" }),
      );
    expect(ZCreateTemplateRequestChecked.safeParse(withExpiry(60)).success).toBe(true);
    expect(ZCreateTemplateRequestChecked.safeParse(withExpiry(61)).success).toBe(false);
    expect(ZCreateTemplateRequestChecked.safeParse(withExpiry(90)).success).toBe(false);
  });

  it("D16: the words-to-variables ratio counts words holding a letter or digit, variables by occurrence", () => {
    const ratio = (text: string, samples: string[]) =>
      violationsOf(marketing(body(text, { body_text: [samples] }))).filter(
        (violation) => violation.code === "template_variables_words_ratio",
      );
    // 2 variables need 5 words; "—" and "&" are not words.
    expect(ratio("Dear {{1}} — & order {{2}} is here", ["a", "b"])).toHaveLength(1);
    expect(ratio("Dear {{1}} — & order {{2}} is here now", ["a", "b"])).toEqual([]);
    expect(ratio("Order 42 {{1}} ships on 5 May", ["a"])).toEqual([]);
  });
});

describe("Meta's own complete examples pass", () => {
  it.each<[string, Request]>([
    [
      "seasonal_promotion (Meta's components page)",
      {
        name: "seasonal_promotion",
        language: "en_US",
        category: "MARKETING",
        components: [
          { type: "HEADER", format: "TEXT", text: "Our {{1}} is on!", example: { header_text: ["Summer Sale"] } },
          {
            type: "BODY",
            text: "Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.",
            example: { body_text: [["the end of August", "25OFF", "25%"]] },
          },
          { type: "FOOTER", text: "Use the buttons below to manage your marketing subscriptions" },
          {
            type: "BUTTONS",
            buttons: [
              { type: "QUICK_REPLY", text: "Unsubscribe from Promos" },
              { type: "QUICK_REPLY", text: "Unsubscribe from All" },
            ],
          },
        ],
      },
    ],
    [
      "Chatwoot's CSAT template",
      {
        name: "csat_survey",
        language: "en",
        category: "UTILITY",
        components: [
          { type: "BODY", text: "How was your conversation with us? Tap below to rate it." },
          {
            type: "BUTTONS",
            buttons: [{ type: "URL", text: "Rate us", url: "https://example.com/survey/{{1}}", example: ["12345"] }],
          },
        ],
      },
    ],
  ])("%s", (_label, request) => {
    expect(violationsOf(request)).toEqual([]);
  });
});

// ── issue 16: carousel and limited-time offer (DECISIONS.md "Carousel", "Limited-time offer") ──
const CARD_HEADER: Component = { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::an..."] } };
const CARD_BUTTONS: Component = {
  type: "BUTTONS",
  buttons: [QR("More"), { type: "URL", text: "Shop", url: "https://shop.example.com/{{1}}", example: ["ELF"] }],
};
const card = (...components: Component[]): Component => ({
  components: components.length ? components : [CARD_HEADER, { type: "BODY", text: "A blue succulent." }, CARD_BUTTONS],
});
const carousel = (...cards: Component[]): Component => ({
  type: "CAROUSEL",
  cards: cards.length ? cards : [card(), card()],
});
const PRODUCT_CARD = card(
  { type: "HEADER", format: "PRODUCT" },
  { type: "BUTTONS", buttons: [{ type: "SPM", text: "View" }] },
);
const OFFER = (text = "Expiring offer!"): Component => ({
  type: "LIMITED_TIME_OFFER",
  limited_time_offer: { text, has_expiration: true },
});
const OFFER_BUTTONS = buttons(COPY("CARIBE25"), URL_BUTTON());
const cardsChanging = (change: (components: Component[]) => Component[]) =>
  carousel(card(), { components: change((card() as { components: Component[] }).components) });

runTables(
  "carousel",
  [
    ["media cards", marketing(BODY, carousel())],
    [
      "product cards with Meta's single body sample as a string",
      marketing(
        body("Rare succulents for you, {{1}}, take a look.", { body_text: "Pablo" }),
        carousel(PRODUCT_CARD, PRODUCT_CARD),
      ),
    ],
    ["ten cards", marketing(BODY, carousel(...Array.from({ length: 10 }, () => card())))],
  ],
  [
    ["a UTILITY carousel", utility(BODY, carousel()), "template_carousel_category_not_allowed", "components[1].type"],
    [
      "a FOOTER beside the cards",
      marketing(BODY, carousel(), { type: "FOOTER", text: "f" }),
      "template_carousel_component_not_allowed",
      "components[2].type",
    ],
    ["no cards", marketing(BODY, { type: "CAROUSEL" }), "template_carousel_cards_required", "components[1].cards"],
    ["one card", marketing(BODY, carousel(card())), "template_carousel_card_count", "components[1].cards"],
    [
      "eleven cards",
      marketing(BODY, carousel(...Array.from({ length: 11 }, () => card()))),
      "template_carousel_card_count",
      "components[1].cards",
    ],
    [
      "a card without a header",
      marketing(
        BODY,
        cardsChanging((c) => c.slice(1)),
      ),
      "template_carousel_card_header_required",
      "components[1].cards[1].components",
    ],
    [
      "a card header without a sample",
      marketing(
        BODY,
        cardsChanging((c) => [{ type: "HEADER", format: "VIDEO" }, ...c.slice(1)]),
      ),
      "template_example_missing",
      "components[1].cards[1].components[0].example.header_handle",
    ],
    [
      "a card body of 161 characters",
      marketing(
        BODY,
        cardsChanging((c) => [c[0] ?? {}, { type: "BODY", text: longText(161) }, c[2] ?? {}]),
      ),
      "template_carousel_card_body_too_long",
      "components[1].cards[1].components[1].text",
    ],
    [
      "three buttons on a card",
      marketing(BODY, carousel(...[0, 1].map(() => card(CARD_HEADER, buttons(QR("a"), QR("b"), QR("c")))))),
      "template_carousel_card_too_many_buttons",
      "components[1].cards[0].components[1].buttons[2]",
    ],
    [
      "an SPM button on a media card",
      marketing(BODY, carousel(...[0, 1].map(() => card(CARD_HEADER, buttons({ type: "SPM", text: "View" }))))),
      "template_carousel_card_button_not_allowed",
      "components[1].cards[0].components[1].buttons[0].type",
    ],
    [
      "buttons in another order on card 1",
      marketing(
        BODY,
        cardsChanging((c) => [c[0] ?? {}, c[1] ?? {}, buttons(URL_BUTTON(), QR("More"))]),
      ),
      "template_carousel_cards_differ",
      "components[1].cards[1].components",
    ],
    [
      "a body on card 0 only",
      marketing(
        BODY,
        cardsChanging((c) => [c[0] ?? {}, c[2] ?? {}]),
      ),
      "template_carousel_cards_differ",
      "components[1].cards[1].components",
    ],
  ],
);

runTables(
  "limited-time offer",
  [
    [
      "Meta's offer",
      marketing(
        { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::aW..."] } },
        OFFER(),
        BODY,
        OFFER_BUTTONS,
      ),
    ],
  ],
  [
    [
      "a UTILITY offer",
      utility(OFFER(), BODY, OFFER_BUTTONS),
      "template_lto_category_not_allowed",
      "components[0].type",
    ],
    [
      "no offer object",
      marketing({ type: "LIMITED_TIME_OFFER" }, BODY, OFFER_BUTTONS),
      "template_lto_offer_required",
      "components[0].limited_time_offer",
    ],
    [
      "offer text of 17 characters",
      marketing(OFFER(longText(17)), BODY, OFFER_BUTTONS),
      "template_lto_text_too_long",
      "components[0].limited_time_offer.text",
    ],
    [
      "a FOOTER",
      marketing(OFFER(), BODY, { type: "FOOTER", text: "Terms apply" }, OFFER_BUTTONS),
      "template_lto_footer_not_allowed",
      "components[2].type",
    ],
    [
      "a TEXT header",
      marketing({ type: "HEADER", format: "TEXT", text: "Hi" }, OFFER(), BODY, OFFER_BUTTONS),
      "template_lto_header_format",
      "components[0].format",
    ],
    [
      "a body of 601 characters",
      marketing(OFFER(), body(longText(301, "a ")), OFFER_BUTTONS),
      "template_lto_body_too_long",
      "components[1].text",
    ],
    [
      "no COPY_CODE button",
      marketing(OFFER(), BODY, buttons(URL_BUTTON())),
      "template_lto_copy_code_required",
      "components[2].buttons",
    ],
    [
      "an offer code of 16 characters",
      marketing(OFFER(), BODY, buttons(COPY("CARIBE25CARIBE25"), URL_BUTTON())),
      "template_lto_offer_code_too_long",
      "components[2].buttons[0].example[0]",
    ],
    [
      "no URL button",
      marketing(OFFER(), BODY, buttons(COPY())),
      "template_lto_url_button_required",
      "components[2].buttons",
    ],
  ],
);

// ── issue 16 (kinds16b): flows, catalog / MPM / SPM, call permission, voice call (DECISIONS.md D60–D66) ──
const FLOW_JSON = '{"version":"5.0","screens":[{"id":"WELCOME","layout":{"type":"SingleColumnLayout","children":[]}}]}';
const FLOW = (fields: Component): Component => ({ type: "FLOW", text: "Open", ...fields });
const TEXT_HEADER: Component = { type: "HEADER", format: "TEXT", text: "Forget something?" };
const PRODUCT_HEADER: Component = { type: "HEADER", format: "PRODUCT" };
runTables(
  "D60–D66 flows, commerce and calling",
  [
    [
      "a FLOW button by flow_id",
      marketing(BODY, buttons(FLOW({ flow_id: "1", flow_action: "navigate", navigate_screen: "WELCOME" }))),
    ],
    ["a FLOW button by flow_name (UTILITY)", utility(BODY, buttons(FLOW({ flow_name: "signup" })))],
    [
      "a FLOW button with flow_json, data_exchange",
      marketing(BODY, buttons(FLOW({ flow_json: FLOW_JSON, flow_action: "DATA_EXCHANGE" }))),
    ],
    [
      "a CATALOG template",
      marketing(BODY, { type: "FOOTER", text: "Deals" }, buttons({ type: "CATALOG", text: "View catalog" })),
    ],
    ["an MPM template with a TEXT header", marketing(TEXT_HEADER, BODY, buttons({ type: "MPM", text: "View items" }))],
    [
      "an SPM template with a PRODUCT header and a 160-character body",
      marketing(PRODUCT_HEADER, body("a".repeat(160)), buttons({ type: "SPM", text: "View" })),
    ],
    ["a call permission request (UTILITY)", utility(BODY, { type: "CALL_PERMISSION_REQUEST" })],
    ["a call permission request (MARKETING)", marketing(BODY, { type: "CALL_PERMISSION_REQUEST" })],
    [
      "a VOICE_CALL button of 20 characters with a URL button",
      marketing(BODY, buttons({ type: "VOICE_CALL", text: "c".repeat(20) }, URL_BUTTON())),
    ],
  ],
  [
    [
      "FLOW without a reference",
      marketing(BODY, buttons(FLOW({}))),
      "template_flow_reference_required",
      "components[1].buttons[0].flow_id",
    ],
    [
      "FLOW with flow_name and flow_json",
      marketing(BODY, buttons(FLOW({ flow_name: "a", flow_json: FLOW_JSON }))),
      "template_flow_reference_conflict",
      "components[1].buttons[0].flow_json",
    ],
    [
      "FLOW with flow_json that is an array",
      marketing(BODY, buttons(FLOW({ flow_json: "[1]" }))),
      "template_flow_json_invalid",
      "components[1].buttons[0].flow_json",
    ],
    [
      "flow_id on a quick reply",
      marketing(BODY, buttons({ ...QR(), flow_id: "1" })),
      "template_flow_field_not_allowed",
      "components[1].buttons[0].flow_id",
    ],
    [
      "FLOW without text",
      marketing(BODY, buttons({ type: "FLOW", flow_id: "1" })),
      "template_button_text_required",
      "components[1].buttons[0].text",
    ],
    [
      "MPM in UTILITY",
      utility(TEXT_HEADER, BODY, buttons({ type: "MPM", text: "View items" })),
      "template_commerce_marketing_only",
      "components[2].buttons[0].type",
    ],
    [
      "SPM before a quick reply",
      marketing(PRODUCT_HEADER, BODY, buttons({ type: "SPM", text: "View" }, QR())),
      "template_commerce_button_not_alone",
      "components[2].buttons[1].type",
    ],
    [
      "MPM without a header",
      marketing(BODY, buttons({ type: "MPM", text: "View items" })),
      "template_mpm_header_required",
      "components",
    ],
    [
      "SPM without a header",
      marketing(BODY, buttons({ type: "SPM", text: "View" })),
      "template_spm_product_header_required",
      "components",
    ],
    [
      "PRODUCT header with a CATALOG button",
      marketing(PRODUCT_HEADER, BODY, buttons({ type: "CATALOG", text: "View catalog" })),
      "template_product_header_without_spm",
      "components[0].format",
    ],
    [
      "SPM body of 161 characters",
      marketing(PRODUCT_HEADER, body("a".repeat(161)), buttons({ type: "SPM", text: "View" })),
      "template_spm_body_too_long",
      "components[1].text",
    ],
    [
      "a call permission request on AUTHENTICATION",
      authentication(
        { type: "BODY", add_security_recommendation: true },
        { type: "CALL_PERMISSION_REQUEST" },
        buttons({ type: "OTP", otp_type: "COPY_CODE" }),
      ),
      "template_call_permission_category",
      "components[1].type",
    ],
    [
      "VOICE_CALL text of 21 characters",
      marketing(BODY, buttons({ type: "VOICE_CALL", text: "c".repeat(21) })),
      "template_voice_call_text_too_long",
      "components[1].buttons[0].text",
    ],
  ],
);

describe("catalogue", () => {
  it("every rule has at least one refusing test above", () => {
    expect([...refusedCodes].sort()).toEqual([...TEMPLATE_RULE_CODES].sort());
  });

  it("every rule code is a 400 invalid_request_error in ERROR_CODES", () => {
    for (const code of TEMPLATE_RULE_CODES)
      expect(ERROR_CODES[code]).toMatchObject({ status: 400, type: "invalid_request_error" });
  });

  it("maps the documented subcodes", () => {
    expect(META_RULE_SUBCODES).toMatchObject({
      template_header_text_too_long: 2388040,
      template_body_too_long: 2388040,
      template_footer_too_long: 2388040,
      template_copy_code_example_too_long: 2388040,
      template_header_too_many_variables: 2388047,
      template_variables_not_sequential: 2388072,
      template_footer_has_variables: 2388073,
      template_variables_leading_trailing: 2388299,
      template_example_missing: 2388043,
      template_variables_adjacent: null,
      template_variables_words_ratio: 2388293, // D16
      template_parameter_format_mismatch: 2388072, // D11
      template_auth_header_not_allowed: 2388047, // D23
      template_header_text_invalid_characters: 2388047, // D7
      template_header_text_not_allowed: 2388047, // D6
      template_footer_has_newlines: 2388073, // D9
      template_header_text_required: null, // D6
    });
  });
});

describe("ZCreateTemplateRequestChecked", () => {
  it("accepts a valid request", () => {
    expect(ZCreateTemplateRequestChecked.parse(marketing()).language).toBe("en");
  });

  it("reports the rule's own code, param and subcode through firstIssue", () => {
    const result = ZCreateTemplateRequestChecked.safeParse(marketing(body(longText(1025))));
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error)).toEqual({
      code: "template_body_too_long",
      param: "components[0].text",
      message: "Body text must be at most 1024 characters (has 1025).",
      meta_subcode: 2388040,
    });
  });

  it("omits meta_subcode for rules without one", () => {
    const result = ZCreateTemplateRequestChecked.safeParse(marketing(BODY, buttons(PHONE, PHONE)));
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error)).toEqual(
      expect.objectContaining({ code: "template_too_many_phone_number_buttons" }),
    );
    expect(firstIssue(result.error)).not.toHaveProperty("meta_subcode");
  });

  it("reports wire errors first: rules do not run on an invalid shape", () => {
    const result = ZCreateTemplateRequestChecked.safeParse({ ...marketing(body(longText(1025))), name: "Bad Name" });
    if (result.success) throw new Error("expected a failure");
    expect(result.error.issues.map((issue) => issue.path.join("."))).toEqual(["name"]);
  });
});

describe("properties", () => {
  const word = fc.stringMatching(/^[a-z]{1,8}$/);

  it("a body of words with sequential, separated variables and matching samples has no violations", () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), word, (middles, last) => {
        // "w w {{1}} w w {{2}} … w" — starts and ends with a word, two words before each variable (D16: 2n+1).
        const text = `${middles.map((middle, index) => `${middle} ${middle} {{${index + 1}}}`).join(" ")} ${last}`;
        const samples = middles.map((_middle, index) => `v${index}`);
        expect(violationsOf(marketing(body(text, { body_text: [samples] })))).toEqual([]);
      }),
    );
  });

  it("every violation points into the request: all but the last key of its path exist", () => {
    const component = fc.oneof(
      fc.record({ type: fc.constant("BODY"), text: fc.string({ maxLength: 40 }) }),
      fc.record({
        type: fc.constant("HEADER"),
        format: fc.constantFrom("TEXT", "IMAGE", "LOCATION"),
        text: fc.string({ maxLength: 70 }),
      }),
      fc.record({ type: fc.constant("FOOTER"), text: fc.string({ maxLength: 70 }) }),
      fc.record({
        type: fc.constant("BUTTONS"),
        buttons: fc.array(
          fc.record({
            type: fc.constantFrom("URL", "PHONE_NUMBER", "QUICK_REPLY", "COPY_CODE", "OTP", "VOICE_CALL"),
            text: fc.constant("ok"),
          }),
          { maxLength: 12 },
        ),
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom("MARKETING", "UTILITY", "AUTHENTICATION"),
        fc.array(component, { minLength: 1, maxLength: 5 }),
        (category, components) => {
          const parsed = ZCreateTemplateRequest.safeParse({ name: "p", category, components });
          if (!parsed.success) return;
          for (const violation of locateTemplateRuleViolations(parsed.data)) {
            let node: unknown = parsed.data;
            for (const key of violation.path.slice(0, -1)) {
              expect(node, `${violation.code} at ${violation.path.join(".")}`).toHaveProperty([String(key)]);
              node = (node as Record<string, unknown>)[key];
            }
          }
        },
      ),
    );
  });
});
