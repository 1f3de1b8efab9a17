import { z } from "zod";
import { requiredAware } from "./issues.js";

/**
 * The create-template request of `POST /v1/{phone_number_id}/templates` (Kirimdev seed 002), which mirrors Meta's
 * `message_templates` create body. Unknown keys are accepted and STRIPPED at every level (zod's default object
 * mode): integrators send extra fields and Meta ignores them, so refusing them would only break clients.
 * Values are never coerced: `"5"` is not a number and `"marketing"` is not a category.
 */

/** Template names: lower-case letters, digits and underscores (Meta's rule), 1–512 characters. */
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9_]+$/;
/** Language codes accepted by Kirimdev: `en`, `id`, `en_US`, `pt_BR`, `fil`. */
export const TEMPLATE_LANGUAGE_PATTERN = /^[a-z]{2,3}(_[A-Z]{2})?$/;
/** E.164 with the leading plus, as the seed requires for PHONE_NUMBER buttons. */
export const BUTTON_PHONE_NUMBER_PATTERN = /^\+[1-9]\d{7,14}$/;

export const TEMPLATE_CATEGORIES = ["MARKETING", "UTILITY", "AUTHENTICATION"] as const;
export const COMPONENT_TYPES = ["HEADER", "BODY", "FOOTER", "BUTTONS"] as const;
export const HEADER_FORMATS = ["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"] as const;
export const BUTTON_TYPES = ["URL", "PHONE_NUMBER", "QUICK_REPLY", "COPY_CODE", "OTP", "VOICE_CALL"] as const;
export const OTP_TYPES = ["COPY_CODE", "ONE_TAP", "ZERO_TAP"] as const;
export const PARAMETER_FORMATS = ["POSITIONAL", "NAMED"] as const;

export const ZTemplateName = z
  .string()
  .min(1, { error: "name must not be empty." })
  .max(512, { error: "name must be at most 512 characters." })
  .regex(TEMPLATE_NAME_PATTERN, { error: "name may contain only lower-case letters, digits and underscores." })
  .describe("Template name: lower-case letters, digits and underscores, 1–512 characters. Unique per language on the account.")
  .meta({ id: "TemplateName", example: "order_confirmation" });

export const ZTemplateCategory = z
  .enum(TEMPLATE_CATEGORIES, { error: requiredAware("category must be one of MARKETING, UTILITY, AUTHENTICATION (upper-case).") })
  .describe("Meta template category. Meta may recategorise a template on review; see previous_category.")
  .meta({ id: "TemplateCategory", example: "UTILITY" });
export type TTemplateCategory = z.infer<typeof ZTemplateCategory>;

export const ZTemplateLanguage = z
  .string()
  .min(2, { error: "language must be at least 2 characters." })
  .max(10, { error: "language must be at most 10 characters." })
  .regex(TEMPLATE_LANGUAGE_PATTERN, { error: "language must look like `en`, `id` or `en_US` (lower-case language, optional `_` + upper-case region)." })
  .describe("Template language code, e.g. `en`, `id`, `en_US`.")
  .meta({ id: "TemplateLanguage", example: "id" });

export const ZComponentType = z
  .enum(COMPONENT_TYPES, { error: requiredAware("type must be one of HEADER, BODY, FOOTER, BUTTONS (upper-case).") })
  .describe("Component type. A template has exactly one BODY and at most one of each other type.");

export const ZHeaderFormat = z
  .enum(HEADER_FORMATS, { error: "format must be one of TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION (upper-case)." })
  .describe("HEADER format. IMAGE/VIDEO/DOCUMENT need a sample in example.header_url or example.header_handle.");

export const ZButtonType = z
  .enum(BUTTON_TYPES, { error: requiredAware("type must be one of URL, PHONE_NUMBER, QUICK_REPLY, COPY_CODE, OTP, VOICE_CALL (upper-case).") })
  .describe("Button type.");

export const ZOtpType = z
  .enum(OTP_TYPES, { error: "otp_type must be one of COPY_CODE, ONE_TAP, ZERO_TAP (upper-case)." })
  .describe("OTP delivery mode of an AUTHENTICATION template's OTP button.");

export const ZParameterFormat = z
  .enum(PARAMETER_FORMATS, { error: "parameter_format must be POSITIONAL or NAMED (upper-case)." })
  .describe("Meta extension: POSITIONAL (`{{1}}`, the default) or NAMED (`{{first_name}}`) variables.");

