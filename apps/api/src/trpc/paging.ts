import { z } from "zod";

/**
 * tRPC's infinite queries (`infiniteQueryOptions`, `useInfiniteQuery`) send `direction` beside `cursor`. Inputs are
 * strict (an unknown key is `unknown_parameter`), so every paged procedure accepts it. Cursors page forward only, so
 * "backward" is refused with a message that says what to do instead.
 */
export const infiniteQueryInput = {
  direction: z
    .literal("forward", { error: "direction: only forward paging is supported (pass a page's next_cursor as cursor)." })
    .optional()
    .describe("Set by tRPC's infinite queries; forward only."),
};

/** The query without tRPC's `direction`, for core. */
export function withoutDirection<T extends { direction?: "forward" | undefined }>(input: T): Omit<T, "direction"> {
  const query: Partial<T> = { ...input };
  delete query.direction;
  return query as Omit<T, "direction">;
}
