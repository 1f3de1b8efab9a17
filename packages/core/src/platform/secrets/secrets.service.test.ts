import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../core.js";
import { createTestDatabase, databaseKinds } from "../../testing/index.js";
import type { TestDatabase } from "../../testing/index.js";
import { generateTokenKeySpec, keyIdOf, parseTokenKeyring, TokenKeyringError } from "./token-cipher.js";
import type { TokenKeyring } from "./token-cipher.js";

const TOKEN_A = "EAAG-plaintext-token-account-a-0123456789";
const TOKEN_B = "EAAG-plaintext-token-account-b-9876543210";

async function rawTokens(db: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{
    t: string;
  }>`SELECT access_token_encrypted AS t FROM whatsapp_accounts ORDER BY id`.execute(db.db);
  return rows.map((r) => r.t);
}

async function rawTable(db: TestDatabase): Promise<string> {
  const { rows } = await sql`SELECT * FROM whatsapp_accounts`.execute(db.db);
  return JSON.stringify(rows);
}

async function keyringError(p: Promise<unknown>): Promise<TokenKeyringError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof TokenKeyringError) return error;
    throw error;
  }
  throw new Error("expected a TokenKeyringError");
}

describe.each(databaseKinds())("secrets at rest on %s", (kind) => {
  let db: TestDatabase;
  let k1: TokenKeyring;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    k1 = parseTokenKeyring(generateTokenKeySpec("k1"));
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("never stores the plaintext; encrypts legacy plaintext rows on prepare; rotates; refuses missing and wrong keys", async () => {
    const operator = createOperator({ db: db.db, tokenKeyring: k1 });
    const org = await operator.admin.createOrganisation({ name: "Secrets" });
    await operator.admin.connectAccount({
      organisationId: org.id,
      phoneNumberId: "7001",
      wabaId: "1",
      accessToken: TOKEN_A,
    });
    const table = await rawTable(db);
    expect(table).not.toContain(TOKEN_A);
    expect((await rawTokens(db)).map(keyIdOf)).toEqual(["k1"]);

    // A row written before encryption existed (as after the rename migration): encrypted on prepare.
    await sql`INSERT INTO whatsapp_accounts (id, organisation_id, phone_number_id, waba_id, access_token_encrypted)
              VALUES ('wa_legacy', ${org.id}, '7002', '2', ${TOKEN_B})`.execute(db.db);
    expect(await operator.secrets.status()).toEqual({ k1: 1, plaintext: 1 });
    expect(await operator.secrets.prepare()).toEqual({ encrypted: 1, keys: { k1: 2 } });
    expect(await rawTable(db)).not.toContain(TOKEN_B);
    expect(await operator.secrets.prepare()).toEqual({ encrypted: 0, keys: { k1: 2 } });

    // Missing key: the stored key id is named, not the key material.
    const k2 = parseTokenKeyring(generateTokenKeySpec("k2"));
    const missing = await keyringError(createOperator({ db: db.db, tokenKeyring: k2 }).secrets.prepare());
    expect(missing.message).toMatch(/encrypted with key id\(s\) "k1", which the keyring does not contain/);
    // Wrong key material under the right id.
    const wrong = parseTokenKeyring(generateTokenKeySpec("k1"));
    expect((await keyringError(createOperator({ db: db.db, tokenKeyring: wrong }).secrets.prepare())).message).toMatch(
      /do not decrypt with the configured key\(s\) "k1"/,
    );

    // Rotation: k2 current, k1 kept for decryption → every row re-encrypted under k2; then k1 can be dropped.
    const before = await rawTokens(db);
    const rotating = createOperator({ db: db.db, tokenKeyring: { current: k2.current, previous: [k1.current] } });
    expect(await rotating.secrets.rotate()).toEqual({ reencrypted: 2, unchanged: 0, currentKeyId: "k2" });
    const after = await rawTokens(db);
    expect(after.map(keyIdOf)).toEqual(["k2", "k2"]);
    expect(after.some((value) => before.includes(value))).toBe(false);
    expect(await rotating.secrets.rotate()).toEqual({ reencrypted: 0, unchanged: 2, currentKeyId: "k2" });
    const onlyK2 = createOperator({ db: db.db, tokenKeyring: k2 });
    expect(await onlyK2.secrets.prepare()).toEqual({ encrypted: 0, keys: { k2: 2 } });
    expect(await rawTable(db)).not.toMatch(new RegExp(`${TOKEN_A}|${TOKEN_B}`));

    // Tampered ciphertext is refused at prepare.
    const [first] = after as [string];
    const parts = first.split(":");
    const ciphertext = Buffer.from(parts[4] ?? "", "base64url");
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[4] = ciphertext.toString("base64url");
    await sql`UPDATE whatsapp_accounts SET access_token_encrypted = ${parts.join(":")} WHERE access_token_encrypted = ${first}`.execute(
      db.db,
    );
    expect((await keyringError(onlyK2.secrets.prepare())).message).toMatch(
      /do not decrypt with the configured key\(s\) "k2"/,
    );
  });
});
