/**
 * Send-time rules: fill a template's components with the parameters of Meta's send request (`template` object of
 * `POST /{phone_number_id}/messages`) and say, before anything is sent, which parameter Meta would refuse and with
 * which error. Pure (no I/O), so the API, the SDK and the dashboard agree.
 *
 * Meta's send-time error codes used here ("WhatsApp error codes", developers.facebook.com/documentation/
 * business-messaging/whatsapp/support/error-codes/; docs/reference/meta-templates.md §7.2):
 *   131008 Required parameter is missing · 131009 Parameter value is not valid ·
 *   132000 Number of parameters does not match the expected number of params ·
 *   132001 Template name does not exist in the translation (HTTP 404) ·
 *   132005 Translated text too long · 132012 Parameter format does not match format in the created template ·
 *   132015 Template is paused · 132016 Template is disabled.
 * Text parameter rule quoted from Meta's refusal (code 131009 / 100): "Param text cannot have new-line/tab characters
 * or more than 4 consecutive spaces" (body parameters; headers take one line anyway).
 */
import { z } from "zod";
import { requiredAware } from "../issues.js";
import { scanPlaceholders } from "./placeholders.js";
import { renderKindButton, renderProductHeader } from "./render-kinds.js";

import { META_SEND_ERRORS, type MetaSendError } from "./send-errors.js";
export { META_SEND_ERRORS, type MetaSendError };

/** Meta's lengths for the message as sent (docs/reference/meta-templates.md §2.2; WhatsApp's send limits). */
export const SEND_LIMITS = {
  bodyChars: 1024,
  headerTextChars: 60,
  urlChars: 2000,
  couponCodeChars: 15,
  otpCodeChars: 15,
  payloadChars: 128,
} as const;

// ── the request: Meta's `template` send object ─────────────────────────────────────────────────────────

const ZMediaObject = z
  .object({
    link: z.string().optional().describe("HTTPS URL of the media."),
    id: z.string().optional().describe("Id of media uploaded to Meta."),
    filename: z.string().optional().describe("Document file name shown to the recipient."),
    caption: z.string().optional(),
  })
  .describe("Media parameter: `link` (https) or `id`.");

export const ZSendParameter = z
  .looseObject({
    type: z.string().describe("text, currency, date_time, image, video, document, payload, coupon_code, location."),
    parameter_name: z.string().optional().describe("Named-parameter templates: the variable name without braces."),
    text: z.string().optional(),
    currency: z
      .looseObject({
        fallback_value: z.string().optional(),
        code: z.string().optional(),
        amount_1000: z.number().optional(),
      })
      .optional(),
    date_time: z.looseObject({ fallback_value: z.string().optional() }).optional(),
    image: ZMediaObject.optional(),
    video: ZMediaObject.optional(),
    document: ZMediaObject.optional(),
    payload: z.string().optional(),
    coupon_code: z.string().optional(),
    limited_time_offer: z
      .looseObject({
        expiration_time_ms: z.number().optional().describe("When the offer code expires: UNIX time in milliseconds."),
      })
      .optional()
      .describe("Limited-time offer templates: the `limited_time_offer` parameter."),
    // issue 16 (kinds16b): FLOW / CATALOG / MPM actions, the SPM product, voice-call ttl (DECISIONS.md D66).
    action: z
      .looseObject({
        flow_token: z.string().optional(),
        // Shapes are checked by the send rules (render-kinds.ts), so a wrong one gets Meta's send error.
        flow_action_data: z.unknown().optional().describe("A JSON object: the first screen's data."),
        thumbnail_product_retailer_id: z.unknown().optional().describe("A product retailer id (Content ID)."),
        sections: z
          .unknown()
          .optional()
          .describe("MPM: [{ title, product_items: [{ product_retailer_id }] }], ≤ 10 sections, ≤ 30 products."),
      })
      .optional()
      .describe(
        "Buttons of type action: FLOW (flow_token, flow_action_data), CATALOG / MPM (thumbnail_product_retailer_id, MPM sections).",
      ),
    product: z
      .looseObject({ product_retailer_id: z.string().optional(), catalog_id: z.string().optional() })
      .optional()
      .describe(
        "PRODUCT header (single-product templates) or a product card: the product's retailer id and catalog id.",
      ),
    ttl_minutes: z.number().optional().describe("VOICE_CALL button: minutes the call button stays active (1–43200)."),
  })
  .describe("One parameter of Meta's send request.")
  .meta({ id: "SendTemplateParameter" });
export type TSendParameter = z.infer<typeof ZSendParameter>;

