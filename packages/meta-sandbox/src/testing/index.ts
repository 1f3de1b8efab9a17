// `@kirim/meta-sandbox/testing`: helpers for other packages' tests (loopback only).
export { startWebhookReceiver } from "./webhook-receiver.js";
export type { ReceivedWebhook, WebhookReceiver } from "./webhook-receiver.js";
export * from "./meta-doc-examples.js";
