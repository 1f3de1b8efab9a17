import { z } from "zod";
import { MISSING_FIELD_MESSAGE, requiredAware } from "./issues.js";
import { flowButtonFields } from "./template-flow.js";

/**
 * The create-template request of `POST /v1/{phone_number_id}/templates` (Kirimdev seed 002), which mirrors Meta's
 * `message_templates` create body. Every object is STRICT: an unknown key anywhere is refused by name
 * (`unknown_parameter`), never dropped, so nothing a client meant for Meta is lost silently.
 * Bodies written the way Meta documents them are accepted and normalised (meta-rules/DECISIONS.md D30–D35):
 * lower-case enum values (`"marketing"` → `MARKETING`), PHONE_NUMBER buttons without the leading `+`, a COPY_CODE
 * `example` as one string, Meta's `message_send_ttl_seconds` (also as a numeric string). Other values are never
 * coerced: `5` is not a string and `"Marketing"` is not a category.
 */

/** Template names: lower-case letters, digits and underscores (Meta's rule), 1–512 characters. */
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9_]+$/;
/** Language codes accepted by Kirimdev: `en`, `id`, `en_US`, `pt_BR`, `fil`. */
export const TEMPLATE_LANGUAGE_PATTERN = /^[a-z]{2,3}(_[A-Z]{2})?$/;
/** E.164 with the leading plus, as the seed requires for PHONE_NUMBER buttons (stored and sent so). */
export const BUTTON_PHONE_NUMBER_PATTERN = /^\+[1-9]\d{7,14}$/;
/** What a PHONE_NUMBER button may be written as: E.164 with or without the `+` (Meta's own examples omit it). */
export const BUTTON_PHONE_NUMBER_INPUT_PATTERN = /^\+?[1-9]\d{7,14}$/;

export const TEMPLATE_CATEGORIES = ["MARKETING", "UTILITY", "AUTHENTICATION"] as const;
export const COMPONENT_TYPES = [
  "HEADER",
  "BODY",
  "FOOTER",
  "BUTTONS",
  // issue 16 (kinds16a): carousels and limited-time offers.
  "CAROUSEL",
  "LIMITED_TIME_OFFER",
  // issue 16 (kinds16b): Meta's call permission request component.
  "CALL_PERMISSION_REQUEST",
] as const;
export const HEADER_FORMATS = [
  "TEXT",
  "IMAGE",
  "VIDEO",
  "DOCUMENT",
  "LOCATION",
  // issue 16 (kinds16b): single-product message header.
  "PRODUCT",
] as const;
export const BUTTON_TYPES = [
  "URL",
  "PHONE_NUMBER",
  "QUICK_REPLY",
  "COPY_CODE",
  "OTP",
  "VOICE_CALL",
  // issue 16 (kinds16b): Flows and commerce buttons.
  "FLOW",
  "CATALOG",
  "MPM",
  "SPM",
] as const;
export const OTP_TYPES = ["COPY_CODE", "ONE_TAP", "ZERO_TAP"] as const;
export const PARAMETER_FORMATS = ["POSITIONAL", "NAMED"] as const;
// ── carousel (issue 16): the components and buttons a carousel card takes (meta-rules/DECISIONS.md "Carousel") ──
export const CARD_COMPONENT_TYPES = ["HEADER", "BODY", "BUTTONS"] as const;
/** IMAGE/VIDEO: media-card carousel; PRODUCT: product-card carousel. */
export const CARD_HEADER_FORMATS = ["IMAGE", "VIDEO", "PRODUCT"] as const;
/** QUICK_REPLY/URL/PHONE_NUMBER on media cards; SPM (or URL) on product cards. */
export const CARD_BUTTON_TYPES = ["QUICK_REPLY", "URL", "PHONE_NUMBER", "SPM"] as const;

/**
 * An enum written in upper case (ours, Meta's reads) or all lower case (Meta's create docs and sample app):
 * both parse to the upper-case value. Mixed case (`"Marketing"`) is refused, as Meta documents neither.
 */
function metaEnum<const Values extends readonly [string, ...string[]]>(
  values: Values,
  error: z.core.$ZodErrorMap | string,
) {
  const lower = values.map((value) => value.toLowerCase());
  return z
    .enum([...values, ...lower] as unknown as Values, { error })
    .transform((value) => value.toUpperCase() as Values[number]);
}

