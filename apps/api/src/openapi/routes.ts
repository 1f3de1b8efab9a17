/**
 * The public REST routes as OpenAPI data: every entry of the endpoint table (../endpoints/table.ts) that has `docs`,
 * in the table's order. What the document describes and what the response validator of the tests checks against.
 */
import { ENDPOINTS } from "../endpoints/table.js";
import type { RouteSpec } from "./route-spec.js";

export { DOCS_PATH, OPENAPI_JSON_PATH } from "./route-spec.js";
export type { HttpMethod, RouteExample, RouteSpec } from "./route-spec.js";

export const ROUTES: readonly RouteSpec[] = ENDPOINTS.flatMap((entry) =>
  entry.docs === undefined ? [] : [{ method: entry.method, path: entry.path, ...entry.docs }],
);
