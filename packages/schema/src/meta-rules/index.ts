export {
  META_RULE_SUBCODES,
  META_SUBCODES,
  TEMPLATE_RULE_CODES,
  TEMPLATE_RULES,
  type TemplateRuleCode,
} from "./catalogue.js";
export {
  locateTemplateRuleViolations,
  MESSAGE_SEND_TTL_RANGES,
  META_TEMPLATE_LIMITS,
  validateTemplateForMeta,
  type LocatedRuleViolation,
  type TemplateRuleViolation,
} from "./rules.js";
export {
  NAMED_PARAMETER_PATTERN,
  scanPlaceholders,
  type Placeholder,
  type PlaceholderKind,
  type PlaceholderScan,
} from "./placeholders.js";
export { ZCreateTemplateRequestChecked, type TCreateTemplateRequestChecked } from "./checked.js";
export {
  META_SEND_ERRORS,
  SEND_LIMITS,
  ZRenderTemplateRequest,
  ZRenderedTemplate,
  ZRenderedButton,
  ZSendComponent,
  ZSendParameter,
  languageOfSend,
  renderTemplateMessage,
  sendRefusalForStatus,
  type MetaSendError,
  type RenderOutcome,
  type SendParameterProblem,
  type TRenderTemplateRequest,
  type TRenderedTemplate,
  type TSendComponent,
  type TSendParameter,
} from "./render.js";
