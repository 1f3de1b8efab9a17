import type { Dispatch, SetStateAction } from "react";
import { useCallback, useState } from "react";

/** Like useState, but the value outlives the component for the rest of the tab's life (list filters, page). */
const store = new Map<string, unknown>();

export function usePersistentState<T>(key: string, initial: () => T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => (store.has(key) ? (store.get(key) as T) : initial()));
  const set = useCallback<Dispatch<SetStateAction<T>>>(
    (action) =>
      setValue((prev) => {
        const next = typeof action === "function" ? (action as (p: T) => T)(prev) : action;
        store.set(key, next);
        return next;
      }),
    [key],
  );
  return [value, set];
}
