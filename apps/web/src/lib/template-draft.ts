import type {
  BUTTON_TYPES,
  HEADER_FORMATS,
  OTP_TYPES,
  TCreateTemplateRequestInput,
  TEMPLATE_CATEGORIES,
} from "@kirim/schema";
import { placeholdersOf } from "./preview-model.js";

/**
 * The create form's state (strings as typed) and its translation into the create request. Each input of the
 * form has a stable `key` and, once built, the issue `path` it feeds (`components[1].buttons[0].text`), so the
 * shared zod validation can put every issue beside the input it is about.
 */

export type Category = (typeof TEMPLATE_CATEGORIES)[number];
export type HeaderFormat = (typeof HEADER_FORMATS)[number];
export type ButtonType = (typeof BUTTON_TYPES)[number];
export type OtpType = (typeof OTP_TYPES)[number];

export interface SupportedAppDraft {
  id: string;
  packageName: string;
  signatureHash: string;
}

export interface ButtonDraft {
  id: string;
  type: ButtonType;
  text: string;
  url: string;
  /** Full sample URL when `url` ends in `{{1}}`. */
  urlExample: string;
  phoneNumber: string;
  /** COPY_CODE sample coupon code. */
  code: string;
  otpType: OtpType;
  autofillText: string;
  zeroTapTermsAccepted: boolean;
  supportedApps: SupportedAppDraft[];
  /** FLOW buttons (issue 16): which reference is given, its value, the action and the first screen. */
  flowRef: FlowRef;
  flowValue: string;
  flowAction: "navigate" | "data_exchange";
  navigateScreen: string;
}

/**
 * Issue 16: one carousel card as typed. Media cards: a media header sample, an optional body, a quick reply and/or a URL
 * button. Product cards (format PRODUCT): no sample, an optional body and one SPM or URL button.
 */
export interface CardDraft {
  id: string;
  format: "IMAGE" | "VIDEO" | "PRODUCT";
  /** Product cards' one button (Meta: "SPM or URL", the same type on every card). */
  productButton: "SPM" | "URL";
  spmText: string;
  handle: string;
  body: string;
  quickReply: string;
  urlText: string;
  url: string;
  urlExample: string;
}

export function newCard(): CardDraft {
  return {
    id: newId("c"),
    format: "IMAGE",
    productButton: "SPM",
    spmText: "View",
    handle: "",
    body: "",
    quickReply: "",
    urlText: "",
    url: "",
    urlExample: "",
  };
}
export type FlowRef = "flow_id" | "flow_name" | "flow_json";

export interface TemplateDraft {
  name: string;
  language: string;
  category: Category;
  header: { enabled: boolean; format: HeaderFormat; text: string; example: string; mediaSample: string };
  body: { text: string; examples: Record<string, string>; addSecurityRecommendation: boolean };
  footer: { enabled: boolean; text: string; codeExpirationMinutes: string };
  buttons: ButtonDraft[];
  ttlSeconds: string;
  /** Issue 16: LIMITED_TIME_OFFER (optional so drafts built elsewhere stay valid). */
  offer?: { enabled: boolean; text: string; hasExpiration: boolean };
  /** Issue 16: CAROUSEL cards. */
  carousel?: { enabled: boolean; cards: CardDraft[] };
  /** Adds Meta's CALL_PERMISSION_REQUEST component (issue 16). */
  callPermission: boolean;
}

let nextId = 0;
export const newId = (prefix: string): string => `${prefix}${++nextId}`;

export function emptyDraft(): TemplateDraft {
  return {
    name: "",
    language: "en",
    category: "UTILITY",
    header: { enabled: false, format: "TEXT", text: "", example: "", mediaSample: "" },
    body: { text: "", examples: {}, addSecurityRecommendation: true },
    footer: { enabled: false, text: "", codeExpirationMinutes: "" },
    buttons: [],
    ttlSeconds: "",
    callPermission: false,
  };
}

export function newButton(type: ButtonType): ButtonDraft {
  return {
    id: newId("b"),
    type,
    text: "",
    url: "",
    urlExample: "",
    phoneNumber: "",
    code: "",
    otpType: "COPY_CODE",
    autofillText: "",
    zeroTapTermsAccepted: false,
    supportedApps: [],
    flowRef: "flow_id",
    flowValue: "",
    flowAction: "navigate",
    navigateScreen: "",
  };
}