const sendComponentShape = {
  type: z
    .string()
    .describe("header, body, button, limited_time_offer or carousel (Meta writes them lower-case; any case accepted)."),
  sub_type: z.string().optional().describe("Buttons: url, quick_reply, copy_code, spm (Meta's sub_type)."),
  index: z
    .union([z.string(), z.number()])
    .optional()
    .describe("Buttons: position of the button in the template (or card), 0-based."),
  parameters: z.array(ZSendParameter).optional(),
};
export const ZSendCardComponent = z
  .looseObject(sendComponentShape)
  .describe("One component of a carousel card in Meta's send request.")
  .meta({ id: "SendTemplateCardComponent" });
export const ZSendCard = z
  .looseObject({
    card_index: z.number().int().describe("The card's position in the template, 0-based."),
    components: z.array(ZSendCardComponent).optional(),
  })
  .describe("One card of a carousel send component.")
  .meta({ id: "SendTemplateCard" });
export const ZSendComponent = z
  .looseObject({
    ...sendComponentShape,
    cards: z.array(ZSendCard).optional().describe("Carousel: every card of the template, each with its card_index."),
  })
  .describe("One component of Meta's send request.")
  .meta({ id: "SendTemplateComponent" });
export type TSendComponent = z.infer<typeof ZSendComponent>;

export const ZRenderTemplateRequest = z
  .object({
    name: z.string().optional().describe("Optional; when given it must equal the template name of the path."),
    language: z
      .union([z.string(), z.object({ code: z.string(), policy: z.string().optional() })], {
        error: requiredAware('language must be a language code such as `en_US` or Meta\'s `{ "code": "en_US" }`.'),
      })
      .describe("The template language: a code, or Meta's `{ code, policy }` object."),
    components: z.array(ZSendComponent).optional().describe("Meta's send components with their parameters."),
  })
  .describe("The `template` object of Meta's send-message request.")
  .meta({ id: "RenderTemplateRequest" });
export type TRenderTemplateRequest = z.infer<typeof ZRenderTemplateRequest>;

export function languageOfSend(request: TRenderTemplateRequest): string {
  return typeof request.language === "string" ? request.language : request.language.code;
}

// ── the answer: the message as the recipient sees it ─────────────────────────────────────────────────────

export const ZRenderedButton = z
  .object({
    type: z.string().describe("The template button's type (URL, PHONE_NUMBER, QUICK_REPLY, COPY_CODE, OTP …)."),
    text: z.string().describe("The button label."),
    url: z.string().optional().describe("URL buttons: the final URL with the suffix in place."),
    phone_number: z.string().optional(),
    payload: z.string().optional().describe("Quick replies: the payload sent back when tapped."),
    coupon_code: z.string().optional().describe("Copy-code buttons: the code copied."),
    flow_token: z.string().optional().describe("FLOW buttons: the flow token (Meta's default `unused`)."),
    flow_action_data: z.record(z.string(), z.unknown()).optional().describe("FLOW buttons: data for the first screen."),
    thumbnail_product_retailer_id: z
      .string()
      .optional()
      .describe("CATALOG / MPM buttons: the product whose image heads the message."),
    sections: z
      .array(z.object({ title: z.string(), product_retailer_ids: z.array(z.string()) }))
      .optional()
      .describe("MPM buttons: the sections and their products."),
    ttl_minutes: z.number().optional().describe("VOICE_CALL buttons: minutes the call button stays active."),
  })
  .meta({ id: "RenderedButton" });

export const ZRenderedTemplate = z
  .object({
    object: z.literal("rendered_template").describe("Always `rendered_template`."),
    name: z.string(),
    language: z.string(),
    status: z.string().describe("The template's Kirim status (approved, pending, rejected)."),
    sendable: z
      .boolean()
      .describe("False when Meta would refuse any send of this template now (not approved, paused, disabled)."),
    not_sendable_reason: z
      .object({ code: z.number().int(), title: z.string() })
      .nullable()
      .describe("Meta's error a send would get because of the template's status; null when sendable."),
    header: z
      .object({
        format: z.string().describe("TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION or PRODUCT."),
        text: z.string().optional(),
        product_retailer_id: z.string().optional().describe("PRODUCT headers: the product shown."),
        catalog_id: z.string().optional().describe("PRODUCT headers: its catalog."),
        link: z.string().optional(),
        media_id: z.string().optional(),
        filename: z.string().optional(),
      })
      .nullable(),
    body: z.string().describe("The body with every parameter in place."),
    footer: z.string().nullable(),
    buttons: z.array(ZRenderedButton),
    limited_time_offer: z
      .object({ text: z.string(), has_expiration: z.boolean(), expiration_time_ms: z.number().optional() })
      .optional()
      .describe("Limited-time offer templates: the offer line and, when it expires, the expiry sent."),
    cards: z
      .array(
        z.object({
          card_index: z.number().int(),
          header: z.object({
            format: z.string(),
            link: z.string().optional(),
            media_id: z.string().optional(),
            product_retailer_id: z.string().optional(),
          }),
          body: z.string().nullable(),
          buttons: z.array(ZRenderedButton),
        }),
      )
      .optional()
      .describe("Carousel templates: each card as the recipient sees it, in card_index order."),
  })
  .describe("A template message as the recipient will see it, with the parameters in place.")
  .meta({ id: "RenderedTemplate" });
