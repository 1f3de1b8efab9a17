/**
 * The migrate CLI's configuration reader — the only place in @kirim/core outside `src/testing` that reads
 * process.env (the workspace lint rule allows `env.ts` files). Library code never imports this.
 */
export function readMigrateEnv(): { databaseUrl: string | undefined; dataDir: string | undefined } {
  return {
    databaseUrl: process.env["DATABASE_URL"] || undefined,
    dataDir: process.env["DATA_DIR"] || undefined,
  };
}
