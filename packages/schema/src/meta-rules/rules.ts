import { formatIssuePath } from "../issues.js";
import {
  requestedTtl,
  type TCreateTemplateRequest,
  type TTemplateButton,
  type TTemplateCategory,
  type TTemplateComponent,
} from "../template-request.js";
import { checkCarousel } from "./carousel.js";
import { META_RULE_SUBCODES, type TemplateRuleCode } from "./catalogue.js";
import { checkLimitedTimeOffer } from "./limited-time-offer.js";
import { checkKindButton, checkKindTemplate } from "./flows-commerce-calling.js";
import {
  countEmoji,
  distinctNames,
  hasAdjacentPlaceholders,
  hasLeadingOrTrailingPlaceholder,
  scanPlaceholders,
  type Placeholder,
  type PlaceholderKind,
} from "./placeholders.js";

/** Meta's numeric limits as this package enforces them (DECISIONS.md explains each choice). */
export const META_TEMPLATE_LIMITS = {
  headerTextLength: 60,
  headerVariables: 1,
  bodyTextLength: 1024,
  bodyEmoji: 10,
  /** More than this many newlines in a row (only whitespace between them) is refused. */
  bodyConsecutiveNewlines: 2,
  /** The body needs at least this many fixed words per variable, plus one (D16's shared heuristic). */
  fixedWordsPerVariable: 2,
  footerTextLength: 60,
  buttons: 10,
  urlButtons: 2,
  phoneNumberButtons: 1,
  copyCodeButtons: 1,
  copyCodeExampleLength: 20,
  otpAutofillTextLength: 25,
  supportedApps: 5,
  packageNameLength: 224,
  signatureHashLength: 11,
} as const;

/** Allowed `messageSendTtlSeconds` per category (Meta "Configure message time-to-live"). */
export const MESSAGE_SEND_TTL_RANGES: {
  readonly [Category in TTemplateCategory]: { readonly min: number; readonly max: number };
} = {
  AUTHENTICATION: { min: 30, max: 900 },
  UTILITY: { min: 30, max: 43200 },
  MARKETING: { min: 43200, max: 2592000 },
};

