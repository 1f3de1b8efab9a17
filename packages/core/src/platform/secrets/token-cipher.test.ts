import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createTokenCipher,
  generateTokenKeySpec,
  keyIdOf,
  parseTokenKeyring,
  TokenDecryptionError,
  TokenKeyringError,
} from "./token-cipher.js";

const TOKEN = "EAAGm0PX4ZCpsBAJ-meta-access-token-plaintext";

function keyring(...ids: string[]) {
  return parseTokenKeyring(ids.map((id) => generateTokenKeySpec(id)).join(","));
}

function decryptError(fn: () => unknown): TokenDecryptionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TokenDecryptionError) return error;
    throw error;
  }
  throw new Error("expected a TokenDecryptionError");
}

describe("token cipher (AES-256-GCM)", () => {
  it("round-trips, with a fresh IV per value and the key id in the stored form", () => {
    const cipher = createTokenCipher(keyring("k1"));
    const a = cipher.encrypt(TOKEN);
    const b = cipher.encrypt(TOKEN);
    expect(a).toMatch(/^v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(TOKEN);
    expect(keyIdOf(a)).toBe("k1");
    expect(cipher.decrypt(a)).toBe(TOKEN);
    expect(cipher.decrypt(b)).toBe(TOKEN);
  });

  it("decrypts values of a previous key after rotation; encrypts with the current one", () => {
    const old = parseTokenKeyring(generateTokenKeySpec("old"));
    const stored = createTokenCipher(old).encrypt(TOKEN);
    const rotated = createTokenCipher({ current: { id: "new", key: randomBytes(32) }, previous: [old.current] });
    expect(rotated.decrypt(stored)).toBe(TOKEN);
    expect(keyIdOf(rotated.encrypt(TOKEN))).toBe("new");
    expect(rotated.keyIds).toEqual(["new", "old"]);
  });

  it("refuses tampered ciphertext, tag and IV, an unknown key id, a wrong key and plaintext", () => {
    const cipher = createTokenCipher(keyring("k1"));
    const stored = cipher.encrypt(TOKEN);
    const [v, id, iv, tag, ct] = stored.split(":") as [string, string, string, string, string];
    const flip = (text: string): string => {
      const bytes = Buffer.from(text, "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString("base64url");
    };
    for (const tampered of [
      [v, id, iv, tag, flip(ct)],
      [v, id, iv, flip(tag), ct],
      [v, id, flip(iv), tag, ct],
    ]) {
      expect(decryptError(() => cipher.decrypt(tampered.join(":"))).message).toMatch(
        /failed authentication under key "k1"/,
      );
    }
    expect(decryptError(() => cipher.decrypt([v, "k9", iv, tag, ct].join(":")))).toMatchObject({ keyId: "k9" });
    expect(decryptError(() => cipher.decrypt([v, "k9", iv, tag, ct].join(":"))).message).toMatch(
      /key "k9", which is not in the keyring/,
    );
    const sameIdOtherKey = createTokenCipher(keyring("k1"));
    expect(decryptError(() => sameIdOtherKey.decrypt(stored)).message).toMatch(/failed authentication/);
    expect(decryptError(() => cipher.decrypt(TOKEN)).message).toMatch(/not encrypted/);
    expect(decryptError(() => cipher.decrypt("v1:k1:abc")).message).toMatch(/malformed/);
  });

  it("parses `id:base64key,…` and rejects bad entries without echoing key material", () => {
    const spec = `${generateTokenKeySpec("2026-11")},${generateTokenKeySpec("2026-01")}`;
    const parsed = parseTokenKeyring(spec);
    expect(parsed.current.id).toBe("2026-11");
    expect(parsed.previous?.map((k) => k.id)).toEqual(["2026-01"]);
    const short = Buffer.alloc(16, 1).toString("base64");
    const cases: Array<[string, RegExp]> = [
      ["", /empty/],
      [short, /expected `id:base64key`/],
      [`k1:${short}`, /decodes to 16 bytes; AES-256 needs exactly 32/],
      [`k1:not base64!`, /not base64/],
      [`bad id:${Buffer.alloc(32).toString("base64")}`, /id of 1–32/],
      [`k1:${Buffer.alloc(32).toString("base64")},k1:${Buffer.alloc(32, 2).toString("base64")}`, /appears twice/],
    ];
    for (const [input, message] of cases) {
      let caught: unknown;
      try {
        parseTokenKeyring(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TokenKeyringError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain(short);
    }
    // url-safe base64 is accepted too (what `openssl rand -base64 32 | tr '+/' '-_'` prints).
    expect(parseTokenKeyring(`k:${randomBytes(32).toString("base64url")}`).current.key).toHaveLength(32);
  });
});
