// Meta's content rules for a template submission, checked in the order of docs/reference/meta-templates.md §10.3, and the
// conversion of accepted components into the form Meta returns on reads (§2.5, §6, §10.5).
// Checks that need the WABA's state (duplicates, cooldowns, sibling category, limits, rate) live in the store.
//
// Every refusal below cites where Meta says so: a page of Meta's developer documentation (URL + quote) or a real
// Meta answer recorded in docs/reference/meta-templates.md (section, label [V]/[O]). Where Meta publishes
// no rule, the sandbox accepts, as Meta's synchronous create does; stricter choices of our own API are listed as
// "ours alone" in packages/schema/src/meta-rules/DECISIONS.md and are never modelled here.
import { createHash } from "node:crypto";

import { GraphError, SUBCODE, badParam, invalidTemplate } from "./graph-error.js";
import { checkCarouselComponent, checkLimitedTimeOfferTemplate } from "./special-components.js";
import { checkKindRules } from "./kind-rules.js";
import { SUPPORTED_LANGUAGES, TEMPLATE_CATEGORIES, languageDisplayName } from "./model.js";
import type { ParameterFormat, ReadComponent, TemplateCategory } from "./model.js";

export interface TemplateSubmission {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  components: ReadComponent[];
  messageSendTtlSeconds: number | undefined;
  subCategory: string | undefined;
  ctaUrlLinkTrackingOptedOut: boolean | undefined;
}

export interface RuleContext {
  /** Maps an upload handle (from the Resumable Upload API) to its sample's CDN URL, or undefined if unknown. */
  resolveHeaderHandle(handle: string): string | undefined;
  /**
   * The components are a Template Library entry's (M-LIB): Meta's own pre-approved wording, answered APPROVED at once,
   * and some break the authoring rules (low_balance_warning_1's body ends in {{8}}), so only the structure is read.
   */
  libraryContent?: boolean;
}

type Json = Record<string, unknown>;

// M-OVR https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/overview: "Template names are limited to a maximum of 512 characters, consisting of
// lowercase alphanumeric characters and underscores." (docs/reference/meta-templates.md §2.1 [V])
const NAME_PATTERN = /^[a-z0-9_]+$/;
const NAME_MAX = 512;
const LIMITS = {
  // M-CMP https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components — header: "Maximum 60 characters."; body: "Maximum of 1024 characters.";
  // footer: "60 characters maximum."; buttons: "25 characters maximum"; URL: "2000 characters maximum.";
  // phone number: "20 characters maximum." (§2.2 [V])
  headerText: 60,
  bodyText: 1024,
  footerText: 60,
  buttonText: 25,
  url: 2000,
  phoneNumber: 20,
  // Meta conflicts: the components page says "Maximum 15 characters", the coupon page
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/coupon-templates creates the 20-character code "fLBponPDsqF0KQThzkrf"
  // (§2.2 CONFLICT). Meta accepts its own example, so the sandbox accepts up to 20.
  copyCodeExample: 20,
  // M-AUTH https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates — button text and
  // autofill text: "Maximum 25 characters." (§2.2 [V])
  otpText: 25,
} as const;
// M-CMP: text, image, video, document, location headers; "Gifs are currently only available for Marketing Messages
// API" (§1.2 [V]). PRODUCT headers: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/spm-templates ("format": "product").
const HEADER_FORMATS = ["TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION", "PRODUCT"] as const;
const MEDIA_HEADER_FORMATS = new Set(["IMAGE", "VIDEO", "GIF", "DOCUMENT"]);
// M-API "Components" enum (§1.2 [V]) plus the component types Meta's own pages create with:
// "call_permission_request" (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/call-permission-request-message-template) and
// "tap_target_configuration" (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/tap-target-url-title-override).
const COMPONENT_TYPES = [
  "HEADER",
  "BODY",
  "FOOTER",
  "BUTTONS",
  "CAROUSEL",
  "LIMITED_TIME_OFFER",
  "CALL_PERMISSION_REQUEST",
  "TAP_TARGET_CONFIGURATION",
] as const;
// M-API button enum and M-CMP's special buttons (§1.2 [V]); VOICE_CALL from the older reference (M-REF-OLD).
const BUTTON_TYPES = [
  "QUICK_REPLY",
  "URL",
  "PHONE_NUMBER",
  "COPY_CODE",
  "OTP",
  "FLOW",
  "MPM",
  "CATALOG",
  "SPM",
  "VOICE_CALL",
] as const;
// M-AUTH: "otp_type": COPY_CODE | ONE_TAP | ZERO_TAP (§2.5 [V]).
const OTP_TYPES = ["COPY_CODE", "ONE_TAP", "ZERO_TAP"] as const;
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
// M-OVR: positional parameters "{{1}}, {{2}}…"; named ones "must be unique, single strings, composed of lowercase
// characters and underscores, wrapped in double curly brackets, for example, {{first_name}}" (§2.4 [V]).
const POSITIONAL_NAME = /^[1-9][0-9]*$/;
const NAMED_PARAM = /^[a-z_]+$/;
const HAS_EMOJI = /\p{Extended_Pictographic}/u;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const upper = (value: unknown): string | undefined => (typeof value === "string" ? value.toUpperCase() : undefined);

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Validates a create (or edit, with `existing`) request body and returns it in read form.
 * Throws the GraphError Meta would answer with for the first rule broken (§10.3 order).
 */