/** A URL button's url once its variable is replaced: http(s), a host, no whitespace (D21). */
const BUTTON_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
/** Characters a text header cannot hold (D7): line breaks and WhatsApp's formatting marks. */
const HEADER_FORBIDDEN = /[\r\n*~`]/;
const TOKEN = /\{\{[^{}]*\}\}/g;

const PACKAGE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$/;
const SIGNATURE_HASH = /^[a-zA-Z0-9+/=]{11}$/;

/** One broken Meta rule: a stable code, the offending field, a message, and Meta's subcode for it when one exists. */
export interface TemplateRuleViolation {
  code: TemplateRuleCode;
  /** Path of the offending field, formatted like `components[2].buttons[0].url`. */
  param: string;
  message: string;
  meta_subcode?: number;
}

/** A violation with its raw path, for building zod issues. */
export interface LocatedRuleViolation {
  code: TemplateRuleCode;
  path: (string | number)[];
  message: string;
  meta_subcode?: number;
}

type Path = (string | number)[];

/** Code points, not UTF-16 units: an emoji is one character for Meta as for the reader. */
function characterCount(text: string): number {
  return [...text].length;
}

function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === "";
}

class ViolationList {
  readonly items: LocatedRuleViolation[] = [];
  add(code: TemplateRuleCode, path: Path, message: string): void {
    const subcode = META_RULE_SUBCODES[code];
    this.items.push({ code, path, message, ...(subcode === null ? {} : { meta_subcode: subcode }) });
  }
}

interface RuleContext {
  readonly category: TTemplateCategory;
  /** Kind every variable must have: positional unless `parameter_format: NAMED`. */
  readonly variableKind: Exclude<PlaceholderKind, "invalid">;
  readonly violations: ViolationList;
}

/**
 * Checks a parsed create request against every Meta template rule that can be checked without calling Meta.
 * Returns all violations, in component order then template-wide; empty when Meta should accept the request
 * (except for review-time judgement and the unpublished words-to-variables ratio, see DECISIONS.md).
 */
export function validateTemplateForMeta(input: TCreateTemplateRequest): TemplateRuleViolation[] {
  return locateTemplateRuleViolations(input).map(({ path, ...rest }) => ({ ...rest, param: formatIssuePath(path) }));
}

/** Same as `validateTemplateForMeta`, with raw paths instead of formatted params. */
export function locateTemplateRuleViolations(input: TCreateTemplateRequest): LocatedRuleViolation[] {
  const context: RuleContext = {
    category: input.category,
    variableKind: input.parameter_format === "NAMED" ? "named" : "positional",
    violations: new ViolationList(),
  };
  // A Template Library create has no components of ours: Meta builds them from its library entry.
  const components = input.components ?? [];
  if (input.components === undefined) {
    checkTimeToLive(input, context);
    return context.violations.items;
  }
  checkComponentCounts(components, context);
  components.forEach((component, index) => {
    const path: Path = ["components", index];
    checkFieldPlacement(component, path, context);
    switch (component.type) {
      case "HEADER":
        checkHeader(component, path, context);
        break;
      case "BODY":
        checkBody(component, path, context);
        break;
      case "FOOTER":
        checkFooter(component, path, context);
        break;
      case "BUTTONS":
        checkButtonsComponent(component, path, context);
        break;
      // Issue 16 kinds: their own files.
      case "CAROUSEL":
        checkCarousel(component, path, components, input.category, (code, at, message) =>
          context.violations.add(code, at, message),
        );
        break;
      case "LIMITED_TIME_OFFER":
        checkLimitedTimeOffer(component, path, components, input.category, (code, at, message) =>
          context.violations.add(code, at, message),
        );
        break;
    }
  });
  checkButtonMix(components, context);
  checkKindTemplate(components, context.category, (code, path, message) => context.violations.add(code, path, message));
  checkTimeToLive(input, context);
  return context.violations.items;
}

// ── structure ──────────────────────────────────────────────────────────────────────────────────────

function checkComponentCounts(components: readonly TTemplateComponent[], { violations }: RuleContext): void {
  const seen = new Set<string>();
  components.forEach((component, index) => {
    if (component.type === "BODY") return; // the wire schema already demands exactly one BODY
    if (seen.has(component.type)) {
      violations.add(
        "template_component_duplicated",
        ["components", index, "type"],
        `A template may have only one ${component.type} component.`,
      );
    }
    seen.add(component.type);
  });
}

function checkFieldPlacement(component: TTemplateComponent, path: Path, { category, violations }: RuleContext): void {
  const misplaced = (field: string, belongsTo: string) =>
    violations.add(
      "template_component_field_misplaced",
      [...path, field],
      `${field} is only allowed on a ${belongsTo} component, not on ${component.type}.`,
    );
  if (component.format !== undefined && component.type !== "HEADER") misplaced("format", "HEADER");
  if (component.buttons !== undefined && component.type !== "BUTTONS") misplaced("buttons", "BUTTONS");
  if (component.cards !== undefined && component.type !== "CAROUSEL") misplaced("cards", "CAROUSEL");
  if (component.limited_time_offer !== undefined && component.type !== "LIMITED_TIME_OFFER")
    misplaced("limited_time_offer", "LIMITED_TIME_OFFER");
  if (component.text !== undefined && (component.type === "CAROUSEL" || component.type === "LIMITED_TIME_OFFER")) {
    violations.add(
      "template_component_field_misplaced",
      [...path, "text"],
      `A ${component.type} component has no text.`,
    );
  }
  if (component.text !== undefined && component.type === "BUTTONS") {
    violations.add(
      "template_component_field_misplaced",
      [...path, "text"],
      "A BUTTONS component has no text; put labels on its buttons.",
    );
  }
  if (component.type === "CALL_PERMISSION_REQUEST") {
    for (const field of ["text", "example"] as const) {
      if (component[field] !== undefined) {
        violations.add(
          "template_component_field_misplaced",
          [...path, field],
          `A CALL_PERMISSION_REQUEST component takes no ${field}: Meta writes its content.`,
        );
      }
    }
  }
  const authOnly: [field: "add_security_recommendation" | "code_expiration_minutes", belongsTo: string][] = [
    ["add_security_recommendation", "BODY"],
    ["code_expiration_minutes", "FOOTER"],
  ];
  for (const [field, belongsTo] of authOnly) {
    if (component[field] === undefined) continue;
    if (category !== "AUTHENTICATION") {
      violations.add(
        "template_auth_field_not_allowed",
        [...path, field],
        `${field} is only for AUTHENTICATION templates.`,
      );
    } else if (component.type !== belongsTo) {
      misplaced(field, belongsTo);
    }
  }
}

// ── header ─────────────────────────────────────────────────────────────────────────────────────────

function checkHeader(component: TTemplateComponent, path: Path, context: RuleContext): void {
  const { violations } = context;
  if (context.category === "AUTHENTICATION") {
    violations.add("template_auth_header_not_allowed", path, "AUTHENTICATION templates cannot have a HEADER.");
    return;
  }
  switch (component.format) {
    case undefined:
      violations.add(
        "template_header_format_required",
        [...path, "format"],
        "A HEADER needs a format: TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.",
      );
      return;
    case "TEXT":
      if (component.text === undefined || component.text.trim() === "") {
        violations.add("template_header_text_required", [...path, "text"], "A TEXT header needs a non-empty text.");
        return;
      }
      checkHeaderText(component.text, component, path, context);
      return;
    case "IMAGE":
    case "VIDEO":
    case "DOCUMENT":
      if (component.text !== undefined) headerTextNotAllowed(component.format, path, violations);
      if (!component.example?.header_handle?.length && !component.example?.header_url?.length) {
        violations.add(
          "template_example_missing",
          [...path, "example"],
          `A ${component.format} header needs a sample: example.header_url (public https:// URL) or example.header_handle.`,
        );
      }
      return;
    case "LOCATION":
    case "PRODUCT":
      // Meta's location and product headers have no text and no example; a sample is ignored, a text refused (D6, D63).
      if (component.text !== undefined) headerTextNotAllowed(component.format, path, violations);
      return;
  }
}

