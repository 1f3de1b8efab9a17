/**
 * Turns template components (the create-request shape, or what Meta returned on sync) into what WhatsApp
 * draws. It reads defensively: stored templates come from Meta and may carry read-back quirks (an OTP button
 * comes back as `type: "URL"`, a copy-code example as a bare string, lowercase types).
 */

export type HeaderFormat = "TEXT" | "IMAGE" | "VIDEO" | "DOCUMENT" | "LOCATION" | "GIF" | "PRODUCT";

/** A run of text: literal, a variable with its example filled in, or a variable without an example. */
export interface Segment {
  text: string;
  kind: "text" | "value" | "missing";
}

export type PreviewHeader =
  | { kind: "text"; segments: Segment[] }
  | { kind: "media"; format: Exclude<HeaderFormat, "TEXT" | "PRODUCT">; sampleUrl: string | undefined }
  /** Single-product (SPM) header: the product's image, title and price come from the catalog at send time. */
  | { kind: "product" };

export type PreviewButton =
  | { type: "QUICK_REPLY"; text: string }
  | { type: "URL"; text: string; url: string }
  | { type: "PHONE_NUMBER"; text: string; phoneNumber: string }
  | { type: "COPY_CODE"; text: string; code: string }
  | { type: "OTP"; otpType: "COPY_CODE" | "ONE_TAP" | "ZERO_TAP"; text: string }
  | { type: "VOICE_CALL"; text: string }
  // issue 16 (kinds16b): Flows and commerce buttons.
  | { type: "FLOW"; text: string; flow: string }
  | { type: "CATALOG" | "MPM" | "SPM"; text: string }
  | { type: "OTHER"; rawType: string; text: string };

/** One carousel card (issue 16): a media or product header, an optional body, its buttons. */
export interface PreviewCard {
  header: { kind: "media"; format: "IMAGE" | "VIDEO"; sampleUrl: string | undefined } | { kind: "product" };
  body: Segment[];
  buttons: PreviewButton[];
}

export interface PreviewModel {
  header: PreviewHeader | undefined;
  body: Segment[];
  footer: string | undefined;
  buttons: PreviewButton[];
  /** LIMITED_TIME_OFFER: the offer line, and whether WhatsApp shows its expiry countdown. */
  offer?: { text: string; hasExpiration: boolean };
  /** CAROUSEL: the cards, drawn side by side under the bubble. */
  cards?: PreviewCard[];
  /** A CALL_PERMISSION_REQUEST component: WhatsApp asks the recipient to allow calls from the business. */
  callPermission: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const upper = (value: unknown): string => (typeof value === "string" ? value.toUpperCase() : "");
const strings = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
      ? [value]
      : [];

/** `{{1}}` or `{{first_name}}` (spaces inside the braces tolerated, as Meta does in practice). */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct placeholder keys of a text, in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  const seen: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const key = match[1];
    if (key !== undefined && !seen.includes(key)) seen.push(key);
  }
  return seen;
}

/** Replaces each placeholder with its example; a placeholder without one stays visible as `{{key}}`. */
export function substitute(text: string, values: ReadonlyMap<string, string>): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const start = match.index;
    if (start > last) segments.push({ text: text.slice(last, start), kind: "text" });
    const key = match[1] ?? "";
    const value = values.get(key);
    segments.push(
      value !== undefined && value !== "" ? { text: value, kind: "value" } : { text: `{{${key}}}`, kind: "missing" },
    );
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), kind: "text" });
  return segments;
}

/** Positional examples (`[["a","b"]]` or a flat `["a","b"]`) and named ones (`[{param_name, example}]`). */
function exampleValues(example: unknown, positionalKey: string, namedKey: string): Map<string, string> {
  const values = new Map<string, string>();
  if (!isObject(example)) return values;
  const positional = example[positionalKey];
  const flat = Array.isArray(positional) && Array.isArray(positional[0]) ? positional[0] : positional;
  strings(flat).forEach((value, i) => values.set(String(i + 1), value));
  const named = example[namedKey];
  if (Array.isArray(named)) {
    for (const item of named) {
      if (!isObject(item)) continue;
      const name = str(item.param_name);
      const value = str(item.example);
      if (name !== undefined && value !== undefined) values.set(name, value);
    }
  }
  return values;
}

