/**
 * The catalogue of Meta pre-flight rules: one stable error code per rule, the Meta `error_subcode` Meta answers
 * for the same problem (null when Meta documents none), and when the code is returned. Imports nothing, so
 * `errors.ts` can fold these codes into `ERROR_CODES`. Choices are explained in DECISIONS.md.
 */

interface TemplateRuleDefinition {
  readonly subcode: number | null;
  readonly description: string;
}

/** Meta's documented template-creation subcodes used below (docs/reference/meta-templates.md §7.3). */
export const META_SUBCODES = {
  characterLimitExceeded: 2388040,
  missingExpectedField: 2388043,
  headerFormatIncorrect: 2388047,
  bodyFormatIncorrect: 2388072,
  footerFormatIncorrect: 2388073,
  parametersWordsRatio: 2388293,
  leadingOrTrailingParameters: 2388299,
} as const;

const S = META_SUBCODES;

export const TEMPLATE_RULES = {
  // ── structure ──
  template_component_duplicated: { subcode: null, description: "More than one HEADER, FOOTER or BUTTONS component." },
  template_component_field_misplaced: {
    subcode: null,
    description:
      "A field sits on a component type that does not take it: `format` outside HEADER, `buttons` outside BUTTONS, `text` on BUTTONS, `add_security_recommendation` outside BODY, `code_expiration_minutes` outside FOOTER.",
  },
  // ── header ──
  template_header_format_required: {
    subcode: S.headerFormatIncorrect,
    description: "A HEADER component has no `format`.",
  },
  template_header_text_required: {
    subcode: null,
    description: 'A TEXT header has no (or empty) `text` (Meta: "(#100) The parameter … text is required").',
  },
  template_header_text_not_allowed: {
    subcode: S.headerFormatIncorrect,
    description: "A non-TEXT header (IMAGE, VIDEO, DOCUMENT, LOCATION) has `text`.",
  },
  template_header_text_invalid_characters: {
    subcode: S.headerFormatIncorrect,
    description: "The header text contains a newline, an emoji or a formatting character (`*`, `~`, `` ` ``).",
  },
  template_header_text_too_long: {
    subcode: S.characterLimitExceeded,
    description: "The header text exceeds 60 characters.",
  },
  template_header_too_many_variables: {
    subcode: S.headerFormatIncorrect,
    description: "The header text has more than one variable.",
  },
  template_header_variable_invalid: {
    subcode: S.headerFormatIncorrect,
    description:
      "The header variable is malformed (broken braces, invalid name), of the wrong kind for `parameter_format`, or, for positional templates, is not `{{1}}`.",
  },
  // ── body ──
  template_body_text_required: {
    subcode: null,
    description: "The BODY of a MARKETING or UTILITY template has no (or empty) `text`.",
  },
  template_body_too_long: { subcode: S.characterLimitExceeded, description: "The body text exceeds 1024 characters." },
  template_body_placeholder_malformed: {
    subcode: S.bodyFormatIncorrect,
    description:
      "A body placeholder is malformed: broken braces (`{{1}`), or content that is neither a number nor a lower-case name (`{{ 1 }}`, `{{First}}`).",
  },
  template_variables_not_sequential: {
    subcode: S.bodyFormatIncorrect,
    description: "Positional body variables do not appear as {{1}}, {{2}}, … {{n}} in order of first appearance.",
  },
  template_variables_leading_trailing: {
    subcode: S.leadingOrTrailingParameters,
    description: "The body text starts or ends with a variable.",
  },
  template_variables_adjacent: {
    subcode: null,
    description: "Two body variables are separated only by whitespace (Meta rejects this at review as INVALID_FORMAT).",
  },
  template_body_too_many_newlines: {
    subcode: null,
    description: "The body text has more than two consecutive newlines.",
  },
  template_body_too_many_emoji: { subcode: null, description: "The body text has more than 10 emoji." },
  template_body_only_parameters: {
    subcode: null,
    description: "The body text has nothing but variables, punctuation and whitespace.",
  },
  template_variables_words_ratio: {
    subcode: S.parametersWordsRatio,
    description:
      "The body has fewer than 2 × variables + 1 fixed words (the shared heuristic for Meta's unpublished words-to-variables ratio).",
  },
  template_parameter_format_mismatch: {
    subcode: S.bodyFormatIncorrect,
    description:
      "A body variable's kind does not match `parameter_format`: named (`{{first_name}}`) in a POSITIONAL template (the default) or positional (`{{1}}`) in a NAMED one. (In the header the same problem is `template_header_variable_invalid`.) Header and body therefore always use one kind.",
  },
  // ── footer ──
  template_footer_text_required: {
    subcode: null,
    description: "The FOOTER of a MARKETING or UTILITY template has no (or empty) `text`.",
  },
  template_footer_too_long: {
    subcode: S.characterLimitExceeded,
    description: "The footer text exceeds 60 characters.",
  },
  template_footer_has_variables: {
    subcode: S.footerFormatIncorrect,
    description: "The footer text contains a variable.",
  },
  template_footer_has_newlines: {
    subcode: S.footerFormatIncorrect,
    description: "The footer text contains a newline.",
  },
  // ── examples ──
  template_example_missing: {
    subcode: S.missingExpectedField,
    description:
      "A component with variables has no sample values (header_text / body_text for POSITIONAL, *_named_params for NAMED, URL button example), a media header has no header_handle or header_url, or a COPY_CODE button has no example.",
  },
  template_example_count_mismatch: {
    subcode: S.missingExpectedField,
    description:
      "The number of sample values differs from the number of variables (body_text must be exactly one inner array; named samples must name exactly the template's variables, each once; a URL example holds exactly one value).",
  },
  // ── buttons ──
  template_buttons_empty: { subcode: null, description: "A BUTTONS component has no buttons." },
  template_too_many_buttons: {
    subcode: null,
    description: "More than 10 buttons (this also bounds quick replies at 10).",
  },
  template_too_many_url_buttons: { subcode: null, description: "More than 2 URL buttons." },
  template_too_many_phone_number_buttons: { subcode: null, description: "More than 1 PHONE_NUMBER button." },
  template_too_many_copy_code_buttons: { subcode: null, description: "More than 1 COPY_CODE button." },
  template_quick_replies_not_grouped: {
    subcode: null,
    description: "Quick-reply buttons are not one contiguous group (e.g. QUICK_REPLY, URL, QUICK_REPLY).",
  },
  template_button_not_allowed_for_category: {
    subcode: null,
    description:
      "The button type is not allowed in the category: AUTHENTICATION takes only OTP; MARKETING and UTILITY take everything but OTP.",
  },
  template_button_text_required: {
    subcode: null,
    description: "A QUICK_REPLY, URL, PHONE_NUMBER or FLOW button has no `text`.",
  },
  template_button_url_required: { subcode: null, description: "A URL button has no `url`." },
  template_button_url_invalid: {
    subcode: null,
    description: "A URL button's url (its variable replaced) is not `http(s)://host…` without whitespace.",
  },
  template_button_url_variable_invalid: {
    subcode: null,
    description:
      "A URL button's url has more than one variable, a variable other than `{{1}}`, or a variable that is not at the very end.",
  },
  template_button_phone_number_required: { subcode: null, description: "A PHONE_NUMBER button has no `phone_number`." },
  template_copy_code_example_too_long: {
    subcode: S.characterLimitExceeded,
    description: "A COPY_CODE button's example exceeds 20 characters.",
  },
  template_otp_autofill_text_too_long: {
    subcode: S.characterLimitExceeded,
    description: "An OTP button's autofill_text exceeds 25 characters.",
  },
  // ── authentication ──
  template_auth_free_text_not_allowed: {
    subcode: null,
    description: "An AUTHENTICATION template's BODY or FOOTER has `text`; Meta writes that text itself.",
  },
  template_auth_header_not_allowed: {
    subcode: S.headerFormatIncorrect,
    description: "An AUTHENTICATION template has a HEADER (text or media).",
  },
  template_auth_otp_button_count: {
    subcode: null,
    description: "An AUTHENTICATION template does not have exactly one OTP button.",
  },
  template_otp_type_required: { subcode: null, description: "An OTP button has no `otp_type`." },
  template_auth_supported_apps_required: {
    subcode: null,
    description: "A ONE_TAP or ZERO_TAP OTP button has no `supported_apps`.",
  },
  template_auth_too_many_supported_apps: {
    subcode: null,
    description: "An OTP button lists more than 5 supported_apps.",
  },
  template_auth_package_name_invalid: {
    subcode: null,
    description:
      "A supported_apps package_name is longer than 224 characters or is not at least two dot-separated segments of [a-zA-Z0-9_] each starting with a letter.",
  },
  template_auth_signature_hash_invalid: {
    subcode: null,
    description: "A supported_apps signature_hash is not exactly 11 characters of [a-zA-Z0-9+/=].",
  },
  template_auth_autofill_text_not_allowed: {
    subcode: null,
    description: "A COPY_CODE OTP button has `autofill_text` (only ONE_TAP and ZERO_TAP buttons autofill).",
  },
  template_auth_zero_tap_terms_required: {
    subcode: null,
    description: "A ZERO_TAP OTP button does not set zero_tap_terms_accepted: true.",
  },
  template_auth_emoji_not_allowed: {
    subcode: null,
    description: "An AUTHENTICATION template's button text or autofill_text contains emoji.",
  },
  template_auth_field_not_allowed: {
    subcode: null,
    description:
      "`add_security_recommendation` or `code_expiration_minutes` is set on a MARKETING or UTILITY template.",
  },
  // ── carousel (issue 16; DECISIONS.md "Carousel") ──
  template_carousel_category_not_allowed: {
    subcode: null,
    description: "A CAROUSEL component on a template that is not MARKETING.",
  },
  template_carousel_component_not_allowed: {
    subcode: null,
    description:
      "A carousel template also has a HEADER, FOOTER or BUTTONS component (it takes a BODY and the cards only).",
  },
  template_carousel_cards_required: { subcode: null, description: "A CAROUSEL component has no `cards`." },
  template_carousel_card_count: { subcode: null, description: "A carousel has fewer than 2 or more than 10 cards." },
  template_carousel_card_header_required: {
    subcode: null,
    description: "A card has no HEADER, or its HEADER has no format (IMAGE, VIDEO or PRODUCT).",
  },
  template_carousel_card_body_too_long: {
    subcode: S.characterLimitExceeded,
    description: "A card body text exceeds 160 characters.",
  },
  template_carousel_card_too_many_buttons: {
    subcode: null,
    description: "A media card has more than 2 buttons, or a product card more than 1.",
  },
  template_carousel_card_button_not_allowed: {
    subcode: null,
    description: "An SPM button on a media card, or a product card button other than SPM or URL.",
  },
  template_carousel_cards_differ: {
    subcode: null,
    description:
      "A card's components differ from card 0's: header kind (media or product), body on some cards only, or button types and order.",
  },
  // ── limited-time offer (issue 16; DECISIONS.md "Limited-time offer") ──
  template_lto_category_not_allowed: {
    subcode: null,
    description: "A LIMITED_TIME_OFFER component on a template that is not MARKETING.",
  },
  template_lto_offer_required: {
    subcode: null,
    description: "A LIMITED_TIME_OFFER component has no `limited_time_offer` object, or its `text` is empty.",
  },
  template_lto_text_too_long: {
    subcode: S.characterLimitExceeded,
    description: "limited_time_offer.text exceeds 16 characters.",
  },
  template_lto_footer_not_allowed: { subcode: null, description: "A limited-time offer template has a FOOTER." },
  template_lto_header_format: { subcode: null, description: "A limited-time offer's HEADER is not IMAGE or VIDEO." },
  template_lto_body_too_long: {
    subcode: S.characterLimitExceeded,
    description: "A limited-time offer's body text exceeds 600 characters.",
  },
  template_lto_copy_code_required: { subcode: null, description: "A limited-time offer has no COPY_CODE button." },
  template_lto_offer_code_too_long: {
    subcode: S.characterLimitExceeded,
    description: "A limited-time offer's COPY_CODE example exceeds 15 characters.",
  },
  template_lto_url_button_required: { subcode: null, description: "A limited-time offer has no URL button." },
  // ── flows, commerce, calling (issue 16, kinds16b; DECISIONS.md D60–D66) ──
  template_flow_reference_required: {
    subcode: null,
    description: "A FLOW button has none of `flow_id`, `flow_name`, `flow_json`.",
  },
  template_flow_reference_conflict: {
    subcode: null,
    description: "A FLOW button has more than one of `flow_id`, `flow_name`, `flow_json`.",
  },
  template_flow_json_invalid: {
    subcode: null,
    description: "A FLOW button's `flow_json` is not a JSON object encoded as a string.",
  },
  template_flow_field_not_allowed: {
    subcode: null,
    description:
      "`flow_id`, `flow_name`, `flow_json`, `flow_action` or `navigate_screen` is set on a button that is not FLOW.",
  },
  template_commerce_marketing_only: {
    subcode: null,
    description: "A CATALOG, MPM or SPM button is on a template whose category is not MARKETING.",
  },
  template_commerce_button_not_alone: {
    subcode: null,
    description:
      "A CATALOG, MPM or SPM button shares the BUTTONS component with another button (Meta's catalog, MPM and SPM templates have exactly that one button).",
  },
  template_mpm_header_required: { subcode: null, description: "A template with an MPM button has no TEXT header." },
  template_spm_product_header_required: {
    subcode: null,
    description: "A template with an SPM button has no PRODUCT header.",
  },
  template_product_header_without_spm: {
    subcode: S.headerFormatIncorrect,
    description: "A PRODUCT header on a template without an SPM button.",
  },
  template_spm_body_too_long: {
    subcode: S.characterLimitExceeded,
    description: "The body of a single-product (SPM) template exceeds 160 characters.",
  },
  template_call_permission_category: {
    subcode: null,
    description: "A CALL_PERMISSION_REQUEST component on a template whose category is not MARKETING or UTILITY.",
  },
  template_voice_call_text_too_long: {
    subcode: S.characterLimitExceeded,
    description: "A VOICE_CALL button's text exceeds 20 characters (the call button's display text).",
  },
  // ── time to live ──
  template_ttl_out_of_range: {
    subcode: null,
    description:
      "messageSendTtlSeconds is outside its category's range: AUTHENTICATION 30–900, UTILITY 30–43200, MARKETING 43200–2592000.",
  },
} as const satisfies Record<string, TemplateRuleDefinition>;

/** Code of one Meta pre-flight rule. */
export type TemplateRuleCode = keyof typeof TEMPLATE_RULES;

/** Every rule code, in catalogue order. */
export const TEMPLATE_RULE_CODES = Object.keys(TEMPLATE_RULES) as [TemplateRuleCode, ...TemplateRuleCode[]];

/**
 * Rule code → Meta `error_subcode` for the same refusal (null: Meta documents no subcode, it answers code 100
 * with a message). The sandbox models Meta independently; a property test checks both agree.
 */
export const META_RULE_SUBCODES: { readonly [Code in TemplateRuleCode]: (typeof TEMPLATE_RULES)[Code]["subcode"] } =
  Object.fromEntries(TEMPLATE_RULE_CODES.map((code) => [code, TEMPLATE_RULES[code].subcode])) as {
    readonly [Code in TemplateRuleCode]: (typeof TEMPLATE_RULES)[Code]["subcode"];
  };
