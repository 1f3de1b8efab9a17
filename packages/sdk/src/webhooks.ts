/**
 * Verification of our outbound webhooks, which follow the Standard Webhooks scheme (standardwebhooks.com):
 * headers `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature` (space-separated `v1,<base64>`),
 * signature = base64(HMAC-SHA256(secret, `${id}.${timestamp}.${rawBody}`)), secret = `whsec_` + base64 key.
 * Web Crypto only, so it runs on Node ≥ 20, Deno, Bun and in browsers without a dependency.
 */
import { KirimError } from "./errors.js";

/** Standard Webhooks' default tolerance for the timestamp: 5 minutes either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Allowed clock difference in seconds (default 300). */
  toleranceSeconds?: number;
  /** The current time (tests). */
  now?: () => Date;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index += 1) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

function refused(message: string): KirimError {
  return new KirimError(message, {
    status: null,
    type: "authentication_error",
    code: "webhook_signature_invalid",
    param: undefined,
    requestId: undefined,
    meta: undefined,
    retryAfterSeconds: undefined,
  });
}

/**
 * Checks a webhook delivery and returns its parsed JSON body; throws `KirimError` (code `webhook_signature_invalid`)
 * when a header is missing, the timestamp is outside the tolerance, or no signature matches.
 * Pass the body exactly as received (string or bytes), before any JSON parsing.
 */
export async function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): Promise<unknown> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    throw refused("Missing webhook-id, webhook-timestamp or webhook-signature header.");
  }
  const sentAt = Number(timestamp);
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (!/^\d+$/.test(timestamp) || Math.abs(now - sentAt) > tolerance) {
    throw refused(`webhook-timestamp is more than ${tolerance} seconds from now (a replay or a wrong clock).`);
  }
  const body = typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody);
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  );
  const expected = toBase64(mac);
  const matches = signatures
    .split(" ")
    .map((entry) => entry.split(","))
    .some(
      ([version, signature]) => version === "v1" && signature !== undefined && constantTimeEqual(signature, expected),
    );
  if (!matches) throw refused("No webhook-signature matches the body: wrong secret, or the body was changed.");
  return JSON.parse(body) as unknown;
}
