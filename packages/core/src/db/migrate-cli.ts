#!/usr/bin/env node
/**
 * `pnpm --filter @kirim/core migrate [--database-url URL] [--data-dir DIR]`
 * Applies pending migrations. Flags win; otherwise DATABASE_URL / DATA_DIR (read in ./env.ts).
 */
import { parseArgs } from "node:util";
import { createDatabase } from "./database.js";
import { migrateToLatest } from "./migrate.js";
import { readMigrateEnv } from "./env.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    // `pnpm migrate -- --flag` forwards the separator itself
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: { "database-url": { type: "string" }, "data-dir": { type: "string" } },
    allowPositionals: false,
  });
  const env = readMigrateEnv();
  const databaseUrl = values["database-url"] ?? env.databaseUrl;
  const dataDir = values["data-dir"] ?? env.dataDir;
  if (!databaseUrl && !dataDir) {
    console.error(
      "migrate: set --database-url / DATABASE_URL or --data-dir / DATA_DIR (refusing to migrate an in-memory database)",
    );
    process.exitCode = 2;
    return;
  }
  const handle = createDatabase({ databaseUrl, dataDir });
  try {
    const results = await migrateToLatest(handle.db);
    if (results.length === 0) console.log(`migrate (${handle.kind}): already up to date`);
    for (const r of results) console.log(`migrate (${handle.kind}): ${r.migrationName} ${r.status}`);
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
