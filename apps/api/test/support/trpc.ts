import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../../src/index.js";

/** The TRPCClientError a call fails with; throws if it succeeds or fails otherwise. */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error("expected the call to fail with a TRPCClientError");
}