export const ZTemplateName = z
  .string()
  .min(1, { error: "name must not be empty." })
  .max(512, { error: "name must be at most 512 characters." })
  .regex(TEMPLATE_NAME_PATTERN, { error: "name may contain only lower-case letters, digits and underscores." })
  .describe(
    "Template name: lower-case letters, digits and underscores, 1–512 characters. Unique per language on the account.",
  )
  .meta({ id: "TemplateName", example: "order_confirmation" });

export const ZTemplateCategory = metaEnum(
  TEMPLATE_CATEGORIES,
  requiredAware("category must be one of MARKETING, UTILITY, AUTHENTICATION (upper- or lower-case)."),
)
  .describe("Meta template category. Meta may recategorise a template on review; see previous_category.")
  .meta({ id: "TemplateCategory", example: "UTILITY" });
export type TTemplateCategory = z.infer<typeof ZTemplateCategory>;

export const ZTemplateLanguage = z
  .string()
  .min(2, { error: "language must be at least 2 characters." })
  .max(10, { error: "language must be at most 10 characters." })
  .regex(TEMPLATE_LANGUAGE_PATTERN, {
    error: "language must look like `en`, `id` or `en_US` (lower-case language, optional `_` + upper-case region).",
  })
  .describe("Template language code, e.g. `en`, `id`, `en_US`.")
  .meta({ id: "TemplateLanguage", example: "id" });

export const ZComponentType = metaEnum(
  COMPONENT_TYPES,
  requiredAware(`type must be one of ${COMPONENT_TYPES.join(", ")} (upper- or lower-case).`),
).describe("Component type. A template has exactly one BODY and at most one of each other type.");

export const ZHeaderFormat = metaEnum(
  HEADER_FORMATS,
  `format must be one of ${HEADER_FORMATS.join(", ")} (upper- or lower-case).`,
).describe("HEADER format. IMAGE/VIDEO/DOCUMENT need a sample in example.header_url or example.header_handle.");

export const ZButtonType = metaEnum(
  BUTTON_TYPES,
  requiredAware(`type must be one of ${BUTTON_TYPES.join(", ")} (upper- or lower-case).`),
).describe("Button type.");

export const ZOtpType = metaEnum(
  OTP_TYPES,
  "otp_type must be one of COPY_CODE, ONE_TAP, ZERO_TAP (upper- or lower-case).",
).describe("OTP delivery mode of an AUTHENTICATION template's OTP button.");

export const ZParameterFormat = metaEnum(
  PARAMETER_FORMATS,
  "parameter_format must be POSITIONAL or NAMED (upper- or lower-case).",
).describe("Meta extension: POSITIONAL (`{{1}}`, the default) or NAMED (`{{first_name}}`) variables.");

/** One example value of a named parameter (Meta extension). */
export const ZNamedParamExample = z
  .strictObject({
    param_name: z.string().describe("Variable name as written between the braces, e.g. `first_name`."),
    example: z.string().describe("Sample value shown to Meta's reviewers."),
  })
  .meta({ id: "NamedParamExample" });

export const ZComponentExample = z
  .strictObject({
    header_text: z.array(z.string()).optional().describe("Sample value for the TEXT header's variable (one item)."),
    header_handle: z
      .array(z.string())
      .optional()
      .describe("Meta asset handle of the media sample; an https:// URL here is treated like header_url."),
    header_url: z
      .array(z.url({ error: "header_url items must be absolute URLs." }))
      .optional()
      .describe("Public https:// URL of the media sample; the server downloads it and uploads it to Meta."),
    body_text: z
      .union([z.array(z.array(z.string())), z.string()], {
        error: "body_text must be an array holding one array of strings (or one string for a single variable).",
      })
      // Meta's carousel pages: "If message body text uses a single variable, body_text value can be a string".
      .transform((example) => (typeof example === "string" ? [[example]] : example))
      .optional()
      .describe(
        "Sample values for the body variables: one inner array holding one value per variable, in order (one string for one variable).",
      ),
    header_text_named_params: z
      .array(ZNamedParamExample)
      .optional()
      .describe("Meta extension: samples for a NAMED header variable."),
    body_text_named_params: z
      .array(ZNamedParamExample)
      .optional()
      .describe("Meta extension: samples for NAMED body variables."),
  })
  .describe("Sample values Meta's reviewers see in place of the variables.")
  .meta({ id: "TemplateComponentExample" });