/** Button types that make sense for a category (WhatsApp: OTP only in AUTHENTICATION, and nothing else there). */
export function buttonTypesFor(category: Category, all: readonly ButtonType[]): ButtonType[] {
  return category === "AUTHENTICATION" ? all.filter((t) => t === "OTP") : all.filter((t) => t !== "OTP");
}

/** One input of the form: its stable key (for focus/touched state) and the request path it feeds. */
export interface FieldRef {
  key: string;
  path: string;
}

export interface BuiltRequest {
  /** The dashboard form always writes components (library creates have their own form). */
  request: TCreateTemplateRequestInput & { components: NonNullable<TCreateTemplateRequestInput["components"]> };
  fields: FieldRef[];
}

const isAuth = (draft: TemplateDraft) => draft.category === "AUTHENTICATION";
const trimToUndefined = (value: string) => (value.trim() === "" ? undefined : value.trim());
/** Numbers typed as text: empty → absent; anything else is passed as a number (or the raw text, so zod says why). */
function numberOrRaw(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Placeholder keys of the body (or header), and whether they are named (`{{first_name}}`) rather than `{{1}}`. */
export function variablesOf(text: string): { keys: string[]; named: boolean } {
  const keys = placeholdersOf(text);
  const named = keys.some((k) => !/^\d+$/.test(k));
  return { keys: named ? keys : [...keys].sort((a, b) => Number(a) - Number(b)), named };
}

export function headerVisible(draft: TemplateDraft): boolean {
  return draft.header.enabled && !isAuth(draft);
}
export function footerVisible(draft: TemplateDraft): boolean {
  return draft.footer.enabled;
}

/**
 * `keepEmptyExamples` is for the preview (it shows `{{n}}` where a sample is still empty). For validation an
 * example with an empty sample is left out, so the shared Meta rules report "give a sample value".
 */
export function buildRequest(
  draft: TemplateDraft,
  { keepEmptyExamples = false }: { keepEmptyExamples?: boolean } = {},
): BuiltRequest {
  const filled = (values: readonly string[]) => keepEmptyExamples || values.every((v) => v.trim() !== "");
  const fields: FieldRef[] = [
    { key: "name", path: "name" },
    { key: "language", path: "language" },
    { key: "category", path: "category" },
    { key: "ttl", path: "messageSendTtlSeconds" },
    { key: "components", path: "components" },
  ];
  const components: Record<string, unknown>[] = [];
  const bodyVars = variablesOf(draft.body.text);
  const headerVars = draft.header.format === "TEXT" ? variablesOf(draft.header.text) : { keys: [], named: false };
  const named = bodyVars.named || headerVars.named;

  if (headerVisible(draft)) {
    const at = `components[${components.length}]`;
    fields.push({ key: "header", path: at }, { key: "header.format", path: `${at}.format` });
    const header: Record<string, unknown> = { type: "HEADER", format: draft.header.format };
    if (draft.header.format === "TEXT") {
      header.text = draft.header.text;
      fields.push({ key: "header.text", path: `${at}.text` });
      const key = headerVars.keys[0];
      if (key !== undefined) {
        fields.push({ key: "header.example", path: `${at}.example` });
        if (!filled([draft.header.example])) {
          // left out: the rules report the missing sample
        } else if (headerVars.named) {
          header.example = { header_text_named_params: [{ param_name: key, example: draft.header.example }] };
          fields.push({ key: "header.example", path: `${at}.example.header_text_named_params` });
        } else {
          header.example = { header_text: [draft.header.example] };
          fields.push({ key: "header.example", path: `${at}.example.header_text` });
        }
      }
    } else if (draft.header.format !== "LOCATION") {
      const sample = draft.header.mediaSample.trim();
      const field = /^https?:\/\//i.test(sample) ? "header_url" : "header_handle";
      if (filled([sample])) header.example = { [field]: [sample] };
      fields.push({ key: "header.media", path: `${at}.example` });
    }
    components.push(header);
  }

  // Issue 16: Meta writes the offer between the header and the body.
  // Both are MARKETING only: the form hides them for other categories, and so does the request.
  const marketing = draft.category === "MARKETING";
  if (marketing && draft.offer?.enabled === true) {
    const at = `components[${components.length}]`;
    fields.push({ key: "offer", path: at }, { key: "offer.text", path: `${at}.limited_time_offer.text` });
    components.push({
      type: "LIMITED_TIME_OFFER",
      limited_time_offer: { text: draft.offer.text, has_expiration: draft.offer.hasExpiration },
    });
  }

  {
    const at = `components[${components.length}]`;
    fields.push({ key: "body", path: at });
    const body: Record<string, unknown> = { type: "BODY" };
    if (isAuth(draft)) {
      body.add_security_recommendation = draft.body.addSecurityRecommendation;
      fields.push({ key: "body.security", path: `${at}.add_security_recommendation` });
    } else {
      body.text = draft.body.text;
      fields.push({ key: "body.text", path: `${at}.text` });
      if (bodyVars.keys.length > 0) {
        fields.push({ key: "body.examples", path: `${at}.example` });
        const values = bodyVars.keys.map((key) => draft.body.examples[key] ?? "");
        if (!filled(values)) {
          // left out: the rules report the missing samples
        } else if (named) {
          body.example = {
            body_text_named_params: bodyVars.keys.map((key) => ({
              param_name: key,
              example: draft.body.examples[key] ?? "",
            })),
          };
          bodyVars.keys.forEach((key, i) =>
            fields.push({ key: `body.example.${key}`, path: `${at}.example.body_text_named_params[${i}]` }),
          );
        } else {
          body.example = { body_text: [bodyVars.keys.map((key) => draft.body.examples[key] ?? "")] };
          bodyVars.keys.forEach((key, i) =>
            fields.push({ key: `body.example.${key}`, path: `${at}.example.body_text[0][${i}]` }),
          );
        }
      }
    }
    components.push(body);
  }

  // Issue 16: the cards follow the body.
  if (marketing && draft.carousel?.enabled === true) {
    const at = `components[${components.length}]`;
    fields.push({ key: "carousel", path: at }, { key: "carousel", path: `${at}.cards` });
    const cards = draft.carousel.cards.map((card, i) => {
      const cp = `${at}.cards[${i}].components`;
      const k = `card.${card.id}`;
      const cardComponents: Record<string, unknown>[] = [];
      const product = card.format === "PRODUCT";
      fields.push({ key: k, path: cp }, { key: `${k}.handle`, path: `${cp}[0]` });
      cardComponents.push(
        product
          ? { type: "HEADER", format: "PRODUCT" }
          : {
              type: "HEADER",
              format: card.format,
              ...(filled([card.handle]) ? { example: { header_handle: [card.handle.trim()] } } : {}),
            },
      );
      if (card.body.trim() !== "") {
        fields.push({ key: `${k}.body`, path: `${cp}[${cardComponents.length}]` });
        cardComponents.push({ type: "BODY", text: card.body });
      }
      const cardButtons: Record<string, unknown>[] = [];
      if (product && card.productButton === "SPM") cardButtons.push({ type: "SPM", text: card.spmText });
      if (!product && card.quickReply.trim() !== "") cardButtons.push({ type: "QUICK_REPLY", text: card.quickReply });
      if ((!product || card.productButton === "URL") && (card.urlText.trim() !== "" || card.url.trim() !== "")) {
        const url: Record<string, unknown> = { type: "URL", text: card.urlText, url: card.url.trim() };
        if (placeholdersOf(card.url).length > 0 && filled([card.urlExample])) url.example = [card.urlExample.trim()];
        cardButtons.push(url);
      }
      if (cardButtons.length > 0) {
        fields.push({ key: `${k}.buttons`, path: `${cp}[${cardComponents.length}]` });
        cardComponents.push({ type: "BUTTONS", buttons: cardButtons });
      }
      return { components: cardComponents };
    });
    components.push({ type: "CAROUSEL", cards });
  }

  if (footerVisible(draft)) {
    const at = `components[${components.length}]`;
    fields.push({ key: "footer", path: at });
    const footer: Record<string, unknown> = { type: "FOOTER" };
    if (isAuth(draft)) {
      footer.code_expiration_minutes = numberOrRaw(draft.footer.codeExpirationMinutes);
      fields.push({ key: "footer.expiration", path: `${at}.code_expiration_minutes` });
    } else {
      footer.text = draft.footer.text;
      fields.push({ key: "footer.text", path: `${at}.text` });
    }
    components.push(footer);
  }

  if (draft.buttons.length > 0) {
    const at = `components[${components.length}]`;
    fields.push({ key: "buttons", path: at }, { key: "buttons", path: `${at}.buttons` });
    const buttons = draft.buttons.map((b, j) => {
      const bp = `${at}.buttons[${j}]`;
      const k = `button.${b.id}`;
      fields.push({ key: k, path: bp }, { key: `${k}.type`, path: `${bp}.type` });
      const out: Record<string, unknown> = { type: b.type };
      const withText = () => {
        out.text = b.text;
        fields.push({ key: `${k}.text`, path: `${bp}.text` });
      };
      switch (b.type) {
        case "QUICK_REPLY":
          withText();
          break;
        case "URL":
          withText();
          out.url = b.url.trim();
          fields.push({ key: `${k}.url`, path: `${bp}.url` });
          if (placeholdersOf(b.url).length > 0) {
            if (filled([b.urlExample])) out.example = [b.urlExample.trim()];
            fields.push({ key: `${k}.urlExample`, path: `${bp}.example` });
          }
          break;
        case "PHONE_NUMBER":
          withText();
          out.phone_number = b.phoneNumber.trim();
          fields.push({ key: `${k}.phoneNumber`, path: `${bp}.phone_number` });
          break;
        case "COPY_CODE":
          if (filled([b.code])) out.example = [b.code.trim()];
          fields.push({ key: `${k}.code`, path: `${bp}.example` });
          break;
        case "VOICE_CALL":
        case "CATALOG":
        case "MPM":
        case "SPM":
          withText();
          break;
        case "FLOW":
          withText();
          if (trimToUndefined(b.flowValue) !== undefined)
            out[b.flowRef] = b.flowRef === "flow_json" ? b.flowValue : b.flowValue.trim();
          fields.push({ key: `${k}.flow`, path: `${bp}.${b.flowRef}` });
          out.flow_action = b.flowAction;
          fields.push({ key: `${k}.flowAction`, path: `${bp}.flow_action` });
          if (trimToUndefined(b.navigateScreen) !== undefined) out.navigate_screen = b.navigateScreen.trim();
          fields.push({ key: `${k}.navigateScreen`, path: `${bp}.navigate_screen` });
          break;
        case "OTP":
          out.otp_type = b.otpType;
          fields.push({ key: `${k}.otpType`, path: `${bp}.otp_type` });
          if (trimToUndefined(b.text) !== undefined) out.text = b.text;
          fields.push({ key: `${k}.text`, path: `${bp}.text` });
          if (b.otpType !== "COPY_CODE") {
            if (trimToUndefined(b.autofillText) !== undefined) out.autofill_text = b.autofillText;
            fields.push({ key: `${k}.autofillText`, path: `${bp}.autofill_text` });
            out.supported_apps = b.supportedApps.map((app) => ({
              package_name: app.packageName.trim(),
              signature_hash: app.signatureHash.trim(),
            }));
            fields.push({ key: `${k}.apps`, path: `${bp}.supported_apps` });
            b.supportedApps.forEach((app, n) => {
              fields.push(
                { key: `${k}.app.${app.id}.package`, path: `${bp}.supported_apps[${n}].package_name` },
                { key: `${k}.app.${app.id}.hash`, path: `${bp}.supported_apps[${n}].signature_hash` },
              );
            });
          }
          if (b.otpType === "ZERO_TAP") {
            out.zero_tap_terms_accepted = b.zeroTapTermsAccepted;
            fields.push({ key: `${k}.zeroTap`, path: `${bp}.zero_tap_terms_accepted` });
          }
          break;
      }
      return out;
    });
    components.push({ type: "BUTTONS", buttons });
  }
  if (draft.callPermission && !isAuth(draft)) {
    fields.push({ key: "callPermission", path: `components[${components.length}]` });
    components.push({ type: "CALL_PERMISSION_REQUEST" });
  }

  const request: Record<string, unknown> = {
    name: draft.name.trim(),
    language: draft.language.trim(),
    category: draft.category,
    components,
  };
  if (named) request.parameter_format = "NAMED";
  const ttl = numberOrRaw(draft.ttlSeconds);
  if (ttl !== undefined) request.messageSendTtlSeconds = ttl;
  // The shapes are checked by zod right after; the cast only bridges "strings as typed" to the wire type.
  return { request: request as unknown as BuiltRequest["request"], fields };
}

/**
 * Puts each issue on the field whose path is the longest prefix of the issue's path (`components[0].text`
 * belongs to the header text input; `components[0].example.header_text[0]` to its example input). Issues no
 * input owns land under the key "form".
 */
export function assignIssues(
  fields: readonly FieldRef[],
  issues: readonly { path: string; message: string }[],
): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const issue of issues) {
    let best: FieldRef | undefined;
    for (const field of fields) {
      const owns =
        issue.path === field.path || issue.path.startsWith(`${field.path}.`) || issue.path.startsWith(`${field.path}[`);
      if (owns && (best === undefined || field.path.length > best.path.length)) best = field;
    }
    const key = best?.key ?? "form";
    const list = byKey.get(key) ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    byKey.set(key, list);
  }
  return byKey;
}
