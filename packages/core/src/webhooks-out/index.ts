export { createWebhooksOutService, SECRET_OVERLAP_MS } from "./webhook-out.service.js";
export type { WebhooksOutOptions, WebhooksOutService } from "./webhook-out.service.js";
export { createWebhookDeliveryWorker, WEBHOOK_DELIVERY_QUEUE } from "./webhook-out.worker.js";
export type { WebhookDeliveryWorker, WebhookDeliveryWorkerOptions } from "./webhook-out.worker.js";
export {
  judgeAttempt,
  retryDelayMs,
  MAX_ATTEMPTS,
  DISABLE_AFTER_CONSECUTIVE_FAILURES,
  RETRY_BASE_MS,
  RETRY_CAP_MS,
} from "./retry-policy.js";
export type { AttemptResult, AttemptVerdict } from "./retry-policy.js";