export type TComponentExample = z.infer<typeof ZComponentExample>;

/**
 * A signature hash is base64 (`A–Z a–z 0–9 + / =`), so `%` never belongs in one: Meta's own OpenAPI example prints
 * `K8a%2FAINcGX7`, URL-encoded. Its `%2F`, `%2B` and `%3D` are read as `/`, `+` and `=` (DECISIONS.md D35).
 */
function signatureHash(input: z.ZodString) {
  return input.transform((hash) => hash.replace(/%2F/gi, "/").replace(/%2B/gi, "+").replace(/%3D/gi, "="));
}

export const ZSupportedApp = z
  .strictObject({
    package_name: z
      .string({ error: requiredAware("package_name must be a string.") })
      .describe("Android package name, e.g. `com.example.app`."),
    signature_hash: signatureHash(z.string({ error: requiredAware("signature_hash must be a string.") })).describe(
      "11-character Android app signing key hash.",
    ),
  })
  .describe("Android app allowed to receive a ONE_TAP / ZERO_TAP code.")
  .meta({ id: "TemplateSupportedApp" });

export const ZTemplateButton = z
  .strictObject({
    type: ZButtonType,
    text: z
      .string()
      .min(1, { error: "button text must not be empty." })
      .max(25, { error: "button text must be at most 25 characters." })
      .optional()
      .describe("Button label, 1–25 characters."),
    url: z
      .url({ error: "url must be an absolute URL." })
      .max(2000, { error: "url must be at most 2000 characters." })
      .optional()
      .describe("URL button target; may end with one `{{1}}` variable (then `example` holds a sample URL)."),
    phone_number: z
      .string()
      .regex(BUTTON_PHONE_NUMBER_INPUT_PATTERN, {
        error: "phone_number must be E.164, e.g. +628111222333 (the + may be omitted).",
      })
      // Meta's examples write the number without `+` and Meta stores it with one: so do we (DECISIONS.md D31).
      .transform((number) => (number.startsWith("+") ? number : `+${number}`))
      .optional()
      .describe(
        "PHONE_NUMBER button target in E.164 form; written without the leading `+` it is stored and sent with it.",
      ),
    otp_type: ZOtpType.optional(),
    autofill_text: z.string().optional().describe("ONE_TAP autofill button label."),
    supported_apps: z
      .array(ZSupportedApp)
      .optional()
      .describe("Apps allowed to receive ONE_TAP / ZERO_TAP codes (max 5)."),
    package_name: z
      .string()
      .optional()
      .describe(
        "Meta's older ONE_TAP syntax (before supported_apps): the Android package name on the button. Sent to Meta as supported_apps.",
      ),
    signature_hash: signatureHash(z.string())
      .optional()
      .describe(
        "Meta's older ONE_TAP syntax: the app signing key hash on the button, with package_name. Sent to Meta as supported_apps.",
      ),
    zero_tap_terms_accepted: z
      .boolean()
      .optional()
      .describe("Meta extension: acceptance of the zero-tap terms, sent with ZERO_TAP buttons."),
    ...flowButtonFields,
    example: z
      .union([z.array(z.string()), z.string()], { error: "example must be an array of strings or one string." })
      // Meta documents a COPY_CODE sample as one string: read as a one-item list (DECISIONS.md D32).
      .transform((example) => (typeof example === "string" ? [example] : example))
      .optional()
      .describe(
        "URL button: sample of the full URL for the variable. COPY_CODE: the sample coupon code (first item, or one string as Meta writes it).",
      ),
  })
  .check((ctx) => {
    // Meta's older ONE_TAP syntax: one app on the button itself. Both halves, on an OTP button, instead of supported_apps.
    const { package_name: packageName, signature_hash: signatureHash } = ctx.value;
    if (packageName === undefined && signatureHash === undefined) return;
    const given = packageName !== undefined ? "package_name" : "signature_hash";
    const fail = (path: string, message: string, input: unknown) =>
      ctx.issues.push({ code: "custom", path: [path], input, message });
    if (ctx.value.type !== "OTP") fail(given, `${given} is only for OTP buttons.`, ctx.value[given]);
    else if (ctx.value.supported_apps !== undefined)
      fail(
        given,
        `Give the app in supported_apps or as package_name + signature_hash on the button, not both.`,
        ctx.value[given],
      );
    else if (packageName === undefined) fail("package_name", MISSING_FIELD_MESSAGE, undefined);
    else if (signatureHash === undefined) fail("signature_hash", MISSING_FIELD_MESSAGE, undefined);
  })
  .describe("One button of a BUTTONS component.")
  .meta({ id: "TemplateButton" });
