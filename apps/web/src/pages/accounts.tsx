import { useQuery } from "@tanstack/react-query";
import { SyncButton } from "../components/sync-button.js";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { hrefFor } from "../lib/router.js";
import { trpc } from "../lib/trpc.js";
import { ACCOUNTS_INPUT } from "./sign-in.js";

export function AccountsPage() {
  const accounts = useQuery(trpc.accounts.list.queryOptions(ACCOUNTS_INPUT));
  return (
    <>
      <div className="page-head">
        <h1>WhatsApp accounts</h1>
      </div>
      {accounts.isPending && <Loading>Loading accounts…</Loading>}
      {accounts.isError && <ErrorBox error={accounts.error} onRetry={() => void accounts.refetch()} />}
      {accounts.isSuccess && accounts.data.length === 0 && (
        <Empty>No WhatsApp account is connected to this organisation yet.</Empty>
      )}
      {accounts.isSuccess && accounts.data.length > 0 && (
        <ul className="account-list" aria-label="Accounts">
          {accounts.data.map((account, i) => {
            const pnid = account.phone_number_id;
            const title = account.name ?? account.phone_number ?? "Account being onboarded";
            return (
              <li key={pnid ?? `onboarding-${i}`} className="card">
                <h2>{title}</h2>
                <dl className="facts">
                  <dt>Phone number</dt>
                  <dd>{account.phone_number ?? "—"}</dd>
                  <dt>Customer</dt>
                  <dd>{account.customer?.name ?? "Your organisation"}</dd>
                  <dt>Status</dt>
                  <dd>{account.status}</dd>
                  <dt>Phone number ID</dt>
                  <dd>
                    <code>{pnid ?? "—"}</code>
                  </dd>
                </dl>
                {pnid !== null ? (
                  <div className="actions">
                    <a className="button primary" href={hrefFor({ page: "list", phoneNumberId: pnid })}>
                      Templates<span className="visually-hidden"> of {title}</span>
                    </a>
                    <SyncButton phoneNumberId={pnid} label={`of ${title}`} />
                  </div>
                ) : (
                  <p className="hint">Templates are available once onboarding has finished.</p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
