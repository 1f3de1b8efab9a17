/**
 * Several `dist/main.js` processes on ONE fresh PostgreSQL database and one DATA_DIR (they must share the generated
 * token-encryption key and cursor secret), against one Meta sandbox: what the two-instance tests need to show that a
 * guarantee holds across instances rather than inside one process. Needs `pnpm --filter @kirim/api build` first.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase } from "@kirim/core/testing";
import type { TestDatabase } from "@kirim/core/testing";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";
import { baseApiEnv, requireUrl, startApiProcess, stopApiProcess } from "../drills/drill-support.js";
import type { ApiProcess } from "../drills/drill-support.js";

export interface Instances {
  db: TestDatabase;
  sandbox: MetaSandbox;
  dataDir: string;
  /** The environment every instance was started with (also what a CLI process beside them needs). */
  env: Record<string, string>;
  instances: ApiProcess[];
  close: () => Promise<void>;
}

/**
 * Starts `count` instances one after the other (the first applies the migrations and seeds the demo organisation),
 * each with the drills' base environment, the sandbox's demo account and `extraEnv` on top.
 */
export async function startInstances(label: string, extraEnv: Record<string, string>, count = 2): Promise<Instances> {
  const db = await createTestDatabase("postgres");
  const sandbox = await startMetaSandbox({ port: 0, reviewDelayMs: null });
  const dataDir = await mkdtemp(path.join(tmpdir(), `kirim-${label}-`));
  const instances: ApiProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(instances.map((instance) => stopApiProcess(instance)));
    await sandbox.close();
    await db.dispose();
    await rm(dataDir, { recursive: true, force: true });
  };
  const env = baseApiEnv({
    DATA_DIR: dataDir,
    DATABASE_URL: requireUrl(db.url),
    META_GRAPH_URL: sandbox.url,
    DEMO_WABA_ID: sandbox.demo.wabaId,
    DEMO_ACCESS_TOKEN: sandbox.demo.accessToken,
    ...extraEnv,
  });
  try {
    for (let i = 0; i < count; i++) instances.push(await startApiProcess(env));
  } catch (error) {
    await close();
    throw error;
  }
  return { db, sandbox, dataDir, env, instances, close };
}
