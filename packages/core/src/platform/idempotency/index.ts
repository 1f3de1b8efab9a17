export { canonicalJson, requestFingerprint } from "./fingerprint.js";
export {
  createIdempotencyService,
  IDEMPOTENCY_DEFAULTS,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  isReplayable,
} from "./idempotency.service.js";
export type {
  IdempotencyClaim,
  IdempotencyOptions,
  IdempotencyService,
  IdempotencyStart,
  StoredResponse,
} from "./idempotency.service.js";
