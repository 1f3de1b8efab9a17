/**
 * The express side of the table: each entry's route on the /v1 router, and after each block of routes the 405
 * answers of its paths (with `Allow` = every method the table declares for that path).
 */
import type { Core } from "@kirim/core";
import type { Request, RequestHandler, Router } from "express";
import type { z } from "zod";
import { principalOf } from "../http/auth.js";
import { objectBody, hasBody } from "../http/body.js";
import { parseOrThrow } from "../errors/validation.js";
import { methodNotAllowed } from "../rest/method-not-allowed.js";
import { dataWriter, listWriter } from "../rest/serialize.js";
import type { V1Deps } from "./define.js";
import { allowedMethodsOf, expressPath } from "./define.js";
import type { AnyEndpoint, BodyInput, RestStage } from "./define.js";
import { ENDPOINTS } from "./table.js";

export const V1_MOUNT = "/v1";

/** The methods the table declares for a path (OpenAPI form, e.g. `/webhooks/meta`), for a 405's `Allow`. */
export function allowedMethods(path: string): string[] {
  return allowedMethodsOf(ENDPOINTS, path);
}

function stageOf(entry: AnyEndpoint): RestStage {
  return entry.kind === "api" ? "json" : entry.stage;
}

/** The collections under `/v1/{phone_number_id}/…` (templates, uploads, template_counts, …). */
export const PHONE_SCOPED_COLLECTIONS: ReadonlySet<string> = new Set(
  ENDPOINTS.filter((entry) => entry.path.startsWith(`${V1_MOUNT}/{phone_number_id}/`)).map(
    (entry) => entry.path.split("/")[3] ?? "",
  ),
);

/**
 * The /v1 routes of one stage, in registration order: the table's order, except that the webhook subscription block
 * comes first, so `/webhook_subscriptions/{id}` and its 405s are matched before `/{phone_number_id}/templates` could
 * read `webhook_subscriptions` as a phone number id. Each block (an OpenAPI tag) is followed by its 405 answers.
 */
function blocksOf(stage: RestStage): AnyEndpoint[][] {
  const entries = ENDPOINTS.filter((entry) => stageOf(entry) === stage && entry.path.startsWith(`${V1_MOUNT}/`));
  const tagOf = (entry: AnyEndpoint) => entry.docs?.tag ?? "";
  const ordered = [
    ...entries.filter((entry) => tagOf(entry) === "Webhooks"),
    ...entries.filter((entry) => tagOf(entry) !== "Webhooks"),
  ];
  const blocks: AnyEndpoint[][] = [];
  for (const entry of ordered) {
    const last = blocks.at(-1);
    if (last !== undefined && tagOf(last[0] as AnyEndpoint) === tagOf(entry)) last.push(entry);
    else blocks.push([entry]);
  }
  return blocks;
}

function readBody(input: BodyInput<z.ZodType> | undefined, req: Request): unknown {
  if (input === undefined) return undefined;
  if (input.read === "object") return parseOrThrow(input.schema, objectBody(req), "body");
  return hasBody(req) ? parseOrThrow(input.schema, req.body, "body") : undefined;
}

/** Parse path, query and body (in that order), call the entry's handler, answer in Kirimdev's envelope. */
function apiHandler(entry: Extract<AnyEndpoint, { kind: "api" }>, core: Core): RequestHandler {
  const { result } = entry;
  const status = entry.docs.success.status;
  // Compiled once per route (see rest/serialize.ts), not per request.
  const writeData = result.kind === "data" ? dataWriter(result.schema) : undefined;
  const writeList = result.kind === "data" ? undefined : listWriter(result.item);
  return async (req, res) => {
    const args = {
      path: entry.input.path === undefined ? undefined : parseOrThrow(entry.input.path, req.params, "path"),
      query: entry.input.query === undefined ? undefined : parseOrThrow(entry.input.query, req.query, "query"),
      body: readBody(entry.input.body, req),
    };
    const call = {
      core,
      principal: principalOf(res.locals),
      requestId: res.locals.requestId,
      resumesAbandonedAttempt: res.locals.resumesAbandonedAttempt === true,
      via: "rest" as const,
    };
    const output = await entry.handler(call, args as never);
    for (const [name, value] of Object.entries(entry.rest?.headers?.(output) ?? {})) res.setHeader(name, value);
    if (writeData !== undefined) {
      writeData(res, status, output);
    } else if (result.kind === "page") {
      writeList?.(res, output as { data: unknown[]; has_more: boolean; next_cursor: string | null });
    } else {
      writeList?.(res, { data: output, has_more: false, next_cursor: null });
    }
  };
}

/** Registers a stage's routes on the /v1 router, each block followed by the 405 answers of its paths. */
export function registerStage(router: Router, stage: Exclude<RestStage, "outside">, deps: V1Deps): void {
  for (const block of blocksOf(stage)) {
    for (const entry of block) {
      const handler = entry.kind === "api" ? apiHandler(entry, deps.core) : entry.raw?.(deps);
      if (handler === undefined)
        throw new Error(`${entry.method.toUpperCase()} ${entry.path}: no handler in the endpoint table`);
      router[entry.method](expressPath(entry.path, V1_MOUNT), handler);
    }
    for (const path of new Set(block.map((entry) => entry.path))) {
      router.all(expressPath(path, V1_MOUNT), methodNotAllowed(allowedMethods(path)));
    }
  }
}
