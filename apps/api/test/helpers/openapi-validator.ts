/**
 * Response validator for tests: checks a real HTTP response against the EMITTED OpenAPI document (not the zod
 * schemas it was generated from), so a generator bug, a wrong status or a drifting payload all fail.
 *
 * - the operation is found from the method and a concrete path (`/v1/106540352242922/templates?limit=5`) or a
 *   path template; literal segments win over parameters (`/templates/sync` before `/templates/{name}`);
 * - the status must be documented for that operation;
 * - the JSON body is validated with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) against the response
 *   schema, `$ref`s resolved inside the document, formats (`date-time`, `uri`) asserted;
 * - an error body's `code` must be one the response lists in `x-error-codes`;
 * - headers the response marks `required` (e.g. `X-Request-Id`, `Retry-After` on 429) must be present and valid.
 * A path that matches no documented route may only answer 404 `route_not_found`, and a documented path hit
 * with another method only 405 `method_not_allowed` (the document describes both globally).
 *
 * @example
 *   const validator = createResponseValidator();
 *   validator.assert({ method: "GET", path: res.url, status: res.status, body: res.body, headers: res.headers });
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { FormatsPlugin } from "ajv-formats";
import { ERROR_CODES_EXTENSION, getOpenApiDocument } from "../../src/openapi/document.js";
import type { OpenApiDocument } from "../../src/openapi/document.js";

// ajv-formats is CommonJS (`module.exports = plugin; exports.default = plugin`); take whichever is callable.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as FormatsPlugin;

const DOCUMENT_ID = "https://kirim.invalid/openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface ResponseToCheck {
  method: string;
  /** Concrete path (query string allowed), absolute URL, or path template. */
  path: string;
  status: number;
  /** Parsed JSON body (undefined when the response had none). */
  body: unknown;
  /** When given, required response headers are checked too. */
  headers?: Headers | Record<string, string | undefined>;
}

export interface ResponseValidation {
  ok: boolean;
  /** `GET /v1/{phone_number_id}/templates`, or undefined when no operation matched. */
  operation: string | undefined;
  errors: string[];
}

export interface ResponseValidator {
  validate(response: ResponseToCheck): ResponseValidation;
  /** Throws with every problem listed when the response does not match the document. */
  assert(response: ResponseToCheck): void;
  /** Operations (`GET /v1/health`, …) validated at least once with a 2xx and with any status. */
  coverage(): { operations: string[]; validated: Map<string, Set<number>> };
}

