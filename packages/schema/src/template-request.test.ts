import { describe, expect, it } from "vitest";
import { firstIssue } from "./issues.js";
import { exactlyOneBodyMessage, ZCreateTemplateRequest, type TCreateTemplateRequestInput } from "./template-request.js";

/** A minimal request that passes; every case below changes one thing. */
function validRequest(): TCreateTemplateRequestInput & Record<string, unknown> {
  return {
    name: "order_update",
    category: "UTILITY",
    language: "en",
    components: [{ type: "BODY", text: "Hi {{1}}, thanks." }],
  };
}

function withBody(extra: Record<string, unknown>) {
  return { ...validRequest(), components: [{ type: "BODY", text: "Hello there", ...extra }] };
}

function withButton(button: Record<string, unknown>) {
  return {
    ...validRequest(),
    components: [
      { type: "BODY", text: "Hello there" },
      { type: "BUTTONS", buttons: [button] },
    ],
  };
}

function parse(input: unknown) {
  return ZCreateTemplateRequest.safeParse(input);
}

function expectRefused(input: unknown, param: string | undefined, code = "invalid_field_value") {
  const result = parse(input);
  expect(result.success).toBe(false);
  if (result.success) return;
  const issue = firstIssue(result.error);
  expect(issue.param).toBe(param);
  expect(issue.code).toBe(code);
}

describe("ZCreateTemplateRequest — accepted at the bounds", () => {
  const cases: [string, unknown][] = [
    ["minimal", validRequest()],
    ["name of 1 char", { ...validRequest(), name: "a" }],
    ["name of 512 chars", { ...validRequest(), name: "a".repeat(512) }],
    ["name with digits and underscores", { ...validRequest(), name: "order_2_confirm" }],
    ...(["MARKETING", "UTILITY", "AUTHENTICATION"] as const).map((category): [string, unknown] => [
      `category ${category}`,
      { ...validRequest(), category },
    ]),
    ...["en", "id", "fil", "en_US", "pt_BR"].map((language): [string, unknown] => [
      `language ${language}`,
      { ...validRequest(), language },
    ]),
    ["button text of 1 char", withButton({ type: "QUICK_REPLY", text: "a" })],
    ["button text of 25 chars", withButton({ type: "QUICK_REPLY", text: "a".repeat(25) })],
    ["url of 2000 chars", withButton({ type: "URL", text: "Go", url: `https://example.com/${"a".repeat(2000 - 20)}` })],
    [
      "url ending with a variable",
      withButton({
        type: "URL",
        text: "Go",
        url: "https://example.com/track/{{1}}",
        example: ["https://example.com/track/A1"],
      }),
    ],
    ["phone number of 8 digits", withButton({ type: "PHONE_NUMBER", text: "Call", phone_number: "+12345678" })],
    ["phone number of 15 digits", withButton({ type: "PHONE_NUMBER", text: "Call", phone_number: "+123456789012345" })],
    ...(["URL", "PHONE_NUMBER", "QUICK_REPLY", "COPY_CODE", "OTP", "VOICE_CALL"] as const).map(
      (type): [string, unknown] => [`button type ${type}`, withButton({ type })],
    ),
    ...(["COPY_CODE", "ONE_TAP", "ZERO_TAP"] as const).map((otp_type): [string, unknown] => [
      `otp_type ${otp_type}`,
      withButton({ type: "OTP", otp_type }),
    ]),
    [
      "supported_apps with both keys",
      withButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "com.example.app", signature_hash: "K8a/AINcGX7" }],
      }),
    ],
    ["code_expiration_minutes 1", withBody({ code_expiration_minutes: 1 })],
    ["code_expiration_minutes 60", withBody({ code_expiration_minutes: 60 })],
    ["add_security_recommendation", withBody({ add_security_recommendation: true })],
    ["messageSendTtlSeconds 30", { ...validRequest(), messageSendTtlSeconds: 30 }],
    ["messageSendTtlSeconds 2592000", { ...validRequest(), messageSendTtlSeconds: 2592000 }],
    ...(["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"] as const).map((format): [string, unknown] => [
      `header format ${format}`,
      {
        ...validRequest(),
        components: [
          { type: "HEADER", format },
          { type: "BODY", text: "x" },
        ],
      },
    ]),
    [
      "all four component types",
      {
        ...validRequest(),
        components: [
          { type: "HEADER", format: "TEXT", text: "Hi" },
          { type: "BODY", text: "x" },
          { type: "FOOTER", text: "f" },
          { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "ok" }] },
        ],
      },
    ],
    [
      "every example field",
      withBody({
        example: {
          header_text: ["a"],
          header_handle: ["4::x"],
          header_url: ["https://example.com/a.png"],
          body_text: [["a", "b"]],
        },
      }),
    ],
    [
      "named-parameter fields",
      {
        ...withBody({
          example: {
            body_text_named_params: [{ param_name: "first_name", example: "Pablo" }],
            header_text_named_params: [],
          },
        }),
        parameter_format: "NAMED",
      },
    ],
    ["variables", { ...validRequest(), variables: ["1", "2"] }],
  ];
  it.each(cases)("%s", (_label, input) => {
    const result = parse(input);
    expect(result.error?.issues).toBeUndefined();
    expect(result.success).toBe(true);
  });
});

