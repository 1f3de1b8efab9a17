import type { Kysely } from "kysely";
import { listStoredTokens, replaceStoredToken } from "../../accounts/account.repository.js";
import type { Database } from "../../db/schema.js";
import type { MetaAccountRef } from "../../meta/types.js";
import { isEncryptedToken, keyIdOf, TokenDecryptionError, TokenKeyringError } from "./token-cipher.js";
import type { TokenCipher } from "./token-cipher.js";

export interface SecretsPrepareResult {
  /** Rows found in plaintext (written before encryption existed) and encrypted now. */
  encrypted: number;
  /** Key ids in use after preparation, with their row counts. */
  keys: Record<string, number>;
}

export interface SecretsRotateResult {
  /** Rows re-encrypted with the current key. */
  reencrypted: number;
  /** Rows already under the current key. */
  unchanged: number;
  currentKeyId: string;
}

export interface SecretsService {
  /**
   * Run at start-up, before serving: encrypts rows still in plaintext, then checks that every stored token
   * decrypts with the configured keyring. Throws `TokenKeyringError` naming the missing or wrong key ids.
   */
  prepare(): Promise<SecretsPrepareResult>;
  /** Re-encrypts every token that is not under the current key (after adding a new key first in the keyring). */
  rotate(): Promise<SecretsRotateResult>;
  /** Rows per key id (`plaintext` for rows not yet encrypted). */
  status(): Promise<Record<string, number>>;
}

/** The decrypted credentials for one account: the only way core turns a stored token into a usable one. */
export function accountCredentials(
  account: { waba_id: string; access_token_encrypted: string },
  tokens: TokenCipher,
): MetaAccountRef {
  return { wabaId: account.waba_id, accessToken: tokens.decrypt(account.access_token_encrypted) };
}

function countByKey(rows: ReadonlyArray<{ access_token_encrypted: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) {
    const id = isEncryptedToken(row.access_token_encrypted)
      ? (keyIdOf(row.access_token_encrypted) ?? "malformed")
      : "plaintext";
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

export function createSecretsService(deps: { db: Kysely<Database>; tokens: TokenCipher }): SecretsService {
  const { db, tokens } = deps;
  return {
    async prepare() {
      let encrypted = 0;
      for (const row of await listStoredTokens(db)) {
        if (isEncryptedToken(row.access_token_encrypted)) continue;
        const replaced = await replaceStoredToken(
          db,
          row.id,
          row.access_token_encrypted,
          tokens.encrypt(row.access_token_encrypted),
        );
        if (replaced) encrypted += 1;
      }
      const rows = await listStoredTokens(db);
      const unknown = new Set<string>();
      const failed = new Set<string>();
      for (const row of rows) {
        try {
          tokens.decrypt(row.access_token_encrypted);
        } catch (error) {
          if (!(error instanceof TokenDecryptionError)) throw error;
          const id = error.keyId ?? "(malformed)";
          if (tokens.keyIds.includes(id)) failed.add(id);
          else unknown.add(id);
        }
      }
      const problems: string[] = [];
      if (unknown.size > 0) {
        problems.push(
          `stored Meta access tokens are encrypted with key id(s) ${[...unknown].map((id) => `"${id}"`).join(", ")}, which the keyring does not contain`,
        );
      }
      if (failed.size > 0) {
        problems.push(
          `stored Meta access tokens do not decrypt with the configured key(s) ${[...failed].map((id) => `"${id}"`).join(", ")} (wrong key material for that id, or altered values)`,
        );
      }
      if (problems.length > 0) {
        throw new TokenKeyringError(`${problems.join("; ")}. Configured key ids: ${tokens.keyIds.join(", ")}.`);
      }
      return { encrypted, keys: countByKey(rows) };
    },

    async rotate() {
      let reencrypted = 0;
      let unchanged = 0;
      for (const row of await listStoredTokens(db)) {
        if (keyIdOf(row.access_token_encrypted) === tokens.currentKeyId) {
          unchanged += 1;
          continue;
        }
        // Plaintext rows (not prepared yet) are encrypted too; anything else must decrypt first.
        const plaintext = isEncryptedToken(row.access_token_encrypted)
          ? tokens.decrypt(row.access_token_encrypted)
          : row.access_token_encrypted;
        if (await replaceStoredToken(db, row.id, row.access_token_encrypted, tokens.encrypt(plaintext)))
          reencrypted += 1;
      }
      return { reencrypted, unchanged, currentKeyId: tokens.currentKeyId };
    },

    async status() {
      return countByKey(await listStoredTokens(db));
    },
  };
}