export type TRenderedTemplate = z.infer<typeof ZRenderedTemplate>;

// ── rendering ────────────────────────────────────────────────────────────────────────────────────────────

/** Why a send would fail: the request path of the offending parameter and Meta's error. */
export interface SendParameterProblem {
  readonly param: string;
  readonly message: string;
  readonly meta: MetaSendError;
}

export type RenderOutcome =
  | {
      readonly ok: true;
      readonly message: Omit<
        TRenderedTemplate,
        "object" | "name" | "language" | "status" | "sendable" | "not_sendable_reason"
      >;
    }
  | { readonly ok: false; readonly problem: SendParameterProblem };

interface StoredComponent {
  type?: unknown;
  cards?: unknown;
  limited_time_offer?: unknown;
  format?: unknown;
  text?: unknown;
  buttons?: unknown;
  add_security_recommendation?: unknown;
  code_expiration_minutes?: unknown;
}
interface StoredButton {
  type?: unknown;
  text?: unknown;
  url?: unknown;
  phone_number?: unknown;
  otp_type?: unknown;
}

class Refusal extends Error {
  constructor(readonly problem: SendParameterProblem) {
    super(problem.message);
  }
}

function refuse(param: string, meta: MetaSendError, message: string): never {
  throw new Refusal({ param, meta, message });
}

/** Where a count problem points: the component's `parameters`, or `components` when the component is not sent. */
const parametersPath = (componentPath: string): string =>
  componentPath === "components" ? "components" : `${componentPath}.parameters`;
const upper = (value: unknown): string => (typeof value === "string" ? value.toUpperCase() : "");
const textOf = (value: unknown): string => (typeof value === "string" ? value : "");

/** The parameter's text as it appears in a text slot, or a refusal naming the parameter. */
function textValue(parameter: TSendParameter, path: string, where: "header" | "body" | "button"): string {
  const type = parameter.type.toLowerCase();
  let value: string | undefined;
  if (type === "text") {
    value = parameter.text;
    if (value === undefined)
      refuse(
        `${path}.text`,
        META_SEND_ERRORS.requiredParameterMissing,
        `${path} is a text parameter without \`text\`.`,
      );
  } else if (type === "currency" && where !== "button") {
    value = parameter.currency?.fallback_value;
    if (value === undefined) {
      refuse(
        `${path}.currency.fallback_value`,
        META_SEND_ERRORS.requiredParameterMissing,
        `${path} is a currency parameter without \`currency.fallback_value\`.`,
      );
    }
    const code = parameter.currency?.code;
    if (code === undefined || !/^[A-Z]{3}$/.test(code)) {
      refuse(
        `${path}.currency.code`,
        META_SEND_ERRORS.parameterValueInvalid,
        `${path}.currency.code must be an ISO 4217 code such as "USD".`,
      );
    }
    if (parameter.currency?.amount_1000 === undefined || !Number.isInteger(parameter.currency.amount_1000)) {
      refuse(
        `${path}.currency.amount_1000`,
        META_SEND_ERRORS.requiredParameterMissing,
        `${path}.currency.amount_1000 must be an integer (the amount × 1000).`,
      );
    }
  } else if (type === "date_time" && where !== "button") {
    value = parameter.date_time?.fallback_value;
    if (value === undefined) {
      refuse(
        `${path}.date_time.fallback_value`,
        META_SEND_ERRORS.requiredParameterMissing,
        `${path} is a date_time parameter without \`date_time.fallback_value\`.`,
      );
    }
  } else {
    refuse(
      `${path}.type`,
      META_SEND_ERRORS.parameterFormatMismatch,
      `${path} has type "${parameter.type}", but this ${where} variable takes ${where === "button" ? "text" : "text, currency or date_time"}.`,
    );
  }
  if (value.trim() === "")
    refuse(
      `${path}.text`,
      META_SEND_ERRORS.requiredParameterMissing,
      `${path} is empty; Meta refuses empty parameters.`,
    );
  if (where === "body" && (/[\n\t]/.test(value) || / {5}/.test(value))) {
    refuse(
      `${path}.text`,
      META_SEND_ERRORS.parameterValueInvalid,
      `${path}: Param text cannot have new-line/tab characters or more than 4 consecutive spaces.`,
    );
  }
  return value;
}

/**
 * Fills `{{…}}` of `text` from the parameters of one send component: positional templates take them in order,
 * named ones by `parameter_name`.
 */
