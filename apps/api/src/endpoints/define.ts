/**
 * What one endpoint declares (see ./table.ts for the table itself). A REST route, a tRPC procedure, an OpenAPI
 * operation and the 405 lists are all derived from these entries (./rest.ts, ./trpc.ts, ../openapi/routes.ts), so
 * adding an endpoint is one `endpoint({...})` in the table — the ts-rest idea (one contract, every surface from it)
 * kept to what this API needs: zod in, zod out, one handler calling core. Written here rather than adopted: ts-rest's
 * express adapter and trpc-to-openapi (documenso uses both) answer with their own status codes, validation errors
 * and merged inputs, and generate their own document; this API's envelopes, error params, parse order, 201/202s,
 * 405 lists and OpenAPI document must stay exactly as they are.
 */
import type { Core, Principal } from "@kirim/core";
import type { TRPCMutationProcedure, TRPCQueryProcedure } from "@trpc/server";
import type { RequestHandler } from "express";
import { z } from "zod";
import type { RouteSpec } from "../openapi/route-spec.js";
import { idempotentMutation } from "../trpc/idempotency.js";
import { authedProcedure } from "../trpc/trpc.js";
import type { AuthedContext } from "../trpc/trpc.js";

/** Who calls and how: the same for REST and tRPC, so both reach core with the same arguments. */
export interface Call {
  core: Core;
  principal: Principal;
  requestId: string;
  /** This call retries an identical one (same Idempotency-Key) whose process died mid-way. */
  resumesAbandonedAttempt: boolean;
  via: "rest" | "trpc";
}

/**
 * The request body: `object` needs a JSON object; `if-present` parses one only when the request carries a body (the
 * handler then gets undefined for a body-less request, whatever the type says: use it only to refuse bad input).
 */
export interface BodyInput<B extends z.ZodType> {
  schema: B;
  read: "object" | "if-present";
}

/** What the handler returns and how REST wraps it: one object (`{ data }`), a page, or a whole list. */
export type Result =
  { kind: "data"; schema: z.ZodType } | { kind: "page"; item: z.ZodType } | { kind: "all"; item: z.ZodType };

/** The page every paged list answers (the REST list envelope without `request_id`; tRPC's output). */
export function pageOf<I extends z.ZodType>(item: I) {
  return z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });
}

/** tRPC's output schema of a result. */
export type OutputSchema<R extends Result> = R extends { kind: "data"; schema: infer S extends z.ZodType }
  ? S
  : R extends { kind: "page"; item: infer I extends z.ZodType }
    ? ReturnType<typeof pageOf<I>>
    : R extends { kind: "all"; item: infer I extends z.ZodType }
      ? z.ZodArray<I>
      : never;

export function outputSchemaOf<R extends Result>(result: R): OutputSchema<R> {
  if (result.kind === "data") return result.schema as OutputSchema<R>;
  if (result.kind === "page") return pageOf(result.item) as OutputSchema<R>;
  return z.array(result.item) as OutputSchema<R>;
}

type Part<K extends string, S> = [S] extends [z.ZodType] ? { [key in K]: z.output<S> } : { [key in K]?: undefined };

/** The parsed request, as the handler receives it (REST: path / query / body; tRPC: mapped from its input). */
export type Args<P, Q, B> = Part<"path", P> & Part<"query", Q> & Part<"body", B>;

export type RateLimitClass = "read" | "write";
export type ProcedureKind = "query" | "mutation";
/** `namespace.procedure`, e.g. `templates.create`. */
export type ProcedureName = `${string}.${string}`;

/**
 * Where the /v1 router mounts the route: `public` before the API key check (health), `raw` after auth and the rate
 * limit but before the JSON parser (uploads), `json` after body parsing and Idempotency-Key (everything else);
 * `outside` routes are mounted by their own router (its file named in `mountedBy`).
 */
export type RestStage = "public" | "raw" | "json" | "outside";

interface EndpointBase {
  /** HTTP method (lower case, as OpenAPI spells it). */
  method: RouteSpec["method"];
  /** Full path in OpenAPI form: `/v1/{phone_number_id}/templates/{name}`. */
  path: string;
  /**
   * The organisation bucket a call takes a token from (REST: GET is read, the rest write; tRPC: query / mutation).
   * `none`: public or signed by Meta; `by-call`: MCP picks per JSON-RPC request (write for a writing tool).
   */
  rateLimit: RateLimitClass | "none" | "by-call";
  /** A retry with the same Idempotency-Key has no second effect (REST: every JSON POST of /v1; tRPC: the mutation is wrapped). */
  idempotent: boolean;
}

/** An endpoint whose REST route, tRPC procedure and OpenAPI operation come from here. */
export interface ApiEndpoint<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends Result = Result,
  TI extends z.ZodType | undefined = z.ZodType | undefined,
  K extends ProcedureKind = ProcedureKind,
  N extends ProcedureName = ProcedureName,
> extends EndpointBase {
  /** What REST parses, in this order: path params, query, body (the handler gets the parsed values). */
  input: { path?: P; query?: Q; body?: BodyInput<NonNullable<B>> };
  result: R;
  /** The one call into core, shared by REST and tRPC. */
  handler: (call: Call, args: Args<P, Q, B>) => Promise<unknown>;
  /** Extra REST response headers (the success status is `docs.success.status`). */
  rest?: { headers?: (output: unknown) => Record<string, string> };
  /** The tRPC procedure: its dotted name (`templates.create`), kind, input, and how the input maps to the handler's args. */
  trpc?: { name: N; kind: K; input?: TI; args: (input: TrpcInput<TI>) => Args<P, Q, B> };
  /** The OpenAPI operation (documented wire forms of the parameters, examples, every error code). */
  docs: Omit<RouteSpec, "method" | "path">;
}