export type TTemplateButton = z.infer<typeof ZTemplateButton>;

// ── carousel cards (issue 16) ──
export const ZCarouselCardButton = z
  .strictObject({
    type: metaEnum(
      CARD_BUTTON_TYPES,
      requiredAware(`card button type must be one of ${CARD_BUTTON_TYPES.join(", ")} (upper- or lower-case).`),
    ),
    text: ZTemplateButton.shape.text,
    url: ZTemplateButton.shape.url,
    phone_number: ZTemplateButton.shape.phone_number,
    example: ZTemplateButton.shape.example,
  })
  .describe(
    "One button of a carousel card: QUICK_REPLY, URL or PHONE_NUMBER (media cards), SPM or URL (product cards).",
  )
  .meta({ id: "TemplateCarouselCardButton" });
export type TCarouselCardButton = z.infer<typeof ZCarouselCardButton>;

export const ZCarouselCardComponent = z
  .strictObject({
    type: metaEnum(
      CARD_COMPONENT_TYPES,
      requiredAware(`card component type must be one of ${CARD_COMPONENT_TYPES.join(", ")} (upper- or lower-case).`),
    ),
    format: metaEnum(
      CARD_HEADER_FORMATS,
      `card header format must be one of ${CARD_HEADER_FORMATS.join(", ")} (upper- or lower-case).`,
    ).optional(),
    text: z.string().optional().describe("Card body text (at most 160 characters, variables allowed)."),
    example: ZComponentExample.optional(),
    buttons: z.array(ZCarouselCardButton).optional().describe("The card's buttons (1–2)."),
  })
  .describe("One component of a carousel card: HEADER (IMAGE, VIDEO or PRODUCT), BODY or BUTTONS.")
  .meta({ id: "TemplateCarouselCardComponent" });
export type TCarouselCardComponent = z.infer<typeof ZCarouselCardComponent>;

export const ZCarouselCard = z
  .strictObject({ components: z.array(ZCarouselCardComponent).describe("The card's components.") })
  .describe("One card of a CAROUSEL component.")
  .meta({ id: "TemplateCarouselCard" });
export type TCarouselCard = z.infer<typeof ZCarouselCard>;

export const ZLimitedTimeOffer = z
  .strictObject({
    text: z
      .string({ error: requiredAware("limited_time_offer.text must be a string.") })
      .describe("Offer heading, at most 16 characters."),
    has_expiration: z
      .boolean({ error: "has_expiration must be true or false." })
      .optional()
      .describe("true shows the offer's expiry countdown (its time is given at send)."),
  })
  .describe("The offer of a LIMITED_TIME_OFFER component.")
  .meta({ id: "TemplateLimitedTimeOffer" });

export const ZTemplateComponent = z
  .strictObject({
    type: ZComponentType,
    format: ZHeaderFormat.optional(),
    text: z.string().optional().describe("HEADER (TEXT), BODY or FOOTER text with `{{1}}` (or named) variables."),
    example: ZComponentExample.optional(),
    buttons: z.array(ZTemplateButton).optional().describe("Buttons of a BUTTONS component."),
    add_security_recommendation: z
      .boolean()
      .optional()
      .describe("AUTHENTICATION BODY: append Meta's 'do not share this code' sentence."),
    code_expiration_minutes: z
      .number()
      .int({ error: "code_expiration_minutes must be an integer." })
      .min(1, { error: "code_expiration_minutes must be at least 1." })
      .max(60, { error: "code_expiration_minutes must be at most 60." })
      .optional()
      .describe("AUTHENTICATION FOOTER: code validity shown to the recipient, 1–60 minutes."),
    cards: z.array(ZCarouselCard).optional().describe("CAROUSEL: the cards (2–10), each with the same components."),
    limited_time_offer: ZLimitedTimeOffer.optional().describe(
      "LIMITED_TIME_OFFER: the offer text and whether it expires.",
    ),
  })
  .describe(
    "One template component (HEADER, BODY, FOOTER, BUTTONS, CAROUSEL or LIMITED_TIME_OFFER), as in Meta's create body.",
  )
  .meta({ id: "TemplateComponentInput" });
