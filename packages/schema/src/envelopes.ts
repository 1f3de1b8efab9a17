import { z } from "zod";

const requestIdField = () =>
  z.string().describe("Id of this request (`req_…`), also returned as the X-Request-Id header.");

/** `{ data, request_id }`: the envelope of every single-object response. */
export function zDataEnvelope<Item extends z.ZodType>(item: Item) {
  return z.object({ data: item, request_id: requestIdField() });
}

/**
 * `{ data: Item[], has_more, next_cursor, request_id }`: the envelope of every list response.
 * `next_cursor` is null exactly when `has_more` is false; pass it back as `cursor` to get the next page.
 */
export function zListEnvelope<Item extends z.ZodType>(item: Item) {
  return z.object({
    data: z.array(item).describe("The page of results, in the endpoint's documented order."),
    has_more: z.boolean().describe("True when another page follows."),
    next_cursor: z
      .string()
      .nullable()
      .describe("Opaque cursor for the next page; null when has_more is false. Bound to the filters used."),
    request_id: requestIdField(),
  });
}