describe("ZCreateTemplateRequest — refused just past the bounds", () => {
  const cases: [string, unknown, string | undefined, string?][] = [
    ["name of 0 chars", { ...validRequest(), name: "" }, "name"],
    ["name of 513 chars", { ...validRequest(), name: "a".repeat(513) }, "name"],
    ["name with upper case", { ...validRequest(), name: "Order" }, "name"],
    ["name with a hyphen", { ...validRequest(), name: "order-update" }, "name"],
    ["name with a space", { ...validRequest(), name: "order update" }, "name"],
    ["name not a string", { ...validRequest(), name: 5 }, "name"],
    ["category in mixed case", { ...validRequest(), category: "Utility" }, "category"],
    ["category unknown", { ...validRequest(), category: "TRANSACTIONAL" }, "category"],
    ["language of 1 char", { ...validRequest(), language: "e" }, "language"],
    ["language of 11 chars", { ...validRequest(), language: "en_USAAAAAA" }, "language"],
    ["language with a hyphen", { ...validRequest(), language: "en-US" }, "language"],
    ["language with lower-case region", { ...validRequest(), language: "en_us" }, "language"],
    ["language upper case", { ...validRequest(), language: "EN" }, "language"],
    ["language of 4 letters", { ...validRequest(), language: "engl" }, "language"],
    ["components empty", { ...validRequest(), components: [] }, "components"],
    ["components not an array", { ...validRequest(), components: { type: "BODY" } }, "components"],
    [
      "component type unknown",
      { ...validRequest(), components: [{ type: "BODY", text: "x" }, { type: "SIDEBAR" }] },
      "components[1].type",
    ],
    [
      "component type in mixed case",
      { ...validRequest(), components: [{ type: "Body", text: "x" }] },
      "components[0].type",
    ],
    [
      "header format unknown",
      {
        ...validRequest(),
        components: [
          { type: "HEADER", format: "GIF" },
          { type: "BODY", text: "x" },
        ],
      },
      "components[0].format",
    ],
    ["button text of 0 chars", withButton({ type: "QUICK_REPLY", text: "" }), "components[1].buttons[0].text"],
    [
      "button text of 26 chars",
      withButton({ type: "QUICK_REPLY", text: "a".repeat(26) }),
      "components[1].buttons[0].text",
    ],
    ["button type unknown", withButton({ type: "POSTBACK", text: "x" }), "components[1].buttons[0].type"],
    [
      "url of 2001 chars",
      withButton({ type: "URL", text: "Go", url: `https://example.com/${"a".repeat(2001 - 20)}` }),
      "components[1].buttons[0].url",
    ],
    ["url not a uri", withButton({ type: "URL", text: "Go", url: "example.com/path" }), "components[1].buttons[0].url"],
    [
      "phone number with a space",
      withButton({ type: "PHONE_NUMBER", text: "Call", phone_number: "+62 8111222333" }),
      "components[1].buttons[0].phone_number",
    ],
    [
      "phone number starting +0",
      withButton({ type: "PHONE_NUMBER", text: "Call", phone_number: "+0123456789" }),
      "components[1].buttons[0].phone_number",
    ],
    [
      "phone number of 7 digits",
      withButton({ type: "PHONE_NUMBER", text: "Call", phone_number: "+1234567" }),
      "components[1].buttons[0].phone_number",
    ],
    [
      "phone number of 16 digits",
      withButton({ type: "PHONE_NUMBER", text: "Call", phone_number: "+1234567890123456" }),
      "components[1].buttons[0].phone_number",
    ],
    ["otp_type unknown", withButton({ type: "OTP", otp_type: "MAGIC" }), "components[1].buttons[0].otp_type"],
    [
      "supported_apps without signature_hash",
      withButton({ type: "OTP", otp_type: "ONE_TAP", supported_apps: [{ package_name: "com.a.b" }] }),
      "components[1].buttons[0].supported_apps[0].signature_hash",
      "missing_required_field",
    ],
    [
      "header_url not a uri",
      withBody({ example: { header_url: ["not a url"] } }),
      "components[0].example.header_url[0]",
    ],
    ["body_text flat", withBody({ example: { body_text: ["a"] } }), "components[0].example.body_text"],
    ["code_expiration_minutes 0", withBody({ code_expiration_minutes: 0 }), "components[0].code_expiration_minutes"],
    ["code_expiration_minutes 61", withBody({ code_expiration_minutes: 61 }), "components[0].code_expiration_minutes"],
    [
      "code_expiration_minutes 1.5",
      withBody({ code_expiration_minutes: 1.5 }),
      "components[0].code_expiration_minutes",
    ],
    [
      "code_expiration_minutes as string",
      withBody({ code_expiration_minutes: "10" }),
      "components[0].code_expiration_minutes",
    ],
    [
      "add_security_recommendation as string",
      withBody({ add_security_recommendation: "true" }),
      "components[0].add_security_recommendation",
    ],
    ["messageSendTtlSeconds 29", { ...validRequest(), messageSendTtlSeconds: 29 }, "messageSendTtlSeconds"],
    ["messageSendTtlSeconds 2592001", { ...validRequest(), messageSendTtlSeconds: 2592001 }, "messageSendTtlSeconds"],
    ["messageSendTtlSeconds 60.5", { ...validRequest(), messageSendTtlSeconds: 60.5 }, "messageSendTtlSeconds"],
    ["variables not strings", { ...validRequest(), variables: [1] }, "variables[0]"],
    ["parameter_format in mixed case", { ...validRequest(), parameter_format: "Named" }, "parameter_format"],
    [
      "missing name",
      { category: "UTILITY", components: [{ type: "BODY", text: "x" }] },
      "name",
      "missing_required_field",
    ],
    [
      "missing category",
      { name: "a", components: [{ type: "BODY", text: "x" }] },
      "category",
      "missing_required_field",
    ],
    ["missing components", { name: "a", category: "UTILITY" }, "components", "missing_required_field"],
    [
      "missing component type",
      { ...validRequest(), components: [{ text: "x" }] },
      "components[0].type",
      "missing_required_field",
    ],
    ["missing button type", withButton({ text: "x" }), "components[1].buttons[0].type", "missing_required_field"],
    ["body not an object", ["name"], undefined, "invalid_request"],
  ];
  it.each(cases)("%s", (_label, input, param, code) => {
    expectRefused(input, param, code);
  });
});