export function checkTemplateSubmission(
  body: Json,
  ctx: RuleContext,
  existing?: { name: string; language: string; category: TemplateCategory },
): TemplateSubmission {
  // 1. Presence and types of top-level params → code 100 (Graph's parameter errors, §7.1 [V]).
  const name = existing?.name ?? requireString(body, "name");
  const language = existing?.language ?? requireString(body, "language");
  const categoryRaw = existing ? (body.category ?? undefined) : requireString(body, "category");
  const components = parseComponentsParam(body.components, existing !== undefined);

  // 2. Name pattern/length (M-OVR quote above) → code 100.
  if (!existing) {
    if (name.length > NAME_MAX) {
      throw invalidTemplate("Invalid name", `Message template names can have at most ${NAME_MAX} characters.`);
    }
    if (!NAME_PATTERN.test(name)) {
      throw invalidTemplate(
        "Invalid name",
        "Message template names can only contain lowercase alphanumeric characters and underscores ( _ ).",
      );
    }
    // Supported languages: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/supported-languages (§1.1 [V]).
    if (SUPPORTED_LANGUAGES[language] === undefined) {
      throw badParam(
        `Param language must be one of {${Object.keys(SUPPORTED_LANGUAGES).join(", ")}} - got "${language}".`,
      );
    }
  }

  // 3. Category enum (FB-CG enum, §1.1 [V]); Meta's own examples send "category": "utility" → lower case accepted.
  let category: TemplateCategory | undefined;
  if (categoryRaw !== undefined) {
    const candidate = upper(categoryRaw);
    if (!candidate || !(TEMPLATE_CATEGORIES as readonly string[]).includes(candidate)) {
      throw badParam(
        `Param category must be one of {${TEMPLATE_CATEGORIES.join(", ")}} - got "${typeof categoryRaw === "string" ? categoryRaw : JSON.stringify(categoryRaw)}".`,
      );
    }
    category = candidate as TemplateCategory;
  }
  const effectiveCategory = category ?? existing?.category ?? "UTILITY";

  // M-OVR: parameter_format POSITIONAL | NAMED, positional when omitted; Meta's pages write "named" (§1.1 [V]).
  let parameterFormat: ParameterFormat = "POSITIONAL";
  if (body.parameter_format !== undefined) {
    const format = upper(body.parameter_format);
    if (format !== "POSITIONAL" && format !== "NAMED") {
      throw badParam(
        `Param parameter_format must be one of {POSITIONAL, NAMED} - got "${typeof body.parameter_format === "string" ? body.parameter_format : JSON.stringify(body.parameter_format)}".`,
      );
    }
    parameterFormat = format;
  }

  const ttl = optionalInteger(body, "message_send_ttl_seconds");
  const subCategory = body.sub_category === undefined ? undefined : upper(body.sub_category);
  const linkTracking = optionalBoolean(body, "cta_url_link_tracking_opted_out");

  const parsed = parseComponentStructure(components, effectiveCategory);
  if (ctx.libraryContent !== true)
    checkAuthoredContent(parsed, components, ctx, effectiveCategory, parameterFormat, ttl);

  return {
    name,
    language,
    category: effectiveCategory,
    parameterFormat,
    components: toReadComponents(parsed, effectiveCategory, language, ctx),
    messageSendTtlSeconds: ttl,
    subCategory,
    ctaUrlLinkTrackingOptedOut: linkTracking,
  };
}

/** The rules for content a business wrote (every create and edit, but not a Template Library entry's wording). */
function checkAuthoredContent(
  parsed: ParsedComponents,
  components: unknown[],
  ctx: RuleContext,
  effectiveCategory: TemplateCategory,
  parameterFormat: ParameterFormat,
  ttl: number | undefined,
): void {
  checkCharacterLimits(parsed);
  checkHeaderFormat(parsed, effectiveCategory, parameterFormat);
  checkFooterFormat(parsed);
  checkBodyFormat(parsed, parameterFormat);
  checkDanglingParameters(parsed);
  checkExamples(parsed, ctx, parameterFormat);
  checkButtons(parsed, effectiveCategory);
  checkKindRules(components, effectiveCategory);
  checkAuthentication(parsed, effectiveCategory);
  checkTtl(ttl, effectiveCategory);
}

/** Category the edit asked for, if any (edits may omit it). */
export function requestedCategory(body: Json): TemplateCategory | undefined {
  const candidate = upper(body.category);
  return candidate && (TEMPLATE_CATEGORIES as readonly string[]).includes(candidate)
    ? (candidate as TemplateCategory)
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// Step 1: parameters and structure

function requireString(body: Json, key: string): string {
  const value = body[key];
  if (value === undefined || value === null || value === "") throw badParam(`The parameter ${key} is required`);
  if (typeof value !== "string") throw badParam(`Param ${key} must be a string`);
  return value;
}

function optionalInteger(body: Json, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) throw badParam(`Param ${key} must be an integer`);
  return number;
}

function optionalBoolean(body: Json, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw badParam(`Param ${key} must be a boolean`);
}

/** Form-encoded requests carry `components` as a JSON string (§1.1 [V M-REF-OLD]). */
function parseComponentsParam(value: unknown, isEdit: boolean): unknown[] {
  if (value === undefined || value === null) {
    throw badParam(
      isEdit ? "The parameter components is required when editing content" : "The parameter components is required",
    );
  }
  let decoded: unknown = value;
  if (typeof value === "string") {
    try {
      decoded = JSON.parse(value) as unknown;
    } catch {
      throw badParam("Param components must be a valid JSON array");
    }
  }
  if (!Array.isArray(decoded)) throw badParam("Param components must be an array");
  if (decoded.length === 0) throw badParam("Param components must be a non-empty array");
  return decoded;
}

