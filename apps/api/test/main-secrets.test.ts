/**
 * Start-up with token encryption, as a user runs it (src/main.ts through tsx): a key is generated once in an
 * empty DATA_DIR (0600); a restart with a keyring that lacks the key the stored tokens use refuses to start with
 * a message naming the key id; SIGTERM closes the database before "stopped".
 */
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const children: ChildProcessWithoutNullStreams[] = [];

function spawnServer(dataDir: string, extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      ...extraEnv,
    },
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}

async function waitFor(server: ReturnType<typeof spawnServer>, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!pattern.test(server.output())) {
    if (server.child.exitCode !== null)
      throw new Error(`server exited with ${server.child.exitCode}\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within 120 s\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("main: token encryption at start-up", () => {
  it("generates the key once, refuses a keyring without it, and closes the database on SIGTERM", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "kirim-secrets-"));
    try {
      const first = spawnServer(dataDir);
      // "started" is logged once the SIGTERM handler is installed (the banner comes earlier).
      await waitFor(first, /"msg":"started"/);
      const keyFile = path.join(dataDir, "token-encryption-key");
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect((await readFile(keyFile, "utf8")).trim()).toMatch(/^local:[A-Za-z0-9+/]{43}=$/);
      expect(first.output()).toContain('"msg":"token encryption ready"');
      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
      const lines = first.output().split("\n");
      const closed = lines.findIndex((line) => line.includes('"msg":"database closed"'));
      const stopped = lines.findIndex((line) => line.includes('"msg":"stopped"'));
      expect(closed).toBeGreaterThan(-1);
      expect(stopped).toBeGreaterThan(closed);

      // The demo account's token is stored under "local"; a keyring without it is a start-up error.
      const wrong = spawnServer(dataDir, { TOKEN_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString("base64")}` });
      expect(await wrong.exited).toBe(1);
      expect(wrong.output()).toContain('"msg":"failed to start"');
      expect(wrong.output()).toContain('key id(s) \\"local\\", which the keyring does not contain');
      expect(wrong.output()).not.toMatch(/listening on/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
