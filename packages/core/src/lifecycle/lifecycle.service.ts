/**
 * What the background worker (scheduler/lifecycle.worker.ts) drives: Meta webhook intake and application, and the
 * scheduled syncs (scheduler/scheduler.service.ts). Template operations (edit, delete, history, sync runs) are on
 * `core.templates` (templates/template.service.ts).
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { createSchedulerService } from "../scheduler/scheduler.service.js";
import type { SchedulerService } from "../scheduler/scheduler.service.js";
import type { SyncDeps } from "../templates/template-sync.js";
import { applyWebhookEvent, pendingWebhookEventIds, storeWebhook } from "../webhooks-in/webhook-intake.service.js";
import type { StoredWebhook } from "../webhooks-in/webhook-intake.service.js";

export interface LifecycleService extends SchedulerService {
  /** Stores the changes of a verified webhook POST (deduplicated); returns the event ids to apply. */
  receiveWebhook(payload: unknown): Promise<StoredWebhook>;
  /** Applies one stored webhook event (idempotent). */
  applyWebhookEvent(eventId: string): Promise<{ state: string; outcome: string | null } | undefined>;
  /** Stored events not applied yet (re-queued at start after a crash or a drain). */
  pendingWebhookEventIds(): Promise<string[]>;
}

export function createLifecycleService(deps: SyncDeps & { db: Kysely<Database> }): LifecycleService {
  const { db } = deps;
  return {
    ...createSchedulerService(deps),

    receiveWebhook: (payload) => storeWebhook(db, payload),

    async applyWebhookEvent(eventId) {
      const row = await applyWebhookEvent(db, eventId, deps.now);
      return row ? { state: row.state, outcome: row.outcome } : undefined;
    },

    pendingWebhookEventIds: () => pendingWebhookEventIds(db),
  };
}
