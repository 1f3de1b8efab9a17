import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { decodeCursor, encodeCursor } from "./template-cursor.js";

const SECRET = "s3cret";
const filter = { accountId: "wa_1", status: "all", language: null };
const keyset = fc.record({
  createdAt: fc.date({
    min: new Date("2000-01-01T00:00:00Z"),
    max: new Date("2100-01-01T00:00:00Z"),
    noInvalidDate: true,
  }),
  id: fc.stringMatching(/^tmpl_[0-9A-HJKMNP-TV-Z]{26}$/),
});

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

describe("list cursor", () => {
  it("round-trips any keyset", () => {
    fc.assert(
      fc.property(keyset, (k) => {
        expect(decodeCursor(SECRET, encodeCursor(SECRET, k, filter), filter)).toEqual(k);
      }),
    );
  });

  it("any single-character change is invalid_cursor", () => {
    fc.assert(
      fc.property(keyset, fc.nat(), fc.constantFrom(..."ABCxyz019-_."), (k, pos, ch) => {
        const cursor = encodeCursor(SECRET, k, filter);
        const i = pos % cursor.length;
        fc.pre(cursor[i] !== ch);
        const tampered = cursor.slice(0, i) + ch + cursor.slice(i + 1);
        expect(code(() => decodeCursor(SECRET, tampered, filter))).toBe("invalid_cursor");
      }),
    );
  });

  it("another secret, account, status or language is invalid_cursor", () => {
    const c = encodeCursor(SECRET, { createdAt: new Date(0), id: "tmpl_01HXYZABCDEFGHJKMNPQRSTVWX" }, filter);
    expect(code(() => decodeCursor("other", c, filter))).toBe("invalid_cursor");
    expect(code(() => decodeCursor(SECRET, c, { ...filter, accountId: "wa_2" }))).toBe("invalid_cursor");
    expect(code(() => decodeCursor(SECRET, c, { ...filter, status: "approved" }))).toBe("invalid_cursor");
    expect(code(() => decodeCursor(SECRET, c, { ...filter, language: "en" }))).toBe("invalid_cursor");
    for (const junk of ["", ".", "a.b.c", "%%%.%%%", "eyJ9.x"])
      expect(code(() => decodeCursor(SECRET, junk, filter))).toBe("invalid_cursor");
  });

  it("another category or search is invalid_cursor; absent and null are the same filter", () => {
    const k = { createdAt: new Date(0), id: "tmpl_01HXYZABCDEFGHJKMNPQRSTVWX" };
    const filtered = { ...filter, category: "UTILITY", search: "order" };
    const c = encodeCursor(SECRET, k, filtered);
    expect(decodeCursor(SECRET, c, filtered)).toEqual(k);
    for (const other of [
      filter,
      { ...filtered, category: "MARKETING" },
      { ...filtered, category: null },
      { ...filtered, search: "Order" },
      { ...filtered, search: null },
    ]) {
      expect(code(() => decodeCursor(SECRET, c, other))).toBe("invalid_cursor");
    }
    // A search that looks like a category (or the other way round) is another filter too.
    const searchOnly = encodeCursor(SECRET, k, { ...filter, search: "UTILITY" });
    expect(code(() => decodeCursor(SECRET, searchOnly, { ...filter, category: "UTILITY" }))).toBe("invalid_cursor");
    // Cursors issued without these filters (also by versions before they existed) keep working.
    const plain = encodeCursor(SECRET, k, filter);
    expect(decodeCursor(SECRET, plain, { ...filter, category: null, search: null })).toEqual(k);
  });
});