function fill(
  text: string,
  parameters: readonly TSendParameter[],
  componentPath: string,
  where: "header" | "body",
): string {
  const placeholders = scanPlaceholders(text).placeholders;
  const names = [...new Set(placeholders.map((p) => p.name))];
  const named = placeholders.some((p) => p.kind === "named");
  const values = new Map<string, string>();
  if (named) {
    parameters.forEach((parameter, index) => {
      const path = `${componentPath}.parameters[${index}]`;
      const name = parameter.parameter_name;
      if (name === undefined) {
        refuse(
          `${path}.parameter_name`,
          META_SEND_ERRORS.requiredParameterMissing,
          `${path} has no parameter_name; this template's ${where} uses named parameters (${names.join(", ")}).`,
        );
      }
      if (!names.includes(name)) {
        refuse(
          `${path}.parameter_name`,
          META_SEND_ERRORS.parameterValueInvalid,
          `${path}.parameter_name "${name}" is not a variable of the ${where}; expected ${names.join(", ")}.`,
        );
      }
      values.set(name, textValue(parameter, path, where));
    });
    const missing = names.filter((name) => !values.has(name));
    if (missing.length > 0) {
      refuse(
        parametersPath(componentPath),
        META_SEND_ERRORS.parameterCountMismatch,
        `${where}: named parameter${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing (number of params ${parameters.length}, expected ${names.length}).`,
      );
    }
  } else {
    if (parameters.length !== names.length) {
      refuse(
        parametersPath(componentPath),
        META_SEND_ERRORS.parameterCountMismatch,
        `${where}: number of localizable_params (${parameters.length}) does not match the expected number of params (${names.length}).`,
      );
    }
    names.forEach((name, index) => {
      const parameter = parameters[index];
      if (parameter !== undefined)
        values.set(name, textValue(parameter, `${componentPath}.parameters[${index}]`, where));
    });
  }
  let out = "";
  let cursor = 0;
  for (const placeholder of placeholders) {
    out += text.slice(cursor, placeholder.start) + (values.get(placeholder.name) ?? "");
    cursor = placeholder.end;
  }
  return out + text.slice(cursor);
}

function mediaHeader(
  format: string,
  component: TSendComponent | undefined,
  componentPath: string,
): NonNullable<TRenderedTemplate["header"]> {
  const kind = format.toLowerCase() as "image" | "video" | "document";
  const parameters = component?.parameters ?? [];
  if (component === undefined || parameters.length !== 1) {
    refuse(
      component === undefined ? "components" : `${componentPath}.parameters`,
      META_SEND_ERRORS.parameterCountMismatch,
      `header: the ${format} header needs exactly one ${kind} parameter (got ${parameters.length}).`,
    );
  }
  const parameter = parameters[0] as TSendParameter;
  const path = `${componentPath}.parameters[0]`;
  if (parameter.type.toLowerCase() !== kind) {
    refuse(
      `${path}.type`,
      META_SEND_ERRORS.parameterFormatMismatch,
      `${path} has type "${parameter.type}", but the template's header is ${format}: send type "${kind}".`,
    );
  }
  const media = parameter[kind];
  if (media === undefined || (media.link === undefined && media.id === undefined)) {
    refuse(
      `${path}.${kind}`,
      META_SEND_ERRORS.requiredParameterMissing,
      `${path}.${kind} needs a \`link\` (https URL) or an \`id\` of uploaded media.`,
    );
  }
  if (media.link !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(media.link);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.protocol !== "https:") {
      refuse(
        `${path}.${kind}.link`,
        META_SEND_ERRORS.parameterValueInvalid,
        `${path}.${kind}.link must be an https:// URL Meta can download.`,
      );
    }
  }
  return {
    format,
    ...(media.link === undefined ? {} : { link: media.link }),
    ...(media.id === undefined ? {} : { media_id: media.id }),
    ...(kind === "document" && media.filename !== undefined ? { filename: media.filename } : {}),
  };
}

const BUTTON_SUB_TYPES: Record<string, string> = {
  URL: "url",
  OTP: "url",
  QUICK_REPLY: "quick_reply",
  COPY_CODE: "copy_code",
  // issue 16 (kinds16b)
  FLOW: "flow",
  CATALOG: "catalog",
  MPM: "mpm",
  VOICE_CALL: "voice_call",
};
const KIND_ERRORS = {
  missing: META_SEND_ERRORS.requiredParameterMissing,
  invalid: META_SEND_ERRORS.parameterValueInvalid,
  count: META_SEND_ERRORS.parameterCountMismatch,
  format: META_SEND_ERRORS.parameterFormatMismatch,
} as const;
const refuseKind = (param: string, kind: keyof typeof KIND_ERRORS, message: string): never =>
  refuse(param, KIND_ERRORS[kind], message);

