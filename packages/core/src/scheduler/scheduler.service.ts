/** Scheduled syncs: which accounts are due this interval (claimed in the database), and the sync of one by id. */
import type { Kysely } from "kysely";
import { findAccountById, listConnectedAccountIds } from "../accounts/account.repository.js";
import type { Database } from "../db/schema.js";
import type { SyncDeps } from "../templates/template-sync.js";
import { syncAccountTemplates } from "../templates/template-sync.js";
import { claimSyncSlot, deleteSyncSlotsClaimedBefore } from "./scheduled-sync-slot.repository.js";

export interface SchedulerService {
  /** Sync of one account by id (the scheduler); joins a running one. */
  syncAccount(accountId: string, trigger: string): Promise<void>;
  /**
   * Claims this interval's scheduled sync of every connected account. Each account's slot boundary is offset by
   * a hash of its id (jitter: accounts do not all sync at the same instant); the insert of the slot row decides
   * which instance enqueues it. Returns the claimed accounts.
   */
  claimScheduledSyncs(intervalMs: number): Promise<{ accountId: string; slot: number }[]>;
}

/** A stable offset in [0, intervalMs) per account: spreads the accounts' sync instants over the interval. */
export function accountOffset(accountId: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < accountId.length; i++) h = Math.imul(h ^ accountId.charCodeAt(i), 16777619) >>> 0;
  return h % Math.max(1, intervalMs);
}

export function createSchedulerService(deps: SyncDeps & { db: Kysely<Database> }): SchedulerService {
  const { db } = deps;
  return {
    async syncAccount(accountId, trigger) {
      const account = await findAccountById(db, accountId);
      if (!account || account.status !== "connected") return;
      await syncAccountTemplates(deps, account, trigger);
    },

    async claimScheduledSyncs(intervalMs) {
      const now = deps.now().getTime();
      const claimed: { accountId: string; slot: number }[] = [];
      for (const id of await listConnectedAccountIds(db)) {
        const slot = Math.floor((now + accountOffset(id, intervalMs)) / intervalMs);
        if (await claimSyncSlot(db, `sync:${id}:${slot}`)) claimed.push({ accountId: id, slot });
      }
      // Old slots are only needed to refuse a second claim of the same slot.
      await deleteSyncSlotsClaimedBefore(db, new Date(now - 10 * intervalMs - 86_400_000));
      return claimed;
    },
  };
}
