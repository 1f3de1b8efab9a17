import { useSyncExternalStore } from "react";

/** The API key lives in sessionStorage only: it disappears with the tab and is never written to localStorage. */
const KEY = "kirim.apiKey";
const listeners = new Set<() => void>();

function storage(): Storage | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.sessionStorage;
  } catch {
    return undefined;
  }
}

export function getApiKey(): string | null {
  return storage()?.getItem(KEY) ?? null;
}

export function setApiKey(key: string | null): void {
  const s = storage();
  if (key === null) s?.removeItem(KEY);
  else s?.setItem(KEY, key);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useApiKey(): string | null {
  return useSyncExternalStore(subscribe, getApiKey, () => null);
}

/** Why the dashboard signed the user out (a key that expired or was revoked while in use), shown on the sign-in page. */
const REASON = "kirim.signedOutReason";

export function getSignedOutReason(): string | null {
  return storage()?.getItem(REASON) ?? null;
}

export function setSignedOutReason(reason: string | null): void {
  const s = storage();
  if (reason === null) s?.removeItem(REASON);
  else s?.setItem(REASON, reason);
}
