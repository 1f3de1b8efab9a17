/**
 * Delivers the outbox through the job queue (issue 17). A poller (every `pollMs`) finds subscriptions with a
 * delivery due and sends one `webhook-delivery` job per subscription (at most one of its own in flight per
 * subscription, so a slow endpoint does not pile up jobs); the job delivers that subscription's due events one by
 * one, claimed in batches (one statement each, each event the earliest pending one of its template), until none is
 * due for `lingerMs`. Not pg-boss' `exclusive` policy: the active job of a process killed mid-delivery would block the
 * subscription until pg-boss expires it (15 min); the row lease below already makes a second job harmless. Each subscription is its own job and jobs run concurrently, so a slow endpoint (up to 10 s per attempt)
 * holds only its own job. Exactly one worker sends a given delivery at a time: the claim is a row lease taken with
 * FOR UPDATE SKIP LOCKED (webhook-out.repository.ts), so duplicate jobs find nothing to do.
 * Crash safety: the outbox rows are committed with the change; after a restart the poller finds them (an
 * expired lease of a dead process is taken over).
 */
import type { JobQueue } from "../scheduler/job-queue.js";
import type { WebhooksOutService } from "./webhook-out.service.js";

export const WEBHOOK_DELIVERY_QUEUE = "webhook-delivery";

export interface WebhookDeliveryWorkerOptions {
  webhooks: WebhooksOutService;
  queue: JobQueue;
  /** How often due deliveries are looked for (default 250 ms). */
  pollMs?: number | undefined;
  /** How long a job that has caught up waits for new events of its subscription before it ends (default 1 s). */
  lingerMs?: number | undefined;
  /** Concurrent subscription jobs per process (default 16). */
  concurrency?: number | undefined;
  onError?: (error: unknown, what: string) => void;
}

export interface WebhookDeliveryWorker {
  /** Registers the queue and its handler (the queue must be started) and starts polling. */
  start(): Promise<void>;
  /** One poll now. */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export function createWebhookDeliveryWorker(options: WebhookDeliveryWorkerOptions): WebhookDeliveryWorker {
  const { webhooks, queue } = options;
  const pollMs = options.pollMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let stopped = false;
  const stopping = new AbortController();
  // Subscriptions this process sent a job for and has not seen finish (forgotten after a while: another instance
  // may have run the job).
  const sent = new Map<string, number>();
  const SENT_TTL_MS = 60_000;

  async function poll(): Promise<void> {
    const due = await webhooks.dueSubscriptionIds();
    const now = Date.now();
    for (const subscriptionId of due) {
      const at = sent.get(subscriptionId);
      if (at !== undefined && now - at < SENT_TTL_MS) continue;
      sent.set(subscriptionId, now);
      await queue.send(WEBHOOK_DELIVERY_QUEUE, { subscriptionId });
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      polling = poll()
        .catch((error: unknown) => options.onError?.(error, "webhook delivery poll"))
        .finally(() => {
          polling = undefined;
          schedule();
        });
    }, pollMs);
    timer.unref();
  }

  return {
    async start() {
      // Retries live in the delivery rows (31 h schedule), not in the queue: a job that throws is only re-polled.
      await queue.createQueue({ name: WEBHOOK_DELIVERY_QUEUE, retryLimit: 0 });
      await queue.work<{ subscriptionId: string }>(
        WEBHOOK_DELIVERY_QUEUE,
        async (job) => {
          try {
            // A job stays while events keep coming (a sync commits them page by page) rather than handing over to
            // the next poll and queue pick-up.
            await webhooks.deliverDue(job.subscriptionId, {
              idleMs: options.lingerMs ?? 1_000,
              signal: stopping.signal,
            });
          } finally {
            sent.delete(job.subscriptionId);
          }
        },
        { concurrency: options.concurrency ?? 16 },
      );
      schedule();
    },
    poll,
    async stop() {
      stopped = true;
      stopping.abort();
      if (timer) clearTimeout(timer);
      await polling;
    },
  };
}
