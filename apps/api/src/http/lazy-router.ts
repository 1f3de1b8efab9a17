import type { RequestHandler } from "express";

/**
 * A handler whose module is imported on its first request, not at start-up: an API process that never serves it
 * does not keep its code in memory (the MCP SDK is about 8 MiB of heap; see docs/benchmarks.md, "Memory").
 * Concurrent first requests share one import; a failed import fails those requests and is retried on the next.
 */
export function lazyHandler(load: () => Promise<RequestHandler>): RequestHandler {
  let loading: Promise<RequestHandler> | undefined;
  return (req, res, next) => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    loading.then((handler) => handler(req, res, next), next);
  };
}
