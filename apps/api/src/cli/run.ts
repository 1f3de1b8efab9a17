/**
 * The operator CLI (`kirim`): organisations, customers, API keys, WhatsApp accounts and token encryption keys,
 * over the same configuration as the server (`loadEnv`: DATABASE_URL or DATA_DIR, TOKEN_ENCRYPTION_KEYS, …).
 *
 * Exit codes: 0 ok · 1 usage error, invalid input, conflict, Meta's refusal or configuration problem · 2 not found.
 * Secrets are never printed except a new API key, once, by `keys create`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import {
  createDatabase,
  createMetaGateway,
  createOperator,
  generateTokenKeySpec,
  isDomainError,
  migrateToLatest,
  TokenKeyringError,
} from "@kirim/core";
import type { AdminAccount, AdminApiKey, DatabaseHandle, MetaGateway } from "@kirim/core";
import { ZPhoneNumberId } from "@kirim/schema";
import { ensureDataDir, resolveTokenKeyring } from "../data-dir.js";
import { EnvError, loadEnv } from "../env.js";
import type { Env } from "../env.js";
import { json, record, table } from "./format.js";

export interface CliIo {
  /** Configuration variables; omitted → `loadEnv` reads the process environment (as the server does). */
  env?: Record<string, string | undefined>;
  cwd: string;
  stdin: Readable;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_NOT_FOUND = 2;

/** A mistake in how the command was called: printed with a pointer to `--help`, exit 1. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `Usage: kirim <command> [options]   (add --json for machine-readable output)

Organisations and customers
  orgs create --name <name>
  orgs list
  customers create --org <org_id> --name <name>
  customers list --org <org_id>

API keys (the key is printed once; only its hash is stored)
  keys create --org <org_id> [--label <label>] [--expires-at <ISO 8601>]
  keys list --org <org_id>
  keys revoke <key_id>                      immediate: the next request with it gets 401

WhatsApp accounts (the Meta access token is stored encrypted)
  accounts connect --org <org_id> --phone-number-id <id> --waba-id <id> --display-phone-number <+62…>
                   (--access-token-file <path | -> | --access-token <token>) [--customer <cus_id>] [--name <name>]
                   [--allow-shared-waba]
                   Meta (META_GRAPH_URL) must confirm that the token reaches the WABA and that the number is one of
                   its numbers. A WABA another organisation connected is refused unless --allow-shared-waba (the
                   organisations then share Meta's per-WABA limits).
  accounts disconnect <phone_number_id>
  accounts list --org <org_id> [--status connected|all]

Token encryption (TOKEN_ENCRYPTION_KEYS = id:base64key[,old_id:base64key…], first = current)
  secrets generate-key [--id <key_id>]      prints a new id:base64key entry (no database needed)
  secrets status                            stored tokens per key id
  secrets rotate                            re-encrypts every token with the current key

Configuration: the server's environment (DATABASE_URL, or DATA_DIR for the embedded PGlite database; see
.env.example). Migrations run first. With PGlite, stop the server before using the CLI (one process per data dir).
Exit codes: 0 ok, 1 usage or invalid input, 2 not found.
`;

type Values = Record<string, string | boolean | undefined>;

interface Command {
  /** Option names (all take a string value) accepted after the command. */
  options: string[];
  /** Boolean switches accepted after the command (present = true). */
  flags?: string[];
  /** Whether it needs Meta's Graph API (META_GRAPH_URL) to confirm what it is given. */
  meta?: boolean;
  /** Options that must be present (checked before the database is opened). */
  required?: string[];
  /** Positional arguments after the command words (e.g. `<key_id>`). */
  positionals: string[];
  /** Whether it needs the database (everything but `secrets generate-key`). */
  database: boolean;
  run(ctx: Context, values: Values, positionals: string[]): Promise<void>;
}

