// Meta's content rules for a template submission (§2 of meta-templates.md), checked in the order of §10.3,
// and the conversion of accepted components into the form Meta returns on reads (§2.5, §6, §10.5).
// Checks that need the WABA's state (duplicates, cooldowns, sibling category, limits, rate) live in the store.
import { createHash } from "node:crypto";

import { GraphError, SUBCODE, badParam, invalidTemplate } from "./graph-error.js";
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
}

type Json = Record<string, unknown>;

const NAME_PATTERN = /^[a-z0-9_]+$/; // §2.1 [V]
const NAME_MAX = 512;
const LIMITS = {
  headerText: 60,
  bodyText: 1024,
  footerText: 60,
  buttonText: 25,
  url: 2000,
  phoneNumber: 20,
  // §2.2 CONFLICT 15 vs 20: accept up to 20 [I].
  copyCodeExample: 20,
  otpText: 25,
} as const;
const HEADER_FORMATS = ["TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION"] as const;
const MEDIA_HEADER_FORMATS = new Set(["IMAGE", "VIDEO", "GIF", "DOCUMENT"]);
const COMPONENT_TYPES = ["HEADER", "BODY", "FOOTER", "BUTTONS", "CAROUSEL", "LIMITED_TIME_OFFER"] as const;
const BUTTON_TYPES = ["QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW", "MPM", "CATALOG", "SPM", "VOICE_CALL"] as const;
const OTP_TYPES = ["COPY_CODE", "ONE_TAP", "ZERO_TAP"] as const;
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const POSITIONAL_NAME = /^[1-9][0-9]*$/;
const NAMED_PARAM = /^[a-z_]+$/; // §2.4 [V]: "lowercase characters and underscores" (schema DECISIONS.md D10)
const EMOJI = /\p{Extended_Pictographic}/gu;
const HAS_EMOJI = /\p{Extended_Pictographic}/u; // no /g: .test() must not carry lastIndex between calls

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const upper = (value: unknown): string | undefined => (typeof value === "string" ? value.toUpperCase() : undefined);

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Validates a create (or edit, with `existing`) request body and returns it in read form.
 * Throws the GraphError Meta would answer with for the first rule broken (§10.3 order).
 */
