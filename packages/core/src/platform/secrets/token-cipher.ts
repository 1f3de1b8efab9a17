/**
 * Encryption at rest for Meta access tokens: AES-256-GCM, a random 12-byte IV per value, and the id of the key
 * stored next to the ciphertext so a keyring can hold old keys (for decryption) while new values use the current
 * one (key rotation without a flag day).
 *
 * Stored form (one text column): `v1:<key_id>:<iv>:<tag>:<ciphertext>`, the last three base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export const ENCRYPTED_PREFIX = "v1:";
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Binds ciphertexts to their purpose: a value encrypted for something else with the same key does not verify. */
const AAD = Buffer.from("kirim:whatsapp_accounts.access_token", "utf8");
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface TokenKey {
  /** Short identifier stored with every value (letters, digits, `_`, `-`; at most 32). */
  id: string;
  /** 32 random bytes. */
  key: Uint8Array;
}

/** The keys the server knows: `current` encrypts; every key (current included) decrypts values carrying its id. */
export interface TokenKeyring {
  current: TokenKey;
  /** Older keys kept for decryption until `secrets.rotate()` has re-encrypted every value. */
  previous?: readonly TokenKey[];
}

export class TokenKeyringError extends Error {
  override readonly name = "TokenKeyringError";
}

/** Why a stored value could not be decrypted (unknown key id, tampering, wrong key, not encrypted). */
export class TokenDecryptionError extends Error {
  override readonly name = "TokenDecryptionError";
  /** The key id the value names, when it could be read. */
  readonly keyId: string | undefined;
  constructor(message: string, keyId?: string) {
    super(message);
    this.keyId = keyId;
  }
}

export function isEncryptedToken(stored: string): boolean {
  return stored.startsWith(ENCRYPTED_PREFIX);
}

/** The key id a stored value names (`undefined` for plaintext or malformed values). */
export function keyIdOf(stored: string): string | undefined {
  if (!isEncryptedToken(stored)) return undefined;
  const id = stored.split(":")[1];
  return id !== undefined && KEY_ID_PATTERN.test(id) ? id : undefined;
}

/**
 * Parses `id:base64key[,id:base64key…]` (first = current). Keys must decode to exactly 32 bytes (standard or
 * url-safe base64); ids must be unique. Throws `TokenKeyringError` with a message naming the bad entry (never the
 * key material).
 */
export function parseTokenKeyring(spec: string): TokenKeyring {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0)
    throw new TokenKeyringError("the keyring is empty; expected `id:base64key[,id:base64key…]`");
  const keys: TokenKey[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(":");
    const id = colon === -1 ? "" : entry.slice(0, colon);
    const material = colon === -1 ? "" : entry.slice(colon + 1);
    if (!KEY_ID_PATTERN.test(id)) {
      throw new TokenKeyringError(
        `entry ${index + 1}: expected \`id:base64key\` with an id of 1–32 letters, digits, _ or -`,
      );
    }
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(material)) throw new TokenKeyringError(`key "${id}": the key is not base64`);
    const key = Buffer.from(material, "base64");
    if (key.length !== KEY_BYTES) {
      throw new TokenKeyringError(
        `key "${id}": decodes to ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES} (openssl rand -base64 32)`,
      );
    }
    if (keys.some((k) => k.id === id)) throw new TokenKeyringError(`key id "${id}" appears twice`);
    keys.push({ id, key });
  });
  const [current, ...previous] = keys as [TokenKey, ...TokenKey[]];
  return { current, previous };
}

/** A fresh random key in the `id:base64key` form `parseTokenKeyring` reads. */
export function generateTokenKeySpec(id: string): string {
  if (!KEY_ID_PATTERN.test(id)) throw new TokenKeyringError(`invalid key id "${id}"`);
  return `${id}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

export interface TokenCipher {
  /** The id new values are encrypted with. */
  readonly currentKeyId: string;
  /** Every key id this cipher can decrypt. */
  readonly keyIds: readonly string[];
  encrypt(plaintext: string): string;
  /** Throws `TokenDecryptionError` for unknown key ids, tampered values, wrong keys and plaintext. */
  decrypt(stored: string): string;
}

export function createTokenCipher(keyring: TokenKeyring): TokenCipher {
  const all = [keyring.current, ...(keyring.previous ?? [])];
  const byId = new Map<string, Uint8Array>();
  for (const { id, key } of all) {
    if (!KEY_ID_PATTERN.test(id)) throw new TokenKeyringError(`invalid key id "${id}"`);
    if (key.length !== KEY_BYTES) throw new TokenKeyringError(`key "${id}" must be ${KEY_BYTES} bytes`);
    if (byId.has(id)) throw new TokenKeyringError(`key id "${id}" appears twice`);
    byId.set(id, key);
  }
  const current = keyring.current;
  return {
    currentKeyId: current.id,
    keyIds: [...byId.keys()],
    encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${ENCRYPTED_PREFIX}${current.id}:${iv.toString("base64url")}:${tag.toString("base64url")}:${ciphertext.toString("base64url")}`;
    },
    decrypt(stored) {
      if (!isEncryptedToken(stored))
        throw new TokenDecryptionError("the stored token is not encrypted (no v1: prefix)");
      const parts = stored.split(":");
      const [, keyId, ivText, tagText, ciphertextText] = parts;
      if (
        parts.length !== 5 ||
        keyId === undefined ||
        ivText === undefined ||
        tagText === undefined ||
        ciphertextText === undefined
      ) {
        throw new TokenDecryptionError("the stored token is malformed");
      }
      const key = byId.get(keyId);
      if (key === undefined) {
        throw new TokenDecryptionError(
          `the stored token was encrypted with key "${keyId}", which is not in the keyring`,
          keyId,
        );
      }
      const iv = Buffer.from(ivText, "base64url");
      const tag = Buffer.from(tagText, "base64url");
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
        throw new TokenDecryptionError("the stored token is malformed", keyId);
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(AAD);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ciphertextText, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch {
        // GCM's tag check: the value was altered, or key "<id>" is not the key it was encrypted with.
        throw new TokenDecryptionError(
          `the stored token failed authentication under key "${keyId}" (tampered, or the configured key "${keyId}" is not the one it was encrypted with)`,
          keyId,
        );
      }
    },
  };
}