describe("ZCreateTemplateRequest — Kirimdev's exactly-one-BODY rule", () => {
  it.each([
    ["no BODY", [{ type: "HEADER", format: "TEXT", text: "Hi" }], 0],
    [
      "two BODY",
      [
        { type: "BODY", text: "a" },
        { type: "BODY", text: "b" },
      ],
      2,
    ],
  ] as const)("refuses %s at path components", (_label, components, count) => {
    const result = parse({ ...validRequest(), components });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(firstIssue(result.error)).toEqual({
      param: "components",
      message: exactlyOneBodyMessage(count),
      code: "invalid_field_value",
    });
  });
});

describe("ZCreateTemplateRequest — defaults, stripping, no coercion", () => {
  it("defaults language to en", () => {
    const { language: _omitted, ...rest } = validRequest();
    expect(ZCreateTemplateRequest.parse(rest).language).toBe("en");
  });

  it.each([
    ["top level", { ...validRequest(), sender: "x" }, "sender"],
    ["a component", { ...validRequest(), components: [{ type: "BODY", text: "x", extra: 1 }] }, "components[0].extra"],
    [
      "an example",
      { ...validRequest(), components: [{ type: "BODY", text: "x", example: { body_text: [["a"]], other: 2 } }] },
      "components[0].example.other",
    ],
    ["a button", withButton({ type: "QUICK_REPLY", text: "ok", payload: "9" }), "components[1].buttons[0].payload"],
    [
      "a supported app",
      withButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        supported_apps: [{ package_name: "a.b", signature_hash: "x", sha: 1 }],
      }),
      "components[1].buttons[0].supported_apps[0].sha",
    ],
  ])("refuses an unknown key in %s by name", (_label, input, param) => {
    expectRefused(input, param, "unknown_parameter");
  });

  it("explains a Meta field it refuses on purpose", () => {
    const result = parse({ ...validRequest(), display_format: "ORDER_DETAILS" });
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error)).toMatchObject({ code: "unknown_parameter", param: "display_format" });
  });

  // Meta's Template Library create (M-LIB, docs/reference/meta-templates.md §1 "Library-template create").
  const libraryRequest = {
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
    library_template_body_inputs: { add_contact_number: true },
  };

  it("accepts Meta's library-template create without components", () => {
    const parsed = ZCreateTemplateRequest.parse(libraryRequest);
    expect(parsed.components).toBeUndefined();
    expect(parsed.library_template_name).toBe("delivery_update_1");
    expect(parsed.library_template_button_inputs?.[0]?.url?.base_url).toBe("https://www.example.com/{{1}}");
  });

  it.each([
    [
      "neither components nor library_template_name",
      (() => {
        const { components: _c, ...rest } = validRequest();
        return rest;
      })(),
      "components",
      "missing_required_field",
    ],
    [
      "both",
      { ...validRequest(), library_template_name: "delivery_update_1" },
      "library_template_name",
      "invalid_field_value",
    ],
    [
      "library inputs without a library name",
      { ...validRequest(), library_template_body_inputs: { add_contact_number: true } },
      "library_template_body_inputs",
      "invalid_field_value",
    ],
    [
      "a bad base_url",
      { ...libraryRequest, library_template_button_inputs: [{ type: "URL", url: { base_url: "not a url" } }] },
      "library_template_button_inputs[0].url.base_url",
      "invalid_field_value",
    ],
    [
      "an unknown body input",
      { ...libraryRequest, library_template_body_inputs: { add_everything: true } },
      "library_template_body_inputs.add_everything",
      "unknown_parameter",
    ],
  ])("refuses a library create with %s", (_label, input, param, code) => {
    expectRefused(input, param, code);
  });

  it("normalises the Meta spellings: lower-case enums, phone without +, COPY_CODE example string, Meta's TTL name", () => {
    const parsed = ZCreateTemplateRequest.parse({
      ...validRequest(),
      category: "marketing",
      parameter_format: "positional",
      message_send_ttl_seconds: "43200",
      components: [
        { type: "header", format: "image", example: { header_handle: ["4::aW1n"] } },
        { type: "body", text: "x" },
        {
          type: "buttons",
          buttons: [
            { type: "phone_number", text: "Call", phone_number: "15550051310" },
            { type: "copy_code", example: "250FF" },
          ],
        },
      ],
    });
    expect(parsed).toMatchObject({
      category: "MARKETING",
      parameter_format: "POSITIONAL",
      message_send_ttl_seconds: 43200,
      components: [
        { type: "HEADER", format: "IMAGE" },
        { type: "BODY" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "PHONE_NUMBER", phone_number: "+15550051310" },
            { type: "COPY_CODE", example: ["250FF"] },
          ],
        },
      ],
    });
  });

  it("refuses both TTL names at once, and a one-tap app given twice", () => {
    expectRefused(
      { ...validRequest(), messageSendTtlSeconds: 60, message_send_ttl_seconds: 60 },
      "message_send_ttl_seconds",
    );
    expectRefused(
      withButton({
        type: "OTP",
        otp_type: "ONE_TAP",
        package_name: "a.b",
        signature_hash: "K8a/AINcGX7",
        supported_apps: [],
      }),
      "components[1].buttons[0].package_name",
    );
    expectRefused(
      withButton({ type: "OTP", otp_type: "ONE_TAP", package_name: "a.b" }),
      "components[1].buttons[0].signature_hash",
      "missing_required_field",
    );
  });

  it("does not coerce numbers from strings", () => {
    expectRefused({ ...validRequest(), messageSendTtlSeconds: "60" }, "messageSendTtlSeconds");
  });
});