function renderButtons(
  stored: readonly StoredButton[],
  buttonComponents: ReadonlyMap<number, { component: TSendComponent; path: string }>,
) {
  return stored.map((button, index) => {
    const type = upper(button.type);
    const sent = buttonComponents.get(index);
    const label = textOf(button.text);
    const expectedSubType = BUTTON_SUB_TYPES[type];
    if (
      sent !== undefined &&
      sent.component.sub_type !== undefined &&
      expectedSubType !== undefined &&
      sent.component.sub_type.toLowerCase() !== expectedSubType
    ) {
      refuse(
        `${sent.path}.sub_type`,
        META_SEND_ERRORS.parameterFormatMismatch,
        `Button ${index} is a ${type} button: its sub_type is "${expectedSubType}", not "${sent.component.sub_type}".`,
      );
    }
    const parameters = sent?.component.parameters ?? [];
    const paramPath = sent === undefined ? "components" : `${sent.path}.parameters`;
    if (type === "URL") {
      const url = textOf(button.url);
      const hasVariable = scanPlaceholders(url).placeholders.length > 0;
      if (!hasVariable) {
        if (parameters.length > 0)
          refuse(
            paramPath,
            META_SEND_ERRORS.parameterCountMismatch,
            `button ${index}: number of params (${parameters.length}) does not match the expected number of params (0); its URL has no variable.`,
          );
        return { type, text: label, url };
      }
      if (parameters.length !== 1) {
        refuse(
          paramPath,
          META_SEND_ERRORS.parameterCountMismatch,
          `button ${index}: number of params (${parameters.length}) does not match the expected number of params (1): send the URL suffix as { "type": "button", "sub_type": "url", "index": "${index}", "parameters": [{ "type": "text", "text": "…" }] }.`,
        );
      }
      const suffix = textValue(parameters[0] as TSendParameter, `${paramPath}[0]`, "button");
      const full = url.replace(/\{\{[^{}]*\}\}/, suffix);
      if (full.length > SEND_LIMITS.urlChars) {
        refuse(
          `${paramPath}[0].text`,
          META_SEND_ERRORS.parameterValueInvalid,
          `button ${index}: the URL with this suffix is ${full.length} characters; Meta allows ${SEND_LIMITS.urlChars}.`,
        );
      }
      return { type, text: label, url: full };
    }
    if (type === "OTP") {
      if (parameters.length !== 1) {
        refuse(
          paramPath,
          META_SEND_ERRORS.parameterCountMismatch,
          `button ${index}: the OTP button needs the code as its one parameter (got ${parameters.length}).`,
        );
      }
      const code = textValue(parameters[0] as TSendParameter, `${paramPath}[0]`, "button");
      if (code.length > SEND_LIMITS.otpCodeChars) {
        refuse(
          `${paramPath}[0].text`,
          META_SEND_ERRORS.parameterValueInvalid,
          `button ${index}: the code is ${code.length} characters; Meta allows ${SEND_LIMITS.otpCodeChars}.`,
        );
      }
      return { type, text: label === "" ? "Copy code" : label, coupon_code: code };
    }
    if (type === "COPY_CODE") {
      const parameter = parameters[0];
      if (parameters.length !== 1 || parameter === undefined) {
        refuse(
          paramPath,
          META_SEND_ERRORS.parameterCountMismatch,
          `button ${index}: the COPY_CODE button needs one coupon_code parameter (got ${parameters.length}).`,
        );
      }
      const code = parameter.coupon_code;
      if (parameter.type.toLowerCase() !== "coupon_code" || code === undefined || code === "") {
        refuse(
          `${paramPath}[0].coupon_code`,
          META_SEND_ERRORS.requiredParameterMissing,
          `button ${index}: send { "type": "coupon_code", "coupon_code": "…" }.`,
        );
      }
      if (code.length > SEND_LIMITS.couponCodeChars) {
        refuse(
          `${paramPath}[0].coupon_code`,
          META_SEND_ERRORS.parameterValueInvalid,
          `button ${index}: the coupon code is ${code.length} characters; Meta allows ${SEND_LIMITS.couponCodeChars}.`,
        );
      }
      return { type, text: label, coupon_code: code };
    }
    if (type === "QUICK_REPLY") {
      if (parameters.length > 1)
        refuse(
          paramPath,
          META_SEND_ERRORS.parameterCountMismatch,
          `button ${index}: a quick reply takes at most one payload parameter (got ${parameters.length}).`,
        );
      const parameter = parameters[0];
      if (parameter === undefined) return { type, text: label };
      if (parameter.type.toLowerCase() !== "payload" || parameter.payload === undefined) {
        refuse(
          `${paramPath}[0].payload`,
          META_SEND_ERRORS.requiredParameterMissing,
          `button ${index}: send { "type": "payload", "payload": "…" }.`,
        );
      }
      if (parameter.payload.length > SEND_LIMITS.payloadChars) {
        refuse(
          `${paramPath}[0].payload`,
          META_SEND_ERRORS.parameterValueInvalid,
          `button ${index}: the payload is ${parameter.payload.length} characters; Meta allows ${SEND_LIMITS.payloadChars}.`,
        );
      }
      return { type, text: label, payload: parameter.payload };
    }
    const kind = renderKindButton(type, index, parameters, paramPath, refuseKind);
    if (kind !== undefined) return { type, text: label, ...kind };
    // Product cards' SPM button: Meta opens the card's product; nothing to render from the parameters.
    if (type === "SPM") return { type, text: label };
    if (parameters.length > 0)
      refuse(paramPath, META_SEND_ERRORS.parameterCountMismatch, `button ${index} (${type}) takes no parameters.`);
    return {
      type,
      text: label,
      ...(typeof button.phone_number === "string" ? { phone_number: button.phone_number } : {}),
    };
  });
}