export function checkTemplateSubmission(body: Json, ctx: RuleContext, existing?: { name: string; language: string; category: TemplateCategory }): TemplateSubmission {
  // 1. Presence and types of top-level params → code 100.
  const name = existing?.name ?? requireString(body, "name");
  const language = existing?.language ?? requireString(body, "language");
  const categoryRaw = existing ? (body.category ?? undefined) : requireString(body, "category");
  const components = parseComponentsParam(body.components, existing !== undefined);

  // 2. Name pattern/length → code 100 (no subcode) [I].
  if (!existing) {
    if (name.length > NAME_MAX) {
      throw invalidTemplate("Invalid name", `Message template names can have at most ${NAME_MAX} characters.`);
    }
    if (!NAME_PATTERN.test(name)) {
      throw invalidTemplate("Invalid name", "Message template names can only contain lowercase alphanumeric characters and underscores ( _ ).");
    }
    if (SUPPORTED_LANGUAGES[language] === undefined) {
      throw badParam(`Param language must be one of {${Object.keys(SUPPORTED_LANGUAGES).join(", ")}} - got "${language}".`);
    }
  }

  // 3. Category enum; create accepts lowercase (§1.1) → code 100 with Graph's enum message.
  let category: TemplateCategory | undefined;
  if (categoryRaw !== undefined) {
    const candidate = upper(categoryRaw);
    if (!candidate || !(TEMPLATE_CATEGORIES as readonly string[]).includes(candidate)) {
      throw badParam(`Param category must be one of {${TEMPLATE_CATEGORIES.join(", ")}} - got "${String(categoryRaw)}".`);
    }
    category = candidate as TemplateCategory;
  }
  const effectiveCategory = category ?? existing?.category ?? "UTILITY";

  let parameterFormat: ParameterFormat = "POSITIONAL"; // default when omitted [V M-OVR]
  if (body.parameter_format !== undefined) {
    const format = upper(body.parameter_format);
    if (format !== "POSITIONAL" && format !== "NAMED") {
      throw badParam(`Param parameter_format must be one of {POSITIONAL, NAMED} - got "${String(body.parameter_format)}".`);
    }
    parameterFormat = format;
  }

  const ttl = optionalInteger(body, "message_send_ttl_seconds");
  const subCategory = body.sub_category === undefined ? undefined : upper(body.sub_category);
  const linkTracking = optionalBoolean(body, "cta_url_link_tracking_opted_out");

  const parsed = parseComponentStructure(components, effectiveCategory);
  checkAuthenticationStructure(parsed, effectiveCategory);
  checkCharacterLimits(parsed);
  checkHeaderFormat(parsed, effectiveCategory, parameterFormat);
  checkFooterFormat(parsed);
  checkBodyFormat(parsed, parameterFormat);
  checkDanglingParameters(parsed);
  checkWordsRatio(parsed);
  checkExamples(parsed, ctx, parameterFormat);
  checkButtons(parsed, effectiveCategory);
  checkAuthentication(parsed, effectiveCategory);
  checkTtl(ttl, effectiveCategory);

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

/** Category the edit asked for, if any (edits may omit it). */
export function requestedCategory(body: Json): TemplateCategory | undefined {
  const candidate = upper(body.category);
  return candidate && (TEMPLATE_CATEGORIES as readonly string[]).includes(candidate) ? (candidate as TemplateCategory) : undefined;
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

/** Form-encoded requests carry `components` as a JSON string (§1.1). */
function parseComponentsParam(value: unknown, isEdit: boolean): unknown[] {
  if (value === undefined || value === null) {
    throw badParam(isEdit ? "The parameter components is required when editing content" : "The parameter components is required");
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
  body?: { index: number; text: string | undefined; raw: Json };
  footer?: { index: number; text: string | undefined; raw: Json };
  buttons?: { index: number; list: ParsedButton[]; raw: Json };
  /** CAROUSEL / LIMITED_TIME_OFFER are accepted and stored without deep validation [I]. */
  extras: Json[];
}

function parseComponentStructure(components: unknown[], category: TemplateCategory): ParsedComponents {
  const parsed: ParsedComponents = { extras: [] };
  components.forEach((component, index) => {
    if (!isObject(component)) throw badParam(`Param components[${index}] must be an object`);
    const type = upper(component.type);
    if (!type) throw badParam(`The parameter components[${index}][type] is required`);
    if (!(COMPONENT_TYPES as readonly string[]).includes(type)) {
      throw badParam(`Param components[${index}][type] must be one of {${COMPONENT_TYPES.join(", ")}} - got "${String(component.type)}".`);
    }
    const duplicate = (present: unknown): void => {
      if (present) throw invalidTemplate("Invalid components", `A message template can only have one ${type} component.`);
    };
    switch (type) {
      case "HEADER": {
        duplicate(parsed.header);
        const format = upper(component.format);
        if (!format || !(HEADER_FORMATS as readonly string[]).includes(format)) {
          throw invalidTemplate(
            "Message header format is incorrect",
            `The header format must be one of ${HEADER_FORMATS.join(", ")}.`,
            SUBCODE.headerFormat,
          );
        }
        parsed.header = { index, format: format as (typeof HEADER_FORMATS)[number], raw: component };
        // A missing TEXT header text is reported in checkHeaderFormat, after the AUTHENTICATION check.
        if (component.text !== undefined && typeof component.text !== "string") throw badParam(`Param components[${index}][text] must be a string`);
        break;
      }
      case "BODY": {
        duplicate(parsed.body);
        if (component.text !== undefined && typeof component.text !== "string") throw badParam(`Param components[${index}][text] must be a string`);
        parsed.body = { index, text: component.text as string | undefined, raw: component };
        break;
      }
      case "FOOTER": {
        duplicate(parsed.footer);
        if (component.text !== undefined && typeof component.text !== "string") throw badParam(`Param components[${index}][text] must be a string`);
        parsed.footer = { index, text: component.text as string | undefined, raw: component };
        break;
      }
      case "BUTTONS": {
        duplicate(parsed.buttons);
        if (!Array.isArray(component.buttons) || component.buttons.length === 0) {
          throw badParam(`The parameter components[${index}][buttons] is required`);
        }
        const list = component.buttons.map((button: unknown, buttonIndex: number): ParsedButton => {
          if (!isObject(button)) throw badParam(`Param components[${index}][buttons][${buttonIndex}] must be an object`);
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
      default:
        if (category !== "MARKETING") {
          throw invalidTemplate("Invalid components", `${type} components are only supported in MARKETING templates.`);
        }
        parsed.extras.push(component);
    }
  });
  if (!parsed.body) {
    throw invalidTemplate("Missing message body", "A message template must have exactly one BODY component.");
  }
  if (category !== "AUTHENTICATION" && (parsed.body.text === undefined || parsed.body.text.trim() === "")) {
    throw badParam(`The parameter components[${parsed.body.index}][text] is required`);
  }
  if (category !== "AUTHENTICATION" && parsed.footer && (parsed.footer.text === undefined || parsed.footer.text.trim() === "")) {
    throw badParam(`The parameter components[${parsed.footer.index}][text] is required`);
  }
  return parsed;
}

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
      // Same answer as any other missing sample (§2.4 [O] 2388043; schema DECISIONS.md D22).
      if (typeof button.example !== "string" || button.example === "") throw missingExample("BUTTONS");
      break;
    case "OTP":
      need("otp_type");
      break;
    case "FLOW":
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
// Step 4: character limits → 2388040

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

/** Placeholder misuse Meta reports as 2388072 (body) / 2388047 (header): malformed, mixed, non-sequential. */
function placeholderProblem(text: string, format: ParameterFormat): string | undefined {
  // Replaced by a space, not removed: `{{{1}}{` must not glue two single braces into a stray `{{`.
  const stripped = text.replace(PLACEHOLDER, " ");
  if (stripped.includes("{{") || stripped.includes("}}")) return "has a variable with missing or mismatched curly braces";
  const placeholders = findPlaceholders(text);
  const expected = format === "POSITIONAL" ? POSITIONAL_NAME : NAMED_PARAM;
  for (const placeholder of placeholders) {
    if (!expected.test(placeholder.name)) {
      return format === "POSITIONAL"
        ? `has the variable {{${placeholder.name}}}; positional variables must be numbers such as {{1}}`
        : `has the variable {{${placeholder.name}}}; named variables must use lowercase letters and underscores`;
    }
  }
  if (format === "POSITIONAL") {
    const firstSeen: number[] = [];
    for (const placeholder of placeholders) {
      const number = Number(placeholder.name);
      if (!firstSeen.includes(number)) firstSeen.push(number);
    }
    if (firstSeen.some((number, index) => number !== index + 1)) {
      return "has variables that aren't sequential; variables must start at {{1}} and follow in order";
    }
  }
  return undefined;
}

export function distinctParameters(text: string | undefined): string[] {
  if (text === undefined) return [];
  return [...new Set(findPlaceholders(text).map((placeholder) => placeholder.name))];
}

// ---------------------------------------------------------------------------------------------
// Step 5: header → 2388047, step 6: footer → 2388073

function checkHeaderFormat(parsed: ParsedComponents, category: TemplateCategory, format: ParameterFormat): void {
  const header = parsed.header;
  if (!header) return;
  const fail = (message: string): never => {
    throw invalidTemplate("Message header format is incorrect", message, SUBCODE.headerFormat);
  };
  if (category === "AUTHENTICATION") fail("Authentication templates can't have a header.");
  if (header.format === "LOCATION" && category !== "UTILITY" && category !== "MARKETING") fail("Location headers are only available in utility and marketing templates.");
  // GIF headers belong to the Marketing Messages API (§1.2 [V M-CMP]).
  if (header.format === "GIF" && category !== "MARKETING") fail("GIF headers are only available in marketing templates.");
  if (header.format !== "TEXT") {
    if (header.raw.text !== undefined) fail(`A ${header.format} header can't have text.`);
    return;
  }
  const text = header.raw.text;
  if (typeof text !== "string" || text.trim() === "") throw badParam(`The parameter components[${header.index}][text] is required`);
  const problem = placeholderProblem(text, format);
  if (problem) fail(`The header ${problem}.`);
  // Occurrences, not distinct names: `{{1}} … {{1}}` is two variables in a header (§2.2 "max 1 variable").
  if (findPlaceholders(text).length > 1) fail("The header can have at most one variable.");
  // Third-party reports (§2.2 [S]): no newlines, emojis or markdown in text headers.
  if (/[\r\n]/.test(text)) fail("The header can't contain new lines.");
  if (HAS_EMOJI.test(text)) fail("The header can't contain emojis.");
  if (/[*~`]/.test(text)) fail("The header can't contain formatting characters such as asterisks.");
}

function checkFooterFormat(parsed: ParsedComponents): void {
  const text = parsed.footer?.text;
  if (text === undefined) return;
  const fail = (message: string): never => {
    throw invalidTemplate("Message footer format is incorrect", message, SUBCODE.footerFormat);
  };
  if (text.includes("{{") || text.includes("}}")) fail("The footer can't contain variables.");
  if (/[\r\n]/.test(text)) fail("The footer can't contain new lines.");
}

// ---------------------------------------------------------------------------------------------
// Step 7: body format (2388072, then the observed no-subcode sentence) and dangling parameters (2388299)

function checkBodyFormat(parsed: ParsedComponents, format: ParameterFormat): void {
  const text = parsed.body?.text;
  if (text === undefined) return;
  const problem = placeholderProblem(text, format);
  if (problem) throw invalidTemplate("Message body format is incorrect", `The body ${problem}.`, SUBCODE.bodyFormat);
  const withoutParams = text.replace(PLACEHOLDER, "").trim();
  const emojiCount = text.match(EMOJI)?.length ?? 0;
  if (/\n\s*\n\s*\n/.test(text) || withoutParams.replace(/[\p{P}\s]/gu, "") === "" || emojiCount > 10) {
    // Observed verbatim, without a subcode [O OBS-J].
    throw invalidTemplate(
      "Message body format is incorrect",
      "The message body can't have more than two consecutive newline characters, only have parameters, or have more than 10 emojis.",
    );
  }
}

function checkDanglingParameters(parsed: ParsedComponents): void {
  const text = parsed.body?.text?.trim();
  if (!text) return;
  // Only whitespace counts as "nothing": "Your code is {{1}}." is fine [I].
  if (/^\{\{[^{}]*\}\}/.test(text) || /\{\{[^{}]*\}\}$/.test(text)) {
    throw invalidTemplate("Leading or trailing parameters not allowed", "Variables can't be at the start or end of the template.", SUBCODE.danglingParameter);
  }
}

// ---------------------------------------------------------------------------------------------
// Step 8: words ratio → 2388293. Meta's formula is unpublished (§2.4); the sandbox requires at least
// 2 × variables + 1 fixed words in the body [I, documented in the README].

export function fixedWordCount(text: string): number {
  return text
    .replace(PLACEHOLDER, " ")
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

function checkWordsRatio(parsed: ParsedComponents): void {
  const text = parsed.body?.text;
  if (text === undefined) return;
  const variables = findPlaceholders(text).length;
  if (variables > 0 && fixedWordCount(text) < 2 * variables + 1) {
    throw invalidTemplate(
      "Parameters words ratio exceeds limit",
      "This template has too many variables for its length. Reduce the number of variables or increase the message length.",
      SUBCODE.wordsRatio,
    );
  }
}

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

function exampleCountMismatch(componentType: string, expected: number, got: number): GraphError {
  return invalidTemplate(
    "Component is missing expected field(s)",
    `component of type ${componentType} has ${expected} variable(s) but ${got} example value(s)`,
    SUBCODE.missingExample,
  );
}

function namedExampleNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((item) => (isObject(item) && typeof item.param_name === "string" ? item.param_name : ""));
}

/**
 * Samples must match the variables exactly (schema DECISIONS.md D15): POSITIONAL components take
 * `header_text` / `body_text` (one inner array), NAMED ones `*_named_params` naming each variable once.
 */
function checkComponentSamples(componentType: string, variables: string[], example: Json | undefined, format: ParameterFormat): void {
  if (variables.length === 0) return;
  if (format === "NAMED") {
    const named = namedExampleNames(example?.[componentType === "HEADER" ? "header_text_named_params" : "body_text_named_params"]);
    if (!named || named.length === 0) throw missingExample(componentType);
    const exact = named.length === variables.length && new Set(named).size === named.length && variables.every((variable) => named.includes(variable));
    if (!exact) throw exampleCountMismatch(componentType, variables.length, named.length);
    return;
  }
  if (componentType === "HEADER") {
    const positional = example?.header_text;
    if (!Array.isArray(positional) || positional.length === 0) throw missingExample(componentType);
    if (positional.length !== variables.length) throw exampleCountMismatch(componentType, variables.length, positional.length);
    return;
  }
  const positional = example?.body_text;
  if (!Array.isArray(positional) || positional.length === 0) throw missingExample(componentType);
  // One inner array of values; Meta's components page also shows a flat list, accepted as that array.
  const values = Array.isArray(positional[0]) ? (positional.length === 1 ? (positional[0] as unknown[]) : undefined) : positional;
  if (values === undefined) throw exampleCountMismatch(componentType, variables.length, positional.length);
  if (values.length === 0) throw missingExample(componentType);
  if (values.length !== variables.length) throw exampleCountMismatch(componentType, variables.length, values.length);
}

function checkExamples(parsed: ParsedComponents, ctx: RuleContext, format: ParameterFormat): void {
  const header = parsed.header;
  if (header) {
    const example = isObject(header.raw.example) ? header.raw.example : undefined;
    if (header.format === "TEXT") {
      checkComponentSamples("HEADER", distinctParameters(header.raw.text as string), example, format);
    } else if (MEDIA_HEADER_FORMATS.has(header.format)) {
      const handles = example?.header_handle;
      if (!Array.isArray(handles) || handles.length === 0) throw missingExample("HEADER");
      for (const handle of handles) {
        if (typeof handle !== "string" || ctx.resolveHeaderHandle(handle) === undefined) {
          // §6 [S]: an expired or invalid handle is a code 100 error mentioning header_handle.
          throw badParam(`Invalid parameter: example.header_handle "${String(handle)}" is not a valid uploaded file handle. Upload the sample with the Resumable Upload API and use the returned handle.`);
        }
      }
    }
  }
  const body = parsed.body;
  if (body?.text !== undefined) {
    checkComponentSamples("BODY", distinctParameters(body.text), isObject(body.raw.example) ? body.raw.example : undefined, format);
  }
  for (const button of parsed.buttons?.list ?? []) {
    if (button.type !== "URL") continue;
    const url = button.raw.url as string;
    if (url.includes("{{")) {
      // One sample URL: a bare string or a one-item array (§1.2 [V]).
      const example = button.raw.example;
      if (typeof example === "string") {
        if (example === "") throw missingExample("BUTTONS");
      } else if (!Array.isArray(example) || example.length === 0) {
        throw missingExample("BUTTONS");
      } else if (example.length !== 1 || typeof example[0] !== "string") {
        throw exampleCountMismatch("BUTTONS", 1, example.length);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Step 10: buttons (counts, grouping, per-type rules) → code 100 without subcode [I: not documented]

function checkButtons(parsed: ParsedComponents, category: TemplateCategory): void {
  const list = parsed.buttons?.list ?? [];
  if (list.length === 0) return;
  const fail = (message: string): never => {
    throw invalidTemplate("Invalid buttons", message);
  };
  if (list.length > 10) fail("A message template can have at most 10 buttons.");
  const count = (type: string): number => list.filter((button) => button.type === type).length;
  if (count("URL") > 2) fail("A message template can have at most 2 URL buttons.");
  if (count("PHONE_NUMBER") > 1) fail("A message template can have at most 1 phone number button.");
  if (count("COPY_CODE") > 1) fail("A message template can have at most 1 copy code button.");
  if (category !== "AUTHENTICATION" && count("OTP") > 0) fail("OTP buttons are only available in authentication templates.");
  if (category === "AUTHENTICATION" && list.some((button) => button.type !== "OTP")) fail("Authentication templates only support OTP buttons.");

  // Quick replies and other buttons must form two contiguous groups (§2.3 [V]).
  const groups = list.map((button) => (button.type === "QUICK_REPLY" ? "QR" : "OTHER"));
  const switches = groups.filter((group, index) => index > 0 && group !== groups[index - 1]).length;
  if (switches > 1) fail("Invalid combination of buttons: quick reply buttons and other buttons must be grouped together.");

  for (const button of list) {
    if (button.type === "URL") {
      const url = button.raw.url as string;
      const variables = findPlaceholders(url);
      if (!/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(url.replace(PLACEHOLDER, "x"))) fail(`The button URL "${url}" is not a valid URL.`);
      const rest = url.replace(PLACEHOLDER, " ");
      if (rest.includes("{{") || rest.includes("}}")) fail("A URL button's variable must be {{1}} at the end of the URL.");
      if (variables.length > 1) fail("A URL button can have at most one variable.");
      const last = variables[0];
      if (last && (last.end !== url.length || last.name !== "1")) fail("A URL button's variable must be {{1}} at the end of the URL.");
    }
    if (button.type === "PHONE_NUMBER") {
      const phone = (button.raw.phone_number as string).replace(/[\s-]/g, "");
      if (!/^\+?[1-9][0-9]{6,18}$/.test(phone)) {
        // Code 192 for an invalid PHONE_NUMBER button [V M-REF-OLD].
        throw new GraphError({ status: 400, code: 192, message: "(#192) Invalid phone number", isTransient: false, userTitle: "Invalid phone number", userMessage: `The phone number ${String(button.raw.phone_number)} is not valid.` });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication specifics (§2.5) and TTL ranges (§2.6) → code 100

function checkAuthentication(parsed: ParsedComponents, category: TemplateCategory): void {
  const fail = (message: string): never => {
    throw invalidTemplate("Invalid authentication template", message);
  };
  if (category !== "AUTHENTICATION") {
    if (parsed.body?.raw.add_security_recommendation !== undefined) fail("add_security_recommendation is only available in authentication templates.");
    if (parsed.footer?.raw.code_expiration_minutes !== undefined) fail("code_expiration_minutes is only available in authentication templates.");
    return;
  }
  if (parsed.footer) {
    const minutes = parsed.footer.raw.code_expiration_minutes;
    if (minutes !== undefined && (typeof minutes !== "number" || !Number.isInteger(minutes) || minutes < 1 || minutes > 90)) {
      fail("code_expiration_minutes must be an integer between 1 and 90.");
    }
  }
  const otpButtons = parsed.buttons?.list.filter((button) => button.type === "OTP") ?? [];
  if (otpButtons.length !== 1) fail("Authentication templates must have exactly one OTP button.");
  const otp = otpButtons[0]?.raw ?? {};
  const otpType = upper(otp.otp_type);
  if (!otpType || !(OTP_TYPES as readonly string[]).includes(otpType)) {
    throw badParam(`Param otp_type must be one of {${OTP_TYPES.join(", ")}} - got "${String(otp.otp_type)}".`);
  }
  if (otpType === "COPY_CODE" && otp.autofill_text !== undefined) fail("autofill_text is only available for ONE_TAP and ZERO_TAP buttons.");
  // §2.5 [V]: "URLs, media and emojis are not supported" — the button labels are the only free text left.
  for (const key of ["text", "autofill_text"]) {
    if (typeof otp[key] === "string" && HAS_EMOJI.test(otp[key])) fail(`Authentication templates can't contain emojis (${key}).`);
  }
  if (otpType !== "COPY_CODE") {
    const apps = otp.supported_apps;
    if (!Array.isArray(apps) || apps.length === 0) fail(`${otpType} buttons require supported_apps.`);
    if (Array.isArray(apps) && apps.length > 5) fail("supported_apps can have at most 5 entries.");
    for (const app of Array.isArray(apps) ? apps : []) {
      const packageName = isObject(app) ? app.package_name : undefined;
      const signatureHash = isObject(app) ? app.signature_hash : undefined;
      if (typeof packageName !== "string" || packageName.length > 224 || !/^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$/.test(packageName)) {
        fail(`"${String(packageName)}" is not a valid Android package name.`);
      }
      if (typeof signatureHash !== "string" || !/^[a-zA-Z0-9+/=]{11}$/.test(signatureHash)) fail(`"${String(signatureHash)}" is not a valid app signature hash (11 characters).`);
    }
    if (otpType === "ZERO_TAP" && otp.zero_tap_terms_accepted !== true) fail("Zero-tap buttons require zero_tap_terms_accepted: true.");
  }
}

/**
 * AUTHENTICATION free text, checked right after the structure (before any text rule): Meta writes the body and
 * footer itself, so their text is refused as such rather than by the body/footer format rules.
 */
function checkAuthenticationStructure(parsed: ParsedComponents, category: TemplateCategory): void {
  if (category !== "AUTHENTICATION") return;
  const fail = (message: string): never => {
    throw invalidTemplate("Invalid authentication template", message);
  };
  if (parsed.body?.text !== undefined) fail("Authentication templates use preset body text; remove the body text.");
  if (parsed.extras.length > 0) fail("Authentication templates only support BODY, FOOTER and BUTTONS components.");
  if (parsed.footer?.text !== undefined) fail("Authentication templates use preset footer text; set code_expiration_minutes instead.");
}

function checkTtl(ttl: number | undefined, category: TemplateCategory): void {
  if (ttl === undefined || ttl === -1) return; // -1 = "30-day custom TTL" [S], accepted [I]
  const ranges: Record<TemplateCategory, [number, number]> = {
    AUTHENTICATION: [30, 900],
    UTILITY: [30, 43_200],
    MARKETING: [43_200, 2_592_000],
  };
  const [min, max] = ranges[category];
  if (ttl < min || ttl > max) {
    throw invalidTemplate("Invalid time-to-live", `message_send_ttl_seconds for ${category} templates must be between ${min} and ${max} seconds.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Read form (§2.5 OTP → URL, §6 header_handle → CDN URL)

const AUTH_TEXT: Record<string, { code: string; security: string; expiry: (minutes: number) => string; copy: string; autofill: string }> = {
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

function toReadComponents(parsed: ParsedComponents, category: TemplateCategory, language: string, ctx: RuleContext): ReadComponent[] {
  if (category === "AUTHENTICATION") return authenticationReadComponents(parsed, language);
  const read: ReadComponent[] = [];
  const ordered: Array<{ index: number; component: ReadComponent }> = [];
  if (parsed.header) {
    const { type: _type, format: _format, ...rest } = parsed.header.raw;
    const component: ReadComponent = { type: "HEADER", format: parsed.header.format, ...rest };
    if (MEDIA_HEADER_FORMATS.has(parsed.header.format) && isObject(rest.example) && Array.isArray(rest.example.header_handle)) {
      const handles = rest.example.header_handle as string[];
      component.example = { ...rest.example, header_handle: handles.map((handle) => ctx.resolveHeaderHandle(handle) ?? handle) };
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
  for (const extra of parsed.extras) ordered.push({ index: Number.MAX_SAFE_INTEGER, component: { ...extra, type: String(upper(extra.type)) } });
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
  if (typeof minutes === "number") components.push({ type: "FOOTER", text: text.expiry(minutes), code_expiration_minutes: minutes });
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
