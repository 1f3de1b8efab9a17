/**
 * The only place that shapes successful REST output: Kirimdev's `{ data, request_id }` and
 * `{ data, has_more, next_cursor, request_id }` envelopes. Payloads go through the wire schema on the way out,
 * so a field core adds by accident never leaks and a missing field fails loudly (500, logged) instead of silently.
 * The table's endpoints write through a serialiser compiled from that schema (compiled-serializer.ts: the same
 * bytes as zod's parse + JSON.stringify, without walking every field through zod per request); a schema it cannot
 * compile keeps zod.
 */
import type { Response } from "express";
import { z } from "zod";
import { compileSerializer } from "./compiled-serializer.js";
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

/** Writes a JSON body exactly as `res.status(status).json(value)` would, from its already-serialised text. */
function sendJsonText(res: Response, status: number, body: string): void {
  res.status(status);
  if (res.get("Content-Type") === undefined) res.set("Content-Type", "application/json");
  res.send(body);
}

/**
 * Writes a JSON body given as consecutive texts, with the status and headers `res.json` would give it, without joining
 * them: a page of stored template texts (38 KB at 25) goes to the socket as it is, in one writev, instead of being
 * copied into one string and then into a Buffer first (`res.send` converts a body of 1,000 characters or more).
 */
function sendJsonParts(res: Response, status: number, parts: readonly string[]): void {
  res.status(status);
  if (res.get("Content-Type") === undefined) res.set("Content-Type", "application/json");
  let length = 0;
  for (const part of parts) length += Buffer.byteLength(part);
  res.set("Content-Length", String(length));
  // A HEAD (express answers it through the GET route) sends no body: node's response drops what is written to it.
  res.cork();
  for (const part of parts) res.write(part);
  res.end();
  res.uncork();
}

/** `,"request_id":"…"}`, or `}` where JSON.stringify would leave an undefined request id out. */
function requestIdTail(res: Response): string {
  const id = res.locals.requestId;
  return id === undefined ? "}" : `,"request_id":${JSON.stringify(id)}}`;
}

/**
 * The compiled serialiser of `schema` (or undefined: zod's way), compiled on the route's first answer rather than at
 * start-up: a process (or a test) that never answers a route does not pay for compiling it.
 */
function lazilyCompiled(schema: z.ZodType): () => ((value: unknown) => string) | undefined {
  let compiled: ((value: unknown) => string) | undefined | null = null;
  return () => {
    if (compiled !== null) return compiled;
    const stringify = compileSerializer(schema);
    compiled =
      stringify === undefined
        ? undefined
        : (value) => {
            try {
              return stringify(value);
            } catch (error) {
              // fast-json-stringify throws on a missing required field: the shape drifted, as zod's parse said.
              throw new SerializationError(
                `response does not match its wire schema: ${error instanceof Error ? error.message : String(error)}`,
                { cause: error },
              );
            }
          };
    return compiled;
  };
}

/** `sendData(res, status, serialize(schema, value))`, through the serialiser compiled for `schema`. */
export function dataWriter(schema: z.ZodType): (res: Response, status: number, value: unknown) => void {
  const serializer = lazilyCompiled(schema);
  return (res, status, value) => {
    const stringify = serializer();
    if (stringify === undefined) sendData(res, status, serialize(schema, value));
    else sendJsonText(res, status, `{"data":${stringify(value)}${requestIdTail(res)}`);
  };
}

/** What a wire-text page carries: its items are already JSON texts, written by `jsonTextWriter(item)`. */
const JSON_TEXTS = Symbol("items are JSON texts");

export interface JsonTextPage {
  data: string[];
  has_more: boolean;
  next_cursor: string | null;
  [JSON_TEXTS]: true;
}

/** Marks a page whose items `listWriter` writes as they are (core's `templates.listWireText`). */
export function pageOfJsonTexts(page: Omit<JsonTextPage, typeof JSON_TEXTS>): JsonTextPage {
  return { ...page, [JSON_TEXTS]: true };
}

function isJsonTextPage(page: object): page is JsonTextPage {
  return JSON_TEXTS in page;
}

/**
 * One item's JSON text with the bytes `listWriter(item)` gives it inside a list: the same compiled serialiser (an
 * array's items are its item schema's output, joined by commas), or zod's way where it cannot compile.
 */
export function jsonTextWriter<T>(item: z.ZodType): { write(value: T): string } {
  const serializer = lazilyCompiled(item);
  return {
    write: (value) => {
      const stringify = serializer();
      return stringify === undefined ? JSON.stringify(serialize(item, value)) : stringify(value);
    },
  };
}

/** After a list's `data`: the rest of the envelope `sendList` (JSON.stringify) would write. */
function listTail(res: Response, page: { has_more: boolean; next_cursor: string | null }): string {
  const cursor = page.has_more ? page.next_cursor : null;
  return `,"has_more":${page.has_more ? "true" : "false"},"next_cursor":${JSON.stringify(cursor)}${requestIdTail(res)}`;
}

/**
 * `sendList(res, { ...page, data: serialize(z.array(item), page.data) })`, through the serialiser compiled for it;
 * a page of JSON texts (`pageOfJsonTexts`, written by `jsonTextWriter(item)`) is joined as it is.
 */
export function listWriter(
  item: z.ZodType,
): (res: Response, page: { data: unknown; has_more: boolean; next_cursor: string | null }) => void {
  const list = z.array(item);
  const serializer = lazilyCompiled(list);
  return (res, page) => {
    if (isJsonTextPage(page)) {
      const parts = ['{"data":['];
      page.data.forEach((text, i) => (i === 0 ? parts.push(text) : parts.push(",", text)));
      parts.push("]", listTail(res, page));
      sendJsonParts(res, 200, parts);
      return;
    }
    const stringify = serializer();
    if (stringify === undefined) sendList(res, { ...page, data: serialize(list, page.data) });
    else sendJsonText(res, 200, `{"data":${stringify(page.data)}${listTail(res, page)}`);
  };
}
