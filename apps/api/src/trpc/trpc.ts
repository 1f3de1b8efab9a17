/**
 * tRPC setup, in the numbered sections of create-t3-turbo's `trpc.ts`:
 * 1. context (./context.ts), 2. init + error formatter, 3. router and procedures.
 *
 * Errors: procedures throw the one domain error type (DomainError from @kirim/core). `errorFormatter` is
 * the one place it becomes a tRPC error: the tRPC code follows the catalogue's HTTP status, and
 * `shape.data` carries the same `{ type, code, param, request_id }` as the REST envelope.
 */
import { DomainError, rateLimitError } from "@kirim/core";
import type { BucketClass, Principal } from "@kirim/core";
import { ERROR_CODES } from "@kirim/schema";
import type { TErrorCode, TErrorDetails, TMetaErrorDetail } from "@kirim/schema";
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODE_NUMBER } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { BODY_TOO_LARGE_MESSAGE } from "../http/body.js";
import { rateLimitHeaders } from "../http/rate-limit.js";
import { metaDetailOf, publicDetailsOf } from "../errors/meta-detail.js";
import { validationError } from "../errors/validation.js";
import { trpcRequestIds } from "./context.js";
import type { Context } from "./context.js";

/** HTTP status → tRPC code (the inverse of tRPC's own table; 502/503/504 have their own keys). */
const TRPC_CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  402: "PAYMENT_REQUIRED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_SUPPORTED",
  408: "TIMEOUT",
  409: "CONFLICT",
  412: "PRECONDITION_FAILED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  499: "CLIENT_CLOSED_REQUEST",
  500: "INTERNAL_SERVER_ERROR",
  501: "NOT_IMPLEMENTED",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

