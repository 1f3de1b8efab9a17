/**
 * The only place that shapes successful REST output: Kirimdev's `{ data, request_id }` and
 * `{ data, has_more, next_cursor, request_id }` envelopes. Payloads go through the wire schema on the way out,
 * so a field core adds by accident never leaks and a shape drift fails loudly (500, logged) instead of silently.
 */
import type { Response } from "express";
import type { z } from "zod";
import "../http/locals.js";

export class SerializationError extends Error {
  override readonly name = "SerializationError";
}

export function serialize<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new SerializationError(`response does not match its wire schema: ${result.error.message}`, {
      cause: result.error,
    });
  }
  return result.data;
}

export function sendData<T>(res: Response, status: number, data: T): void {
  res.status(status).json({ data, request_id: res.locals.requestId });
}

export function sendList<T>(res: Response, page: { data: T[]; has_more: boolean; next_cursor: string | null }): void {
  res.status(200).json({
    data: page.data,
    has_more: page.has_more,
    next_cursor: page.has_more ? page.next_cursor : null,
    request_id: res.locals.requestId,
  });
}
