/**
 * Small files the server keeps in DATA_DIR next to the PGlite database:
 * - `cursor-secret`: HMAC key for list cursors when CURSOR_SECRET is unset (generated once, 0600);
 * - `demo-api-key`: the plaintext of a *generated* demo API key (0600). Only a hash is in the database, so
 *   this is what lets a restart print the key again. Delete it (and the database) to rotate.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export const CURSOR_SECRET_FILE = "cursor-secret";
export const DEMO_KEY_FILE = "demo-api-key";

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
export async function resolveCursorSecret(dataDir: string, configured: string | undefined): Promise<{ secret: string; source: "env" | "file" | "generated" }> {
  if (configured !== undefined) return { secret: configured, source: "env" };
  const file = path.join(dataDir, CURSOR_SECRET_FILE);
  const existing = await readTrimmed(file);
  if (existing !== undefined) return { secret: existing, source: "file" };
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" }).catch(async (error: NodeJS.ErrnoException) => {
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
