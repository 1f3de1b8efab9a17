/** Property tests of the pure pieces of the HTTP shell. */
import { DomainError } from "@kirim/core";
import { ERROR_CODES } from "@kirim/schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBearer } from "../src/http/auth.js";
import { toErrorResponse } from "../src/rest/error-response.js";

const RID = "req_01HXYZABCDEFGHJKMNPQRSTVWX";

describe("parseBearer", () => {
  it("returns the token or throws a 401 DomainError, for any header value", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `Bearer ${s}`),
          fc.constant(undefined),
        ),
        (header) => {
          try {
            const token = parseBearer(header);
            expect(token.length).toBeGreaterThan(0);
            expect(header).toContain(token);
            expect(token).not.toMatch(/\s/);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect(["missing_api_key", "invalid_api_key"]).toContain((error as DomainError).code);
          }
        },
      ),
    );
  });

  it("round-trips every well-formed key", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), (key) => {
        expect(parseBearer(`Bearer ${key}`)).toBe(key);
      }),
    );
  });
});

describe("toErrorResponse", () => {
  it("always answers a catalogue code, with the request id, and never a stack or the thrown message of an unknown error", () => {
    fc.assert(
      fc.property(fc.anything(), fc.string({ minLength: 8 }), (thrown, secret) => {
        const value = thrown instanceof Object ? thrown : new Error(`boom ${secret}`);
        const res = toErrorResponse(value, RID);
        const text = JSON.stringify(res.body);
        expect(Object.keys(ERROR_CODES)).toContain(res.body.error.code);
        expect(res.body.error.request_id).toBe(RID);
        expect(text).not.toMatch(/"stack"|\n\s+at /);
        if (res.body.error.code === "internal_error") expect(text).not.toContain(secret);
      }),
    );
  });
});
