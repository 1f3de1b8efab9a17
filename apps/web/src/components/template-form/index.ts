export type { TemplateFormProps } from "./template-form.js";
export { TemplateForm } from "./template-form.js";
export { VALIDATE_DEBOUNCE_MS } from "./use-template-draft.js";
export { letterSuffix } from "./body-section.js";
export { fieldId } from "./fields.js";
