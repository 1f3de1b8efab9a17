import type { ColumnType, Insertable, Selectable } from "kysely";

export type SyncRunStatus = "running" | "succeeded" | "failed";

/** One sync of one account's templates (every trigger: api, trpc, schedule). */
export interface TemplateSyncRunTable {
  /** `tsr_` + ULID. */
  id: string;
  account_id: string;
  trigger: string;
  status: SyncRunStatus;
  started_at: Date;
  /** Bumped after every page; a running run whose heartbeat is old belongs to a dead process and is taken over. */
  heartbeat_at: Date;
  finished_at: Date | null;
  pages: ColumnType<number, number | undefined, number>;
  synced: ColumnType<number, number | undefined, number>;
  created: ColumnType<number, number | undefined, number>;
  updated: ColumnType<number, number | undefined, number>;
  unchanged: ColumnType<number, number | undefined, number>;
  removed: ColumnType<number, number | undefined, number>;
  error_code: string | null;
  error_message: string | null;
}
export type SyncRunRow = Selectable<TemplateSyncRunTable>;
export type NewSyncRunRow = Insertable<TemplateSyncRunTable>;

export interface ScheduledSyncSlotTable {
  /** `sync:<account id>:<slot number>`. */
  key: string;
  claimed_at: ColumnType<Date, Date | undefined, never>;
}
