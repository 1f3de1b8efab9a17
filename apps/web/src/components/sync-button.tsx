import { useMutation, useQueryClient } from "@tanstack/react-query";
import { trpc } from "../lib/trpc.js";
import { ErrorBox } from "./states.js";

/**
 * Pulls the account's templates from Meta. The API answers once the whole sync is done (there is no sync-run
 * resource to poll for pages done yet), so progress is indeterminate and the counts come at the end.
 */
export function SyncButton({ phoneNumberId, label }: { phoneNumberId: string; label?: string }) {
  const queryClient = useQueryClient();
  const sync = useMutation(
    trpc.templates.sync.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.templates.pathFilter()),
    }),
  );
  const name = label === undefined ? "" : ` ${label}`;
  return (
    <div className="sync" data-testid={`sync-${phoneNumberId}`}>
      <button type="button" onClick={() => sync.mutate({ phone_number_id: phoneNumberId })} disabled={sync.isPending} aria-busy={sync.isPending}>
        {sync.isPending ? "Syncing…" : `Sync from Meta`}
        {name !== "" && <span className="visually-hidden">{name}</span>}
      </button>
      {sync.isPending && (
        <div className="sync-status" role="status">
          <div className="progress" role="progressbar" aria-label={`Syncing templates${name} from Meta`} />
          Reading every page of templates from Meta…
        </div>
      )}
      {sync.isSuccess && (
        <p className="sync-status" role="status" data-testid="sync-summary">
          Synced {sync.data.synced}: {sync.data.created} created, {sync.data.updated} updated, {sync.data.unchanged} unchanged.
        </p>
      )}
      {sync.isError && <ErrorBox error={sync.error} heading="Sync failed" onRetry={() => sync.mutate({ phone_number_id: phoneNumberId })} />}
    </div>
  );
}