export function trpcCodeForStatus(status: number): TRPC_ERROR_CODE_KEY {
  return TRPC_CODE_BY_STATUS[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST");
}

/** Errors tRPC raises itself (no DomainError behind them) → catalogue code. Everything else is internal. */
const TRPC_OWN_ERROR_CODES: Partial<Record<TRPC_ERROR_CODE_KEY, TErrorCode>> = {
  NOT_FOUND: "route_not_found",
  PARSE_ERROR: "invalid_json",
  BAD_REQUEST: "invalid_request",
  METHOD_NOT_SUPPORTED: "method_not_allowed",
  PAYLOAD_TOO_LARGE: "request_too_large",
  UNSUPPORTED_MEDIA_TYPE: "unsupported_content_type",
};

/** The Kirimdev error fields every tRPC error carries in `shape.data` (as in the REST envelope). */
export interface KirimErrorData {
  /** Kirimdev error code (`template_already_exists`, …); the tRPC code is in `trpcCode`. */
  code: string;
  type: string;
  param: string | null;
  request_id: string | null;
  trpcCode: TRPC_ERROR_CODE_KEY;
  httpStatus: number;
  path: string | null;
  /** Meta's own error when it explains the failure (as `error.meta` in REST). */
  meta: TMetaErrorDetail | null;
  /** The documented structured detail of a few codes (as `error.details` in REST). */
  details: TErrorDetails | null;
}

/** What a TRPCError means in Kirimdev terms. Exported for unit tests. */
export function describeTrpcError(error: TRPCError): {
  domain: DomainError | null;
  message: string;
  status: number;
  code: string;
  type: string;
  param: string | null;
} {
  const cause = error.cause;
  let domain: DomainError | null = null;
  if (cause instanceof DomainError) {
    domain = cause;
  } else if (error.code === "BAD_REQUEST" && cause instanceof ZodError) {
    // Input validation (tRPC wraps the ZodError); output validation failures are INTERNAL_SERVER_ERROR.
    domain = validationError(cause, "input");
  }
  if (domain !== null) {
    const entry = ERROR_CODES[domain.code];
    return {
      domain,
      message: domain.message,
      status: entry.status,
      code: domain.code,
      type: entry.type,
      param: domain.param ?? null,
    };
  }
  // tRPC's own errors (unknown procedure, malformed batch/JSON, wrong method) and anything unexpected.
  const code: TErrorCode =
    error.code === "BAD_REQUEST" && error.cause instanceof SyntaxError
      ? "invalid_json" // tRPC reports an unparsable body/`input` as BAD_REQUEST caused by JSON.parse
      : (TRPC_OWN_ERROR_CODES[error.code] ?? "internal_error");
  const entry = ERROR_CODES[code];
  return {
    domain: null,
    message: ownErrorMessage(code, error),
    status: entry.status,
    code,
    type: entry.type,
    param: null,
  };
}

/**
 * The message of an error tRPC raised itself. Its own sentences ("No procedure found on path …") are kept; a message
 * taken from a foreign cause (JSON.parse, a V8 limit such as "Cannot create a string longer than …", a stream error)
 * or an unexpected error is never echoed: it may carry internals, SQL, paths or upstream details.
 */
function ownErrorMessage(code: TErrorCode, error: TRPCError): string {
  if (code === "internal_error") return "An internal error occurred.";
  if (code === "request_too_large") return BODY_TOO_LARGE_MESSAGE;
  if (code === "invalid_json") return "The request body (or the `input` query parameter) is not valid JSON.";
  if (error.cause !== undefined && !(error.cause instanceof TRPCError)) return "The request could not be read.";
  return error.message;
}

/** The tRPC error shape (`{ message, code, data }`) of any error, for the formatter and for /trpc's Express guards. */
export function kirimErrorShape(
  error: TRPCError,
  requestId: string | null,
  path: string | null,
): { message: string; code: TRPC_ERROR_CODE_NUMBER; data: KirimErrorData } {
  const d = describeTrpcError(error);
  const trpcCode = trpcCodeForStatus(d.status);
  const data: KirimErrorData = {
    code: d.code,
    type: d.type,
    param: d.param,
    request_id: requestId,
    trpcCode,
    httpStatus: d.status,
    path,
    meta: d.domain === null ? null : (metaDetailOf(d.domain) ?? null),
    details: d.domain === null ? null : (publicDetailsOf(d.domain) ?? null),
  };
  return { message: d.message, code: TRPC_ERROR_CODES_BY_KEY[trpcCode], data };
}

/* 2. INITIALISATION ------------------------------------------------------------------------------ */

const t = initTRPC.context<Context>().create({
  // Never put stacks into responses, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ error, ctx, path }) {
    return kirimErrorShape(error, ctx?.requestId ?? trpcRequestIds.getStore() ?? null, path ?? null);
  },
});

/* 3. ROUTER & PROCEDURES -------------------------------------------------------------------------- */

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * Logs unexpected failures once, with the request id (the formatter only shapes the response), and sets the
 * headers a domain error asks for (Retry-After on a 429), as the REST error handler does.
 */
const reportErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError && cause.headers !== undefined) ctx.setResponseHeaders(cause.headers);
    const d = describeTrpcError(result.error);
    if (d.status >= 500) {
      const level = d.code === "internal_error" ? "error" : "warn";
      ctx.logger[level](
        { request_id: ctx.requestId, path, code: d.code, err: result.error.cause ?? result.error },
        "trpc error",
      );
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(reportErrors);

/**
 * Same Bearer auth as REST — ONCE per HTTP request: every call of a batch awaits the context's one authentication,
 * so a batch with a bad key is one key lookup and one failure — then the same per-organisation bucket (a query
 * takes from `read`, a mutation from `write`), with the same X-RateLimit-* headers and 429, so tRPC is not a way
 * around the limits. Every call of a batch (at most MAX_BATCH_CALLS) takes its own token.
 * `ctx.principal` is non-null after it.
 */
export const authedProcedure = publicProcedure.use(async ({ ctx, next, type }) => {
  const principal = await ctx.authenticate();
  const bucket: BucketClass = type === "mutation" ? "write" : "read";
  const decision = await ctx.core.rateLimits.consume(principal.organisationId, bucket);
  ctx.setResponseHeaders(rateLimitHeaders(decision));
  if (!decision.allowed) throw rateLimitError(bucket, decision);
  return next({ ctx: { ...ctx, principal } });
});

export type AuthedContext = Context & { principal: Principal };

export { TRPCError };
