/**
 * Small files the server keeps in DATA_DIR next to the PGlite database:
 * - `cursor-secret`: HMAC key for list cursors when CURSOR_SECRET is unset (generated once, 0600);
 * - `token-encryption-key`: the AES-256 key for Meta access tokens when TOKEN_ENCRYPTION_KEYS is unset (generated
 *   once, 0600, `local:<base64>`). Losing it makes the stored tokens unreadable: back it up with the database, or
 *   set TOKEN_ENCRYPTION_KEYS (required in production).
 * - `demo-api-key`: the plaintext of a *generated* demo API key (0600). Only a hash is in the database, so this
 *   file is where the key is found after the first start (which prints it once). Delete it (and the database) to rotate.
 * - `sandbox-webhook-secret`: the app secret shared by the in-process sandbox and /webhooks/meta when
 *   META_APP_SECRET is unset (generated once, 0600).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateTokenKeySpec, parseTokenKeyring, TokenKeyringError } from "@kirim/core";
import type { TokenKeyring } from "@kirim/core";

export const CURSOR_SECRET_FILE = "cursor-secret";
export const DEMO_KEY_FILE = "demo-api-key";
export const SANDBOX_WEBHOOK_SECRET_FILE = "sandbox-webhook-secret";
export const TOKEN_KEY_FILE = "token-encryption-key";
/** The id of a key generated into DATA_DIR (a configured keyring names its own ids). */
export const LOCAL_TOKEN_KEY_ID = "local";

export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
}

async function readTrimmed(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, "utf8")).trim();
    return text === "" ? undefined : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The configured secret, or the persisted one, or a new random one that is persisted for next time. */
export async function resolveCursorSecret(
  dataDir: string,
  configured: string | undefined,
): Promise<{ secret: string; source: "env" | "file" | "generated" }> {
  if (configured !== undefined) return { secret: configured, source: "env" };
  return resolveGeneratedSecret(path.join(dataDir, CURSOR_SECRET_FILE));
}

/**
 * The Meta app secret the in-process sandbox signs its webhooks with and /webhooks/meta verifies (the default start,
 * when META_APP_SECRET is unset): random per DATA_DIR, never the sandbox's public demo constant, so nobody who can
 * reach the port can forge a status change.
 */
export async function resolveSandboxWebhookSecret(
  dataDir: string,
): Promise<{ secret: string; source: "file" | "generated" }> {
  return resolveGeneratedSecret(path.join(dataDir, SANDBOX_WEBHOOK_SECRET_FILE));
}

/** The secret in `file`, or a new random one written there (0600) for next time. */
async function resolveGeneratedSecret(file: string): Promise<{ secret: string; source: "file" | "generated" }> {
  const existing = await readTrimmed(file);
  if (existing !== undefined) return { secret: existing, source: "file" };
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  // Another process may have won the race: whatever is on disk is the secret.
  return { secret: (await readTrimmed(file)) ?? secret, source: "generated" };
}

export async function readDemoKey(dataDir: string): Promise<string | undefined> {
  return readTrimmed(path.join(dataDir, DEMO_KEY_FILE));
}

export async function writeDemoKey(dataDir: string, key: string): Promise<string> {
  const file = path.join(dataDir, DEMO_KEY_FILE);
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return file;
}

/**
 * The configured keyring, or the one persisted in DATA_DIR, or a new key that is persisted for next time
 * (dev / sandbox mode; production requires TOKEN_ENCRYPTION_KEYS, enforced by `loadEnv`).
 */
export async function resolveTokenKeyring(
  dataDir: string,
  configured: TokenKeyring | undefined,
  options: { generate?: boolean } = {},
): Promise<{ keyring: TokenKeyring; source: "env" | "file" | "generated" }> {
  if (configured !== undefined) return { keyring: configured, source: "env" };
  const file = path.join(dataDir, TOKEN_KEY_FILE);
  const parse = (text: string): TokenKeyring => {
    try {
      return parseTokenKeyring(text);
    } catch (error) {
      if (error instanceof TokenKeyringError) throw new TokenKeyringError(`${file}: ${error.message}`);
      throw error;
    }
  };
  const existing = await readTrimmed(file);
  if (existing !== undefined) return { keyring: parse(existing), source: "file" };
  if (options.generate === false) {
    throw new TokenKeyringError(
      `no token encryption key: TOKEN_ENCRYPTION_KEYS is unset and ${file} does not exist (use the server's DATA_DIR, or set TOKEN_ENCRYPTION_KEYS)`,
    );
  }
  await writeFile(file, `${generateTokenKeySpec(LOCAL_TOKEN_KEY_ID)}\n`, { mode: 0o600, flag: "wx" }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    },
  );
  // Another process may have won the race: whatever is on disk is the key.
  const written = await readTrimmed(file);
  if (written === undefined) throw new Error(`${file} is empty`);
  return { keyring: parse(written), source: "generated" };
}
