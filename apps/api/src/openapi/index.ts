/** OpenAPI 3.1 document of the public REST API, and the router serving it and the `/docs` reference. */
export {
  buildOpenApiDocument,
  errorCodesByStatus,
  getOpenApiDocument,
  getOpenApiJson,
  ERROR_CODES_EXTENSION,
} from "./document.js";
export type { OpenApiDocument } from "./document.js";
export { openApiRouter } from "./router.js";
export type { OpenApiRouterOptions } from "./router.js";
export { DOCS_PATH, OPENAPI_JSON_PATH, ROUTES } from "./routes.js";
export type { RouteSpec } from "./routes.js";
