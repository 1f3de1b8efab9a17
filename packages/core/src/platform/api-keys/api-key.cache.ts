import type { NotificationHandlers, NotificationListener } from "../../db/database.js";
import type { ApiKeyRow } from "./api-key.table.js";

/** The channel the `api_keys` trigger notifies (migration 2026_12_03_000200), payload = the key's hash. */
export const API_KEY_CHANGED_CHANNEL = "api_key_changed";

/** What authentication reads from a key row; `expires_at` is checked against the clock on every request. */
export type CachedApiKey = Pick<ApiKeyRow, "id" | "organisation_id" | "revoked_at" | "expires_at">;

/**
 * API-key rows kept in process memory so an authenticated request does not read `api_keys`. Trusted only while
 * this instance LISTENs for `api_key_changed` (every UPDATE or DELETE of a key notifies, whatever wrote it): a
 * notification drops that key at once, and losing the listening connection empties the cache and bypasses it
 * (every request reads the row again) until LISTEN is in force again. A read that raced a notification is not
 * stored (`generation`), so a revocation can never be overwritten by the row read just before it.
 */
export interface ApiKeyCache {
  /** The cached row, or undefined (not cached, or the cache is not trusted right now). */
  get(keyHash: string): CachedApiKey | undefined;
  /** Call before reading a row from the database; pass the result to `put`. */
  generation(): number;
  /** Stores a row read since `generation` was taken, unless a change was heard or trust was lost since. */
  put(keyHash: string, row: CachedApiKey, generation: number): void;
  /** Whether cached rows are trusted right now (the listener is in force). */
  readonly trusted: boolean;
  close(): Promise<void>;
}

export interface ApiKeyCacheOptions {
  listen: (channel: string, handlers: NotificationHandlers) => NotificationListener;
  /** Oldest rows are dropped beyond this many keys. Default 10,000. */
  maxEntries?: number;
  /** A row is read again after this long even without a notification (belt and braces). Default 60 s. */
  maxAgeMs?: number;
  now?: () => number;
}

export function createApiKeyCache(options: ApiKeyCacheOptions): ApiKeyCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const rows = new Map<string, { row: CachedApiKey; storedAt: number }>();
  let trusted = false;
  let changes = 0;
  const listener = options.listen(API_KEY_CHANGED_CHANNEL, {
    onNotify: (keyHash) => {
      changes += 1;
      rows.delete(keyHash);
    },
    onListening: (listening) => {
      // Either way what is cached may predate a change nobody heard: start empty.
      changes += 1;
      rows.clear();
      trusted = listening;
    },
  });
  return {
    get(keyHash) {
      if (!trusted) return undefined;
      const entry = rows.get(keyHash);
      if (entry === undefined) return undefined;
      if (now() - entry.storedAt > maxAgeMs) {
        rows.delete(keyHash);
        return undefined;
      }
      return entry.row;
    },
    generation: () => changes,
    put(keyHash, row, generation) {
      if (!trusted || generation !== changes) return;
      rows.delete(keyHash);
      if (rows.size >= maxEntries) {
        const oldest = rows.keys().next();
        if (oldest.done !== true) rows.delete(oldest.value);
      }
      rows.set(keyHash, {
        row: {
          id: row.id,
          organisation_id: row.organisation_id,
          revoked_at: row.revoked_at,
          expires_at: row.expires_at,
        },
        storedAt: now(),
      });
    },
    get trusted() {
      return trusted;
    },
    close: () => listener.close(),
  };
}
