/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON output is asserted field by field */
/**
 * `kirim accounts connect`, run as a process (dist/cli/main.js) against the Meta sandbox over HTTP (issue 13 §2):
 * Meta must confirm that the token reaches the WABA and that the phone number is one of its numbers, or nothing is
 * stored; a WABA another organisation connected needs `--allow-shared-waba`. The API then shows what was stored.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createCore, createDatabase, createMetaGateway, generateTokenKeySpec, parseTokenKeyring } from "@kirim/core";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { runCli } from "../src/cli/run.js";
import { TOKEN_KEY_FILE } from "../src/data-dir.js";
import { APP_DIR } from "./drills/drill-support.js";
import { call, listen } from "./support/http.js";

const CLI_JS = path.join(APP_DIR, "dist", "cli", "main.js");
const OWNER_TOKEN = "EAAowner-token-0123456789";
const OWNER_WABA = "3000001";
const OWNER_PHONE = "106540311111111";
const SQUATTER_TOKEN = "EAAsquatter-token-0123456789";
const SQUATTER_WABA = "3000002";
const SQUATTER_PHONE = "106540322222222";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.each(databaseKinds())("kirim accounts connect (a process) asks Meta, on %s", (kind) => {
  let sandbox: MetaSandbox;
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI_JS)) throw new Error(`${CLI_JS} is missing: run \`pnpm --filter @kirim/api build\` first`);
    sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null });
    sandbox.control.addWaba({ id: OWNER_WABA, name: "Owner WABA", accessToken: OWNER_TOKEN });
    sandbox.control.addPhoneNumber(OWNER_WABA, { id: OWNER_PHONE, displayPhoneNumber: "+62 811-3111-1111" });
    sandbox.control.addWaba({ id: SQUATTER_WABA, name: "Squatter WABA", accessToken: SQUATTER_TOKEN });
    sandbox.control.addPhoneNumber(SQUATTER_WABA, { id: SQUATTER_PHONE });
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-connect-"));
    env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATA_DIR: dataDir,
      META_GRAPH_URL: sandbox.url,
    };
    if (kind === "postgres") {
      pg = await createTestDatabase("postgres");
      env = { ...env, DATABASE_URL: pg.url ?? "", TOKEN_ENCRYPTION_KEYS: generateTokenKeySpec("pg1") };
    }
  }, 300_000);
  afterAll(async () => {
    await sandbox?.close();
    await pg?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function kirim(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_JS, ...args], { cwd: dataDir, env: { ...env, ...extraEnv } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  const connectArgs = (org: string, waba: string, phone: string, token: string, more: string[]) => [
    "accounts",
    "connect",
    "--org",
    org,
    "--waba-id",
    waba,
    "--phone-number-id",
    phone,
    "--display-phone-number",
    "+62811000000",
    "--access-token",
    token,
    ...more,
  ];
  /** As a process. */
  const connect = (org: string, waba: string, phone: string, token: string, ...more: string[]) =>
    kirim(connectArgs(org, waba, phone, token, more));
  /** In this process. */
  const connectInProcess = (org: string, waba: string, phone: string, token: string, ...more: string[]) =>
    kirimInProcess(connectArgs(org, waba, phone, token, more));

  /** GET /v1/accounts?status=all with `apiKey`, through the real app over the CLI's database. */
  async function accountsSeenBy(apiKey: string): Promise<any[]> {
    const database =
      kind === "postgres"
        ? createDatabase({ databaseUrl: pg?.url ?? "" })
        : createDatabase({ dataDir: path.join(dataDir, "pglite") });
    const keyring = parseTokenKeyring(
      kind === "postgres"
        ? (env["TOKEN_ENCRYPTION_KEYS"] ?? "")
        : await readFile(path.join(dataDir, TOKEN_KEY_FILE), "utf8"),
    );
    const core = createCore({
      db: database.db,
      gateway: createMetaGateway({ graphUrl: sandbox.url, apiVersion: "v23.0" }),
      cursorSecret: "connect-test-cursor-secret",
      tokenKeyring: keyring,
    });
    const server = await listen(createApp({ core, logger: pino({ level: "silent" }) }));
    try {
      const res = await call(server.baseUrl, "GET", "/v1/accounts?status=all", { token: apiKey });
      expect(res.status, res.text).toBe(200);
      return res.body.data;
    } finally {
      await server.close();
      await database.close();
    }
  }

  /**
   * The same CLI in this process (`runCli`): for the refusals whose only difference is Meta's answer, so that the
   * test does not start a dozen Node processes (each opens the database and runs migrations).
   */
  async function kirimInProcess(args: string[]): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const code = await runCli(args, {
      env,
      cwd: dataDir,
      stdin: Readable.from([""]),
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
  }

  it("stores an account only when Meta confirms token, WABA and number; a shared WABA needs the operator's say-so", async () => {
    const owner = JSON.parse((await kirimInProcess(["orgs", "create", "--name", "Owner", "--json"])).stdout)
      .id as string;
    const squatter = JSON.parse((await kirimInProcess(["orgs", "create", "--name", "Squatter", "--json"])).stdout)
      .id as string;
    const ownerKey = JSON.parse((await kirimInProcess(["keys", "create", "--org", owner, "--json"])).stdout)
      .key as string;
    const squatterKey = JSON.parse((await kirimInProcess(["keys", "create", "--org", squatter, "--json"])).stdout)
      .key as string;

    // Without META_GRAPH_URL there is no Meta to ask: refused before anything is opened.
    const noMeta = await kirim(
      [
        "accounts",
        "connect",
        "--org",
        owner,
        "--waba-id",
        OWNER_WABA,
        "--phone-number-id",
        OWNER_PHONE,
        "--display-phone-number",
        "+62811",
        "--access-token",
        OWNER_TOKEN,
      ],
      { META_GRAPH_URL: "" },
    );
    expect(noMeta.code).toBe(1);
    expect(noMeta.stderr).toContain("set META_GRAPH_URL");

    const ok = await connect(owner, OWNER_WABA, OWNER_PHONE, OWNER_TOKEN);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Meta confirmed the token reaches WABA ${OWNER_WABA}`);
    const asked = sandbox.control.requests({ method: "GET" }).map((r) => r.path.replace(/^\/v\d+\.\d+/, ""));
    expect(asked).toEqual(expect.arrayContaining([`/${OWNER_WABA}`, `/${OWNER_WABA}/phone_numbers`]));

    // Someone else's WABA id, any token: refused locally, Meta not even asked.
    const before = sandbox.control.requests().length;
    const taken = await connect(squatter, OWNER_WABA, "106540399999999", "EAAbogus");
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(
      `WhatsApp Business Account ${OWNER_WABA} is already connected by another organisation`,
    );
    expect(taken.stderr).toContain("(waba_connected_elsewhere)");
    expect(sandbox.control.requests().length).toBe(before);

    // Allowed to share, but the token is bogus: Meta's 190.
    const bogus = await connect(squatter, OWNER_WABA, "106540399999999", "EAAbogus", "--allow-shared-waba");
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(
      /Meta refused the access token \(Meta answered code 190: .*\); nothing was stored\. \(account_verification_failed\)/,
    );

    // A real token, but of another WABA: Meta's permission error (code 200).
    const otherToken = await connectInProcess(
      squatter,
      OWNER_WABA,
      "106540399999999",
      SQUATTER_TOKEN,
      "--allow-shared-waba",
    );
    expect(otherToken.code).toBe(1);
    expect(otherToken.stderr).toContain(
      `The access token cannot see WhatsApp Business Account ${OWNER_WABA} (Meta answered code 200`,
    );

    // A WABA that does not exist: Meta's 100/33.
    const missing = await connectInProcess(squatter, "3000099", "106540399999999", SQUATTER_TOKEN);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Meta answered code 100/33");

    // Its own WABA and token, but a number that is not the WABA's.
    const wrongNumber = await connectInProcess(squatter, SQUATTER_WABA, "106540399999999", SQUATTER_TOKEN);
    expect(wrongNumber.code).toBe(1);
    expect(wrongNumber.stderr).toContain(
      `Meta does not list phone_number_id 106540399999999 among the phone numbers of WhatsApp Business Account ${SQUATTER_WABA}`,
    );

    expect(await accountsSeenBy(squatterKey)).toEqual([]);
    const own = await connectInProcess(squatter, SQUATTER_WABA, SQUATTER_PHONE, SQUATTER_TOKEN);
    expect(own.code, own.stderr).toBe(0);

    // The operator says both organisations use the owner's WABA, and Meta confirms the token: stored.
    sandbox.control.addPhoneNumber(OWNER_WABA, { id: "106540333333333" });
    const shared = await connect(squatter, OWNER_WABA, "106540333333333", OWNER_TOKEN, "--allow-shared-waba", "--json");
    expect(shared.code, shared.stderr).toBe(0);
    expect(JSON.parse(shared.stdout)).toMatchObject({
      organisation_id: squatter,
      waba_id: OWNER_WABA,
      status: "connected",
    });

    expect((await accountsSeenBy(squatterKey)).map((a) => a.phone_number_id).sort()).toEqual([
      "106540322222222",
      "106540333333333",
    ]);
    expect((await accountsSeenBy(ownerKey)).map((a) => a.phone_number_id)).toEqual([OWNER_PHONE]);
  }, 600_000);
});
