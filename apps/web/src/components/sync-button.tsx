import type { TTemplateSyncRun } from "@kirim/schema";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "../lib/format.js";
import { trpc } from "../lib/trpc.js";
import { ErrorBox } from "./states.js";

/** How often the account's runs are re-read while a sync is under way (the run row is updated after every page). */
export const SYNC_PROGRESS_POLL_MS = 500;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** created / updated / unchanged / removed of a run or a result, in words. */
export function syncCounts(counts: { created: number; updated: number; unchanged: number; removed: number }): string {
  return `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.removed} removed`;
}

/**
 * Pulls the account's templates from Meta. The mutation answers once the whole sync is done; meanwhile the account's
 * sync runs are polled, and the running run (this one, or one already under way that this sync joins) shows its
 * progress: pages read and what they did so far. Below the button: how the last sync went.
 */
export function SyncButton({ phoneNumberId, label }: { phoneNumberId: string; label?: string }) {
  const queryClient = useQueryClient();
  const sync = useMutation(
    trpc.templates.sync.mutationOptions({
      // Templates and the runs both changed; also after a failure (the pages that arrived are kept).
      onSettled: () => queryClient.invalidateQueries(trpc.templates.pathFilter()),
    }),
  );
  const runs = useQuery({
    ...trpc.templates.syncRuns.queryOptions({ phone_number_id: phoneNumberId, limit: 1 }),
    // Also while a run started elsewhere (the scheduler, another tab) is still going.
    refetchInterval: (query) =>
      sync.isPending || query.state.data?.data[0]?.status === "running" ? SYNC_PROGRESS_POLL_MS : false,
  });
  const latest = runs.data?.data[0];
  const running = latest?.status === "running" ? latest : undefined;
  const name = label === undefined ? "" : ` ${label}`;
  const start = () => sync.mutate({ phone_number_id: phoneNumberId });

  return (
    <div className="sync" data-testid={`sync-${phoneNumberId}`}>
      <button type="button" onClick={start} disabled={sync.isPending} aria-busy={sync.isPending}>
        {sync.isPending ? "Syncing…" : `Sync from Meta`}
        {name !== "" && <span className="visually-hidden">{name}</span>}
      </button>
      {(sync.isPending || running !== undefined) && (
        <div className="sync-status" role="status" data-testid="sync-progress">
          <div className="progress" role="progressbar" aria-label={`Syncing templates${name} from Meta`} />
          {running === undefined ? "Starting the sync…" : <SyncProgress run={running} />}
        </div>
      )}
      {sync.isSuccess && (
        <p className="sync-status" role="status" data-testid="sync-summary">
          Synced {sync.data.synced}: {syncCounts(sync.data)}.
        </p>
      )}
      {sync.isError && <ErrorBox error={sync.error} heading="Sync failed" onRetry={start} />}
      {/* Until this sync has an outcome of its own to show. */}
      {sync.isIdle && running === undefined && <LastSync run={latest} loading={runs.isPending} failed={runs.isError} />}
    </div>
  );
}

function SyncProgress({ run }: { run: TTemplateSyncRun }) {
  if (run.pages === 0) return <>Reading the first page of templates from Meta…</>;
  return (
    <>
      Reading templates from Meta: {plural(run.pages, "page")} read, {plural(run.synced, "template")} so far (
      {run.created} created, {run.updated} updated, {run.unchanged} unchanged).
    </>
  );
}

function LastSync({ run, loading, failed }: { run: TTemplateSyncRun | undefined; loading: boolean; failed: boolean }) {
  if (loading) return null;
  if (failed) return <p className="hint">The last sync could not be loaded.</p>;
  if (run === undefined)
    return (
      <p className="hint" data-testid="last-sync">
        Never synced from Meta.
      </p>
    );
  const when = run.finished_at ?? run.started_at;
  return (
    <p className="hint" data-testid="last-sync">
      Last sync{" "}
      <time dateTime={when} title={when}>
        {formatDateTime(when)}
      </time>
      {run.status === "succeeded" ? (
        <>
          : {plural(run.synced, "template")} ({syncCounts(run)}).
        </>
      ) : (
        <>
          {" "}
          failed after {plural(run.pages, "page")}: {run.error?.message ?? "no reason recorded"}
        </>
      )}
    </p>
  );
}