interface Context {
  operator: ReturnType<typeof createOperator>;
  jsonOutput: boolean;
  io: CliIo;
}

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${name} is required`);
  return value.trim();
}

function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${name} needs a value`);
  return value.trim();
}

function out(ctx: Context, data: unknown, human: string): void {
  ctx.io.stdout(ctx.jsonOutput ? json(data) : human);
}

function keyView(key: AdminApiKey) {
  return {
    id: key.id,
    organisation_id: key.organisationId,
    label: key.label,
    key_hint: `${key.prefix}…${key.last4}`,
    status: key.status,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
    created_at: key.createdAt,
  };
}

function accountView(account: AdminAccount) {
  return {
    id: account.id,
    organisation_id: account.organisationId,
    phone_number_id: account.phoneNumberId,
    display_phone_number: account.displayPhoneNumber,
    name: account.name,
    waba_id: account.wabaId,
    status: account.status,
    customer: account.customer,
    created_at: account.createdAt,
    updated_at: account.updatedAt,
  };
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** The token from `--access-token-file <path>` (`-` = stdin) or `--access-token` (visible in `ps`: prefer a file). */
async function accessTokenOf(values: Values, io: CliIo): Promise<string> {
  const file = optional(values, "access-token-file");
  const inline = optional(values, "access-token");
  if (file !== undefined && inline !== undefined)
    throw new UsageError("give either --access-token or --access-token-file, not both");
  let token: string;
  if (file !== undefined) {
    try {
      token = file === "-" ? await readAll(io.stdin) : await readFile(path.resolve(io.cwd, file), "utf8");
    } catch (error) {
      throw new UsageError(
        `cannot read --access-token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`,
      );
    }
  } else if (inline !== undefined) {
    token = inline;
  } else {
    throw new UsageError(
      "the Meta access token is required: --access-token-file <path> (or - for stdin), or --access-token <token>",
    );
  }
  token = token.trim();
  if (token === "" || /\s/.test(token)) throw new UsageError("the Meta access token must be one non-empty word");
  return token;
}

const COMMANDS: Record<string, Command> = {
  "orgs create": {
    options: ["name"],
    required: ["name"],
    positionals: [],
    database: true,
    async run(ctx, values) {
      const name = required(values, "name");
      const { id } = await ctx.operator.admin.createOrganisation({ name });
      out(
        ctx,
        { id, name },
        record([
          ["id", id],
          ["name", name],
        ]),
      );
    },
  },
  "orgs list": {
    options: [],
    positionals: [],
    database: true,
    async run(ctx) {
      const orgs = await ctx.operator.admin.listOrganisations();
      out(
        ctx,
        orgs.map((o) => ({ id: o.id, name: o.name, demo: o.isDemo, created_at: o.createdAt })),
        table(
          ["ID", "NAME", "DEMO", "CREATED"],
          orgs.map((o) => [o.id, o.name, o.isDemo ? "yes" : "", o.createdAt]),
        ),
      );
    },
  },
  "customers create": {
    options: ["org", "name"],
    required: ["org", "name"],
    positionals: [],
    database: true,
    async run(ctx, values) {
      const organisationId = required(values, "org");
      const name = required(values, "name");
      const { id } = await ctx.operator.admin.createCustomer({ organisationId, name });
      out(
        ctx,
        { id, organisation_id: organisationId, name },
        record([
          ["id", id],
          ["organisation", organisationId],
          ["name", name],
        ]),
      );
    },
  },
  "customers list": {
    options: ["org"],
    required: ["org"],
    positionals: [],
    database: true,
    async run(ctx, values) {
      const customers = await ctx.operator.admin.listCustomers(required(values, "org"));
      out(
        ctx,
        customers.map((c) => ({ id: c.id, organisation_id: c.organisationId, name: c.name, created_at: c.createdAt })),
        table(
          ["ID", "NAME", "CREATED"],
          customers.map((c) => [c.id, c.name, c.createdAt]),
        ),
      );
    },
  },
  "keys create": {
    options: ["org", "label", "expires-at"],
    required: ["org"],
    positionals: [],
    database: true,
    async run(ctx, values) {
      const organisationId = required(values, "org");
      const label = optional(values, "label");
      const expiresText = optional(values, "expires-at");
      let expiresAt: Date | null = null;
      if (expiresText !== undefined) {
        if (
          !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(expiresText) ||
          Number.isNaN(Date.parse(expiresText))
        ) {
          throw new UsageError(
            `--expires-at must be an ISO 8601 date or date-time (e.g. 2027-01-31T00:00:00Z), got "${expiresText}"`,
          );
        }
        expiresAt = new Date(expiresText);
        if (expiresAt.getTime() <= Date.now()) throw new UsageError("--expires-at must be in the future");
      }
      const created = await ctx.operator.admin.createApiKey({
        organisationId,
        expiresAt,
        ...(label === undefined ? {} : { label }),
      });
      out(
        ctx,
        {
          id: created.id,
          organisation_id: organisationId,
          key: created.key,
          key_hint: `${created.prefix}…${created.last4}`,
          expires_at: expiresAt,
        },
        record([
          ["id", created.id],
          ["organisation", organisationId],
          ["key", created.key],
          ["expires", expiresAt ?? "never"],
        ]),
      );
      ctx.io.stderr("Store the key now: it is shown only this once (only its hash is kept).\n");
    },
  },
  "keys list": {
    options: ["org"],
    required: ["org"],
    positionals: [],
    database: true,
    async run(ctx, values) {
      const keys = await ctx.operator.admin.listApiKeys(required(values, "org"));
      out(
        ctx,
        keys.map(keyView),
        table(
          ["ID", "KEY", "LABEL", "STATUS", "EXPIRES", "REVOKED", "CREATED"],
          keys.map((k) => [k.id, `${k.prefix}…${k.last4}`, k.label, k.status, k.expiresAt, k.revokedAt, k.createdAt]),
        ),
      );
    },
  },
  "keys revoke": {
    options: [],
    positionals: ["key_id"],
    database: true,
    async run(ctx, _values, [keyId]) {
      const key = await ctx.operator.admin.revokeApiKey(keyId ?? "");
      out(
        ctx,
        keyView(key),
        `Revoked ${key.id} (${key.prefix}…${key.last4}); requests with it now get 401 invalid_api_key.\n`,
      );
    },
  },
  "accounts connect": {
    options: [
      "org",
      "phone-number-id",
      "waba-id",
      "display-phone-number",
      "access-token",
      "access-token-file",
      "customer",
      "name",
    ],
    flags: ["allow-shared-waba"],
    required: ["org", "phone-number-id", "waba-id", "display-phone-number"],
    positionals: [],
    database: true,
    meta: true,
    async run(ctx, values) {
      const organisationId = required(values, "org");
      const phoneNumberId = required(values, "phone-number-id");
      if (!ZPhoneNumberId.safeParse(phoneNumberId).success)
        throw new UsageError("--phone-number-id must be 6 to 20 digits (Meta's phone_number_id)");
      const wabaId = required(values, "waba-id");
      if (!/^\d{1,30}$/.test(wabaId))
        throw new UsageError("--waba-id must be digits (the WhatsApp Business Account id)");
      const displayPhoneNumber = required(values, "display-phone-number");
      if (!/^\+?[0-9][0-9 ()-]{4,24}$/.test(displayPhoneNumber)) {
        throw new UsageError("--display-phone-number must be a phone number like +628111222333");
      }
      const accessToken = await accessTokenOf(values, ctx.io);
      const customerId = optional(values, "customer");
      const name = optional(values, "name");
      await ctx.operator.admin.connectAccount({
        organisationId,
        phoneNumberId,
        wabaId,
        displayPhoneNumber,
        accessToken,
        customerId: customerId ?? null,
        name: name ?? null,
        allowSharedWaba: values["allow-shared-waba"] === true,
      });
      const account = (await ctx.operator.admin.listAccounts(organisationId)).find(
        (a) => a.phoneNumberId === phoneNumberId,
      );
      out(
        ctx,
        account === undefined ? { phone_number_id: phoneNumberId } : accountView(account),
        `Connected ${phoneNumberId} (${displayPhoneNumber}) to ${organisationId}: Meta confirmed the token reaches WABA ${wabaId} and this number; the access token is stored encrypted.\n`,
      );
    },
  },
  "accounts disconnect": {
    options: [],
    positionals: ["phone_number_id"],
    database: true,
    async run(ctx, _values, [phoneNumberId]) {
      await ctx.operator.admin.disconnectAccount(phoneNumberId ?? "");
      out(
        ctx,
        { phone_number_id: phoneNumberId, status: "disconnected" },
        `Disconnected ${phoneNumberId}; calls to Meta for it now get 422 account_not_connected.\n`,
      );
    },
  },
  "accounts list": {
    options: ["org", "status"],
    required: ["org"],
    positionals: [],
    database: true,
    async run(ctx, values) {
      const status = optional(values, "status") ?? "connected";
      if (status !== "connected" && status !== "all")
        throw new UsageError(`--status must be connected or all, got "${status}"`);
      const accounts = await ctx.operator.admin.listAccounts(required(values, "org"), { status });
      out(
        ctx,
        accounts.map(accountView),
        table(
          ["PHONE_NUMBER_ID", "NUMBER", "NAME", "WABA", "STATUS", "CUSTOMER"],
          accounts.map((a) => [a.phoneNumberId, a.displayPhoneNumber, a.name, a.wabaId, a.status, a.customer?.id]),
        ),
      );
    },
  },
  "secrets generate-key": {
    options: ["id"],
    positionals: [],
    database: false,
    run(ctx, values) {
      const id = optional(values, "id") ?? `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`;
      let spec: string;
      try {
        spec = generateTokenKeySpec(id);
      } catch {
        throw new UsageError("--id must be 1–32 letters, digits, _ or -");
      }
      out(ctx, { key: spec }, `${spec}\n`);
      ctx.io.stderr(
        "Put it FIRST in TOKEN_ENCRYPTION_KEYS (keep the old entries after it), restart, then run `kirim secrets rotate`.\n",
      );
      return Promise.resolve();
    },
  },
  "secrets status": {
    options: [],
    positionals: [],
    database: true,
    async run(ctx) {
      const counts = await ctx.operator.secrets.status();
      out(
        ctx,
        { tokens_by_key: counts },
        table(
          ["KEY_ID", "TOKENS"],
          Object.entries(counts).map(([id, n]) => [id, n]),
        ),
      );
    },
  },
  "secrets rotate": {
    options: [],
    positionals: [],
    database: true,
    async run(ctx) {
      const result = await ctx.operator.secrets.rotate();
      out(
        ctx,
        { current_key_id: result.currentKeyId, reencrypted: result.reencrypted, unchanged: result.unchanged },
        `Re-encrypted ${result.reencrypted} token(s) with key "${result.currentKeyId}" (${result.unchanged} already used it). Older keys can now be removed from TOKEN_ENCRYPTION_KEYS.\n`,
      );
    },
  },
};

/** Commands that must still work when the keyring does not match the database (to diagnose and repair). */
const SKIP_PREPARE = new Set(["secrets status", "secrets rotate"]);

/** The Graph API the server talks to (META_GRAPH_URL), for commands that must ask Meta. */
function metaGateway(env: Env): MetaGateway {
  return createMetaGateway({ graphUrl: env.metaGraphUrl ?? "", apiVersion: env.metaApiVersion });
}

async function openDatabase(env: Env): Promise<DatabaseHandle> {
  await ensureDataDir(env.dataDir);
  return createDatabase(
    env.databaseUrl === undefined
      ? { dataDir: path.join(env.dataDir, "pglite") }
      : {
          databaseUrl: env.databaseUrl,
          applicationName: "kirim-cli",
          connectTimeoutMs: env.databaseConnectTimeoutMs,
          ...(env.databaseStatementTimeoutMs > 0 ? { statementTimeoutMs: env.databaseStatementTimeoutMs } : {}),
        },
  );
}

/** Runs one CLI invocation and returns its exit code (never calls `process.exit`). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const words = argv.filter((arg) => !arg.startsWith("-")).slice(0, 2);
  const name = words.join(" ");
  const command = COMMANDS[name];
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === undefined) {
    io.stderr(
      `kirim: unknown command "${argv
        .filter((arg) => !arg.startsWith("-"))
        .slice(0, 2)
        .join(" ")}"\n\n${USAGE}`,
    );
    return EXIT_USAGE;
  }

  let values: Values;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(command.options.map((option) => [option, { type: "string" as const }])),
        ...Object.fromEntries((command.flags ?? []).map((flag) => [flag, { type: "boolean" as const }])),
      },
    });
    values = parsed.values;
    positionals = parsed.positionals.slice(2);
  } catch (error) {
    io.stderr(`kirim ${name}: ${(error as Error).message}\nRun \`kirim --help\` for usage.\n`);
    return EXIT_USAGE;
  }
  if (values["help"] === true) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (positionals.length !== command.positionals.length) {
    const expected = command.positionals.map((p) => `<${p}>`).join(" ");
    io.stderr(
      `kirim ${name}: expected ${expected === "" ? "no arguments" : expected}, got ${positionals.length === 0 ? "none" : positionals.join(" ")}\nRun \`kirim --help\` for usage.\n`,
    );
    return EXIT_USAGE;
  }

  const missing = (command.required ?? []).find(
    (option) => typeof values[option] !== "string" || String(values[option]).trim() === "",
  );
  if (missing !== undefined) {
    io.stderr(`kirim ${name}: --${missing} is required\nRun \`kirim --help\` for usage.\n`);
    return EXIT_USAGE;
  }

  let database: DatabaseHandle | undefined;
  try {
    const env = io.env === undefined ? loadEnv(undefined, io.cwd) : loadEnv(io.env, io.cwd);
    let operator: ReturnType<typeof createOperator> | undefined;
    if (command.meta === true && env.metaGraphUrl === undefined) {
      throw new UsageError(
        `${name} asks Meta to confirm the access token, WABA and phone number: set META_GRAPH_URL (https://graph.facebook.com, or a standalone sandbox's URL)`,
      );
    }
    if (command.database) {
      database = await openDatabase(env);
      await migrateToLatest(database.db);
      // Generating a key is only safe next to the embedded database it protects; with PostgreSQL the server's
      // key must be configured (or read from the server's DATA_DIR), or tokens would be written under a stray key.
      const { keyring } = await resolveTokenKeyring(env.dataDir, env.tokenKeyring, {
        generate: env.databaseUrl === undefined,
      });
      operator = createOperator({
        db: database.db,
        tokenKeyring: keyring,
        ...(command.meta === true ? { gateway: metaGateway(env) } : {}),
      });
      if (!SKIP_PREPARE.has(name)) await operator.secrets.prepare();
    }
    await command.run(
      { operator: operator as ReturnType<typeof createOperator>, jsonOutput: values["json"] === true, io },
      values,
      positionals,
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kirim ${name}: ${error.message}\nRun \`kirim --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    if (isDomainError(error)) {
      io.stderr(`kirim ${name}: ${error.message} (${error.code})\n`);
      return error.status === 404 ? EXIT_NOT_FOUND : EXIT_USAGE;
    }
    if (error instanceof EnvError || error instanceof TokenKeyringError) {
      io.stderr(`kirim ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`kirim ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  } finally {
    await database?.close().catch(() => undefined);
  }
}