function headerTextNotAllowed(format: string, path: Path, violations: ViolationList): void {
  violations.add(
    "template_header_text_not_allowed",
    [...path, "text"],
    `A ${format} header has no text; remove it (only TEXT headers take text).`,
  );
}

function checkHeaderText(text: string, component: TTemplateComponent, path: Path, context: RuleContext): void {
  const { violations } = context;
  const textPath = [...path, "text"];
  const limit = META_TEMPLATE_LIMITS.headerTextLength;
  if (characterCount(text) > limit) {
    violations.add(
      "template_header_text_too_long",
      textPath,
      `Header text must be at most ${limit} characters (has ${characterCount(text)}).`,
    );
  }
  if (HEADER_FORBIDDEN.test(text) || countEmoji(text) > 0) {
    violations.add(
      "template_header_text_invalid_characters",
      textPath,
      "Header text cannot contain line breaks, emoji or formatting characters (*, ~, `).",
    );
  }
  const scan = scanPlaceholders(text);
  if (scan.hasStrayBraces || scan.placeholders.some((placeholder) => placeholder.kind === "invalid")) {
    violations.add(
      "template_header_variable_invalid",
      textPath,
      "Header variable is malformed: write {{1}} (or {{name}} in a NAMED template).",
    );
    return;
  }
  if (scan.placeholders.length > META_TEMPLATE_LIMITS.headerVariables) {
    violations.add(
      "template_header_too_many_variables",
      textPath,
      `A header may have at most one variable (has ${scan.placeholders.length}).`,
    );
    return;
  }
  const variable = scan.placeholders[0];
  if (!variable) return;
  if (variable.kind !== context.variableKind) {
    // Meta answers a header variable of the wrong kind as a header format problem (2388047), D11.
    violations.add("template_header_variable_invalid", textPath, parameterFormatMessage(variable, context));
    return;
  }
  if (variable.kind === "positional") {
    if (variable.name !== "1") {
      violations.add(
        "template_header_variable_invalid",
        textPath,
        `The header variable must be {{1}} (found {{${variable.name}}}).`,
      );
      return;
    }
    checkPositionalExample(
      component.example?.header_text?.length,
      1,
      [...path, "example", "header_text"],
      "header",
      violations,
    );
  } else {
    checkNamedExample(
      component.example?.header_text_named_params,
      [variable.name],
      [...path, "example", "header_text_named_params"],
      "header",
      violations,
    );
  }
}