function previewHeader(component: Json): PreviewHeader | undefined {
  const format = (upper(component.format) || "TEXT") as HeaderFormat;
  if (format === "PRODUCT") return { kind: "product" };
  if (format === "TEXT") {
    const text = str(component.text);
    if (text === undefined || text === "") return undefined;
    return {
      kind: "text",
      segments: substitute(text, exampleValues(component.example, "header_text", "header_text_named_params")),
    };
  }
  const example = isObject(component.example) ? component.example : {};
  const sample = [...strings(example.header_url), ...strings(example.header_handle)].find((v) => /^https:\/\//.test(v));
  const known = ["IMAGE", "VIDEO", "DOCUMENT", "LOCATION", "GIF"] as const;
  const media = known.find((k) => k === format) ?? "DOCUMENT";
  return { kind: "media", format: media, sampleUrl: sample };
}

function previewBody(component: Json): Segment[] {
  const text = str(component.text);
  if (text !== undefined && text !== "") {
    return substitute(text, exampleValues(component.example, "body_text", "body_text_named_params"));
  }
  // AUTHENTICATION bodies carry no text: WhatsApp draws fixed, localised copy around the code.
  if (component.add_security_recommendation !== undefined) {
    const segments: Segment[] = [
      { text: "123456", kind: "value" },
      { text: " is your verification code.", kind: "text" },
    ];
    if (component.add_security_recommendation === true) {
      segments.push({ text: " For your security, do not share this code.", kind: "text" });
    }
    return segments;
  }
  return [];
}

function previewFooter(component: Json): string | undefined {
  const text = str(component.text);
  if (text !== undefined && text !== "") return text;
  const minutes = component.code_expiration_minutes;
  if (typeof minutes === "number") return `This code expires in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  return undefined;
}

function previewButton(button: Json): PreviewButton {
  const type = upper(button.type);
  const text = str(button.text) ?? "";
  switch (type) {
    case "QUICK_REPLY":
      return { type, text };
    case "URL": {
      const url = str(button.url) ?? "";
      const example = strings(button.example)[0];
      // An OTP button reads back from Meta as a URL button (its url carries otp_type); keep calling it what the user created.
      if (str(button.otp_type) !== undefined) return previewOtp(button, text);
      const otpFromUrl = /^https:\/\/(www\.)?whatsapp\.com\/otp\/.*[?&]otp_type=([A-Za-z_]+)/.exec(url)?.[2];
      if (otpFromUrl !== undefined) return previewOtp({ ...button, otp_type: otpFromUrl }, text);
      return { type, text, url: example !== undefined ? url.replace(PLACEHOLDER, example) : url };
    }
    case "PHONE_NUMBER":
      return { type, text, phoneNumber: str(button.phone_number) ?? "" };
    case "COPY_CODE":
      return { type, text: text || "Copy offer code", code: strings(button.example)[0] ?? "" };
    case "OTP":
      return previewOtp(button, text);
    case "VOICE_CALL":
      return { type, text: text || "Call on WhatsApp" };
    case "FLOW": {
      const flow = str(button.flow_id) ?? str(button.flow_name) ?? (button.flow_json !== undefined ? "Flow JSON" : "");
      return { type, text: text || "Open", flow };
    }
    case "CATALOG":
      return { type, text: text || "View catalog" };
    case "MPM":
      return { type, text: text || "View items" };
    case "SPM":
      return { type, text: text || "View" };
    default:
      return { type: "OTHER", rawType: type || "UNKNOWN", text: text || type };
  }
}

function previewOtp(button: Json, text: string): PreviewButton {
  const otp = upper(button.otp_type);
  const otpType = otp === "ONE_TAP" || otp === "ZERO_TAP" ? otp : "COPY_CODE";
  const fallback = otpType === "COPY_CODE" ? "Copy code" : (str(button.autofill_text) ?? "Autofill");
  return {
    type: "OTP",
    otpType,
    text: otpType === "COPY_CODE" ? text || fallback : str(button.autofill_text) || fallback,
  };
}

function previewCard(card: unknown): PreviewCard {
  const components = isObject(card) && Array.isArray(card.components) ? card.components.filter(isObject) : [];
  const header = components.find((c) => upper(c.type) === "HEADER");
  const body = components.find((c) => upper(c.type) === "BODY");
  const buttons = components.find((c) => upper(c.type) === "BUTTONS")?.buttons;
  const format = upper(header?.format);
  const example = isObject(header?.example) ? header.example : {};
  return {
    header:
      format === "PRODUCT"
        ? { kind: "product" }
        : {
            kind: "media",
            format: format === "VIDEO" ? "VIDEO" : "IMAGE",
            sampleUrl: [...strings(example.header_url), ...strings(example.header_handle)].find((v) =>
              /^https:\/\//.test(v),
            ),
          },
    body: body === undefined ? [] : previewBody(body),
    buttons: Array.isArray(buttons) ? buttons.filter(isObject).map(previewButton) : [],
  };
}

export function toPreviewModel(components: unknown): PreviewModel {
  const model: PreviewModel = { header: undefined, body: [], footer: undefined, buttons: [], callPermission: false };
  if (!Array.isArray(components)) return model;
  for (const component of components) {
    if (!isObject(component)) continue;
    switch (upper(component.type)) {
      case "HEADER":
        model.header = previewHeader(component);
        break;
      case "BODY":
        model.body = previewBody(component);
        break;
      case "FOOTER":
        model.footer = previewFooter(component);
        break;
      case "BUTTONS":
        if (Array.isArray(component.buttons)) {
          model.buttons = component.buttons.filter(isObject).map(previewButton);
        }
        break;
      case "LIMITED_TIME_OFFER": {
        const offer = isObject(component.limited_time_offer) ? component.limited_time_offer : {};
        model.offer = { text: str(offer.text) ?? "", hasExpiration: offer.has_expiration === true };
        break;
      }
      case "CAROUSEL":
        model.cards = Array.isArray(component.cards) ? component.cards.map(previewCard) : [];
        break;
      case "CALL_PERMISSION_REQUEST":
        model.callPermission = true;
        break;
      default:
        break;
    }
  }
  return model;
}
