/**
 * @kirim/core — domain logic: Meta gateway, template create/sync/list, Kysely on PostgreSQL or PGlite.
 * Framework-free: no HTTP server, no process.env.
 */
export { DomainError, isDomainError } from "./errors.js";
export type { DomainErrorOptions } from "./errors.js";

export { createDatabase } from "./db/database.js";
export type { DatabaseConfig, DatabaseHandle, DatabaseKind } from "./db/database.js";
export { migrateToLatest, MIGRATIONS } from "./db/migrate.js";
export type { Database } from "./db/schema.js";

export { createMetaGateway } from "./meta/gateway.js";
export { MetaApiError, isMetaApiError } from "./meta/meta-api-error.js";
export type { MetaApiErrorKind } from "./meta/meta-api-error.js";
export type {
  MetaAccountRef,
  MetaComponent,
  MetaCreateTemplateBody,
  MetaCreateTemplateResult,
  MetaGateway,
  MetaGatewayOptions,
  MetaTemplate,
  ListTemplatesOptions as MetaListTemplatesOptions,
  RetryPolicy,
} from "./meta/types.js";

export { createCore } from "./core.js";
export type {
  AccountsService,
  AdminService,
  AuthService,
  ConnectAccountInput,
  Core,
  CoreOptions,
  CreateApiKeyInput,
  CreateCustomerInput,
  CreatedApiKey,
  CreateOrganisationInput,
  GetTemplateOptions,
  ListAccountsOptions,
  ListTemplatesOptions,
  Principal,
  SeedDemoInput,
  SeedDemoResult,
  TemplatePage,
  TemplatesService,
} from "./types.js";
