import type { AppRouter } from "@kirim/api";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { httpStatusOf } from "./errors.js";
import { getApiKey } from "./session.js";

/**
 * Module singletons, as the tRPC v11 docs recommend for a client-only SPA ("set up without React context").
 * The Authorization header is read from the session on every request, so signing in or out needs no rebuild.
 */
export const queryClient = new QueryClient({
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