/** Meta's preset AUTHENTICATION texts (the template stores none; docs/reference/meta-templates.md §2.5). */
function authenticationBody(component: StoredComponent, code: string): string {
  const security = component.add_security_recommendation === true ? " For your security, do not share this code." : "";
  return `${code} is your verification code.${security}`;
}

/**
 * Renders a stored template (its components as stored/synced) with Meta's send parameters. Checks every rule Meta
 * applies to parameters at send time and stops at the first problem, naming it by its path in the request.
 */
export function renderTemplateMessage(
  components: readonly unknown[],
  request: TRenderTemplateRequest,
  category?: string,
): RenderOutcome {
  try {
    const stored = components as readonly StoredComponent[];
    const headerStored = stored.find((c) => upper(c.type) === "HEADER");
    const bodyStored = stored.find((c) => upper(c.type) === "BODY");
    const footerStored = stored.find((c) => upper(c.type) === "FOOTER");
    const buttonsStored = (stored.find((c) => upper(c.type) === "BUTTONS")?.buttons ?? []) as readonly StoredButton[];

    let header: { component: TSendComponent; path: string } | undefined;
    let body: { component: TSendComponent; path: string } | undefined;
    const buttons = new Map<number, { component: TSendComponent; path: string }>();
    let offer: { component: TSendComponent; path: string } | undefined;
    let carousel: { component: TSendComponent; path: string } | undefined;
    (request.components ?? []).forEach((component, index) => {
      const path = `components[${index}]`;
      const type = component.type.toLowerCase();
      if (type === "limited_time_offer") offer = { component, path };
      else if (type === "carousel") carousel = { component, path };
      else if (type === "header" || type === "body") {
        if ((type === "header" ? header : body) !== undefined)
          refuse(`${path}.type`, META_SEND_ERRORS.parameterValueInvalid, `More than one ${type} component.`);
        if (type === "header") header = { component, path };
        else body = { component, path };
      } else if (type === "button") {
        const position =
          typeof component.index === "number"
            ? component.index
            : /^\d+$/.test(component.index ?? "")
              ? Number(component.index)
              : Number.NaN;
        if (!Number.isInteger(position))
          refuse(
            `${path}.index`,
            META_SEND_ERRORS.requiredParameterMissing,
            `${path} is a button component without a numeric \`index\`.`,
          );
        if (position >= buttonsStored.length) {
          refuse(
            `${path}.index`,
            META_SEND_ERRORS.parameterValueInvalid,
            `${path}.index is ${position}, but the template has ${buttonsStored.length} button${buttonsStored.length === 1 ? "" : "s"}.`,
          );
        }
        if (buttons.has(position))
          refuse(`${path}.index`, META_SEND_ERRORS.parameterValueInvalid, `Button ${position} is given twice.`);
        buttons.set(position, { component, path });
      } else {
        refuse(
          `${path}.type`,
          META_SEND_ERRORS.parameterValueInvalid,
          `${path}.type "${component.type}" is not one of header, body, button.`,
        );
      }
    });

    let renderedHeader: TRenderedTemplate["header"] = null;
    const headerPath = header?.path ?? "components";
    const headerFormat = upper(headerStored?.format);
    if (headerStored === undefined) {
      if (header !== undefined && (header.component.parameters ?? []).length > 0) {
        refuse(
          `${header.path}.parameters`,
          META_SEND_ERRORS.parameterCountMismatch,
          "header: the template has no header, so it takes no parameters.",
        );
      }
    } else if (headerFormat === "TEXT" || headerFormat === "") {
      const text = fill(textOf(headerStored.text), header?.component.parameters ?? [], headerPath, "header");
      if (text.length > SEND_LIMITS.headerTextChars) {
        refuse(
          parametersPath(headerPath),
          META_SEND_ERRORS.hydratedTextTooLong,
          `header: ${text.length} characters with the parameters in place; Meta allows ${SEND_LIMITS.headerTextChars}.`,
        );
      }
      renderedHeader = { format: "TEXT", text };
    } else if (headerFormat === "IMAGE" || headerFormat === "VIDEO" || headerFormat === "DOCUMENT") {
      renderedHeader = mediaHeader(headerFormat, header?.component, headerPath);
    } else if (headerFormat === "PRODUCT") {
      renderedHeader = renderProductHeader(header?.component.parameters, headerPath, refuseKind) as NonNullable<
        TRenderedTemplate["header"]
      >;
    } else {
      renderedHeader = { format: headerFormat };
    }

    const bodyPath = body?.path ?? "components";
    let bodyText: string;
    if (upper(category) === "AUTHENTICATION" && typeof bodyStored?.text !== "string") {
      const parameters = body?.component.parameters ?? [];
      if (parameters.length !== 1) {
        refuse(
          parametersPath(bodyPath),
          META_SEND_ERRORS.parameterCountMismatch,
          `body: number of localizable_params (${parameters.length}) does not match the expected number of params (1): the verification code.`,
        );
      }
      const code = textValue(parameters[0] as TSendParameter, `${bodyPath}.parameters[0]`, "body");
      if (code.length > SEND_LIMITS.otpCodeChars) {
        refuse(
          `${bodyPath}.parameters[0].text`,
          META_SEND_ERRORS.parameterValueInvalid,
          `body: the code is ${code.length} characters; Meta allows ${SEND_LIMITS.otpCodeChars}.`,
        );
      }
      bodyText = authenticationBody(bodyStored ?? {}, code);
    } else {
      bodyText = fill(textOf(bodyStored?.text), body?.component.parameters ?? [], bodyPath, "body");
    }
    if (bodyText.length > SEND_LIMITS.bodyChars) {
      refuse(
        parametersPath(bodyPath),
        META_SEND_ERRORS.hydratedTextTooLong,
        `body: ${bodyText.length} characters with the parameters in place; Meta allows ${SEND_LIMITS.bodyChars}.`,
      );
    }

    const minutes = footerStored?.code_expiration_minutes;
    const footer =
      typeof footerStored?.text === "string"
        ? footerStored.text
        : typeof minutes === "number"
          ? `This code expires in ${minutes} minutes.`
          : null;

    const renderedButtons = renderButtons(buttonsStored, buttons);
    const offerStored = stored.find((c) => upper(c.type) === "LIMITED_TIME_OFFER");
    const carouselStored = stored.find((c) => upper(c.type) === "CAROUSEL");
    return {
      ok: true,
      message: {
        header: renderedHeader,
        body: bodyText,
        footer,
        buttons: renderedButtons,
        ...renderLimitedTimeOffer(offerStored, offer),
        ...renderCarousel(carouselStored, carousel),
      },
    };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem };
    throw error;
  }
}

