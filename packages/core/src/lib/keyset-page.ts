/**
 * The one shape of a keyset-paged list: `limit` checked (1–100, default 25), the repository asked for `limit + 1`
 * rows after the cursor's keyset, the extra row only telling that there is more, the cursor naming the last row.
 */
import type { Page } from "../base.js";
import { DomainError } from "../errors.js";

export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;

/** The page size asked for, or 400 `invalid_limit`. */
export function checkPageLimit(limit: number | undefined): number {
  const l = limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(l) || l < 1 || l > MAX_PAGE_LIMIT) {
    throw new DomainError("invalid_limit", `limit must be an integer between 1 and ${MAX_PAGE_LIMIT}.`, {
      param: "limit",
    });
  }
  return l;
}

/** `rows` as read with `limit + 1`: the first `limit` of them, and the cursor of the last one when more follow. */
export function toPage<Row, T>(
  rows: readonly Row[],
  limit: number,
  toWire: (row: Row) => T,
  cursorOf: (last: Row) => string,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(toWire),
    has_more: hasMore,
    next_cursor: hasMore && last !== undefined ? cursorOf(last) : null,
  };
}
