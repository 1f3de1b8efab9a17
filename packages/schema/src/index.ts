/**
 * @kirim/schema — the wire contract of the Kirimdev-compatible template API, as zod schemas.
 * Imported by core (domain), api (REST + tRPC) and web (forms). Depends on zod only.
 */
export * from "./ids.js";
export * from "./errors.js";
export * from "./envelopes.js";
export * from "./issues.js";
export * from "./template-request.js";
export * from "./template-flow.js";
export * from "./template-library.js";
export * from "./template.js";
export * from "./template-lifecycle.js";
export * from "./account.js";
export * from "./me.js";
export * from "./meta-rules/index.js";
export * from "./webhook-subscription.js";
export * from "./media-upload.js";