// ── issue 16: limited-time offer and carousel parameters (Meta's limited-time offer and carousel pages) ──

function renderLimitedTimeOffer(
  stored: StoredComponent | undefined,
  sent: { component: TSendComponent; path: string } | undefined,
): { limited_time_offer?: NonNullable<TRenderedTemplate["limited_time_offer"]> } {
  if (stored === undefined) {
    if (sent !== undefined)
      refuse(`${sent.path}.type`, META_SEND_ERRORS.parameterValueInvalid, "The template has no limited-time offer.");
    return {};
  }
  const offer = (stored.limited_time_offer ?? {}) as { text?: unknown; has_expiration?: unknown };
  const hasExpiration = offer.has_expiration === true;
  const base = { text: textOf(offer.text), has_expiration: hasExpiration };
  // "<EXPIRATION_TIME> … Required. Offer code expiration time as a UNIX timestamp in milliseconds."
  if (!hasExpiration) return { limited_time_offer: base };
  const parameters = sent?.component.parameters ?? [];
  const paramPath = sent === undefined ? "components" : `${sent.path}.parameters`;
  const parameter = parameters[0];
  if (parameters.length !== 1 || parameter === undefined) {
    refuse(
      paramPath,
      META_SEND_ERRORS.parameterCountMismatch,
      `limited_time_offer: send one { "type": "limited_time_offer", "limited_time_offer": { "expiration_time_ms": … } } parameter (got ${parameters.length}).`,
    );
  }
  const ms = parameter.limited_time_offer?.expiration_time_ms;
  if (parameter.type.toLowerCase() !== "limited_time_offer" || ms === undefined || !Number.isInteger(ms) || ms <= 0) {
    refuse(
      `${paramPath}[0].limited_time_offer.expiration_time_ms`,
      META_SEND_ERRORS.requiredParameterMissing,
      "limited_time_offer: expiration_time_ms must be the offer's expiry as a UNIX time in milliseconds.",
    );
  }
  return { limited_time_offer: { ...base, expiration_time_ms: ms } };
}

