import type { ColumnType } from "kysely";

/** One claimed scheduled-sync slot: the insert that wins decides which instance enqueues that sync. */
export interface ScheduledSyncSlotTable {
  /** `sync:<account id>:<slot number>`. */
  key: string;
  claimed_at: ColumnType<Date, Date | undefined, never>;
}
