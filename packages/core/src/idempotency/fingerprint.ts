import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted (recursively), so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request.
 * Array order is kept (it is meaningful). `undefined` object members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * What makes two requests "the same" for an Idempotency-Key: sha256 of method, path and the canonical JSON
 * body (no body = `null`). Hex, 64 characters.
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method.toUpperCase()}\n${path}\n${canonicalJson(body === undefined ? null : body)}`)
    .digest("hex");
}
