// Meta's Graph error envelope and the catalogue of errors the sandbox answers with.
// Labels in brackets ([V], [O], [S], [I]) and section numbers refer to
// docs/reference/meta-templates.md.
import { randomBytes } from "node:crypto";

export interface GraphErrorBody {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  error_data?: { messaging_product: "whatsapp"; details: string };
  fbtrace_id: string;
}

export interface GraphErrorInit {
  status: number;
  message: string;
  code: number;
  type?: string;
  subcode?: number;
  isTransient?: boolean;
  userTitle?: string;
  userMessage?: string;
}

/** A Graph API failure: thrown inside handlers, rendered by the server as Meta's envelope (§7.1). */
export class GraphError extends Error {
  readonly status: number;
  readonly code: number;
  readonly type: string;
  readonly subcode: number | undefined;
  readonly isTransient: boolean | undefined;
  readonly userTitle: string | undefined;
  readonly userMessage: string | undefined;

  constructor(init: GraphErrorInit) {
    super(init.message);
    this.name = "GraphError";
    this.status = init.status;
    this.code = init.code;
    this.type = init.type ?? "OAuthException";
    this.subcode = init.subcode;
    this.isTransient = init.isTransient;
    this.userTitle = init.userTitle;
    this.userMessage = init.userMessage;
  }

  /** The body Meta sends; a fresh fbtrace_id each time because Meta never repeats one. */
  toBody(fbtraceId: string = newFbTraceId()): { error: GraphErrorBody } {
    const error: GraphErrorBody = { message: this.message, type: this.type, code: this.code, fbtrace_id: fbtraceId };
    if (this.subcode !== undefined) error.error_subcode = this.subcode;
    if (this.isTransient !== undefined) error.is_transient = this.isTransient;
    if (this.userTitle !== undefined) error.error_user_title = this.userTitle;
    if (this.userMessage !== undefined) error.error_user_msg = this.userMessage;
    // Key order as in Meta's examples: message, type, code, error_subcode, is_transient, user_*, fbtrace_id.
    const { fbtrace_id, ...rest } = error;
    return { error: { ...rest, fbtrace_id } };
  }
}

/** fbtrace ids look like `AXsgnV2Cm3ZMGF3dF_cfYIn`: 23 url-safe characters starting with A. */
export function newFbTraceId(): string {
  return `A${randomBytes(17).toString("base64url").slice(0, 22)}`;
}

// ---------------------------------------------------------------------------------------------
// Authentication and access (§0, §10.2)

export const missingToken = (): GraphError =>
  // FB-OAS files this example under its "Unauthorized" (401) response; §10.2 allows 400/401.
  new GraphError({ status: 401, code: 104, message: "An access token is required to request this resource" });

export const invalidJsonBody = (): GraphError =>
  // FB-OAS "MalformedRequest" example, verbatim.
  new GraphError({ status: 400, code: 100, message: "Invalid JSON in request body" });

export const invalidToken = (status: number): GraphError =>
  // FB-OAS example is "Invalid OAuth access token"; Graph adds the parse failure reason.
  // HTTP 401 per Meta's table, configurable to 400 because real Graph often answers 400 (§7.2 CONFLICT).
  new GraphError({ status, code: 190, message: "Invalid OAuth access token - Cannot parse access token" });

export const permissionDenied = (): GraphError =>
  // Token is valid but has no asset access to this WABA: code 200 (§0 M-TOK), HTTP 403 (§7.2).
  new GraphError({
    status: 403,
    code: 200,
    message: "(#200) You do not have permission to access this field or the WhatsApp Business Account",
    userTitle: "Permission Denied",
    userMessage: "Your app doesn't have permission to access this resource",
    isTransient: false,
  });

export const unsupportedRequest = (method: string, objectId: string): GraphError =>
  // The realistic answer for an unknown object id (§3.2 [S]): HTTP 400, code 100, subcode 33.
  new GraphError({
    status: 400,
    code: 100,
    subcode: 33,
    type: "GraphMethodException",
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });

export const unknownPath = (path: string): GraphError =>
  new GraphError({ status: 400, code: 2500, message: `Unknown path components: ${path}` });

// ---------------------------------------------------------------------------------------------
// Invalid parameter (code 100) family (§7.3)

/** `(#100) …` errors without a subcode: missing/ill-typed params, enums, unknown fields. */
export const badParam = (message: string): GraphError =>
  new GraphError({ status: 400, code: 100, message: `(#100) ${message}`, isTransient: false });

/** Template-content refusals: Meta answers "Invalid parameter" and puts the detail in error_user_* [O OBS-J]. */
export const invalidTemplate = (userTitle: string, userMessage: string, subcode?: number): GraphError =>
  new GraphError({
    status: 400,
    code: 100,
    message: "Invalid parameter",
    ...(subcode === undefined ? {} : { subcode }),
    isTransient: false,
    userTitle,
    userMessage,
  });

export const SUBCODE = {
  unsupportedRequest: 33,
  statusCannotChange: 2388039,
  characterLimit: 2388040,
  headerFormat: 2388047,
  bodyFormat: 2388072,
  footerFormat: 2388073,
  wordsRatio: 2388293,
  danglingParameter: 2388299,
  missingExample: 2388043,
  duplicateLanguage: 2388024,
  languageBeingDeleted: 2388023,
  templateLimit: 2388019,
} as const;

// ---------------------------------------------------------------------------------------------
// Throttling and server-side failures (§7.2)

export const wabaRateLimited = (): GraphError =>
  // 80008 for template create/list throttling [V M-REF-OLD]; HTTP 400 [I].
  new GraphError({
    status: 400,
    code: 80008,
    message:
      "(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    isTransient: true,
  });

export const appRateLimited = (status: number): GraphError =>
  // FB-OAS example for code 4 (HTTP 429 there, 400 in M-ERR: configurable).
  new GraphError({
    status,
    code: 4,
    subcode: 2446079,
    message: "(#4) Application request limit reached",
    isTransient: true,
  });

export const templateRateLimited = (): GraphError =>
  new GraphError({
    status: 400,
    code: 80012,
    message: "(#80012) There have been too many calls to this message template. Wait a bit and try again.",
    isTransient: true,
  });

export const temporarilyUnavailable = (): GraphError =>
  new GraphError({
    status: 503,
    code: 2,
    type: "OAuthException",
    message: "An unexpected error has occurred. Please retry your request later.",
    isTransient: true,
  });

export const unknownServerError = (): GraphError =>
  new GraphError({
    status: 500,
    code: 1,
    type: "OAuthException",
    message: "An unknown error occurred",
    isTransient: true,
  });