export type TTemplateComponent = z.infer<typeof ZTemplateComponent>;

/** The seed's TTL bounds (30 s – 30 days) on a value read by `input`; per-category ranges are a Meta rule. */
function ttlSeconds(field: string, input: z.ZodType<number, unknown>) {
  return input.pipe(
    z
      .number()
      .int({ error: `${field} must be an integer.` })
      .min(30, { error: `${field} must be at least 30.` })
      .max(2592000, { error: `${field} must be at most 2592000 (30 days).` }),
  );
}

/** Message of the Kirimdev rule "exactly one BODY component" (issue at path `components`). */
export function exactlyOneBodyMessage(bodyCount: number): string {
  return `components must contain exactly one BODY component (found ${bodyCount}).`;
}

// ── Template Library (issue 16): Meta's create-from-library inputs (M-LIB, docs/reference/meta-templates.md §1) ──
export const ZLibraryTemplateBodyInputs = z
  .strictObject({
    add_contact_number: z.boolean().optional(),
    add_learn_more_link: z.boolean().optional(),
    add_security_recommendation: z.boolean().optional(),
    add_track_package_link: z.boolean().optional(),
    code_expiration_minutes: z.number().int().min(1).max(90).optional(),
  })
  .describe("Meta's library_template_body_inputs: optional additions to the library template's body.")
  .meta({ id: "LibraryTemplateBodyInputs" });

export const ZLibraryTemplateButtonInput = z
  .strictObject({
    type: z
      .string()
      .regex(/^[A-Za-z_]{1,32}$/, {
        error: "type must be one of Meta's button types, e.g. URL, PHONE_NUMBER, QUICK_REPLY, OTP.",
      })
      .transform((value) => value.toUpperCase()),
    url: z
      .strictObject({
        base_url: z
          .string()
          .regex(/^https?:\/\/\S+$/, { error: "url.base_url must be an absolute http(s) URL." })
          .max(2000),
        url_suffix_example: z.string().max(2000).optional(),
      })
      .optional(),
    phone_number: z
      .string()
      .regex(/^\+?[0-9 ()-]{4,24}$/, { error: "phone_number must be a phone number, e.g. +15551234567." })
      .optional(),
    otp_type: z.enum(["COPY_CODE", "ONE_TAP", "ZERO_TAP"]).optional(),
    zero_tap_terms_accepted: z.boolean().optional(),
    supported_apps: z
      .array(z.strictObject({ package_name: z.string().max(224), signature_hash: z.string().max(64) }))
      .optional(),
  })
  .describe(
    "One of Meta's library_template_button_inputs: what a library button needs (its URL, phone number or OTP type).",
  )
  .meta({ id: "LibraryTemplateButtonInput" });

/** A template's components: exactly one BODY (create and edit). */
export const ZTemplateComponents = z
  .array(ZTemplateComponent)
  .min(1, { error: "components must contain at least one component." })
  .check((ctx) => {
    const bodyCount = ctx.value.filter((component) => component.type === "BODY").length;
    if (bodyCount !== 1) {
      ctx.issues.push({ code: "custom", input: ctx.value, message: exactlyOneBodyMessage(bodyCount) });
    }
  });

