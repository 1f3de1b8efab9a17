import type { ReactNode } from "react";
import { explainError } from "../lib/errors.js";
import { setApiKey, setSignedOutReason } from "../lib/session.js";
import { queryClient } from "../lib/trpc.js";

export function Loading({ children = "Loading…" }: { children?: ReactNode }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <div className="progress" aria-hidden="true" />
      <p>{children}</p>
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** A failed call in plain words, with a retry when one makes sense and a way back to sign-in on auth errors. */
export function ErrorBox({
  error,
  onRetry,
  heading,
  onSignInPage = false,
}: {
  error: unknown;
  onRetry?: () => void;
  heading?: string;
  onSignInPage?: boolean;
}) {
  const explained = explainError(error);
  return (
    <div className="alert alert-error" role="alert">
      {heading !== undefined && (
        <p>
          <strong>{heading}</strong>
        </p>
      )}
      <p>{explained.title}</p>
      {explained.detail !== undefined && <p className="hint">{explained.detail}</p>}
      {explained.meta !== undefined && (explained.meta.title !== undefined || explained.meta.message !== undefined) && (
        <blockquote className="meta-says">
          <p>
            <strong>Meta says:</strong> {[explained.meta.title, explained.meta.message].filter(Boolean).join(" — ")}
          </p>
          {explained.meta.code !== undefined && (
            <p className="hint">
              Meta error {explained.meta.code}
              {explained.meta.subcode !== undefined && <>, subcode {explained.meta.subcode}</>}
            </p>
          )}
        </blockquote>
      )}
      {(explained.code !== undefined || explained.requestId !== undefined) && (
        <p className="hint">
          {explained.code !== undefined && (
            <>
              Code <code>{explained.code}</code>
            </>
          )}
          {explained.requestId !== undefined && (
            <>
              {" "}
              · request <code>{explained.requestId}</code>
            </>
          )}
        </p>
      )}
      <div className="actions">
        {onRetry !== undefined && !explained.auth && (
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        )}
        {explained.auth && !onSignInPage && (
          <button type="button" onClick={signOut}>
            Sign in again
          </button>
        )}
      </div>
    </div>
  );
}

export function signOut(): void {
  setSignedOutReason(null);
  setApiKey(null);
  queryClient.clear();
  window.location.hash = "#/";
}