describe("seed 002's own JS sample body", () => {
  // Copied verbatim from the seed. Every field is shape-valid, but its only component is a HEADER, so it has
  // no BODY: Kirimdev's exactly-one-BODY rule must refuse it (0 BODY components).
  const seedBody = JSON.parse(
    '{"name":"order_confirmation","category":"MARKETING","language":"en","components":[{"type":"HEADER","format":"TEXT","text":"example","example":{"header_text":["example"],"header_handle":["example"],"header_url":["https://example.com"],"body_text":[["example"]]},"buttons":[{"type":"URL","text":"example","url":"https://example.com","phone_number":"example","otp_type":"COPY_CODE","autofill_text":"example","supported_apps":[{"package_name":"example","signature_hash":"example"}],"example":["example"]}],"add_security_recommendation":true,"code_expiration_minutes":1}],"variables":["example"],"messageSendTtlSeconds":1}',
  ) as unknown;

  it("is refused", () => {
    const result = parse(seedBody);
    expect(result.success).toBe(false);
  });

  it("is reported with the exactly-one-BODY message at path components", () => {
    const result = parse(seedBody);
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error)).toEqual({
      param: "components",
      message: exactlyOneBodyMessage(0),
      code: "invalid_field_value",
    });
  });

  it("with its shape-invalid values fixed, is refused by exactly the BODY rule", () => {
    // phone_number "example" breaks the E.164 pattern and messageSendTtlSeconds 1 is below 30; fix only those.
    const fixed = JSON.parse(JSON.stringify(seedBody)) as {
      components: { buttons: { phone_number: string }[] }[];
      messageSendTtlSeconds: number;
    };
    const button = fixed.components[0]?.buttons[0];
    if (button) button.phone_number = "+628111222333";
    fixed.messageSendTtlSeconds = 30;
    const result = parse(fixed);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues).toHaveLength(1);
    expect(firstIssue(result.error)).toMatchObject({ param: "components", message: exactlyOneBodyMessage(0) });
  });
});
