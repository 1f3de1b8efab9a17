import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertStorableText, firstUnstorableText, isStorableText, toStorableText } from "./text.js";

describe("storable text (what PostgreSQL text and jsonb accept)", () => {
  it("refuses NUL and unpaired surrogates, accepts paired ones and everything else", () => {
    expect(["a\u0000", "\ud800", "x\udfffy", "\udc00\ud800"].map(isStorableText)).toEqual([false, false, false, false]);
    expect(["", "😀", "\u202e", "é", "\ud83d\ude00"].map(isStorableText)).toEqual([true, true, true, true, true]);
  });

  it("names the shallowest offending field the way error params are written, keys included", () => {
    expect(firstUnstorableText({ name: "ok", components: [{ type: "BODY" }, { text: "a\u0000" }] })).toBe(
      "components[1].text",
    );
    expect(firstUnstorableText({ variables: ["x", "\ud800"], deep: [[["\u0000"]]] })).toBe("variables[1]");
    expect(firstUnstorableText({ components: [{ ["k\u0000"]: 1 }] })).toBe('components[0]["k\\u0000"]');
    expect(firstUnstorableText({ fine: ["😀", 1, null, true] })).toBeUndefined();
    expect(() => assertStorableText({ a: "\u0000" })).toThrow(
      expect.objectContaining({ code: "invalid_field_value", param: "a" }),
    );
  });

  it("walks a value nested 100 000 deep without recursion", () => {
    const depth = 100_000;
    expect(firstUnstorableText(JSON.parse(`${"[".repeat(depth)}"\\u0000"${"]".repeat(depth)}`))).toBe(
      "[0]".repeat(depth),
    );
    expect(firstUnstorableText(JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`))).toBeUndefined();
  });

  it("replaces exactly the unstorable characters with U+FFFD", () => {
    expect(toStorableText({ t: "a\u0000b\ud800c😀", list: ["\udfff", 1], ["k\u0000"]: null })).toEqual({
      t: "a\ufffdb\ufffdc😀",
      list: ["\ufffd", 1],
      ["k\ufffd"]: null,
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const stored = toStorableText(value);
        expect(firstUnstorableText(stored)).toBeUndefined();
        if (firstUnstorableText(value) === undefined) expect(stored).toEqual(value);
      }),
    );
  });

  it("hands back the very value when there is nothing to replace (a sync copies no clean template)", () => {
    const clean = { name: "a", components: [{ type: "BODY", text: "Hi 😀", example: { body_text: [["x"]] } }] };
    expect(toStorableText(clean)).toBe(clean);
    const dirty = { name: "a", components: [{ type: "BODY", text: "Hi\u0000" }] };
    expect(toStorableText(dirty)).not.toBe(dirty);
    // A nested offender is found behind clean siblings, in keys too.
    expect(toStorableText({ a: [1, { b: "ok" }], c: [{ ["k\ud800"]: 1 }] })).toEqual({
      a: [1, { b: "ok" }],
      c: [{ ["k\ufffd"]: 1 }],
    });
  });

  it("copies nothing that needs no replacing: the input itself, or a copy sharing every untouched member", () => {
    const clean = { name: "order", components: [{ type: "BODY", text: "Hello {{1}}" }], quality: null };
    expect(toStorableText(clean)).toBe(clean);
    const dirty = { name: "order\u0000", components: clean.components, list: ["ok", "\ud800"] };
    const stored = toStorableText(dirty);
    expect(stored).toEqual({ name: "order\ufffd", components: clean.components, list: ["ok", "\ufffd"] });
    expect(stored.components).toBe(clean.components);
    // The input is left as it was.
    expect(dirty.name).toBe("order\u0000");
    expect(dirty.list).toEqual(["ok", "\ud800"]);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        if (firstUnstorableText(value) === undefined) expect(toStorableText(value)).toBe(value);
      }),
    );
  });
});