interface ParsedButton {
  index: number;
  type: (typeof BUTTON_TYPES)[number];
  raw: Json;
}

interface ParsedComponents {
  header?: { index: number; format: (typeof HEADER_FORMATS)[number]; raw: Json };
  /** `text` is undefined on AUTHENTICATION templates: Meta writes that body itself and ignores what is sent. */
  body?: { index: number; text: string | undefined; raw: Json };
  footer?: { index: number; text: string | undefined; raw: Json };
  buttons?: { index: number; list: ParsedButton[]; raw: Json };
  /** CAROUSEL, LIMITED_TIME_OFFER and the other special components: stored verbatim, as Meta reads them back. */
  extras: Array<{ index: number; raw: Json }>;
}

function parseComponentStructure(components: unknown[], category: TemplateCategory): ParsedComponents {
  const parsed: ParsedComponents = { extras: [] };
  components.forEach((component, index) => {
    if (!isObject(component)) throw badParam(`Param components[${index}] must be an object`);
    const type = upper(component.type);
    if (!type) throw badParam(`The parameter components[${index}][type] is required`);
    if (!(COMPONENT_TYPES as readonly string[]).includes(type)) {
      throw badParam(
        `Param components[${index}][type] must be one of {${COMPONENT_TYPES.join(", ")}} - got "${String(component.type)}".`,
      );
    }
    // M-CMP: "Each template may include only one text header", "Templates are limited to one body component",
    // "Templates are limited to one footer component" (§1.2 [V]).
    const duplicate = (present: unknown): void => {
      if (present)
        throw invalidTemplate("Invalid components", `A message template can only have one ${type} component.`);
    };
    switch (type) {
      case "HEADER": {
        duplicate(parsed.header);
        const format = upper(component.format);
        if (!format || !(HEADER_FORMATS as readonly string[]).includes(format)) {
          // M-ERR https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes: 2388047 "Message header format is incorrect" (§7.3 [V]).
          throw invalidTemplate(
            "Message header format is incorrect",
            `The header format must be one of ${HEADER_FORMATS.join(", ")}.`,
            SUBCODE.headerFormat,
          );
        }
        parsed.header = { index, format: format as (typeof HEADER_FORMATS)[number], raw: component };
        if (component.text !== undefined && typeof component.text !== "string")
          throw badParam(`Param components[${index}][text] must be a string`);
        break;
      }
      case "BODY": {
        duplicate(parsed.body);
        if (component.text !== undefined && typeof component.text !== "string")
          throw badParam(`Param components[${index}][text] must be a string`);
        // M-AUTH https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/authentication-templates: authentication templates
        // consist of "Fixed, non-customizable preset text" — Meta publishes no refusal of a sent text, so it is
        // ignored (the read form shows Meta's preset).
        const text = category === "AUTHENTICATION" ? undefined : component.text;
        parsed.body = { index, text, raw: component };
        break;
      }
      case "FOOTER": {
        duplicate(parsed.footer);
        if (component.text !== undefined && typeof component.text !== "string")
          throw badParam(`Param components[${index}][text] must be a string`);
        // M-AUTH: the footer is the preset "expiration warning" — a sent text is ignored likewise.
        const text = category === "AUTHENTICATION" ? undefined : component.text;
        parsed.footer = { index, text, raw: component };
        break;
      }
      case "BUTTONS": {
        duplicate(parsed.buttons);
        if (!Array.isArray(component.buttons) || component.buttons.length === 0) {
          throw badParam(`The parameter components[${index}][buttons] is required`);
        }
        const list = component.buttons.map((button: unknown, buttonIndex: number): ParsedButton => {
          if (!isObject(button))
            throw badParam(`Param components[${index}][buttons][${buttonIndex}] must be an object`);
          const buttonType = upper(button.type);
          if (!buttonType || !(BUTTON_TYPES as readonly string[]).includes(buttonType)) {
            throw badParam(
              `Param components[${index}][buttons][${buttonIndex}][type] must be one of {${BUTTON_TYPES.join(", ")}} - got "${String(button.type)}".`,
            );
          }
          requireButtonFields(button, buttonType, `components[${index}][buttons][${buttonIndex}]`);
          return { index: buttonIndex, type: buttonType as ParsedButton["type"], raw: button };
        });
        parsed.buttons = { index, list, raw: component };
        break;
      }
      case "LIMITED_TIME_OFFER":
        // https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates: "Only templates categorized as
        // MARKETING are supported."
        if (category !== "MARKETING") {
          throw invalidTemplate(
            "Invalid components",
            "LIMITED_TIME_OFFER components are only supported in MARKETING templates.",
          );
        }
        checkLimitedTimeOfferTemplate(components.filter(isObject), components.filter(isObject).indexOf(component));
        parsed.extras.push({ index, raw: component });
        break;
      case "CAROUSEL":
        checkCarouselComponent(component, index, category);
        parsed.extras.push({ index, raw: component });
        break;
      default:
        parsed.extras.push({ index, raw: component });
    }
  });
  // M-CMP: "The body component represents the core text of your message template" — every syntax has one.
  if (!parsed.body) {
    throw invalidTemplate("Missing message body", "A message template must have exactly one BODY component.");
  }
  // M-CMP marks body and footer `text` "Required."; Graph names a missing parameter (§7.1 [V]).
  if (category !== "AUTHENTICATION" && (parsed.body.text === undefined || parsed.body.text.trim() === "")) {
    throw badParam(`The parameter components[${parsed.body.index}][text] is required`);
  }
  if (
    category !== "AUTHENTICATION" &&
    parsed.footer &&
    (parsed.footer.text === undefined || parsed.footer.text.trim() === "")
  ) {
    throw badParam(`The parameter components[${parsed.footer.index}][text] is required`);
  }
  return parsed;
}

