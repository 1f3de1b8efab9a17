// The Graph API surface: auth, routing under `/v{major}.{minor}/`, and the template endpoints.
import type { IncomingMessage } from "node:http";

import { browseLibrary } from "./template-library.js";
import {
  GraphError,
  badParam,
  invalidJsonBody,
  invalidToken,
  missingToken,
  permissionDenied,
  unknownPath,
  unsupportedRequest,
} from "./graph-error.js";
import { QUALITY_SCORES, TEMPLATE_CATEGORIES, TEMPLATE_STATUSES } from "./model.js";
import type { PhoneNumber, StoredTemplate, Waba } from "./model.js";
import type { SandboxState } from "./state.js";

export const DEFAULT_API_VERSION = "v23.0";
/** Graph's usual default page size [I]. */
export const DEFAULT_PAGE_LIMIT = 25;
/** Larger `limit` values are clamped to this (Graph clamps rather than refusing) [I]. */
export const MAX_PAGE_LIMIT = 1000;

export interface GraphRequest {
  method: string;
  /** Path after the version prefix, e.g. `/102290129340398/message_templates`. */
  path: string;
  version: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  rawBody: Buffer;
  /** Base URL of this sandbox (scheme + host + port), for `paging.next`. */
  origin: string;
}

export interface GraphResult {
  status: number;
  body: unknown;
  wabaId?: string;
  templateId?: string;
  /** The handler performed a state change (relevant to "accept then fail" faults). */
  listPage?: number;
}

export interface GraphContext {
  state: SandboxState;
  invalidTokenStatus: number;
}

type Params = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Auth (§0, §10.2)

function bearerToken(request: GraphRequest, params: Params): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === "string") {
    const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
    if (match?.[1]) return match[1].trim();
  }
  const fromQuery = request.query.get("access_token");
  if (fromQuery) return fromQuery;
  return typeof params.access_token === "string" && params.access_token !== "" ? params.access_token : undefined;
}

function authenticate(context: GraphContext, request: GraphRequest, params: Params): string {
  const token = bearerToken(request, params);
  if (!token) throw missingToken();
  if (!context.state.isKnownToken(token)) throw invalidToken(context.invalidTokenStatus);
  return token;
}

function requireWabaAccess(context: GraphContext, token: string, wabaId: string, method: string): Waba {
  const waba = context.state.wabas.get(wabaId);
  if (!waba) throw unsupportedRequest(method, wabaId);
  if (!waba.accessTokens.has(token)) throw permissionDenied();
  return waba;
}

function requireTemplateAccess(
  context: GraphContext,
  token: string,
  templateId: string,
  method: string,
): StoredTemplate {
  const template = context.state.templates.get(templateId);
  if (!template) throw unsupportedRequest(method, templateId);
  const waba = context.state.wabas.get(template.wabaId);
  // A template of a WABA the token cannot see is reported as "does not exist" (Graph hides it) [I].
  if (!waba?.accessTokens.has(token)) throw unsupportedRequest(method, templateId);
  return template;
}

// ---------------------------------------------------------------------------------------------
// Body parsing: JSON, or form-encoded with JSON-string values (§1.1)

