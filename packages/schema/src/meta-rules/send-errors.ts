/** The error codes Meta answers a send with when the parameters do not fit the template (render.ts, render-kinds.ts). */
export const META_SEND_ERRORS = {
  requiredParameterMissing: { code: 131008, title: "Required parameter is missing" },
  parameterValueInvalid: { code: 131009, title: "Parameter value is not valid" },
  parameterCountMismatch: { code: 132000, title: "Number of parameters does not match the expected number of params" },
  templateNotFound: { code: 132001, title: "Template name does not exist in the translation" },
  hydratedTextTooLong: { code: 132005, title: "Translated text too long" },
  parameterFormatMismatch: { code: 132012, title: "Parameter format does not match format in the created template" },
  templatePaused: { code: 132015, title: "Template is paused" },
  templateDisabled: { code: 132016, title: "Template is disabled" },
} as const;
export type MetaSendError = (typeof META_SEND_ERRORS)[keyof typeof META_SEND_ERRORS];
