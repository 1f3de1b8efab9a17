import { createHash } from "node:crypto";
import { canonicalJson } from "../../lib/canonical-json.js";

export { canonicalJson };

/**
 * What makes two requests "the same" for an Idempotency-Key: sha256 of method, path and the canonical JSON
 * body (no body = `null`). Hex, 64 characters.
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method.toUpperCase()}\n${path}\n${canonicalJson(body === undefined ? null : body)}`)
    .digest("hex");
}
