/**
 * The OpenAPI side of an endpoint: what the document says about it (../endpoints/table.ts declares every endpoint,
 * ./routes.ts turns the table into the `RouteSpec` list the document and the tests' response validator read).
 */
import type { TErrorCode } from "@kirim/schema";
import type { z } from "zod";

export const OPENAPI_JSON_PATH = "/v1/openapi.json";
export const DOCS_PATH = "/docs";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface RouteExample {
  summary: string;
  value: unknown;
}

export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/v1/{phone_number_id}/templates/{name}`. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tag: "Templates" | "Accounts" | "Webhooks" | "Health" | "Reference";
  /** False for the few public routes (health, this document). */
  auth: boolean;
  params?: { path?: z.ZodObject; query?: z.ZodObject; header?: z.ZodObject };
  body?: { schema: z.ZodType; description: string; examples: Record<string, RouteExample> };
  /** A raw (non-JSON) body: the media types it may carry, e.g. a file upload. */
  rawBody?: { description: string; mediaTypes: readonly string[] };
  success: { status: number; description: string; schema: z.ZodType; examples: Record<string, RouteExample> };
  /** Every error code the route can answer; grouped by the catalogue's HTTP status in the document. */
  errors: readonly TErrorCode[];
  /** Per-code wording of the examples where the generic one would mislead on this route. */
  errorExamples?: Partial<Record<TErrorCode, { message?: string; param?: string }>>;
}
