/**
 * Secrets never reach the logs. One run exercises auth failures (unknown, malformed, revoked and expired keys),
 * creates, an upstream (Meta) error, tRPC with a bad key, and an account connect through the operator CLI with a
 * Meta token; then everything the server logged and everything the CLI printed is searched for the API keys,
 * the Meta tokens and "Bearer ".
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run.js";
import { createLogger } from "../src/logger.js";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, OTHER_ACCESS_TOKEN, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const CLI_META_TOKEN = "EAAGlogRedactionMetaToken9f8e7d6c5b4a";

function capture(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  return { stream, text: () => text };
}

describe("log output never contains secrets", () => {
  const server = capture();
  let s: Stack;
  let cliOutput = "";
  let dataDir: string;

  beforeAll(async () => {
    s = await startStack("pglite", { logger: createLogger({ level: "trace", destination: server.stream }) });
    dataDir = await mkdtemp(path.join(tmpdir(), "kirim-logs-"));
  });
  afterAll(async () => {
    await s?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("after auth failures, creates, an upstream error and a CLI connect: no key, token or Bearer in any line", async () => {
    const base = s.baseUrl;
    const org = await s.core.admin.createOrganisation({ name: "Logged" });
    const revoked = await s.core.admin.createApiKey({ organisationId: org.id, label: "to revoke" });
    await s.core.admin.revokeApiKey(revoked.id);
    const expired = await s.core.admin.createApiKey({
      organisationId: org.id,
      expiresAt: new Date(Date.now() - 1_000),
    });
    const unknownKey = "kdv_live_UNKNOWNunknownUNKNOWNunkn";

    // Auth failures.
    expectError(await call(base, "GET", "/v1/accounts", { token: unknownKey }), 401, "invalid_api_key");
    expectError(await call(base, "GET", "/v1/accounts", { token: revoked.key }), 401, "invalid_api_key");
    expectError(await call(base, "GET", "/v1/accounts", { token: expired.key }), 401, "expired_api_key");
    expectError(
      await call(base, "GET", "/v1/accounts", { headers: { authorization: `Basic ${s.demoKey}` } }),
      401,
      "invalid_api_key",
    );
    expectError(await call(base, "GET", `/v1/accounts?api_key=${s.demoKey}`), 401, "missing_api_key");
    const trpc = await fetch(`${base}/trpc/accounts.list`, { headers: { authorization: `Bearer ${unknownKey}` } });
    expect(trpc.status).toBe(401);

    // Creates (the body goes to Meta with the account's token).
    const created = await call(base, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, {
      token: s.demoKey,
      body: orderConfirmation(),
    });
    expect(created.status, created.text).toBe(201);

    // An upstream error: Meta answers 503 on every call until the gateway gives up.
    s.sandbox.control.faults.configure({ rules: [{ kind: "server_error" }] });
    const failed = await call(base, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates/sync`, { token: s.demoKey });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    s.sandbox.control.faults.clear();

    // The operator CLI connects an account with a Meta token (token given inline and on stdin).
    // Meta must confirm the token, WABA and numbers before the CLI stores them.
    s.sandbox.control.addWaba({ id: "1", accessToken: CLI_META_TOKEN });
    for (const id of ["5550000001", "5550000002"]) s.sandbox.control.addPhoneNumber("1", { id });
    const io = (stdin = "") => ({
      env: { DATA_DIR: dataDir, META_GRAPH_URL: s.sandbox.url },
      cwd: dataDir,
      stdin: Readable.from([stdin]),
      stdout: (text: string) => (cliOutput += text),
      stderr: (text: string) => (cliOutput += text),
    });
    const made = await runCli(["orgs", "create", "--name", "CLI org", "--json"], io());
    expect(made).toBe(0);
    const cliOrg = (JSON.parse(cliOutput) as { id: string }).id;
    const connect = ["accounts", "connect", "--org", cliOrg, "--waba-id", "1", "--display-phone-number", "+62811"];
    expect(await runCli([...connect, "--phone-number-id", "5550000001", "--access-token", CLI_META_TOKEN], io())).toBe(
      0,
    );
    expect(
      await runCli(
        [...connect, "--phone-number-id", "5550000002", "--access-token-file", "-", "--json"],
        io(CLI_META_TOKEN),
      ),
    ).toBe(0);
    const keyRun = await runCli(["keys", "create", "--org", cliOrg], io());
    expect(keyRun).toBe(0);
    const cliKey = /kdv_live_[A-Za-z0-9_-]{24}/.exec(cliOutput)?.[0];
    expect(cliKey).toBeDefined();
    // `keys create` is the one place a key is printed (once); everything after it must not repeat it.
    const afterKey = cliOutput.length;
    expect(await runCli(["keys", "list", "--org", cliOrg], io())).toBe(0);
    expect(await runCli(["accounts", "list", "--org", cliOrg, "--json"], io())).toBe(0);

    const logs = server.text();
    const lines = logs.trim().split("\n");
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) JSON.parse(line); // structured: one JSON object per line

    const secrets = [
      s.demoKey,
      s.otherKey,
      revoked.key,
      expired.key,
      unknownKey,
      s.sandbox.demo.accessToken,
      OTHER_ACCESS_TOKEN,
      CLI_META_TOKEN,
    ];
    for (const secret of secrets) expect(logs, `server log contains ${secret.slice(0, 12)}…`).not.toContain(secret);
    expect(logs).not.toContain("Bearer ");
    expect(logs).not.toMatch(/kdv_live_[A-Za-z0-9_-]{24}/);
    expect(cliOutput).not.toContain(CLI_META_TOKEN);
    expect(cliOutput).not.toContain("Bearer ");
    expect(cliOutput.slice(afterKey)).not.toContain(cliKey);

    // The request lines carry what an operator needs.
    const requestLines = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l["msg"] === "request");
    expect(requestLines.find((l) => l["status"] === 201)).toMatchObject({
      request_id: expect.stringMatching(/^req_/),
      method: "POST",
      route: "/v1/:phone_number_id/templates",
      organisation_id: expect.stringMatching(/^org_/),
      duration_ms: expect.any(Number),
    });
    const unauthenticated = requestLines.find((l) => l["status"] === 401);
    expect(unauthenticated).toMatchObject({ route: "/v1/accounts" });
    expect(unauthenticated).not.toHaveProperty("organisation_id");
    expect(requestLines.some((l) => typeof l["status"] === "number" && l["status"] >= 500)).toBe(true);
  }, 240_000);

  it("censors secret-named fields and scrubs key- and bearer-shaped text a careless log call might include", () => {
    const out = capture();
    const logger = createLogger({ level: "info", destination: out.stream });
    logger.info(
      {
        headers: { authorization: "Bearer abc.def", Authorization: "Bearer ghi" },
        account: { accessToken: "EAAG-field-token", access_token_encrypted: "v1:k:x:y:z" },
        token: "EAAG-top-token",
      },
      "GET https://graph.example/upload?access_token=EAAG-query-token failed for kdv_live_ABCDEFGHIJKLMNOPQRSTUVWX with Bearer EAAG-header-token",
    );
    const line = out.text();
    for (const secret of [
      "abc.def",
      "ghi",
      "EAAG-field-token",
      "v1:k:x:y:z",
      "EAAG-top-token",
      "EAAG-query-token",
      "ABCDEFGHIJKLMNOPQRSTUVWX",
      "EAAG-header-token",
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({ headers: { authorization: "[REDACTED]" }, token: "[REDACTED]" });
  });
});
