import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Meta's `X-Hub-Signature-256`: "sha256=" + hex HMAC-SHA256 of the RAW body with the app secret, compared in constant
 * time. The HTTP layer calls it on the raw bytes before anything parses them.
 */
export function verifyWebhookSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith("sha256=")) return false;
  const given = Buffer.from(header.slice("sha256=".length), "hex");
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