/** A route with its own Express handler (health probes, the upload, this document) but declared here like the rest. */
export interface RawEndpoint extends EndpointBase {
  stage: RestStage;
  /** The handler, for routes the /v1 router mounts; `outside` routes name the file that mounts them. */
  raw?: (deps: V1Deps) => RequestHandler;
  mountedBy?: string;
  /** Omitted for routes that are not part of the public REST document (Meta's webhook intake, MCP, /docs, the dashboard). */
  docs?: Omit<RouteSpec, "method" | "path">;
}

type TrpcInput<TI> = [TI] extends [z.ZodType] ? z.output<TI> : undefined;

/** Any entry of the table, its types erased (what REST and the OpenAPI document read). */
export type AnyEndpoint =
  | (Omit<ApiEndpoint, "handler" | "trpc"> & {
      kind: "api";
      handler: (call: Call, args: never) => Promise<unknown>;
      trpc?: { name: string; kind: ProcedureKind };
    })
  | (RawEndpoint & { kind: "raw" });

type Resolve = (ctx: AuthedContext, input: unknown) => Promise<unknown>;

function buildQuery<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, resolve: Resolve) {
  return authedProcedure
    .input(input)
    .output(output)
    .query(({ ctx, input: parsed }) => resolve(ctx, parsed) as Promise<never>);
}

function buildMutation<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, resolve: Resolve) {
  return authedProcedure
    .input(input)
    .output(output)
    .mutation(({ ctx, input: parsed }) => resolve(ctx, parsed) as Promise<never>);
}

function buildInputlessQuery<O extends z.ZodType>(output: O, resolve: Resolve) {
  return authedProcedure.output(output).query(({ ctx }) => resolve(ctx, undefined) as Promise<never>);
}

type ProcedureInput<TI> = [TI] extends [z.ZodType] ? z.input<TI> : void;

/** The tRPC procedure of an entry, typed from its input and result so `AppRouter` stays exact for apps/web. */
export type ProcedureOf<TI extends z.ZodType | undefined, R extends Result, K extends ProcedureKind> = K extends "query"
  ? TRPCQueryProcedure<{ input: ProcedureInput<TI>; output: z.output<OutputSchema<R>>; meta: object }>
  : TRPCMutationProcedure<{ input: ProcedureInput<TI>; output: z.output<OutputSchema<R>>; meta: object }>;

/** Declares an endpoint (the table's one entry per endpoint); builds its tRPC procedure when it has one. */
export function endpoint<
  R extends Result,
  K extends ProcedureKind,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  TI extends z.ZodType | undefined = undefined,
  N extends ProcedureName = ProcedureName,
>(
  spec: ApiEndpoint<P, Q, B, R, TI, K, N>,
): ApiEndpoint<P, Q, B, R, TI, K, N> & { kind: "api"; procedure: ProcedureOf<TI, R, K> } {
  const trpc = spec.trpc;
  let procedure: unknown = undefined;
  if (trpc !== undefined) {
    const run = (ctx: AuthedContext, input: unknown, resumesAbandonedAttempt: boolean) =>
      spec.handler(
        { core: ctx.core, principal: ctx.principal, requestId: ctx.requestId, resumesAbandonedAttempt, via: "trpc" },
        trpc.args(input as TrpcInput<TI>),
      );
    const resolve: Resolve = (ctx, input) =>
      spec.idempotent && trpc.kind === "mutation"
        ? idempotentMutation(ctx, trpc.name, input, (attempt) => run(ctx, input, attempt.resumesAbandonedAttempt))
        : run(ctx, input, false);
    const output = outputSchemaOf(spec.result) as z.ZodType;
    if (trpc.input === undefined) procedure = buildInputlessQuery(output, resolve);
    else
      procedure =
        trpc.kind === "query" ? buildQuery(trpc.input, output, resolve) : buildMutation(trpc.input, output, resolve);
  }
  return { ...spec, kind: "api", procedure: procedure as ProcedureOf<TI, R, K> };
}

/** Declares a route with its own handler (or mounted by another router) so the 405 lists and the document still see it. */
export function rawEndpoint(spec: RawEndpoint): RawEndpoint & { kind: "raw" } {
  return { ...spec, kind: "raw" };
}

/** `/v1/{phone_number_id}/templates` → `/:phone_number_id/templates` (Express form, relative to a mount point). */
export function expressPath(path: string, mount = ""): string {
  return path.slice(mount.length).replace(/\{([a-z_]+)\}/g, ":$1") || "/";
}

const METHOD_ORDER: readonly RouteSpec["method"][] = ["get", "post", "put", "patch", "delete"];

/**
 * The methods a path answers: every entry whose path matches it segment by segment, a `{param}` of an entry matching
 * any literal segment (so `POST …/templates/sync` also answers GET, PATCH and DELETE: `sync` is a template name too).
 */
export function allowedMethodsOf(endpoints: readonly AnyEndpoint[], path: string): string[] {
  const segments = path.split("/");
  const matches = (candidate: string) => {
    const other = candidate.split("/");
    return (
      other.length === segments.length &&
      other.every((segment, index) => segment === segments[index] || segment.startsWith("{"))
    );
  };
  const methods = new Set(endpoints.filter((entry) => matches(entry.path)).map((entry) => entry.method));
  return METHOD_ORDER.filter((method) => methods.has(method)).map((method) => method.toUpperCase());
}

/** What the /v1 router needs (rest/v1.ts builds it; raw handlers receive it). */
export interface V1Deps {
  core: Core;
  /** Readiness probe (e.g. `select 1`); `GET /v1/health/ready` answers 500 `internal_error` when it throws
   * (the catalogue has no 503 code). */
  checkReady?: () => Promise<void>;
}
