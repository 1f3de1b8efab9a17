import type { AppRouter } from "@kirim/api";
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { errorCodeOf, httpStatusOf } from "./errors.js";
import { getApiKey, setApiKey, setSignedOutReason } from "./session.js";

/** What the sign-in page says when the key in use stops working. */
const SIGNED_OUT_WORDS: Record<string, string> = {
  expired_api_key: "Your API key has expired. Sign in with a new key (create one with `kirim keys create`).",
  invalid_api_key: "Your API key is no longer accepted: it was revoked or deleted. Sign in with a valid key.",
  missing_api_key: "Your session has no API key any more. Sign in again.",
};

/** A key that expired or was revoked while signed in: back to sign-in with the reason, not an error in the page. */
function signOutOnDeadKey(error: unknown): void {
  const code = errorCodeOf(error);
  if (code === undefined || !(code in SIGNED_OUT_WORDS) || getApiKey() === null) return;
  setSignedOutReason(SIGNED_OUT_WORDS[code] ?? null);
  setApiKey(null);
  // After the cache has finished reporting this error.
  setTimeout(() => queryClient.clear(), 0);
}

/**
 * Module singletons, as the tRPC v11 docs recommend for a client-only SPA ("set up without React context").
 * The Authorization header is read from the session on every request, so signing in or out needs no rebuild.
 */
export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: signOutOnDeadKey }),
  mutationCache: new MutationCache({ onError: signOutOnDeadKey }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again; network blips and 5xx get two more tries.
      retry: (failureCount, error) => {
        const status = httpStatusOf(error);
        return (status === undefined || status >= 500) && failureCount < 2;
      },
    },
  },
});

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: "/trpc",
      // The server refuses batches of more than 10 calls.
      maxItems: 10,
      headers() {
        const key = getApiKey();
        return key === null ? {} : { Authorization: `Bearer ${key}` };
      },
    }),
  ],
});

export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
