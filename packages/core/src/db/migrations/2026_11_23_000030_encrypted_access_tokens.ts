import type { Kysely } from "kysely";

// Frozen in time: never import application code here.
//
// Meta access tokens are stored encrypted (AES-256-GCM, `v1:<key_id>:<iv>:<tag>:<ciphertext>`). The column is
// renamed so that no code can read it as if it held the token itself. A migration has no key, so it cannot
// encrypt existing values: rows still in plaintext (no `v1:` prefix) are encrypted by the server at start-up
// (`core.secrets.prepare()`), before it serves a request.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: never typed by app code
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("whatsapp_accounts").renameColumn("access_token", "access_token_encrypted").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  // The values stay encrypted: decrypt them with `kirim secrets` tooling before relying on the old column.
  await db.schema.alterTable("whatsapp_accounts").renameColumn("access_token_encrypted", "access_token").execute();
}