/** The fields M-CMP / M-AUTH mark "Required." per button type (§1.2 [V]). */
function requireButtonFields(button: Json, type: string, path: string): void {
  const need = (key: string): void => {
    const value = button[key];
    if (typeof value !== "string" || value === "") throw badParam(`The parameter ${path}[${key}] is required`);
  };
  switch (type) {
    case "QUICK_REPLY":
      need("text");
      break;
    case "URL":
      need("text");
      need("url");
      break;
    case "PHONE_NUMBER":
      need("text");
      need("phone_number");
      break;
    case "COPY_CODE":
      // M-CMP / M-COUPON syntax: {"type": "COPY_CODE", "example": "250FF"} — a string. A missing sample is the
      // observed 2388043 "component of type BUTTONS is missing expected field(s) (example)" (§2.4 [O]).
      if (typeof button.example !== "string" || button.example === "") throw missingExample("BUTTONS");
      break;
    case "OTP":
      need("otp_type");
      break;
    case "FLOW":
      // M-API Buttons schema: one of flow_id / flow_name / flow_json (FB-OAS examples, §1.2 [V]).
      need("text");
      if (button.flow_id === undefined && button.flow_name === undefined && button.flow_json === undefined) {
        throw badParam(`One of ${path}[flow_id], ${path}[flow_name] or ${path}[flow_json] is required`);
      }
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Step 4: character limits (LIMITS above) → M-ERR 2388040 "Character limit exceeded" (§7.3 [V])

function checkCharacterLimits(parsed: ParsedComponents): void {
  const over = (what: string, value: unknown, limit: number): void => {
    if (typeof value === "string" && [...value].length > limit) {
      throw invalidTemplate(
        "Character limit exceeded",
        `The ${what} has ${[...value].length} characters, more than the limit of ${limit}. Shorten it and try again.`,
        SUBCODE.characterLimit,
      );
    }
  };
  if (parsed.header?.format === "TEXT") over("header text", parsed.header.raw.text, LIMITS.headerText);
  over("body text", parsed.body?.text, LIMITS.bodyText);
  over("footer text", parsed.footer?.text, LIMITS.footerText);
  for (const button of parsed.buttons?.list ?? []) {
    if (button.type === "OTP") {
      over("button text", button.raw.text, LIMITS.otpText);
      over("autofill text", button.raw.autofill_text, LIMITS.otpText);
      continue;
    }
    if (button.type === "COPY_CODE") {
      over("coupon code example", button.raw.example, LIMITS.copyCodeExample);
      continue;
    }
    over("button text", button.raw.text, LIMITS.buttonText);
    if (button.type === "URL") over("button URL", button.raw.url, LIMITS.url);
    if (button.type === "PHONE_NUMBER") over("phone number", button.raw.phone_number, LIMITS.phoneNumber);
  }
}

// ---------------------------------------------------------------------------------------------
// Placeholders

interface Placeholder {
  name: string;
  start: number;
  end: number;
}

function findPlaceholders(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => ({
    name: match[1] ?? "",
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** Names of the distinct variables, in order of first appearance. */
function variableNames(text: string | undefined): string[] {
  return text === undefined ? [] : [...new Set(findPlaceholders(text).map((placeholder) => placeholder.name))];
}

/**
 * Placeholder misuse. M-REV https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-review names "Variable parameters are missing or have
 * mismatched curly braces" and "Variable parameters are not sequential. For example, {{1}}, {{2}}, {{5}}, {{4}}";
 * M-OVR gives the two syntaxes (constants above). The synchronous subcodes are M-ERR's 2388072 (body) / 2388047
 * (header), which one public client also records for these placeholders (§7.3 [V]/[S]).
 */
function placeholderProblem(text: string, format: ParameterFormat): string | undefined {
  // Replaced by a space, not removed: `{{{1}}{` must not glue two single braces into a stray `{{`.
  const stripped = text.replace(PLACEHOLDER, " ");
  if (stripped.includes("{{") || stripped.includes("}}"))
    return "has a variable with missing or mismatched curly braces";
  const expected = format === "POSITIONAL" ? POSITIONAL_NAME : NAMED_PARAM;
  for (const placeholder of findPlaceholders(text)) {
    if (!expected.test(placeholder.name)) {
      return format === "POSITIONAL"
        ? `has the variable {{${placeholder.name}}}; positional variables must be numbers such as {{1}}`
        : `has the variable {{${placeholder.name}}}; named variables must use lowercase letters and underscores`;
    }
  }
  if (format === "POSITIONAL" && variableNames(text).some((name, index) => Number(name) !== index + 1)) {
    return "has variables that aren't sequential; variables must start at {{1}} and follow in order";
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Step 5: header → 2388047, step 6: footer → 2388073 (M-ERR, §7.3 [V])

function checkHeaderFormat(parsed: ParsedComponents, category: TemplateCategory, format: ParameterFormat): void {
  const header = parsed.header;
  if (!header) return;
  const fail = (message: string): never => {
    throw invalidTemplate("Message header format is incorrect", message, SUBCODE.headerFormat);
  };
  // M-AUTH https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates:
  // "URLs, media, and emojis are not supported."
  if (category === "AUTHENTICATION" && header.format !== "TEXT")
    fail("Authentication templates can't have a media header.");
  // M-CMP: "Location headers can only be used in templates categorized as UTILITY or MARKETING."
  if (header.format === "LOCATION" && category !== "UTILITY" && category !== "MARKETING")
    fail("Location headers are only available in utility and marketing templates.");
  // M-CMP: "Gifs are currently only available for Marketing Messages API for WhatsApp".
  if (header.format === "GIF" && category !== "MARKETING")
    fail("GIF headers are only available in marketing templates.");
  if (header.format !== "TEXT") return;
  const text = header.raw.text;
  // M-CMP: header text is "Required." → Graph's missing-parameter answer.
  if (typeof text !== "string" || text.trim() === "")
    throw badParam(`The parameter components[${header.index}][text] is required`);
  const problem = placeholderProblem(text, format);
  if (problem) fail(`The header ${problem}.`);
  // M-CMP: header text "Supports 1 parameter." A repeated {{1}} is still one parameter.
  if (variableNames(text).length > 1) fail("The header can have at most one variable.");
}

function checkFooterFormat(parsed: ParsedComponents): void {
  const text = parsed.footer?.text;
  if (text === undefined) return;
  // M-CMP documents parameter support per component — header "Supports 1 parameter", body "Supports multiple
  // parameters" — and none for the footer, whose syntax has no `example` to fill one; the refusal is M-ERR's
  // 2388073 "Message footer format is incorrect" (§2.2, §7.3 [V]).
  if (text.includes("{{") || text.includes("}}")) {
    throw invalidTemplate(
      "Message footer format is incorrect",
      "The footer can't contain variables.",
      SUBCODE.footerFormat,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Step 7: body format (2388072, then Meta's observed no-subcode sentence) and dangling parameters (2388299)

/** Emoji as a reader counts them: one per grapheme that shows a pictograph (a flag or family is one). */
function countEmoji(text: string): number {
  let count = 0;
  for (const { segment } of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)) {
    if (HAS_EMOJI.test(segment)) count += 1;
  }
  return count;
}

function checkBodyFormat(parsed: ParsedComponents, format: ParameterFormat): void {
  const text = parsed.body?.text;
  if (text === undefined) return;
  const problem = placeholderProblem(text, format);
  if (problem) throw invalidTemplate("Message body format is incorrect", `The body ${problem}.`, SUBCODE.bodyFormat);
  // Meta's answer, observed verbatim and without a subcode (§2.2 [O OBS-J]): "The message body can't have more than
  // two consecutive newline characters, only have parameters, or have more than 10 emojis."
  const threeNewlines = /(\r?\n[^\S\r\n]*){3}/.test(text);
  const onlyParameters = text.replace(PLACEHOLDER, "").replace(/[\p{P}\s]/gu, "") === "";
  if (threeNewlines || onlyParameters || countEmoji(text) > 10) {
    throw invalidTemplate(
      "Message body format is incorrect",
      "The message body can't have more than two consecutive newline characters, only have parameters, or have more than 10 emojis.",
    );
  }
}

function checkDanglingParameters(parsed: ParsedComponents): void {
  const text = parsed.body?.text?.trim();
  if (!text) return;
  // M-REV: "The message template cannot start or end with a parameter i.e. dangling parameters are not allowed.";
  // the answer is Meta's observed body (§2.4 [O OBS-J], subcode 2388299 [V M-ERR]). A variable followed by
  // punctuation does not end the template.
  if (/^\{\{[^{}]*\}\}/.test(text) || /\{\{[^{}]*\}\}$/.test(text)) {
    throw invalidTemplate(
      "Leading or trailing parameters not allowed",
      "Variables can't be at the start or end of the template.",
      SUBCODE.danglingParameter,
    );
  }
}

// Words-to-variables ratio (2388293): Meta documents the subcode and its sentence, never a formula, and no recorded
// refusal shows the body it refused (§2.4, §11). With nothing to model, the sandbox never refuses on this ground;
// a test that needs Meta's 2388293 answer injects it as a fault (`respond`).

// ---------------------------------------------------------------------------------------------
// Step 9: examples → 2388043; unknown media handles → code 100 mentioning header_handle

function missingExample(componentType: string): GraphError {
  // Observed wording (§2.4 [O]).
  return invalidTemplate(
    "Component is missing expected field(s)",
    `component of type ${componentType} is missing expected field(s) (example)`,
    SUBCODE.missingExample,
  );
}

function namedExampleNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => (isObject(item) && typeof item.param_name === "string" ? [item.param_name] : []));
}

/**
 * M-REV: "If your template uses variables you must include sample variable values"; M-CMP's syntax puts them in
 * `header_text` / `body_text` (one inner array) for positional and `*_named_params` for named parameters. A variable
 * with no sample is the observed 2388043 (§2.4 [O]). Meta publishes nothing against extra samples or extra rows,
 * so those are accepted.
 */
function checkComponentSamples(
  componentType: "HEADER" | "BODY",
  variables: string[],
  example: Json | undefined,
  format: ParameterFormat,
): void {
  if (variables.length === 0) return;
  if (format === "NAMED") {
    const named = namedExampleNames(
      example?.[componentType === "HEADER" ? "header_text_named_params" : "body_text_named_params"],
    );
    if (variables.some((variable) => !named.includes(variable))) throw missingExample(componentType);
    return;
  }
  const positional = example?.[componentType === "HEADER" ? "header_text" : "body_text"];
  // Meta's pages show body_text both as [[…]] (M-CMP, M-API) and, on the product-carousel page, as a bare string.
  const values = Array.isArray(positional)
    ? Array.isArray(positional[0])
      ? (positional[0] as unknown[])
      : positional
    : typeof positional === "string"
      ? [positional]
      : [];
  if (values.length < variables.length) throw missingExample(componentType);
}

function checkExamples(parsed: ParsedComponents, ctx: RuleContext, format: ParameterFormat): void {
  const header = parsed.header;
  if (header) {
    const example = isObject(header.raw.example) ? header.raw.example : undefined;
    if (header.format === "TEXT") {
      checkComponentSamples("HEADER", variableNames(header.raw.text as string), example, format);
    } else if (MEDIA_HEADER_FORMATS.has(header.format)) {
      // M-CMP media syntax: "example": {"header_handle": ["<HANDLE>"]} from the Resumable Upload API (§6 [V]).
      const handles = example?.header_handle;
      if (!Array.isArray(handles) || handles.length === 0) throw missingExample("HEADER");
      for (const handle of handles) {
        if (typeof handle !== "string" || ctx.resolveHeaderHandle(handle) === undefined) {
          // §6 [S]: an expired or invalid handle is a code 100 error mentioning header_handle.
          throw badParam(
            `Invalid parameter: example.header_handle "${String(handle)}" is not a valid uploaded file handle. Upload the sample with the Resumable Upload API and use the returned handle.`,
          );
        }
      }
    }
  }
  const body = parsed.body;
  if (body?.text !== undefined) {
    checkComponentSamples(
      "BODY",
      variableNames(body.text),
      isObject(body.raw.example) ? body.raw.example : undefined,
      format,
    );
  }
  for (const button of parsed.buttons?.list ?? []) {
    if (button.type !== "URL") continue;
    // Observed: a URL button with a variable and no `example` → 2388043 (§2.4 [O]). M-CMP's syntax is an array.
    if ((button.raw.url as string).includes("{{")) {
      const example = button.raw.example;
      const present = typeof example === "string" ? example !== "" : Array.isArray(example) && example.length > 0;
      if (!present) throw missingExample("BUTTONS");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Step 10: buttons → code 100 without subcode (Meta documents the limits, not the error: §2.3, §11)

function checkButtons(parsed: ParsedComponents, category: TemplateCategory): void {
  const list = parsed.buttons?.list ?? [];
  if (list.length === 0) return;
  const fail = (message: string): never => {
    throw invalidTemplate("Invalid buttons", message);
  };
  const count = (type: string): number => list.filter((button) => button.type === type).length;
  // M-CMP: "Templates can have a combination of up to 10 button components in total", "Templates are limited to two
  // URL buttons", "…one phone number button", "…one copy code button".
  if (list.length > 10) fail("A message template can have at most 10 buttons.");
  if (count("URL") > 2) fail("A message template can have at most 2 URL buttons.");
  if (count("PHONE_NUMBER") > 1) fail("A message template can have at most 1 phone number button.");
  if (count("COPY_CODE") > 1) fail("A message template can have at most 1 copy code button.");
  // M-AUTH: authentication templates consist of preset texts and "Either a one-tap autofill button, a copy code
  // button, or no button at all if using zero-tap" — the OTP button; "URLs … are not supported".
  if (category === "AUTHENTICATION" && list.some((button) => button.type !== "OTP"))
    fail("Authentication templates only support OTP buttons.");

  // M-CMP: "If using quick reply buttons with other buttons, buttons must be organized into two groups: quick reply
  // buttons and non-quick reply buttons. If grouped incorrectly, the API will return an error indicating an invalid
  // combination."
  const groups = list.map((button) => (button.type === "QUICK_REPLY" ? "QR" : "OTHER"));
  const switches = groups.filter((group, index) => index > 0 && group !== groups[index - 1]).length;
  if (switches > 1)
    fail("Invalid combination of buttons: quick reply buttons and other buttons must be grouped together.");

  for (const button of list) {
    if (button.type === "URL") {
      // M-CMP: the URL "Supports 1 variable, appended to the end of the URL string."
      const url = button.raw.url as string;
      const variables = findPlaceholders(url);
      const rest = url.replace(PLACEHOLDER, " ");
      if (rest.includes("{{") || rest.includes("}}") || variables.length > 1)
        fail("A URL button supports one variable, appended to the end of the URL.");
      const last = variables[0];
      if (last && last.end !== url.length) fail("A URL button supports one variable, appended to the end of the URL.");
    }
    if (button.type === "PHONE_NUMBER") {
      // Code 192 "Invalid phone number" for a PHONE_NUMBER button (M-REF-OLD create errors, §7.2 [V]). M-CMP calls
      // the number an "Alphanumeric string" and publishes no format, so only a value with no digit is invalid here.
      if (!/[0-9]/.test(button.raw.phone_number as string)) {
        throw new GraphError({
          status: 400,
          code: 192,
          message: "(#192) Invalid phone number",
          isTransient: false,
          userTitle: "Invalid phone number",
          userMessage: `The phone number ${String(button.raw.phone_number)} is not valid.`,
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication specifics (§2.5) and TTL ranges (§2.6) → code 100

// The autofill page: https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/autofill-button-authentication-templates

function checkAuthentication(parsed: ParsedComponents, category: TemplateCategory): void {
  if (category !== "AUTHENTICATION") return;
  const fail = (message: string): never => {
    throw invalidTemplate("Invalid authentication template", message);
  };
  if (parsed.footer) {
    // the autofill page, code expiration: "Minimum 1, maximum 90."
    const minutes = parsed.footer.raw.code_expiration_minutes;
    if (
      minutes !== undefined &&
      (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < 1 || minutes > 90)
    ) {
      fail("code_expiration_minutes must be an integer between 1 and 90.");
    }
  }
  // Meta's authentication page: an OTP button is mandatory — authentication templates without one cannot be sent or
  // edited since 1 April 2024 (§2.5 [V]); the zero-tap syntax carries one too (otp_type zero_tap).
  const otpButtons = parsed.buttons?.list.filter((button) => button.type === "OTP") ?? [];
  if (otpButtons.length !== 1) fail("Authentication templates must have exactly one OTP button.");
  const otp = otpButtons[0]?.raw ?? {};
  const otpType = upper(otp.otp_type);
  if (!otpType || !(OTP_TYPES as readonly string[]).includes(otpType)) {
    throw badParam(`Param otp_type must be one of {${OTP_TYPES.join(", ")}} - got "${String(otp.otp_type)}".`);
  }
  // the autofill page and the zero-tap page: "URLs, media, and emojis are not supported." The button labels are the only
  // free text an authentication template has.
  for (const key of ["text", "autofill_text"]) {
    if (typeof otp[key] === "string" && HAS_EMOJI.test(otp[key]))
      fail(`Authentication templates can't contain emojis (${key}).`);
  }
  if (otpType === "COPY_CODE") return;
  // the autofill page: package name and signature hash are "Required." inside `supported_apps` ("for up to 5 apps");
  // "If using Graph API version 20.0 or older, you can define your app's package name outside of the supported_apps
  // array" — and Meta's OpenAPI one-tap example does so, so a button-level pair counts as one app.
  const buttonLevel =
    otp.package_name !== undefined || otp.signature_hash !== undefined
      ? [{ package_name: otp.package_name, signature_hash: otp.signature_hash }]
      : [];
  const apps = Array.isArray(otp.supported_apps) ? otp.supported_apps : buttonLevel;
  if (apps.length === 0) fail(`${otpType} buttons require supported_apps.`);
  if (apps.length > 5) fail("supported_apps can have at most 5 entries.");
  for (const app of apps) {
    const packageName = isObject(app) ? app.package_name : undefined;
    const signatureHash = isObject(app) ? app.signature_hash : undefined;
    // the autofill page: "The string must have at least two segments (one or more dots), and each segment must start with
    // a letter. All characters must be alphanumeric or an underscore [a-zA-Z0-9_]. … Maximum 224 characters."
    if (
      typeof packageName !== "string" ||
      packageName.length > 224 ||
      !/^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$/.test(packageName)
    ) {
      fail(`"${String(packageName)}" is not a valid Android package name.`);
    }
    // the autofill page: "All characters must be either alphanumeric, +, /, or = (a-zA-Z0-9+/=)", 11 characters (§2.5 [V]).
    if (typeof signatureHash !== "string" || !/^[a-zA-Z0-9+/=]{11}$/.test(signatureHash))
      fail(`"${String(signatureHash)}" is not a valid app signature hash (11 characters).`);
  }
  // https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/authentication-templates/zero-tap-authentication-templates: zero_tap_terms_accepted is required
  // and must be true (§2.5 [V]).
  if (otpType === "ZERO_TAP" && otp.zero_tap_terms_accepted !== true)
    fail("Zero-tap buttons require zero_tap_terms_accepted: true.");
}

/** M-TTL https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/time-to-live: authentication 30–900 s, utility 30–43200 s, marketing 43200–2592000 s. */
function checkTtl(ttl: number | undefined, category: TemplateCategory): void {
  // -1 ("30-day custom TTL") is reported by third parties only (§2.6 [S]); Meta refuses nothing about it → accepted.
  if (ttl === undefined || ttl === -1) return;
  const ranges: Record<TemplateCategory, [number, number]> = {
    AUTHENTICATION: [30, 900],
    UTILITY: [30, 43_200],
    MARKETING: [43_200, 2_592_000],
  };
  const [min, max] = ranges[category];
  if (ttl < min || ttl > max) {
    throw invalidTemplate(
      "Invalid time-to-live",
      `message_send_ttl_seconds for ${category} templates must be between ${min} and ${max} seconds.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Read form (§2.5 OTP → URL, §6 header_handle → CDN URL)

const AUTH_TEXT: Record<
  string,
  { code: string; security: string; expiry: (minutes: number) => string; copy: string; autofill: string }
> = {
  en: {
    code: "*{{1}}* is your verification code.",
    security: "For your security, do not share this code.",
    expiry: (minutes) => `This code expires in ${minutes} minutes.`,
    copy: "Copy code",
    autofill: "Autofill",
  },
  id: {
    code: "*{{1}}* adalah kode verifikasi Anda.",
    security: "Demi keamanan, jangan bagikan kode ini.",
    expiry: (minutes) => `Kode ini kedaluwarsa dalam ${minutes} menit.`,
    copy: "Salin kode",
    autofill: "Isi otomatis",
  },
  pt: {
    code: "Seu código de verificação é *{{1}}*.",
    security: "Para sua segurança, não o compartilhe.",
    expiry: (minutes) => `Este código expira em ${minutes} minutos.`,
    copy: "Copiar código",
    autofill: "Preencher automaticamente",
  },
  es: {
    code: "Tu código de verificación es *{{1}}*.",
    security: "Por tu seguridad, no lo compartas.",
    expiry: (minutes) => `Este código caduca en ${minutes} minutos.`,
    copy: "Copiar código",
    autofill: "Autocompletar",
  },
};

function authText(language: string): (typeof AUTH_TEXT)[string] {
  const base = language.split("_")[0] ?? "en";
  return AUTH_TEXT[base] ?? (AUTH_TEXT.en as (typeof AUTH_TEXT)[string]);
}

/** A deterministic CDN-like URL for a header sample, as Meta shows on reads (§6 [V M-MGMT]). */
export function sampleCdnUrl(seed: string, format: string): string {
  const digest = createHash("sha256").update(seed).digest("hex");
  const extension = format === "DOCUMENT" ? "pdf" : format === "IMAGE" ? "jpg" : "mp4";
  const fileId = BigInt(`0x${digest.slice(0, 14)}`).toString();
  return `https://scontent.whatsapp.net/v/t61.29466-34/${fileId}_n.${extension}?ccb=1-7&_nc_sid=8b1bef&_nc_ohc=${digest.slice(14, 25)}&_nc_ht=scontent.whatsapp.net&oh=01_${digest.slice(25, 57)}&oe=${digest.slice(57, 65).toUpperCase()}`;
}

function toReadComponents(
  parsed: ParsedComponents,
  category: TemplateCategory,
  language: string,
  ctx: RuleContext,
): ReadComponent[] {
  if (category === "AUTHENTICATION") return authenticationReadComponents(parsed, language);
  const read: ReadComponent[] = [];
  const ordered: Array<{ index: number; component: ReadComponent }> = [];
  if (parsed.header) {
    const { type: _type, format: _format, ...rest } = parsed.header.raw;
    const component: ReadComponent = { type: "HEADER", format: parsed.header.format, ...rest };
    if (
      MEDIA_HEADER_FORMATS.has(parsed.header.format) &&
      isObject(rest.example) &&
      Array.isArray(rest.example.header_handle)
    ) {
      const handles = rest.example.header_handle as string[];
      component.example = {
        ...rest.example,
        header_handle: handles.map((handle) => ctx.resolveHeaderHandle(handle) ?? handle),
      };
    }
    ordered.push({ index: parsed.header.index, component });
  }
  if (parsed.body) {
    const { type: _type, ...rest } = parsed.body.raw;
    ordered.push({ index: parsed.body.index, component: { type: "BODY", ...rest } });
  }
  if (parsed.footer) {
    const { type: _type, ...rest } = parsed.footer.raw;
    ordered.push({ index: parsed.footer.index, component: { type: "FOOTER", ...rest } });
  }
  if (parsed.buttons) {
    const buttons = parsed.buttons.list.map((button) => {
      const { type: _type, ...rest } = button.raw;
      const readButton: Record<string, unknown> = { type: button.type, ...rest };
      // URL button examples are arrays on reads even when submitted as a bare string.
      if (button.type === "URL" && typeof readButton.example === "string") readButton.example = [readButton.example];
      return readButton;
    });
    ordered.push({ index: parsed.buttons.index, component: { type: "BUTTONS", buttons } });
  }
  // Special components (carousel, limited-time offer, …) read back as sent, in their place (§3.3 [V]).
  for (const extra of parsed.extras)
    ordered.push({ index: extra.index, component: { ...extra.raw, type: String(upper(extra.raw.type)) } });
  ordered.sort((a, b) => a.index - b.index);
  for (const { component } of ordered) read.push(component);
  return read;
}

/** Authentication templates read back with Meta's preset text, and the OTP button as a URL button (§2.5). */
export function authenticationReadComponents(
  parsed: Pick<ParsedComponents, "body" | "footer" | "buttons">,
  language: string,
): ReadComponent[] {
  const text = authText(language);
  const withSecurity = parsed.body?.raw.add_security_recommendation === true;
  const components: ReadComponent[] = [
    {
      type: "BODY",
      text: withSecurity ? `${text.code} ${text.security}` : text.code,
      ...(withSecurity ? { add_security_recommendation: true } : {}),
      example: { body_text: [["123456"]] },
    },
  ];
  const minutes = parsed.footer?.raw.code_expiration_minutes;
  if (typeof minutes === "number")
    components.push({ type: "FOOTER", text: text.expiry(minutes), code_expiration_minutes: minutes });
  const otp = parsed.buttons?.list.find((button) => button.type === "OTP")?.raw ?? { otp_type: "COPY_CODE" };
  const otpType = upper(otp.otp_type) ?? "COPY_CODE";
  const expiry = typeof minutes === "number" ? minutes : 10;
  const url = `https://www.whatsapp.com/otp/code/?otp_type=${otpType}&code_expiration_minutes=${expiry}&code=otp{{1}}`;
  const button: Record<string, unknown> = {
    type: "URL",
    text: typeof otp.text === "string" ? otp.text : text.copy,
    url,
    example: [url.replace("{{1}}", "123456")],
  };
  if (otpType !== "COPY_CODE") {
    button.autofill_text = typeof otp.autofill_text === "string" ? otp.autofill_text : text.autofill;
    if (Array.isArray(otp.supported_apps)) button.supported_apps = otp.supported_apps;
  }
  components.push({ type: "BUTTONS", buttons: [button] });
  return components;
}

export { languageDisplayName };