// ── body ───────────────────────────────────────────────────────────────────────────────────────────

function checkBody(component: TTemplateComponent, path: Path, context: RuleContext): void {
  const { violations } = context;
  const textPath = [...path, "text"];
  if (context.category === "AUTHENTICATION") {
    if (component.text !== undefined) {
      violations.add(
        "template_auth_free_text_not_allowed",
        textPath,
        "AUTHENTICATION bodies have no text: Meta writes it ('<code> is your verification code').",
      );
    }
    return;
  }
  const text = component.text;
  if (text === undefined || isBlank(text)) {
    violations.add("template_body_text_required", textPath, "The BODY needs a non-empty text.");
    return;
  }
  const limit = META_TEMPLATE_LIMITS.bodyTextLength;
  if (characterCount(text) > limit) {
    violations.add(
      "template_body_too_long",
      textPath,
      `Body text must be at most ${limit} characters (has ${characterCount(text)}).`,
    );
  }
  const newlines = META_TEMPLATE_LIMITS.bodyConsecutiveNewlines;
  if (new RegExp(`\\n(\\s*\\n){${newlines}}`).test(text)) {
    violations.add(
      "template_body_too_many_newlines",
      textPath,
      `Body text may not have more than ${newlines} newlines in a row.`,
    );
  }
  const emoji = countEmoji(text);
  if (emoji > META_TEMPLATE_LIMITS.bodyEmoji) {
    violations.add(
      "template_body_too_many_emoji",
      textPath,
      `Body text may have at most ${META_TEMPLATE_LIMITS.bodyEmoji} emoji (has ${emoji}).`,
    );
  }

  if (text.replace(TOKEN, "").replace(/[\p{P}\s]/gu, "") === "") {
    violations.add(
      "template_body_only_parameters",
      textPath,
      "Body text needs words, not only variables and punctuation.",
    );
  }

  const scan = scanPlaceholders(text);
  const invalid = scan.placeholders.find((placeholder) => placeholder.kind === "invalid");
  if (scan.hasStrayBraces || invalid) {
    violations.add(
      "template_body_placeholder_malformed",
      textPath,
      invalid
        ? `Body variable {{${invalid.name}}} is malformed: use {{1}}, {{2}}… or lower-case names like {{first_name}}.`
        : "Body text has unbalanced braces: variables are written {{1}}.",
    );
    return;
  }
  const wrongKind = scan.placeholders.find((placeholder) => placeholder.kind !== context.variableKind);
  if (wrongKind) {
    violations.add("template_parameter_format_mismatch", textPath, parameterFormatMessage(wrongKind, context));
    return;
  }
  const names = distinctNames(scan.placeholders);
  if (context.variableKind === "positional") {
    const expected = names.map((_name, index) => String(index + 1));
    if (names.some((name, index) => name !== expected[index])) {
      violations.add(
        "template_variables_not_sequential",
        textPath,
        `Body variables must be numbered {{1}} to {{${names.length}}} in order of first appearance (found ${names.map((name) => `{{${name}}}`).join(", ")}).`,
      );
    }
  }
  if (hasLeadingOrTrailingPlaceholder(text, scan.placeholders)) {
    violations.add(
      "template_variables_leading_trailing",
      textPath,
      "Body text cannot start or end with a variable; add words before and after it.",
    );
  }
  if (hasAdjacentPlaceholders(text, scan.placeholders)) {
    violations.add(
      "template_variables_adjacent",
      textPath,
      "Two body variables are next to each other; separate them with text or punctuation.",
    );
  }
  const variableCount = scan.placeholders.length;
  const neededWords = META_TEMPLATE_LIMITS.fixedWordsPerVariable * variableCount + 1;
  if (variableCount > 0 && fixedWordCount(text) < neededWords) {
    violations.add(
      "template_variables_words_ratio",
      textPath,
      `Body text has too many variables for its length: ${variableCount} variable(s) need at least ${neededWords} other words (has ${fixedWordCount(text)}).`,
    );
  }
  if (names.length === 0) return;
  if (context.variableKind === "positional") {
    const samples = component.example?.body_text;
    const samplePath = [...path, "example", "body_text"];
    if (!samples?.length) {
      checkPositionalExample(undefined, names.length, samplePath, "body", violations);
    } else if (samples.length !== 1) {
      violations.add(
        "template_example_count_mismatch",
        samplePath,
        `example.body_text must hold exactly one array of ${names.length} sample value(s).`,
      );
    } else {
      checkPositionalExample(samples[0]?.length, names.length, [...samplePath, 0], "body", violations);
    }
  } else {
    checkNamedExample(
      component.example?.body_text_named_params,
      names,
      [...path, "example", "body_text_named_params"],
      "body",
      violations,
    );
  }
}