interface PathEntry {
  template: string;
  regex: RegExp;
  literalSegments: number;
  item: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function escapePointer(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}

function pathOf(path: string): string {
  const withoutOrigin = /^https?:\/\//.test(path) ? new URL(path).pathname : path;
  const noQuery = withoutOrigin.split(/[?#]/, 1)[0] ?? withoutOrigin;
  return noQuery.length > 1 && noQuery.endsWith("/") ? noQuery.slice(0, -1) : noQuery;
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split("/")
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${pattern}$`);
}

function headerValue(headers: ResponseToCheck["headers"], name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) => `${e.instancePath || "(body)"} ${e.message ?? e.keyword}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`,
  );
}

export function createResponseValidator(document: OpenApiDocument = getOpenApiDocument()): ResponseValidator {
  // The whole document is registered as one schema resource so every `#/components/schemas/…` reference in it
  // resolves. strict: false because an OpenAPI document is not itself a JSON Schema (openapi, info, paths …)
  // and zod-openapi emits the OpenAPI `example` annotation; every real JSON Schema keyword is still applied.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ ...(structuredClone(document) as unknown as JsonObject), $id: DOCUMENT_ID });

  const paths = (document.paths ?? {}) as Record<string, JsonObject>;
  const entries: PathEntry[] = Object.entries(paths)
    .map(([template, item]) => ({
      template,
      regex: templateRegex(template),
      literalSegments: template.split("/").filter((s) => s !== "" && !s.startsWith("{")).length,
      item,
    }))
    .sort((a, b) => b.literalSegments - a.literalSegments);

  const operations = entries.flatMap((e) =>
    METHODS.filter((m) => isObject(e.item[m])).map((m) => `${m.toUpperCase()} ${e.template}`),
  );
  const compiled = new Map<string, ValidateFunction>();
  const validated = new Map<string, Set<number>>();

  function validatorFor(pointer: string): ValidateFunction {
    let fn = compiled.get(pointer);
    if (fn === undefined) {
      fn = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      compiled.set(pointer, fn);
    }
    return fn;
  }

  function validateErrorEnvelope(body: unknown, code: string, errors: string[]): void {
    const fn = validatorFor("/components/schemas/ErrorEnvelope");
    if (!fn(body)) errors.push(...formatAjvErrors(fn.errors));
    const actual = isObject(body) && isObject(body.error) ? body.error.code : undefined;
    if (actual !== code) errors.push(`expected error code ${code}, got ${JSON.stringify(actual)}`);
  }

  function validate(response: ResponseToCheck): ResponseValidation {
    // HEAD is GET without a body (Express answers it with the GET handler): check status and headers only.
    const isHead = response.method.toLowerCase() === "head";
    const method = isHead ? "get" : response.method.toLowerCase();
    const path = pathOf(response.path);
    const errors: string[] = [];
    const matching = entries.filter((e) => e.template === path || e.regex.test(path));
    if (matching.length === 0) {
      if (response.status === 404) validateErrorEnvelope(response.body, "route_not_found", errors);
      else errors.push(`no documented path matches ${path} (status ${response.status})`);
      return { ok: errors.length === 0, operation: undefined, errors };
    }
    const entry = matching.find((e) => isObject(e.item[method]));
    if (entry === undefined) {
      if (response.status === 405) validateErrorEnvelope(response.body, "method_not_allowed", errors);
      else
        errors.push(
          `${method.toUpperCase()} is not documented for ${matching[0]?.template} (status ${response.status})`,
        );
      return { ok: errors.length === 0, operation: undefined, errors };
    }

    const operation = `${method.toUpperCase()} ${entry.template}`;
    const op = entry.item[method] as JsonObject;
    const responses = (op.responses ?? {}) as Record<string, unknown>;
    const statusKey = [String(response.status), `${String(response.status)[0]}XX`, "default"].find(
      (k) => k in responses,
    );
    if (statusKey === undefined) {
      errors.push(
        `${operation}: status ${response.status} is not documented (documented: ${Object.keys(responses).join(", ")})`,
      );
      return { ok: false, operation, errors };
    }
    const responseObject = responses[statusKey] as JsonObject;
    const pointerBase = `/paths/${escapePointer(entry.template)}/${method}/responses/${statusKey}`;

    const content = responseObject.content as Record<string, JsonObject> | undefined;
    const media = content?.["application/json"];
    if (isHead) {
      // no body to check
    } else if (media === undefined) {
      if (response.body !== undefined)
        errors.push(`${operation} ${response.status}: a body was returned but none is documented`);
    } else if (response.body === undefined) {
      errors.push(`${operation} ${response.status}: no JSON body, the document promises one`);
    } else {
      const fn = validatorFor(`${pointerBase}/content/application~1json/schema`);
      if (!fn(response.body))
        errors.push(...formatAjvErrors(fn.errors).map((e) => `${operation} ${response.status}: ${e}`));
      const codes = responseObject[ERROR_CODES_EXTENSION];
      if (Array.isArray(codes)) {
        const code = isObject(response.body) && isObject(response.body.error) ? response.body.error.code : undefined;
        if (!codes.includes(code)) {
          errors.push(
            `${operation} ${response.status}: error code ${JSON.stringify(code)} is not among the documented ${codes.join(", ")}`,
          );
        }
      }
    }

    if (response.headers !== undefined && isObject(responseObject.headers)) {
      for (const [name, header] of Object.entries(responseObject.headers)) {
        if (!isObject(header) || header.required !== true) continue;
        const value = headerValue(response.headers, name);
        if (value === undefined) {
          errors.push(`${operation} ${response.status}: required header ${name} is missing`);
          continue;
        }
        const fn = validatorFor(`${pointerBase}/headers/${escapePointer(name)}/schema`);
        if (!fn(value))
          errors.push(...formatAjvErrors(fn.errors).map((e) => `${operation} ${response.status}: header ${name}${e}`));
      }
    }

    if (errors.length === 0) validated.set(operation, (validated.get(operation) ?? new Set()).add(response.status));
    return { ok: errors.length === 0, operation, errors };
  }

  return {
    validate,
    assert(response) {
      const result = validate(response);
      if (!result.ok) {
        throw new Error(
          `${response.method.toUpperCase()} ${response.path} → ${response.status} does not match the OpenAPI document:\n  - ${result.errors.join("\n  - ")}\nbody: ${JSON.stringify(response.body)?.slice(0, 600)}`,
        );
      }
    },
    coverage: () => ({ operations, validated }),
  };
}