/** One example value of a named parameter (Meta extension). */
export const ZNamedParamExample = z
  .object({
    param_name: z.string().describe("Variable name as written between the braces, e.g. `first_name`."),
    example: z.string().describe("Sample value shown to Meta's reviewers."),
  })
  .meta({ id: "NamedParamExample" });

export const ZComponentExample = z
  .object({
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
      .array(z.array(z.string()))
      .optional()
      .describe("Sample values for the body variables: one inner array holding one value per variable, in order."),
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

export const ZSupportedApp = z
  .object({
    package_name: z.string({ error: requiredAware("package_name must be a string.") }).describe("Android package name, e.g. `com.example.app`."),
    signature_hash: z.string({ error: requiredAware("signature_hash must be a string.") }).describe("11-character Android app signing key hash."),
  })
  .describe("Android app allowed to receive a ONE_TAP / ZERO_TAP code.")
  .meta({ id: "TemplateSupportedApp" });

export const ZTemplateButton = z
  .object({
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
      .regex(BUTTON_PHONE_NUMBER_PATTERN, { error: "phone_number must be E.164 with a leading + (e.g. +628111222333)." })
      .optional()
      .describe("PHONE_NUMBER button target in E.164 form."),
    otp_type: ZOtpType.optional(),
    autofill_text: z.string().optional().describe("ONE_TAP autofill button label."),
    supported_apps: z.array(ZSupportedApp).optional().describe("Apps allowed to receive ONE_TAP / ZERO_TAP codes (max 5)."),
    zero_tap_terms_accepted: z
      .boolean()
      .optional()
      .describe("Meta extension: acceptance of the zero-tap terms, sent with ZERO_TAP buttons."),
    example: z
      .array(z.string())
      .optional()
      .describe("URL button: sample of the full URL for the variable. COPY_CODE: the sample coupon code (first item)."),
  })
  .describe("One button of a BUTTONS component.")
  .meta({ id: "TemplateButton" });
export type TTemplateButton = z.infer<typeof ZTemplateButton>;

export const ZTemplateComponent = z
  .object({
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
  })
  .describe("One template component (HEADER, BODY, FOOTER or BUTTONS), as in Meta's create body.")
  .meta({ id: "TemplateComponentInput" });
export type TTemplateComponent = z.infer<typeof ZTemplateComponent>;

/** Message of the Kirimdev rule "exactly one BODY component" (issue at path `components`). */
export function exactlyOneBodyMessage(bodyCount: number): string {
  return `components must contain exactly one BODY component (found ${bodyCount}).`;
}

export const ZCreateTemplateRequest = z
  .object({
    name: ZTemplateName,
    category: ZTemplateCategory,
    language: ZTemplateLanguage.default("en"),
    components: z
      .array(ZTemplateComponent)
      .min(1, { error: "components must contain at least one component." })
      .check((ctx) => {
        const bodyCount = ctx.value.filter((component) => component.type === "BODY").length;
        if (bodyCount !== 1) {
          ctx.issues.push({ code: "custom", input: ctx.value, message: exactlyOneBodyMessage(bodyCount) });
        }
      })
      .describe("Template components: exactly one BODY, optionally one HEADER, FOOTER and BUTTONS."),
    variables: z.array(z.string()).optional().describe("Names of the template's variables, in order (informational)."),
    messageSendTtlSeconds: z
      .number()
      .int({ error: "messageSendTtlSeconds must be an integer." })
      .min(30, { error: "messageSendTtlSeconds must be at least 30." })
      .max(2592000, { error: "messageSendTtlSeconds must be at most 2592000 (30 days)." })
      .optional()
      .describe("How long Meta keeps trying to deliver a message of this template (Meta's message_send_ttl_seconds), 30–2592000."),
    parameter_format: ZParameterFormat.optional(),
  })
  .describe(
    "Create-template request. Unknown keys are accepted and dropped (Meta ignores them too); values are never coerced.",
  )
  .meta({ id: "CreateTemplateRequest" });
/** The parsed create request (defaults applied: `language` is always set). */
export type TCreateTemplateRequest = z.infer<typeof ZCreateTemplateRequest>;
/** What a client may send (before defaults). */
export type TCreateTemplateRequestInput = z.input<typeof ZCreateTemplateRequest>;
