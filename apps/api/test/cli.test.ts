/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON output is asserted field by field */
/**
 * The operator CLI (`kirim`), run in-process with its own environment: against an embedded PGlite DATA_DIR and
 * (with TEST_DATABASE_URL) a PostgreSQL database. What it creates is checked through the real HTTP API.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createCore, createDatabase, createMetaGateway, generateTokenKeySpec, parseTokenKeyring } from "@kirim/core";
import type { DatabaseHandle } from "@kirim/core";
import { createTestDatabase, databaseKinds } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import type { TestDatabase } from "@kirim/core/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, runCli } from "../src/cli/run.js";
import { TOKEN_KEY_FILE } from "../src/data-dir.js";
import { call, expectError, listen } from "./support/http.js";

const META_TOKEN = "EAAGcliTestMetaAccessToken0123456789abcdef";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

describe.each(databaseKinds())("kirim CLI on %s", (kind) => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let extraEnv: Record<string, string> = {};

  let sandbox: MetaSandbox;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-cli-"));
    // `accounts connect` has Meta confirm the token, WABA and number: the WABAs and numbers this test connects.
    sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null });
    sandbox.control.addWaba({ id: "2000001", accessToken: META_TOKEN });
    sandbox.control.addPhoneNumber("2000001", { id: "106540300000001" });
    sandbox.control.addWaba({ id: "2000002", accessToken: `${META_TOKEN}-2` });
    sandbox.control.addPhoneNumber("2000002", { id: "106540300000002" });
    if (kind === "postgres") {
      pg = await createTestDatabase("postgres");
      // The CLI never generates a key next to PostgreSQL: the server's keyring is configured.
      extraEnv = { DATABASE_URL: pg.url ?? "", TOKEN_ENCRYPTION_KEYS: generateTokenKeySpec("pg1") };
    }
  });
  afterAll(async () => {
    await sandbox?.close();
    await pg?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function kirim(
    args: string[],
    options: { stdin?: string; env?: Record<string, string> } = {},
  ): Promise<CliResult> {
    let stdout = "";
    let stderr = "";
    const code = await runCli(args, {
      env: { DATA_DIR: dataDir, META_GRAPH_URL: sandbox.url, ...extraEnv, ...options.env },
      cwd: dataDir,
      stdin: Readable.from([options.stdin ?? ""]),
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    let json: any;
    if (args.includes("--json") && code === EXIT_OK) json = JSON.parse(stdout);
    return { code, stdout, stderr, json };
  }

  function openDatabase(): DatabaseHandle {
    return kind === "postgres"
      ? createDatabase({ databaseUrl: pg?.url ?? "" })
      : createDatabase({ dataDir: path.join(dataDir, "pglite") });
  }

  /** The API over the CLI's database (PGlite allows one process per data dir, so it is opened after the CLI). */
  async function withApi<T>(fn: (baseUrl: string) => Promise<T>): Promise<T> {
    const database = openDatabase();
    const keyring =
      kind === "postgres"
        ? parseTokenKeyring(extraEnv["TOKEN_ENCRYPTION_KEYS"] ?? "")
        : parseTokenKeyring(await readFile(path.join(dataDir, TOKEN_KEY_FILE), "utf8"));
    const core = createCore({
      db: database.db,
      gateway: createMetaGateway({ graphUrl: "http://127.0.0.1:9", apiVersion: "v23.0" }),
      cursorSecret: "cli-test-cursor-secret",
      tokenKeyring: keyring,
    });
    const server = await listen(createApp({ core, logger: pino({ level: "silent" }) }));
    try {
      return await fn(server.baseUrl);
    } finally {
      await server.close();
      await database.close();
    }
  }

  it("manages organisations, customers, keys and accounts; the API reflects them; secrets never printed twice", async () => {
    const org = await kirim(["orgs", "create", "--name", "Acme Platform", "--json"]);
    expect(org.code, org.stderr).toBe(EXIT_OK);
    expect(org.json).toEqual({ id: expect.stringMatching(/^org_[0-9A-Z]{26}$/), name: "Acme Platform" });
    const orgId: string = org.json.id;
    const orgs = await kirim(["orgs", "list"]);
    expect(orgs.stdout).toMatch(/^ID\s+NAME\s+DEMO\s+CREATED$/m);
    expect(orgs.stdout).toContain(`${orgId}  Acme Platform`);

    const customer = await kirim(["customers", "create", "--org", orgId, "--name", "Toko Budi", "--json"]);
    expect(customer.json).toMatchObject({
      id: expect.stringMatching(/^cus_/),
      organisation_id: orgId,
      name: "Toko Budi",
    });
    expect((await kirim(["customers", "list", "--org", orgId, "--json"])).json).toEqual([
      expect.objectContaining({ id: customer.json.id, name: "Toko Budi" }),
    ]);

    const key = await kirim(["keys", "create", "--org", orgId, "--label", "ci", "--json"]);
    expect(key.code, key.stderr).toBe(EXIT_OK);
    expect(key.json.key).toMatch(/^kdv_live_[A-Za-z0-9_-]{24}$/);
    expect(key.stderr).toContain("shown only this once");
    const apiKey: string = key.json.key;
    const expiring = await kirim(["keys", "create", "--org", orgId, "--expires-at", "2099-01-01T00:00:00Z"]);
    expect(expiring.stdout).toMatch(/^key:\s+kdv_live_/m);
    expect(expiring.stdout).toMatch(/^expires:\s+2099-01-01T00:00:00.000Z$/m);
    const keys = await kirim(["keys", "list", "--org", orgId]);
    expect(keys.stdout).toContain(`${apiKey.slice(0, 12)}…${apiKey.slice(-4)}  ci`);
    expect(keys.stdout).not.toContain(apiKey);
    expect(
      (await kirim(["keys", "list", "--org", orgId, "--json"])).json.map((k: any) => [k.label, k.status, k.key]),
    ).toEqual([
      ["ci", "active", undefined],
      ["default", "active", undefined],
    ]);

    const tokenFile = path.join(dataDir, "meta-token.txt");
    await writeFile(tokenFile, `${META_TOKEN}\n`, { mode: 0o600 });
    const connected = await kirim([
      "accounts",
      "connect",
      "--org",
      orgId,
      "--phone-number-id",
      "106540300000001",
      "--waba-id",
      "2000001",
      "--display-phone-number",
      "+628111000001",
      "--access-token-file",
      tokenFile,
      "--customer",
      customer.json.id,
      "--name",
      "Support",
      "--json",
    ]);
    expect(connected.code, connected.stderr).toBe(EXIT_OK);
    expect(connected.json).toMatchObject({
      phone_number_id: "106540300000001",
      status: "connected",
      waba_id: "2000001",
      customer: { id: customer.json.id },
    });
    // Token from stdin (`-`), and no customer.
    const second = await kirim(
      [
        "accounts",
        "connect",
        "--org",
        orgId,
        "--phone-number-id",
        "106540300000002",
        "--waba-id",
        "2000002",
        "--display-phone-number",
        "+628111000002",
        "--access-token-file",
        "-",
      ],
      { stdin: `${META_TOKEN}-2\n` },
    );
    expect(second.code, second.stderr).toBe(EXIT_OK);
    for (const r of [connected, second]) expect(r.stdout + r.stderr).not.toContain(META_TOKEN);
    const again = await kirim([
      "accounts",
      "connect",
      "--org",
      orgId,
      "--phone-number-id",
      "106540300000002",
      "--waba-id",
      "2",
      "--display-phone-number",
      "+62811",
      "--access-token",
      "x",
    ]);
    expect(again).toMatchObject({ code: EXIT_USAGE });
    expect(again.stderr).toContain("account_already_connected");

    expect((await kirim(["accounts", "disconnect", "106540300000002"])).code).toBe(EXIT_OK);
    const listed = await kirim(["accounts", "list", "--org", orgId]);
    expect(listed.stdout).toContain("106540300000001");
    expect(listed.stdout).not.toContain("106540300000002");
    expect(
      (await kirim(["accounts", "list", "--org", orgId, "--status", "all", "--json"])).json.map((a: any) => [
        a.phone_number_id,
        a.status,
      ]),
    ).toEqual([
      ["106540300000001", "connected"],
      ["106540300000002", "disconnected"],
    ]);

    // The token is encrypted in the database; never in plaintext.
    const database = openDatabase();
    try {
      const rows = await database.db.selectFrom("whatsapp_accounts").selectAll().orderBy("id").execute();
      expect(JSON.stringify(rows)).not.toContain(META_TOKEN);
      expect(rows.map((r) => r.access_token_encrypted.split(":").slice(0, 2).join(":"))).toEqual(
        kind === "postgres" ? ["v1:pg1", "v1:pg1"] : ["v1:local", "v1:local"],
      );
    } finally {
      await database.close();
    }

    await withApi(async (baseUrl) => {
      const accounts = await call(baseUrl, "GET", "/v1/accounts", { token: apiKey });
      expect(accounts.status, accounts.text).toBe(200);
      expect(accounts.body.data).toEqual([
        {
          object: "account",
          phone_number_id: "106540300000001",
          phone_number: "+628111000001",
          name: "Support",
          status: "connected",
          customer: { id: customer.json.id, name: "Toko Budi" },
        },
      ]);
      const all = await call(baseUrl, "GET", "/v1/accounts?status=all", { token: apiKey });
      expect(all.body.data.map((a: any) => a.status)).toEqual(["connected", "disconnected"]);
      expect(all.text).not.toContain(META_TOKEN);
      if (kind === "postgres") {
        // The server is running: revocation takes effect on the very next request.
        const revoked = await kirim(["keys", "revoke", key.json.id]);
        expect(revoked.code, revoked.stderr).toBe(EXIT_OK);
        expectError(await call(baseUrl, "GET", "/v1/accounts", { token: apiKey }), 401, "invalid_api_key");
      }
    });
    if (kind === "pglite") {
      expect((await kirim(["keys", "revoke", key.json.id])).code).toBe(EXIT_OK);
      await withApi(async (baseUrl) =>
        expectError(await call(baseUrl, "GET", "/v1/accounts", { token: apiKey }), 401, "invalid_api_key"),
      );
    }
    expect((await kirim(["keys", "list", "--org", orgId, "--json"])).json[0]).toMatchObject({
      id: key.json.id,
      status: "revoked",
      revoked_at: expect.any(String),
    });
  }, 240_000);

  it("rotates the token key: new key first, old kept until `secrets rotate`, then the old one can go", async () => {
    const oldSpec =
      kind === "postgres"
        ? (extraEnv["TOKEN_ENCRYPTION_KEYS"] ?? "")
        : (await readFile(path.join(dataDir, TOKEN_KEY_FILE), "utf8")).trim();
    const generated = await kirim(["secrets", "generate-key", "--id", "k2026", "--json"]);
    expect(generated.code).toBe(EXIT_OK);
    const newSpec: string = generated.json.key;
    expect(parseTokenKeyring(newSpec).current.id).toBe("k2026");

    const oldId = oldSpec.split(":")[0] ?? "";
    expect((await kirim(["secrets", "status", "--json"])).json).toEqual({ tokens_by_key: { [oldId]: 2 } });
    // Without the old key the stored tokens cannot be read: a clear error naming the key id.
    const missing = await kirim(["orgs", "list"], { env: { TOKEN_ENCRYPTION_KEYS: newSpec } });
    expect(missing.code).toBe(EXIT_USAGE);
    expect(missing.stderr).toContain(`key id(s) "${oldId}", which the keyring does not contain`);

    const rotated = await kirim(["secrets", "rotate", "--json"], {
      env: { TOKEN_ENCRYPTION_KEYS: `${newSpec},${oldSpec}` },
    });
    expect(rotated.json).toEqual({ current_key_id: "k2026", reencrypted: 2, unchanged: 0 });
    const after = await kirim(["secrets", "status", "--json"], { env: { TOKEN_ENCRYPTION_KEYS: newSpec } });
    expect(after.json).toEqual({ tokens_by_key: { k2026: 2 } });
    expect((await kirim(["orgs", "list"], { env: { TOKEN_ENCRYPTION_KEYS: newSpec } })).code).toBe(EXIT_OK);
    extraEnv = { ...extraEnv, TOKEN_ENCRYPTION_KEYS: newSpec };
  }, 240_000);

  it("usage errors exit 1 with a clear message; unknown ids exit 2", async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["frobnicate"], EXIT_USAGE, /unknown command "frobnicate"/],
      [["orgs", "create"], EXIT_USAGE, /--name is required/],
      [["orgs", "create", "--name", "x", "--colour", "red"], EXIT_USAGE, /Unknown option '--colour'/],
      [["keys", "revoke"], EXIT_USAGE, /expected <key_id>, got none/],
      [
        ["keys", "create", "--org", "org_x", "--expires-at", "next tuesday"],
        EXIT_USAGE,
        /--expires-at must be an ISO 8601/,
      ],
      [["keys", "create", "--org", "org_x", "--expires-at", "2001-01-01"], EXIT_USAGE, /must be in the future/],
      [
        [
          "accounts",
          "connect",
          "--org",
          "org_x",
          "--phone-number-id",
          "12",
          "--waba-id",
          "1",
          "--display-phone-number",
          "+62811",
          "--access-token",
          "t",
        ],
        EXIT_USAGE,
        /--phone-number-id must be 6 to 20 digits/,
      ],
      [
        [
          "accounts",
          "connect",
          "--org",
          "org_x",
          "--phone-number-id",
          "1234567",
          "--waba-id",
          "1",
          "--display-phone-number",
          "+62811",
        ],
        EXIT_USAGE,
        /access token is required/,
      ],
      [["accounts", "list", "--org", "org_x", "--status", "some"], EXIT_USAGE, /--status must be connected or all/],
      [["customers", "list", "--org", "org_missing"], EXIT_NOT_FOUND, /No organisation with id org_missing/],
      [["keys", "revoke", "key_missing"], EXIT_NOT_FOUND, /No API key with id key_missing/],
      [["accounts", "disconnect", "999999999"], EXIT_NOT_FOUND, /No WhatsApp account/],
      [
        [
          "accounts",
          "connect",
          "--org",
          "org_missing",
          "--phone-number-id",
          "1234567",
          "--waba-id",
          "1",
          "--display-phone-number",
          "+62811",
          "--access-token",
          "t",
        ],
        EXIT_NOT_FOUND,
        /No organisation/,
      ],
    ];
    for (const [args, code, message] of cases) {
      const result = await kirim(args);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.stderr).toMatch(message);
    }
    const help = await kirim(["--help"]);
    expect(help.code).toBe(EXIT_OK);
    expect(help.stdout).toContain("keys create --org <org_id>");
  }, 240_000);
});
