/**
 * The job queue behind scheduled syncs and webhook processing, with two implementations of one interface:
 *
 * - `createPgBossQueue` (PostgreSQL): pg-boss 12 in its own schema, so every API instance on one database shares
 *   the work; the sync queue uses pg-boss' `exclusive` policy keyed by account (at most one queued-or-active sync
 *   per account across all instances); retries with exponential backoff.
 * - `createInProcessQueue` (PGlite, the embedded default): pg-boss does not run on PGlite — through pg-boss' custom
 *   `db` adapter its multi-statement commands fail ("cannot insert multiple commands into a prepared statement",
 *   then "bam claim returned no lock row" when they are sent unparameterised). PGlite is one process by nature, so
 *   an in-memory queue with the same semantics (singleton keys, retries with backoff, draining stop) is enough;
 *   webhook events are persisted before they are queued, so nothing is lost across a restart (pending ones are
 *   re-queued on start).
 *
 * `stop()` stops taking jobs and waits for the ones in flight (drain).
 */
import type { PgBoss } from "pg-boss";

export interface JobOptions {
  /** At most one queued-or-active job with this key per queue. */
  singletonKey?: string;
}

export interface QueueDefinition {
  name: string;
  /** Attempts after the first (default 3); the delay doubles from `retryDelaySeconds` (default 1). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** `exclusive`: one queued-or-active job per singleton key. */
  exclusive?: boolean;
}

export type JobHandler<T> = (data: T) => Promise<void>;

export interface JobQueue {
  readonly kind: "pg-boss" | "in-process";
  start(): Promise<void>;
  createQueue(definition: QueueDefinition): Promise<void>;
  /** `concurrency`: jobs of this queue run at once in this process (pg-boss `localConcurrency`; in-process: unbounded). */
  work<T extends object>(name: string, handler: JobHandler<T>, options?: { concurrency?: number }): Promise<void>;
  /** False when nothing was queued: a job with the same singleton key is already queued or active, or stopped. */
  send<T extends object>(name: string, data: T, options?: JobOptions): Promise<boolean>;
  /** Stop taking jobs and wait for the ones in flight (bounded by `timeoutMs`, default 30 s). */
  stop(timeoutMs?: number): Promise<void>;
}

export interface PgBossQueueOptions {
  connectionString: string;
  /** Schema for pg-boss' tables (default `pgboss`). */
  schema?: string;
  /** Idle polling interval (default 0.5 s). */
  pollingIntervalSeconds?: number;
  onError?: (error: Error) => void;
}

export function createPgBossQueue(options: PgBossQueueOptions): JobQueue {
  // Imported here, not at the top: the embedded default (PGlite, in-process queue) never loads pg-boss (~4 MiB of heap).
  const loading = import("pg-boss").then(({ PgBoss: Boss }) => {
    const instance = new Boss({
      connectionString: options.connectionString,
      schema: options.schema ?? "pgboss",
      max: 4,
    });
    instance.on("error", (error: Error) => options.onError?.(error));
    return instance;
  });
  loading.catch(() => undefined); // the failure reaches whoever awaits it (start() first)
  const definitions = new Map<string, QueueDefinition>();
  let stopped = false;
  return {
    kind: "pg-boss",
    async start() {
      await (await loading).start();
    },
    async createQueue(definition) {
      definitions.set(definition.name, definition);
      const boss = await loading;
      const existing = await boss.getQueue(definition.name);
      const settings = {
        policy: definition.exclusive === true ? "exclusive" : "standard",
        retryLimit: definition.retryLimit ?? 3,
        retryDelay: definition.retryDelaySeconds ?? 1,
        retryBackoff: true,
      } as const;
      if (existing === null) await boss.createQueue(definition.name, settings);
    },
    async work<T extends object>(name: string, handler: JobHandler<T>, workOptions: { concurrency?: number } = {}) {
      const concurrency = workOptions.concurrency !== undefined ? { localConcurrency: workOptions.concurrency } : {};
      await (
        await loading
      ).work<T>(
        name,
        { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5, ...concurrency },
        async (jobs) => {
          for (const job of jobs) await handler(job.data);
        },
      );
    },
    async send<T extends object>(name: string, data: T, jobOptions: JobOptions = {}) {
      if (stopped) return false;
      // pg-boss answers null instead of an id when the queue's policy refused the job.
      const id = await (
        await loading
      ).send(name, data, jobOptions.singletonKey !== undefined ? { singletonKey: jobOptions.singletonKey } : {});
      return id !== null;
    },
    async stop(timeoutMs = 30_000) {
      stopped = true;
      await (
        await loading
      ).stop({ graceful: true, close: true, timeout: timeoutMs, wait: true } as Parameters<PgBoss["stop"]>[0]);
    },
  };
}

interface InProcessJob {
  name: string;
  data: object;
  key: string | undefined;
  attempt: number;
}

export interface InProcessQueueOptions {
  onError?: (error: unknown, job: { name: string; attempt: number }) => void;
  /** Backoff unit (tests shorten it); default 1000 ms. */
  retryUnitMs?: number;
}

export function createInProcessQueue(options: InProcessQueueOptions = {}): JobQueue {
  const definitions = new Map<string, QueueDefinition>();
  const handlers = new Map<string, JobHandler<object>>();
  const queuedOrActive = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const keyOf = (name: string, key: string | undefined) => (key === undefined ? undefined : `${name}\u0000${key}`);

  function run(job: InProcessJob): void {
    const handler = handlers.get(job.name);
    if (!handler || stopped) {
      if (job.key !== undefined) queuedOrActive.delete(job.key);
      return;
    }
    const p = (async () => {
      try {
        await handler(job.data);
        if (job.key !== undefined) queuedOrActive.delete(job.key);
      } catch (error) {
        options.onError?.(error, { name: job.name, attempt: job.attempt });
        const definition = definitions.get(job.name);
        const limit = definition?.retryLimit ?? 3;
        if (job.attempt < limit && !stopped) {
          const delay = (definition?.retryDelaySeconds ?? 1) * (options.retryUnitMs ?? 1000) * 2 ** job.attempt;
          const timer = setTimeout(() => {
            timers.delete(timer);
            run({ ...job, attempt: job.attempt + 1 });
          }, delay);
          timer.unref();
          timers.add(timer);
        } else if (job.key !== undefined) queuedOrActive.delete(job.key);
      }
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  return {
    kind: "in-process",
    start() {
      stopped = false;
      return Promise.resolve();
    },
    createQueue(definition) {
      definitions.set(definition.name, definition);
      return Promise.resolve();
    },
    work<T extends object>(name: string, handler: JobHandler<T>) {
      handlers.set(name, handler as JobHandler<object>);
      return Promise.resolve();
    },
    send<T extends object>(name: string, data: T, jobOptions: JobOptions = {}) {
      if (stopped) return Promise.resolve(false);
      const key = keyOf(name, jobOptions.singletonKey);
      if (key !== undefined) {
        if (queuedOrActive.has(key)) return Promise.resolve(false);
        queuedOrActive.add(key);
      }
      // Run on a later tick: the sender (e.g. a webhook acknowledgement) never waits for the work.
      const timer = setTimeout(() => {
        timers.delete(timer);
        run({ name, data, key, attempt: 0 });
      }, 0);
      timers.add(timer);
      return Promise.resolve(true);
    },
    async stop(timeoutMs = 30_000) {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((r) => {
          timer = setTimeout(r, timeoutMs);
          timer.unref();
        }),
      ]);
      if (timer) clearTimeout(timer);
    },
  };
}
