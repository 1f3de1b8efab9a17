/**
 * The background side of the template lifecycle, on a `JobQueue`:
 * - queue `template-sync` (exclusive per account): `{accountId, trigger}` → sync (retried with backoff, e.g. when
 *   Meta rate-limits);
 * - queue `webhook-event`: `{eventId}` → apply a stored webhook event;
 * - a ticker (every `tickMs`, default a tenth of the interval, jittered) that claims this interval's slot of every
 *   connected account and enqueues its sync. Slots are claimed in the database, so several instances with the
 *   scheduler on still sync each account once per interval. A slot whose account still has a sync queued or
 *   running (a sync longer than the interval) is skipped, not stacked, and reported through `onSkipped`.
 * `stop()` stops the ticker and drains the queue's in-flight jobs.
 */
import type { JobQueue } from "./job-queue.js";
import type { LifecycleService } from "../lifecycle/lifecycle.service.js";

export const SYNC_QUEUE = "template-sync";
export const WEBHOOK_QUEUE = "webhook-event";

export interface LifecycleWorkerOptions {
  lifecycle: LifecycleService;
  queue: JobQueue;
  /** Scheduled sync interval; undefined/0 = no scheduled sync (webhook jobs still run). */
  syncIntervalMs?: number | undefined;
  /** How often the scheduler looks for due slots (default interval / 10, at least 250 ms). */
  tickMs?: number | undefined;
  random?: () => number;
  onError?: (error: unknown, what: string) => void;
  /** Called with the accounts whose scheduled sync this instance enqueued (logging). */
  onScheduled?: (claimed: { accountId: string; slot: number }[]) => void;
  /** Called for a claimed slot that was not queued because the account's previous sync is still queued or running. */
  onSkipped?: (skipped: { accountId: string; slot: number }) => void;
}

export interface LifecycleWorker {
  start(): Promise<void>;
  /** Queue stored webhook events for application (the webhook endpoint calls this after storing them). */
  enqueueWebhookEvents(ids: readonly string[]): Promise<void>;
  /** One scheduler pass now (also what the ticker runs). */
  tick(): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
}

export function createLifecycleWorker(options: LifecycleWorkerOptions): LifecycleWorker {
  const { lifecycle, queue } = options;
  const random = options.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let ticking: Promise<void> | undefined;

  async function tick(): Promise<void> {
    const interval = options.syncIntervalMs;
    if (interval === undefined || interval <= 0) return;
    const claimed = await lifecycle.claimScheduledSyncs(interval);
    const enqueued: typeof claimed = [];
    for (const c of claimed) {
      const queued = await queue.send(
        SYNC_QUEUE,
        { accountId: c.accountId, trigger: `schedule:${c.slot}` },
        { singletonKey: c.accountId },
      );
      if (queued) enqueued.push(c);
      else if (!stopped) options.onSkipped?.(c);
    }
    if (enqueued.length > 0) options.onScheduled?.(enqueued);
  }

  function schedule(): void {
    const interval = options.syncIntervalMs;
    if (stopped || interval === undefined || interval <= 0) return;
    const base = options.tickMs ?? Math.max(250, Math.floor(interval / 10));
    timer = setTimeout(
      () => {
        ticking = tick()
          .catch((error: unknown) => options.onError?.(error, "scheduled sync tick"))
          .finally(() => {
            ticking = undefined;
            schedule();
          });
      },
      Math.floor(base * (0.75 + random() * 0.5)),
    );
    timer.unref();
  }

  return {
    async start() {
      await queue.start();
      await queue.createQueue({ name: SYNC_QUEUE, exclusive: true, retryLimit: 4, retryDelaySeconds: 2 });
      await queue.createQueue({ name: WEBHOOK_QUEUE, retryLimit: 5, retryDelaySeconds: 1 });
      await queue.work<{ accountId: string; trigger: string }>(SYNC_QUEUE, async (job) => {
        await lifecycle.syncAccount(job.accountId, job.trigger);
      });
      await queue.work<{ eventId: string }>(WEBHOOK_QUEUE, async (job) => {
        await lifecycle.applyWebhookEvent(job.eventId);
      });
      // Events stored but not applied before the last stop (or crash) are applied now.
      const pending = await lifecycle.pendingWebhookEventIds();
      for (const id of pending) await queue.send(WEBHOOK_QUEUE, { eventId: id });
      schedule();
    },
    async enqueueWebhookEvents(ids) {
      for (const id of ids) await queue.send(WEBHOOK_QUEUE, { eventId: id });
    },
    tick,
    async stop(timeoutMs) {
      stopped = true;
      if (timer) clearTimeout(timer);
      await ticking;
      await queue.stop(timeoutMs);
    },
  };
}
