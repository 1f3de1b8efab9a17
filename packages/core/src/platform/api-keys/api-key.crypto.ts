import { createHash, randomBytes } from "node:crypto";

export const API_KEY_PREFIX = "kdv_live_";
/** `kdv_live_` + 24 url-safe base64 characters (18 random bytes, 144 bits). */
export const API_KEY_PATTERN = /^kdv_live_[A-Za-z0-9_-]{24}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(18).toString("base64url");
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function describeApiKey(key: string): { prefix: string; last4: string } {
  return { prefix: key.slice(0, 12), last4: key.slice(-4) };
}
