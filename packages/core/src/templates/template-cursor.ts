import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "../errors.js";
import type { TemplateKeyset } from "./template.repository.js";

/**
 * Opaque list cursor: `base64url(JSON {k: [created_at ISO, id], f: filter fingerprint}) + "." + base64url(HMAC-SHA256)`.
 * The fingerprint binds the cursor to the account and filters it was issued for; a tampered or
 * filter-mismatched cursor is a 400 `invalid_cursor`.
 */
export interface CursorFilter {
  accountId: string;
  status: string;
  language: string | null;
  category?: string | null | undefined;
  search?: string | null | undefined;
  metaStatus?: string | null | undefined;
  /** The list's order; the default (created_desc) leaves the fingerprint as it was. */
  sort?: string | undefined;
}

export function filterFingerprint(filter: CursorFilter): string {
  const category = filter.category ?? null;
  const search = filter.search ?? null;
  // Without category and search the fingerprint is the one cursors had before those filters existed, so a cursor
  // issued by an older version still works; with either, the longer array can never collide with it.
  const parts: unknown[] = [filter.accountId, filter.status, filter.language];
  if (category !== null || search !== null) parts.push(category, search);
  // Newer filters append only when used, so the older cursors' fingerprints stay as they were.
  const metaStatus = filter.metaStatus ?? null;
  if (metaStatus !== null) parts.push(...(parts.length === 3 ? [null, null] : []), `meta_status:${metaStatus}`);
  if (filter.sort !== undefined && filter.sort !== "created_desc") parts.push(`sort:${filter.sort}`);
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}

function sign(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

export function encodeCursor(secret: string, keyset: TemplateKeyset, filter: CursorFilter): string {
  const payload = Buffer.from(
    JSON.stringify({ k: [keyset.createdAt.toISOString(), keyset.id], f: filterFingerprint(filter) }),
    "utf8",
  ).toString("base64url");
  return `${payload}.${sign(secret, payload).toString("base64url")}`;
}

function invalid(message: string): DomainError {
  return new DomainError("invalid_cursor", message, { param: "cursor" });
}

/** The payload of a cursor this server signed, parsed; malformed or tampered cursors are refused. */
function verifiedPayload(secret: string, cursor: string): unknown {
  const parts = cursor.split(".");
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw invalid("The cursor is malformed.");
  const [payload, signature] = parts as [string, string];
  const expected = sign(secret, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid("The cursor was modified or was not issued by this server.");
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw invalid("The cursor is malformed.");
  }
  return decoded;
}

export function decodeCursor(secret: string, cursor: string, filter: CursorFilter): TemplateKeyset {
  const decoded = verifiedPayload(secret, cursor);
  const obj = decoded as { k?: unknown; f?: unknown } | null;
  const k = obj?.k;
  if (!Array.isArray(k) || k.length !== 2 || typeof k[0] !== "string" || typeof k[1] !== "string") {
    throw invalid("The cursor is malformed.");
  }
  const createdAt = new Date(k[0]);
  if (Number.isNaN(createdAt.getTime())) throw invalid("The cursor is malformed.");
  if (obj?.f !== filterFingerprint(filter)) {
    throw invalid("The cursor was issued for different filters; start again without a cursor.");
  }
  return { createdAt, id: k[1] };
}

/** A cursor over another order: the last row's sort key (a name, or an ISO time) and id. */
export interface SortKeyset {
  key: string;
  id: string;
}

export function encodeSortCursor(secret: string, keyset: SortKeyset, filter: CursorFilter): string {
  const payload = Buffer.from(
    JSON.stringify({ s: [keyset.key, keyset.id], f: filterFingerprint(filter) }),
    "utf8",
  ).toString("base64url");
  return `${payload}.${sign(secret, payload).toString("base64url")}`;
}

export function decodeSortCursor(secret: string, cursor: string, filter: CursorFilter): SortKeyset {
  const decoded = verifiedPayload(secret, cursor);
  const obj = decoded as { s?: unknown; f?: unknown } | null;
  if (obj?.f !== filterFingerprint(filter)) {
    throw invalid("The cursor was issued for different filters; start again without a cursor.");
  }
  const k = obj.s;
  if (!Array.isArray(k) || k.length !== 2 || typeof k[0] !== "string" || typeof k[1] !== "string") {
    throw invalid("The cursor is malformed.");
  }
  return { key: k[0], id: k[1] };
}