export const ZCreateTemplateRequest = z
  .strictObject({
    name: ZTemplateName,
    category: ZTemplateCategory,
    language: ZTemplateLanguage.default("en"),
    library_template_name: z
      .string()
      .regex(/^[a-z0-9_]{1,512}$/, {
        error: "library_template_name must be the name of a Template Library template, e.g. delivery_update_1.",
      })
      .optional()
      .describe(
        "Create from Meta's Template Library (GET /v1/{phone_number_id}/template_library) instead of giving components.",
      ),
    library_template_body_inputs: ZLibraryTemplateBodyInputs.optional(),
    library_template_button_inputs: z
      .array(ZLibraryTemplateButtonInput)
      .max(10, { error: "library_template_button_inputs takes at most 10 buttons." })
      .optional()
      .describe(
        "Inputs of the library template's buttons, in order (required by Meta when the library template has URL or phone buttons).",
      ),
    components: ZTemplateComponents.optional().describe(
      "Template components: exactly one BODY, optionally one HEADER, FOOTER and BUTTONS. Required unless library_template_name is given.",
    ),
    variables: z.array(z.string()).optional().describe("Names of the template's variables, in order (informational)."),
    messageSendTtlSeconds: ttlSeconds("messageSendTtlSeconds", z.number())
      .optional()
      .describe(
        "How long Meta keeps trying to deliver a message of this template (Meta's message_send_ttl_seconds), 30–2592000.",
      ),
    message_send_ttl_seconds: ttlSeconds(
      "message_send_ttl_seconds",
      z.union(
        [
          z.number(),
          z.string().regex(/^\d+$/, { error: "message_send_ttl_seconds must be an integer." }).transform(Number),
        ],
        {
          error: "message_send_ttl_seconds must be an integer.",
        },
      ),
    )
      .optional()
      .describe(
        "Meta's name for messageSendTtlSeconds (a number or a numeric string, as Meta's page prints it); give one of the two.",
      ),
    parameter_format: ZParameterFormat.optional(),
    // Meta's other create fields, forwarded to Meta as given (DECISIONS.md D34).
    sub_category: z
      .string()
      .regex(/^[A-Za-z_]{1,64}$/, {
        error: "sub_category must be one of Meta's sub-category names, e.g. ORDER_DETAILS.",
      })
      .transform((value) => value.toUpperCase())
      .optional()
      .describe("Meta's UTILITY sub-category (ORDER_DETAILS, ORDER_STATUS, RICH_ORDER_STATUS, …), forwarded to Meta."),
    cta_url_link_tracking_opted_out: z
      .boolean()
      .optional()
      .describe("Meta: true opts the template's URL buttons out of Meta's link-click tracking. Forwarded to Meta."),
    allow_category_change: z
      .boolean()
      .optional()
      .describe(
        "Meta's legacy flag (no effect since 9 April 2025: Meta may recategorise any template). Forwarded to Meta.",
      ),
  })
  .check((ctx) => {
    // Exactly one of components / library_template_name (Meta builds a library template's components itself).
    const { components, library_template_name: libraryName } = ctx.value;
    if (components === undefined && libraryName === undefined) {
      ctx.issues.push({
        code: "custom",
        path: ["components"],
        input: undefined,
        message: "components is required (or library_template_name, to create from Meta's Template Library).",
        params: { code: "missing_required_field" },
      });
    } else if (components !== undefined && libraryName !== undefined) {
      ctx.issues.push({
        code: "custom",
        path: ["library_template_name"],
        input: libraryName,
        message:
          "Give components or library_template_name, not both: Meta builds a library template's components itself.",
      });
    }
    for (const key of ["library_template_body_inputs", "library_template_button_inputs"] as const) {
      if (ctx.value[key] !== undefined && libraryName === undefined) {
        ctx.issues.push({
          code: "custom",
          path: [key],
          input: ctx.value[key],
          message: `${key} needs library_template_name.`,
        });
      }
    }
  })
  .check((ctx) => {
    const { messageSendTtlSeconds, message_send_ttl_seconds: metaTtl } = ctx.value;
    if (messageSendTtlSeconds !== undefined && metaTtl !== undefined) {
      ctx.issues.push({
        code: "custom",
        path: ["message_send_ttl_seconds"],
        input: metaTtl,
        message: "Give messageSendTtlSeconds or message_send_ttl_seconds (Meta's name for it), not both.",
      });
    }
  })
  .describe(
    "Create-template request. Every object is strict: an unknown key is refused as unknown_parameter. Upper- and lower-case enum values are accepted.",
  )
  .meta({ id: "CreateTemplateRequest" });
/** The parsed create request (defaults applied: `language` is always set). */
export type TCreateTemplateRequest = z.infer<typeof ZCreateTemplateRequest>;

/** The TTL the request asks for, under either of its names, with the name it was given under. */
export function requestedTtl(
  request: Pick<TCreateTemplateRequest, "messageSendTtlSeconds" | "message_send_ttl_seconds">,
): { seconds: number; field: "messageSendTtlSeconds" | "message_send_ttl_seconds" } | undefined {
  if (request.messageSendTtlSeconds !== undefined)
    return { seconds: request.messageSendTtlSeconds, field: "messageSendTtlSeconds" };
  if (request.message_send_ttl_seconds !== undefined)
    return { seconds: request.message_send_ttl_seconds, field: "message_send_ttl_seconds" };
  return undefined;
}
/** What a client may send (before defaults). */
export type TCreateTemplateRequestInput = z.input<typeof ZCreateTemplateRequest>;