/** Words that are not variables: whitespace-separated pieces holding a letter or digit (D16). */
export function fixedWordCount(text: string): number {
  return text
    .replace(TOKEN, " ")
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

function parameterFormatMessage(placeholder: Placeholder, context: RuleContext): string {
  return context.variableKind === "positional"
    ? `{{${placeholder.name}}} is a named variable: set parameter_format to NAMED, or use {{1}}, {{2}}….`
    : `{{${placeholder.name}}} is positional but parameter_format is NAMED: use lower-case names like {{first_name}}.`;
}

function checkPositionalExample(
  sampleCount: number | undefined,
  variableCount: number,
  path: Path,
  where: string,
  violations: ViolationList,
): void {
  if (!sampleCount) {
    violations.add(
      "template_example_missing",
      path,
      `The ${where} has ${variableCount} variable(s): give one sample value for each.`,
    );
  } else if (sampleCount !== variableCount) {
    violations.add(
      "template_example_count_mismatch",
      path,
      `The ${where} has ${variableCount} variable(s) but ${sampleCount} sample value(s).`,
    );
  }
}

function checkNamedExample(
  samples: readonly { param_name: string }[] | undefined,
  names: readonly string[],
  path: Path,
  where: string,
  violations: ViolationList,
): void {
  if (!samples?.length) {
    violations.add(
      "template_example_missing",
      path,
      `The ${where} has named variable(s) ${names.join(", ")}: give a sample for each.`,
    );
    return;
  }
  const sampleNames = samples.map((sample) => sample.param_name);
  const sameSet =
    sampleNames.length === names.length &&
    new Set(sampleNames).size === names.length &&
    names.every((name) => sampleNames.includes(name));
  if (!sameSet) {
    violations.add(
      "template_example_count_mismatch",
      path,
      `The ${where} samples must name exactly its variables (${names.join(", ")}), each once; got ${sampleNames.join(", ")}.`,
    );
  }
}

// ── footer ─────────────────────────────────────────────────────────────────────────────────────────

function checkFooter(component: TTemplateComponent, path: Path, { category, violations }: RuleContext): void {
  const textPath = [...path, "text"];
  if (category === "AUTHENTICATION") {
    if (component.text !== undefined) {
      violations.add(
        "template_auth_free_text_not_allowed",
        textPath,
        "AUTHENTICATION footers have no text: set code_expiration_minutes instead.",
      );
    }
    return;
  }
  const text = component.text;
  if (text === undefined || isBlank(text)) {
    violations.add("template_footer_text_required", textPath, "The FOOTER needs a non-empty text.");
    return;
  }
  const limit = META_TEMPLATE_LIMITS.footerTextLength;
  if (characterCount(text) > limit) {
    violations.add(
      "template_footer_too_long",
      textPath,
      `Footer text must be at most ${limit} characters (has ${characterCount(text)}).`,
    );
  }
  const scan = scanPlaceholders(text);
  if (scan.placeholders.length > 0 || scan.hasStrayBraces) {
    violations.add("template_footer_has_variables", textPath, "Footer text cannot contain variables.");
  }
  if (/[\r\n]/.test(text)) {
    violations.add("template_footer_has_newlines", textPath, "Footer text cannot contain line breaks.");
  }
}

// ── buttons ────────────────────────────────────────────────────────────────────────────────────────

function checkButtonsComponent(component: TTemplateComponent, path: Path, context: RuleContext): void {
  const buttons = component.buttons;
  if (!buttons?.length) {
    context.violations.add(
      "template_buttons_empty",
      [...path, "buttons"],
      "A BUTTONS component needs at least one button.",
    );
    return;
  }
  buttons.forEach((button, index) => checkButton(button, [...path, "buttons", index], context));
}

function checkButton(button: TTemplateButton, path: Path, context: RuleContext): void {
  const { category, violations } = context;
  const isAuth = category === "AUTHENTICATION";
  if (isAuth !== (button.type === "OTP")) {
    violations.add(
      "template_button_not_allowed_for_category",
      [...path, "type"],
      isAuth
        ? `AUTHENTICATION templates take only an OTP button, not ${button.type}.`
        : `OTP buttons are only for AUTHENTICATION templates, not ${category}.`,
    );
    // No return: the button's own rules still apply, so every problem Meta could name first is listed (D1).
  }
  checkKindButton(button, path, category, (code, where, message) => violations.add(code, where, message));
  if (
    (button.type === "QUICK_REPLY" ||
      button.type === "URL" ||
      button.type === "PHONE_NUMBER" ||
      button.type === "FLOW") &&
    button.text === undefined
  ) {
    violations.add(
      "template_button_text_required",
      [...path, "text"],
      `A ${button.type} button needs a text (its label).`,
    );
  }
  switch (button.type) {
    case "URL":
      checkUrlButton(button, path, violations);
      break;
    case "PHONE_NUMBER":
      if (button.phone_number === undefined) {
        violations.add(
          "template_button_phone_number_required",
          [...path, "phone_number"],
          "A PHONE_NUMBER button needs a phone_number.",
        );
      }
      break;
    case "COPY_CODE": {
      const code = button.example?.[0];
      if (code === undefined || code === "") {
        violations.add(
          "template_example_missing",
          [...path, "example"],
          'A COPY_CODE button needs example: the sample code, e.g. ["SUMMER25"].',
        );
      } else if (characterCount(code) > META_TEMPLATE_LIMITS.copyCodeExampleLength) {
        violations.add(
          "template_copy_code_example_too_long",
          [...path, "example", 0],
          `The COPY_CODE sample must be at most ${META_TEMPLATE_LIMITS.copyCodeExampleLength} characters (has ${characterCount(code)}).`,
        );
      }
      break;
    }
    case "OTP":
      checkOtpButton(button, path, violations);
      break;
    case "QUICK_REPLY":
    case "VOICE_CALL":
    case "FLOW":
    case "CATALOG":
    case "MPM":
    case "SPM":
      break;
  }
}

function checkUrlButton(button: TTemplateButton, path: Path, violations: ViolationList): void {
  const url = button.url;
  if (url === undefined) {
    violations.add("template_button_url_required", [...path, "url"], "A URL button needs a url.");
    return;
  }
  if (!BUTTON_URL.test(url.replace(TOKEN, "x"))) {
    violations.add(
      "template_button_url_invalid",
      [...path, "url"],
      "A URL button's url must be an http:// or https:// address without spaces.",
    );
  }
  const scan = scanPlaceholders(url);
  const variable = scan.placeholders[0];
  if (!variable) {
    if (scan.hasStrayBraces)
      violations.add(
        "template_button_url_variable_invalid",
        [...path, "url"],
        "The url has unbalanced braces: its variable is written {{1}}.",
      );
  } else if (
    scan.hasStrayBraces ||
    scan.placeholders.length > 1 ||
    variable.name !== "1" ||
    variable.end !== url.length
  ) {
    violations.add(
      "template_button_url_variable_invalid",
      [...path, "url"],
      "A URL button's url may have one variable, {{1}}, and only at its very end.",
    );
  }
  // Any `{{` asks for a sample, even a broken variable (D15, D21): Meta looks for the example first.
  if (!url.includes("{{")) return;
  const samples = button.example?.length;
  if (!samples) {
    violations.add(
      "template_example_missing",
      [...path, "example"],
      'The url has a variable: give example, e.g. ["https://example.com/order/123"].',
    );
  } else if (samples !== 1) {
    violations.add(
      "template_example_count_mismatch",
      [...path, "example"],
      `The url has one variable but ${samples} sample values.`,
    );
  }
}

function checkOtpButton(button: TTemplateButton, path: Path, violations: ViolationList): void {
  if (button.otp_type === undefined) {
    violations.add(
      "template_otp_type_required",
      [...path, "otp_type"],
      "An OTP button needs otp_type: COPY_CODE, ONE_TAP or ZERO_TAP.",
    );
  }
  const autofill = button.autofill_text;
  if (autofill !== undefined && button.otp_type === "COPY_CODE") {
    violations.add(
      "template_auth_autofill_text_not_allowed",
      [...path, "autofill_text"],
      "autofill_text is only for ONE_TAP and ZERO_TAP buttons.",
    );
  }
  if (autofill !== undefined && characterCount(autofill) > META_TEMPLATE_LIMITS.otpAutofillTextLength) {
    violations.add(
      "template_otp_autofill_text_too_long",
      [...path, "autofill_text"],
      `autofill_text must be at most ${META_TEMPLATE_LIMITS.otpAutofillTextLength} characters (has ${characterCount(autofill)}).`,
    );
  }
  for (const field of ["text", "autofill_text"] as const) {
    const value = button[field];
    if (value !== undefined && countEmoji(value) > 0) {
      violations.add(
        "template_auth_emoji_not_allowed",
        [...path, field],
        `AUTHENTICATION templates cannot contain emoji (${field}).`,
      );
    }
  }
  const needsApps = button.otp_type === "ONE_TAP" || button.otp_type === "ZERO_TAP";
  // Meta's older syntax puts one app on the button itself (the wire schema allows it only instead of supported_apps).
  const onButton = button.package_name !== undefined && button.signature_hash !== undefined;
  const apps = onButton
    ? [{ package_name: button.package_name ?? "", signature_hash: button.signature_hash ?? "" }]
    : button.supported_apps;
  if (needsApps && !apps?.length) {
    violations.add(
      "template_auth_supported_apps_required",
      [...path, "supported_apps"],
      `${button.otp_type} buttons need supported_apps (package_name + signature_hash).`,
    );
  }
  if (apps && apps.length > META_TEMPLATE_LIMITS.supportedApps) {
    violations.add(
      "template_auth_too_many_supported_apps",
      [...path, "supported_apps"],
      `At most ${META_TEMPLATE_LIMITS.supportedApps} supported_apps (has ${apps.length}).`,
    );
  }
  apps?.forEach((app, index) => {
    const appPath = onButton ? path : [...path, "supported_apps", index];
    if (app.package_name.length > META_TEMPLATE_LIMITS.packageNameLength || !PACKAGE_NAME.test(app.package_name)) {
      violations.add(
        "template_auth_package_name_invalid",
        [...appPath, "package_name"],
        "package_name must be an Android package like com.example.app: two or more dot-separated segments of letters, digits and _, each starting with a letter, at most 224 characters.",
      );
    }
    if (!SIGNATURE_HASH.test(app.signature_hash)) {
      violations.add(
        "template_auth_signature_hash_invalid",
        [...appPath, "signature_hash"],
        "signature_hash must be exactly 11 characters of A–Z, a–z, 0–9, +, / or =.",
      );
    }
  });
  if (button.otp_type === "ZERO_TAP" && button.zero_tap_terms_accepted !== true) {
    violations.add(
      "template_auth_zero_tap_terms_required",
      [...path, "zero_tap_terms_accepted"],
      "ZERO_TAP buttons need zero_tap_terms_accepted: true.",
    );
  }
}

/** Template-wide button limits, grouping and the AUTHENTICATION one-OTP rule. */
function checkButtonMix(components: readonly TTemplateComponent[], { category, violations }: RuleContext): void {
  const buttonsIndex = components.findIndex((component) => component.type === "BUTTONS");
  const buttons = components[buttonsIndex]?.buttons ?? [];
  const buttonsPath: Path = buttonsIndex >= 0 ? ["components", buttonsIndex, "buttons"] : ["components"];

  if (category === "AUTHENTICATION") {
    const otpCount = buttons.filter((button) => button.type === "OTP").length;
    if (otpCount !== 1) {
      violations.add(
        "template_auth_otp_button_count",
        buttonsPath,
        `AUTHENTICATION templates need exactly one OTP button (has ${otpCount}).`,
      );
    }
  }
  if (buttons.length > META_TEMPLATE_LIMITS.buttons) {
    violations.add(
      "template_too_many_buttons",
      buttonsPath,
      `A template may have at most ${META_TEMPLATE_LIMITS.buttons} buttons (has ${buttons.length}).`,
    );
  }
  const perType: [TTemplateButton["type"], TemplateRuleCode, number][] = [
    ["URL", "template_too_many_url_buttons", META_TEMPLATE_LIMITS.urlButtons],
    ["PHONE_NUMBER", "template_too_many_phone_number_buttons", META_TEMPLATE_LIMITS.phoneNumberButtons],
    ["COPY_CODE", "template_too_many_copy_code_buttons", META_TEMPLATE_LIMITS.copyCodeButtons],
  ];
  for (const [type, code, max] of perType) {
    const indexes = buttons.flatMap((button, index) => (button.type === type ? [index] : []));
    const firstExtra = indexes[max];
    if (firstExtra !== undefined) {
      violations.add(
        code,
        [...buttonsPath, firstExtra, "type"],
        `A template may have at most ${max} ${type} button(s) (has ${indexes.length}).`,
      );
    }
  }
  // Quick replies and the other buttons must form two groups at most: QR…QR then others, or others then QR…QR.
  let runs = 0;
  let previousIsQuickReply: boolean | undefined;
  for (const [index, button] of buttons.entries()) {
    const isQuickReply = button.type === "QUICK_REPLY";
    if (isQuickReply !== previousIsQuickReply) runs += 1;
    previousIsQuickReply = isQuickReply;
    if (runs > 2) {
      violations.add(
        "template_quick_replies_not_grouped",
        [...buttonsPath, index, "type"],
        "Quick-reply buttons must be grouped together, before or after all other buttons (e.g. QUICK_REPLY, QUICK_REPLY, URL).",
      );
      break;
    }
  }
}

// ── time to live ───────────────────────────────────────────────────────────────────────────────────

function checkTimeToLive(input: TCreateTemplateRequest, { category, violations }: RuleContext): void {
  const ttl = requestedTtl(input);
  if (ttl === undefined) return;
  const { min, max } = MESSAGE_SEND_TTL_RANGES[category];
  if (ttl.seconds < min || ttl.seconds > max) {
    violations.add(
      "template_ttl_out_of_range",
      [ttl.field],
      `${ttl.field} for ${category} templates must be ${min}–${max} (got ${ttl.seconds}).`,
    );
  }
}