export function parseParams(request: GraphRequest): Params {
  const params: Params = {};
  // Graph accepts POST parameters in the query string too.
  for (const [key, value] of request.query) if (key !== "access_token") params[key] = value;
  if (request.rawBody.length === 0) return params;
  const contentType = String(request.headers["content-type"] ?? "").toLowerCase();
  const text = request.rawBody.toString("utf8");
  if (contentType.includes("application/json") || (!contentType.includes("form") && /^\s*[{[]/.test(text))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalidJsonBody();
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw badParam("The request body must be a JSON object");
    return { ...params, ...(parsed as Params) };
  }
  for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  return params;
}

// ---------------------------------------------------------------------------------------------
// Template serialisation (§3.3). Default fields per M-MGMT; `id` always comes back.

const FIELD_READERS: Record<string, (template: StoredTemplate) => unknown> = {
  name: (t) => t.name,
  parameter_format: (t) => t.parameterFormat,
  components: (t) => t.components,
  language: (t) => t.language,
  status: (t) => t.status,
  category: (t) => t.category,
  previous_category: (t) => t.previousCategory,
  correct_category: (t) => t.correctCategory,
  sub_category: (t) => t.subCategory,
  id: (t) => t.id,
  rejected_reason: (t) => t.rejectedReason,
  quality_score: (t) => t.importedQualityScore ?? { score: t.qualityScore.score, date: t.qualityScore.date },
  message_send_ttl_seconds: (t) => t.messageSendTtlSeconds,
  cta_url_link_tracking_opted_out: (t) => t.ctaUrlLinkTrackingOptedOut,
  last_updated_time: (t) => new Date(t.lastUpdatedTime * 1000).toISOString().replace(".000Z", "+0000"),
  library_template_name: () => undefined,
};

const DEFAULT_FIELDS = [
  "name",
  "parameter_format",
  "components",
  "language",
  "status",
  "category",
  "previous_category",
  "sub_category",
  "id",
];

function parseFields(raw: string | null): string[] {
  if (raw === null || raw.trim() === "") return DEFAULT_FIELDS;
  const fields = raw
    .split(",")
    .map((field) => field.trim())
    .filter((field) => field !== "");
  for (const field of fields) {
    if (!(field in FIELD_READERS))
      throw badParam(`Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessHSM)`);
  }
  return fields.includes("id") ? fields : [...fields, "id"];
}

export function serializeTemplate(
  template: StoredTemplate,
  fields: readonly string[] = DEFAULT_FIELDS,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const reader = FIELD_READERS[field];
    const value = reader?.(template);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cursors: opaque base64 of the last/first template id of a page (§3.1, §10.6)

export function encodeCursor(templateId: string): string {
  return Buffer.from(`tpl:${templateId}`, "utf8").toString("base64");
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64").toString("utf8");
  const match = /^tpl:(\d+)$/.exec(decoded);
  if (!match?.[1]) {
    // v24 wording (§3.1 [S]); code 100 so v23 clients still see an invalid-parameter error [I].
    throw badParam("The cursor has either expired or become corrupted. Start pagination from the beginning again.");
  }
  return match[1];
}

/** Numeric-string order without BigInt: a longer id is a larger one. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function listValues(raw: string | null): string[] | undefined {
  if (raw === null || raw.trim() === "") return undefined;
  const trimmed = raw.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      if (Array.isArray(parsed)) return parsed.map((value) => String(value));
    } catch {
      // fall through to comma splitting
    }
  }
  return trimmed
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

function enumFilter(query: URLSearchParams, key: string, allowed: readonly string[]): Set<string> | undefined {
  const values = listValues(query.get(key));
  if (!values) return undefined;
  const upper = values.map((value) => value.toUpperCase());
  for (const value of upper) {
    if (!allowed.includes(value))
      throw badParam(`Param ${key}[0] must be one of {${allowed.join(", ")}} - got "${value}".`);
  }
  return new Set(upper);
}

function parseLimit(raw: string | null): number {
  if (raw === null || raw === "") return DEFAULT_PAGE_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) throw badParam("Param limit must be a positive integer");
  return Math.min(limit, MAX_PAGE_LIMIT);
}

function listTemplates(context: GraphContext, request: GraphRequest, waba: Waba): GraphResult {
  const query = request.query;
  const fields = parseFields(query.get("fields"));
  const limit = parseLimit(query.get("limit"));
  const statuses = enumFilter(query, "status", TEMPLATE_STATUSES);
  const categories = enumFilter(query, "category", TEMPLATE_CATEGORIES);
  const qualities = enumFilter(query, "quality_score", QUALITY_SCORES);
  const languages = listValues(query.get("language"));
  const name = query.get("name"); // exact match [I §3.1]
  const content = query.get("content")?.toLowerCase();
  const nameOrContent = query.get("name_or_content")?.toLowerCase();

  const matching = context.state
    .templatesOf(waba.id)
    .filter((template) => {
      if (name !== null && name !== "" && template.name !== name) return false;
      if (languages && !languages.includes(template.language)) return false;
      if (statuses && !statuses.has(template.status)) return false;
      if (categories && !categories.has(template.category)) return false;
      if (qualities && !qualities.has(template.qualityScore.score)) return false;
      if (content && !JSON.stringify(template.components).toLowerCase().includes(content)) return false;
      if (
        nameOrContent &&
        !template.name.includes(nameOrContent) &&
        !JSON.stringify(template.components).toLowerCase().includes(nameOrContent)
      )
        return false;
      return true;
    })
    // templatesOf is oldest first; Meta-like lists are newest first.
    .reverse();

  const after = query.get("after");
  const before = query.get("before");
  let start = 0;
  let end: number;
  if (after) {
    const afterId = decodeCursor(after);
    start = matching.findIndex((template) => compareIds(template.id, afterId) < 0);
    if (start === -1) start = matching.length;
    end = Math.min(matching.length, start + limit);
  } else if (before) {
    const beforeId = decodeCursor(before);
    end = matching.findIndex((template) => compareIds(template.id, beforeId) <= 0);
    if (end === -1) end = matching.length;
    start = Math.max(0, end - limit);
  } else {
    end = Math.min(matching.length, limit);
  }
  const page = matching.slice(start, end);

  const body: Record<string, unknown> = { data: page.map((template) => serializeTemplate(template, fields)) };
  const first = page[0];
  const last = page[page.length - 1];
  if (first && last) {
    const paging: Record<string, unknown> = {
      cursors: { before: encodeCursor(first.id), after: encodeCursor(last.id) },
    };
    const pageUrl = (cursorKey: "after" | "before", cursor: string): string => {
      const params = new URLSearchParams(query);
      params.delete("after");
      params.delete("before");
      params.set("limit", String(limit));
      params.set(cursorKey, cursor);
      return `${request.origin}/${request.version}${request.path}?${params.toString()}`;
    };
    // `next` is absent on the last page (§3.1 [V]); `previous` likewise on the first.
    if (end < matching.length) paging.next = pageUrl("after", encodeCursor(last.id));
    if (start > 0) paging.previous = pageUrl("before", encodeCursor(first.id));
    body.paging = paging;
  }

  const summaryFields = listValues(query.get("summary"));
  if (summaryFields) {
    const summary: Record<string, unknown> = {};
    for (const field of summaryFields) {
      if (field === "true" || field === "total_count") summary.total_count = matching.length;
      else if (field === "message_template_count")
        summary.message_template_count = context.state.templateCount(waba.id);
      else if (field === "message_template_limit") summary.message_template_limit = waba.templateLimit;
      else if (field === "are_translations_complete") summary.are_translations_complete = true;
      else throw badParam(`Tried accessing nonexisting summary field (${field})`);
    }
    body.summary = summary;
  }
  return { status: 200, body, wabaId: waba.id, listPage: Math.floor(start / limit) + 1 };
}

// ---------------------------------------------------------------------------------------------
// Uploads (§6)

const UPLOAD_TYPES: Record<string, number> = {
  "application/pdf": 100 * 1024 * 1024,
  "image/jpeg": 5 * 1024 * 1024,
  "image/jpg": 5 * 1024 * 1024,
  "image/png": 5 * 1024 * 1024,
  "video/mp4": 16 * 1024 * 1024,
};

function startUpload(context: GraphContext, appId: string, params: Params): GraphResult {
  if (!context.state.apps.has(appId)) throw unsupportedRequest("POST", appId);
  const fileName = typeof params.file_name === "string" ? params.file_name : undefined;
  const fileType = typeof params.file_type === "string" ? params.file_type : undefined;
  const fileLength = Number(params.file_length);
  if (!fileType) throw badParam("The parameter file_type is required");
  const maxBytes = UPLOAD_TYPES[fileType];
  if (maxBytes === undefined)
    throw badParam(`Param file_type must be one of {${Object.keys(UPLOAD_TYPES).join(", ")}} - got "${fileType}".`);
  if (params.file_length === undefined) throw badParam("The parameter file_length is required");
  if (!Number.isInteger(fileLength) || fileLength < 1) throw badParam("Param file_length must be a positive integer");
  if (fileLength > maxBytes) throw badParam(`Param file_length must be at most ${maxBytes} bytes for ${fileType}`);
  const session = context.state.startUpload(appId, fileName ?? "file", fileLength, fileType);
  return { status: 200, body: { id: session.id } };
}

function continueUpload(context: GraphContext, request: GraphRequest, sessionId: string): GraphResult {
  const session = context.state.uploads.get(sessionId);
  if (!session) throw unsupportedRequest(request.method, sessionId);
  if (request.method === "GET") return { status: 200, body: { id: session.id, file_offset: String(session.offset) } };
  const offsetHeader = request.headers.file_offset;
  const offset = Number(Array.isArray(offsetHeader) ? offsetHeader[0] : offsetHeader);
  if (offsetHeader === undefined || !Number.isInteger(offset)) throw badParam("The file_offset header is required");
  if (offset !== session.offset)
    throw badParam(`file_offset ${offset} doesn't match the upload session's offset ${session.offset}`);
  if (session.handle) return { status: 200, body: { h: session.handle } };
  session.received.push(request.rawBody);
  session.offset += request.rawBody.length;
  if (session.offset > session.fileLength) throw badParam("More bytes were sent than file_length declared");
  if (session.offset < session.fileLength)
    return { status: 200, body: { id: session.id, file_offset: String(session.offset) } };
  return { status: 200, body: { h: context.state.finishUpload(session) } };
}

// ---------------------------------------------------------------------------------------------
// WABA and phone number nodes (M-API `GET /{WABA-ID}`, `GET /{WABA-ID}/phone_numbers`, `GET /{Phone-Number-ID}`)

const WABA_FIELDS: Record<string, (waba: Waba) => unknown> = {
  id: (w) => w.id,
  name: (w) => w.name,
  timezone_id: () => "1",
  message_template_namespace: (w) => `${w.id.slice(0, 8)}_sandbox`,
  currency: () => "USD",
  account_review_status: () => "APPROVED",
};
/** What a read without `fields` returns (the sandbox's answer before phone numbers existed; id always). */
const WABA_DEFAULT_FIELDS = ["id", "name", "timezone_id", "message_template_namespace"];

const PHONE_FIELDS: Record<string, (phone: PhoneNumber) => unknown> = {
  id: (p) => p.id,
  display_phone_number: (p) => p.displayPhoneNumber,
  verified_name: (p) => p.verifiedName,
  quality_rating: (p) => p.qualityRating,
  status: () => "CONNECTED",
  code_verification_status: () => "VERIFIED",
  account_mode: () => "LIVE",
  platform_type: () => "CLOUD_API",
};
/** M-API: "If not specified, only default fields (id, display_phone_number, verified_name, quality_rating) are returned." */
const PHONE_DEFAULT_FIELDS = ["id", "display_phone_number", "verified_name", "quality_rating"];

function pickFields<T>(
  node: T,
  raw: string | null,
  readers: Record<string, (node: T) => unknown>,
  defaults: string[],
  nodeType: string,
): Record<string, unknown> {
  const fields =
    raw === null || raw.trim() === ""
      ? defaults
      : raw
          .split(",")
          .map((f) => f.trim())
          .filter((f) => f !== "");
  for (const field of fields) {
    if (!(field in readers)) throw badParam(`Tried accessing nonexisting field (${field}) on node type (${nodeType})`);
  }
  const body: Record<string, unknown> = {};
  for (const field of fields.includes("id") ? fields : [...fields, "id"]) body[field] = readers[field]?.(node);
  return body;
}

function readWaba(waba: Waba, fields: string | null): Record<string, unknown> {
  return pickFields(waba, fields, WABA_FIELDS, WABA_DEFAULT_FIELDS, "WhatsAppBusinessAccount");
}

function readPhoneNumber(request: GraphRequest, token: string, owner: Waba, phoneNumberId: string): GraphResult {
  // A number of a WABA the token cannot see is reported as "does not exist" (Graph hides it) [I], as for templates.
  const phone = owner.phoneNumbers.get(phoneNumberId);
  if (!phone || !owner.accessTokens.has(token)) throw unsupportedRequest(request.method, phoneNumberId);
  return {
    status: 200,
    body: pickFields(
      phone,
      request.query.get("fields"),
      PHONE_FIELDS,
      PHONE_DEFAULT_FIELDS,
      "WhatsAppBusinessPhoneNumber",
    ),
    wabaId: owner.id,
  };
}

/** `GET /{WABA-ID}/phone_numbers`: `limit` 1–100 (default 25) and `after` cursors, as the M-API parameters say. */
function listPhoneNumbers(request: GraphRequest, waba: Waba): GraphResult {
  const rawLimit = request.query.get("limit");
  const limit = rawLimit === null || rawLimit === "" ? 25 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1) throw badParam("Param limit must be a positive integer");
  const pageSize = Math.min(limit, 100);
  const all = [...waba.phoneNumbers.values()];
  const after = request.query.get("after");
  let start = 0;
  if (after) {
    const afterId = decodeCursor(after);
    start = all.findIndex((phone) => phone.id === afterId) + 1;
  }
  const page = all.slice(start, start + pageSize);
  const fields = request.query.get("fields");
  const body: Record<string, unknown> = {
    data: page.map((phone) =>
      pickFields(phone, fields, PHONE_FIELDS, PHONE_DEFAULT_FIELDS, "WhatsAppBusinessPhoneNumber"),
    ),
  };
  const first = page[0];
  const last = page[page.length - 1];
  if (first && last) {
    const paging: Record<string, unknown> = {
      cursors: { before: encodeCursor(first.id), after: encodeCursor(last.id) },
    };
    if (start + pageSize < all.length) {
      const params = new URLSearchParams(request.query);
      params.set("limit", String(pageSize));
      params.set("after", encodeCursor(last.id));
      params.delete("before");
      paging.next = `${request.origin}/${request.version}${request.path}?${params.toString()}`;
    }
    body.paging = paging;
  }
  return { status: 200, body, wabaId: waba.id };
}

// ---------------------------------------------------------------------------------------------
// Router

export function handleGraphRequest(context: GraphContext, request: GraphRequest): GraphResult {
  const segments = request.path.split("/").filter((segment) => segment !== "");
  const [first, second, ...rest] = segments;
  if (!first || rest.length > 0) throw unknownPath(request.path);
  // Auth is checked before a body parse error is reported, as a token may also sit in a form body.
  let params: Params = {};
  let bodyError: GraphError | undefined;
  if (request.method !== "GET") {
    try {
      params = parseParams(request);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      bodyError = error;
    }
  }
  const token = authenticate(context, request, params);
  if (bodyError) throw bodyError;
  const method = request.method;

  if (first.startsWith("upload:")) {
    if (second !== undefined || (method !== "GET" && method !== "POST")) throw unknownPath(request.path);
    return continueUpload(context, request, first);
  }
  if (first === "message_template_library" && second === undefined && method === "GET") {
    return { status: 200, body: browseLibrary(request.query) };
  }
  if (second === undefined) {
    // GET /{template_id} | GET /{waba_id} | POST /{template_id} (edit)
    const template = context.state.templates.get(first);
    if (method === "GET") {
      if (template) {
        requireTemplateAccess(context, token, first, method);
        return {
          status: 200,
          body: serializeTemplate(template, parseFields(request.query.get("fields"))),
          templateId: template.id,
          wabaId: template.wabaId,
        };
      }
      const phoneOwner = context.state.phoneNumberOwner(first);
      if (phoneOwner) return readPhoneNumber(request, token, phoneOwner, first);
      const waba = requireWabaAccess(context, token, first, method);
      return { status: 200, body: readWaba(waba, request.query.get("fields")), wabaId: waba.id };
    }
    if (method === "POST") {
      const editable = requireTemplateAccess(context, token, first, method);
      context.state.editTemplate(editable.id, params);
      return { status: 200, body: { success: true }, templateId: editable.id, wabaId: editable.wabaId };
    }
    throw unsupportedRequest(method, first);
  }
  if (second === "message_templates") {
    const waba = requireWabaAccess(context, token, first, method);
    if (method === "GET") return listTemplates(context, request, waba);
    if (method === "POST") {
      const created = context.state.createTemplate(waba, params);
      // The new template's id in the request log too, so a test can tell which request created it.
      return { status: 200, body: created, wabaId: waba.id, templateId: created.id };
    }
    if (method === "DELETE") {
      const deleteParams = { ...params, ...Object.fromEntries(request.query) };
      const hsmIds = listValues(typeof deleteParams.hsm_ids === "string" ? deleteParams.hsm_ids : null);
      context.state.deleteTemplates(waba, {
        ...(typeof deleteParams.name === "string" ? { name: deleteParams.name } : {}),
        ...(typeof deleteParams.hsm_id === "string" ? { hsmId: deleteParams.hsm_id } : {}),
        ...(hsmIds ? { hsmIds } : {}),
      });
      return { status: 200, body: { success: true }, wabaId: waba.id };
    }
    throw unsupportedRequest(method, first);
  }
  if (second === "phone_numbers" && method === "GET") {
    const waba = requireWabaAccess(context, token, first, method);
    return listPhoneNumbers(request, waba);
  }
  if (second === "uploads" && method === "POST") return startUpload(context, first, params);
  if (second === "unpause" && method === "POST") {
    const template = requireTemplateAccess(context, token, first, method);
    if (template.status !== "PAUSED") throw badParam("Only paused message templates can be unpaused");
    context.state.setStatus(template.id, {
      status: "APPROVED",
      event: "APPROVED",
      otherInfo: { title: "UNPAUSE", description: "Your WhatsApp message template has been unpaused." },
    });
    return { status: 200, body: { success: true }, templateId: template.id, wabaId: template.wabaId };
  }
  throw unknownPath(request.path);
}

export { GraphError };
