import type { AppRouter } from "@kirim/api";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { FormEvent } from "react";
import { useState } from "react";
import { ErrorBox } from "../components/states.js";
import { getSignedOutReason, setApiKey, setSignedOutReason } from "../lib/session.js";
import { hrefFor } from "../lib/router.js";
import { queryClient, trpc } from "../lib/trpc.js";

export const ACCOUNTS_INPUT = { status: "all" } as const;

/**
 * Asks for an API key and checks it (by listing the accounts) before keeping it in sessionStorage. The check
 * uses a one-off client with the candidate key, so a wrong key never lands in the session.
 */
export function SignIn() {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [checking, setChecking] = useState(false);
  const [reason] = useState(getSignedOutReason);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = key.trim();
    if (candidate === "") {
      setError(undefined);
      return;
    }
    setChecking(true);
    setError(undefined);
    try {
      const probe = createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: "/trpc", headers: { Authorization: `Bearer ${candidate}` } })],
      });
      const accounts = await probe.accounts.list.query(ACCOUNTS_INPUT);
      queryClient.setQueryData(trpc.accounts.list.queryKey(ACCOUNTS_INPUT), accounts);
      setSignedOutReason(null);
      // An organisation with one account lands on its templates (unless the address already names a page).
      const only = accounts.length === 1 ? accounts[0]?.phone_number_id : undefined;
      if (only != null && (window.location.hash === "" || window.location.hash === "#/")) {
        window.location.hash = hrefFor({ page: "list", phoneNumberId: only });
      }
      setApiKey(candidate);
    } catch (err) {
      setError(err);
    } finally {
      setChecking(false);
    }
  };

  const empty = key.trim() === "";
  return (
    <main id="main" className="signin">
      <div className="card">
        <h1>Sign in</h1>
        <p className="hint">
          Use an API key of your organisation. It is kept in this browser tab only and forgotten when the tab closes.
        </p>
        {reason !== null && error === undefined && (
          <p className="alert alert-error" role="alert" data-testid="signed-out-reason">
            You were signed out. {reason}
          </p>
        )}
        <form onSubmit={(event) => void submit(event)} noValidate>
          <div className="field" data-invalid={error !== undefined}>
            <label htmlFor="api-key">API key</label>
            <input
              id="api-key"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={key}
              onChange={(e) => setKey(e.target.value)}
              aria-describedby={error !== undefined ? "api-key-error" : undefined}
              aria-invalid={error !== undefined}
              required
            />
          </div>
          {error !== undefined && (
            <div id="api-key-error">
              <ErrorBox error={error} heading="Could not sign in" onSignInPage />
            </div>
          )}
          <button type="submit" className="primary" disabled={checking || empty} aria-busy={checking}>
            {checking ? "Checking…" : "Sign in"}
          </button>
        </form>
      </div>
    </main>
  );
}