function renderCarousel(
  stored: StoredComponent | undefined,
  sent: { component: TSendComponent; path: string } | undefined,
): { cards?: NonNullable<TRenderedTemplate["cards"]> } {
  if (stored === undefined) {
    if (sent !== undefined)
      refuse(`${sent.path}.type`, META_SEND_ERRORS.parameterValueInvalid, "The template has no carousel.");
    return {};
  }
  const storedCards = (Array.isArray(stored.cards) ? stored.cards : []) as { components?: StoredComponent[] }[];
  const sentCards = sent?.component.cards ?? [];
  const cardsPath = sent === undefined ? "components" : `${sent.path}.cards`;
  // "An approved template can only be used to send the same number of cards as defined during its creation."
  if (sentCards.length !== storedCards.length) {
    refuse(
      cardsPath,
      META_SEND_ERRORS.parameterCountMismatch,
      `carousel: the template has ${storedCards.length} cards; send each once with its card_index (got ${sentCards.length}).`,
    );
  }
  const byIndex = new Map<number, number>();
  sentCards.forEach((card, position) => {
    if (card.card_index < 0 || card.card_index >= storedCards.length || byIndex.has(card.card_index)) {
      refuse(
        `${cardsPath}[${position}].card_index`,
        META_SEND_ERRORS.parameterValueInvalid,
        `card_index ${card.card_index} is out of range 0–${storedCards.length - 1} or given twice.`,
      );
    }
    byIndex.set(card.card_index, position);
  });
  const cards = storedCards.map((storedCard, cardIndex) => {
    const position = byIndex.get(cardIndex) ?? 0;
    const path = `${cardsPath}[${position}]`;
    const sentComponents = sentCards[position]?.components ?? [];
    const components = storedCard.components ?? [];
    const find = (type: string) => {
      const index = sentComponents.findIndex((c) => c.type.toLowerCase() === type);
      return index < 0
        ? undefined
        : { component: sentComponents[index] as TSendComponent, path: `${path}.components[${index}]` };
    };
    const header = find("header");
    const format = upper(components.find((c) => upper(c.type) === "HEADER")?.format);
    let renderedHeader: NonNullable<TRenderedTemplate["cards"]>[number]["header"];
    if (format === "PRODUCT") {
      const parameter = header?.component.parameters?.[0];
      const id = parameter?.product?.product_retailer_id;
      if (parameter?.type.toLowerCase() !== "product" || id === undefined || id === "") {
        refuse(
          `${header?.path ?? path}.parameters`,
          META_SEND_ERRORS.requiredParameterMissing,
          `card ${cardIndex}: send its product as { "type": "product", "product": { "product_retailer_id": "…", "catalog_id": "…" } }.`,
        );
      }
      renderedHeader = { format, product_retailer_id: id };
    } else {
      const media = mediaHeader(format === "" ? "IMAGE" : format, header?.component, header?.path ?? path);
      renderedHeader = {
        format: media.format,
        ...(media.link === undefined ? {} : { link: media.link }),
        ...(media.media_id === undefined ? {} : { media_id: media.media_id }),
      };
    }
    const bodyStored = components.find((c) => upper(c.type) === "BODY");
    const body = find("body");
    const bodyText =
      bodyStored === undefined
        ? null
        : fill(textOf(bodyStored.text), body?.component.parameters ?? [], body?.path ?? path, "body");
    const buttonMap = new Map<number, { component: TSendComponent; path: string }>();
    sentComponents.forEach((component, index) => {
      if (component.type.toLowerCase() !== "button") return;
      const at = typeof component.index === "number" ? component.index : Number(component.index);
      buttonMap.set(at, { component, path: `${path}.components[${index}]` });
    });
    const buttonsStored = (components.find((c) => upper(c.type) === "BUTTONS")?.buttons ??
      []) as readonly StoredButton[];
    return {
      card_index: cardIndex,
      header: renderedHeader,
      body: bodyText,
      buttons: renderButtons(buttonsStored, buttonMap),
    };
  });
  return { cards };
}

/** Meta's answer to any send of a template in this Meta status, or null when Meta sends it. */
export function sendRefusalForStatus(metaStatus: string): MetaSendError | null {
  switch (metaStatus.toUpperCase()) {
    case "APPROVED":
      return null;
    case "PAUSED":
      return META_SEND_ERRORS.templatePaused;
    case "DISABLED":
      return META_SEND_ERRORS.templateDisabled;
    default:
      // Pending, rejected, deleted …: Meta answers that the template does not exist (approved) in this language.
      return META_SEND_ERRORS.templateNotFound;
  }
}
