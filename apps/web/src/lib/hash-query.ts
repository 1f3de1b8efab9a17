import { useCallback, useSyncExternalStore } from "react";

/**
 * The query part of the hash (`#/accounts/…/templates?meta_status=PAUSED&c=…`) as the page's state: shareable, and it
 * survives a reload. Changes replace the history entry (a keystroke in a search box is not a Back step).
 */
function queryOfHash(hash: string): string {
  const at = hash.indexOf("?");
  return at === -1 ? "" : hash.slice(at + 1);
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

const snapshot = () => queryOfHash(window.location.hash);

export function setHashQuery(params: URLSearchParams): void {
  const hash = window.location.hash;
  const at = hash.indexOf("?");
  const path = at === -1 ? hash : hash.slice(0, at);
  const qs = params.toString();
  const next = `${path === "" ? "#/" : path}${qs === "" ? "" : `?${qs}`}`;
  if (next === hash) return;
  const oldUrl = window.location.href;
  window.history.replaceState(window.history.state, "", next);
  window.dispatchEvent(new HashChangeEvent("hashchange", { oldURL: oldUrl, newURL: window.location.href }));
}

/** Current hash query, and a setter that derives the next one from it. */
export function useHashQuery(): [URLSearchParams, (change: (params: URLSearchParams) => void) => void] {
  const qs = useSyncExternalStore(subscribe, snapshot, () => "");
  const update = useCallback((change: (params: URLSearchParams) => void) => {
    const params = new URLSearchParams(snapshot());
    change(params);
    setHashQuery(params);
  }, []);
  return [new URLSearchParams(qs), update];
}
