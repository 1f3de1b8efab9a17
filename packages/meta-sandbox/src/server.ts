// node:http server: Graph routes (with Meta's headers, the request log and fault injection) and the
// `/_sandbox/*` control surface.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { FaultInjector, FaultKind } from "./faults.js";
import {
  GraphError,
  appRateLimited,
  newFbTraceId,
  templateRateLimited,
  temporarilyUnavailable,
  unknownServerError,
  wabaRateLimited,
} from "./graph-error.js";
import { DEFAULT_API_VERSION, handleGraphRequest } from "./graph-routes.js";
import type { GraphContext, GraphRequest, GraphResult } from "./graph-routes.js";

const VERSION_PREFIX = /^\/(v\d+\.\d+)(\/.*)?$/;
/** Bodies above this are refused (uploads included: the largest allowed sample is 100 MB). */
const MAX_BODY_BYTES = 110 * 1024 * 1024;

export interface ServerContext extends GraphContext {
  faults: FaultInjector;
  /** Handles `/_sandbox/*`; returns undefined when the route is unknown. */
  control: (
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ) => Promise<{ status: number; body: unknown } | undefined>;
  origin: () => string;
  /** Sockets the sandbox is holding open for "hang" faults; closed on shutdown. */
  hanging: Set<ServerResponse>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function graphHeaders(version: string, wabaId: string | undefined): Record<string, string> {
  // The same id is the error body's fbtrace_id, so a log line and a response can be matched as with Meta.
  const traceId = newFbTraceId();
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=UTF-8",
    "facebook-api-version": version,
    "x-fb-trace-id": traceId,
    "x-fb-request-id": `A${randomBytes(12).toString("base64url")}`,
    "x-fb-rev": "1023456789",
    "x-fb-debug": randomBytes(48).toString("base64"),
    "cache-control": "private, no-cache, no-store, must-revalidate",
    "access-control-allow-origin": "*",
  };
  if (wabaId) {
    headers["x-business-use-case-usage"] = JSON.stringify({
      [wabaId]: [
        {
          type: "whatsapp_business_management",
          call_count: 1,
          total_cputime: 1,
          total_time: 1,
          estimated_time_to_regain_access: 0,
        },
      ],
    });
  }
  return headers;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

function errorFor(kind: FaultKind, context: ServerContext): GraphError {
  switch (kind) {
    case "unknown_error":
      return unknownServerError();
    case "app_rate_limit":
      return appRateLimited(context.faults.appRateLimitStatus);
    case "waba_rate_limit":
      return wabaRateLimited();
    case "template_rate_limit":
      return templateRateLimited();
    default:
      return temporarilyUnavailable();
  }
}

function wabaIdFromPath(context: ServerContext, path: string): { wabaId?: string; templateId?: string } {
  const first = path.split("/").filter((segment) => segment !== "")[0];
  if (!first) return {};
  if (context.state.wabas.has(first)) return { wabaId: first };
  const template = context.state.templates.get(first);
  if (template) return { wabaId: template.wabaId, templateId: template.id };
  return {};
}

export function createRequestListener(
  context: ServerContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(context, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: {
              message: error instanceof Error ? error.message : "internal error",
              type: "SandboxError",
              code: 1,
              fbtrace_id: newFbTraceId(),
            },
          }),
        );
      } else {
        response.destroy();
      }
    });
  };
}

async function handle(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const method = (request.method ?? "GET").toUpperCase();
  const rawBody = await readBody(request);

  if (url.pathname === "/_sandbox" || url.pathname.startsWith("/_sandbox/")) {
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString("utf8")) as unknown;
      } catch {
        sendJson(response, 400, { error: { message: "control API bodies must be JSON" } });
        return;
      }
    }
    try {
      const result = await context.control(
        method,
        url.pathname.slice("/_sandbox".length) || "/",
        url.searchParams,
        body,
      );
      if (!result) sendJson(response, 404, { error: { message: `unknown control route ${method} ${url.pathname}` } });
      else sendJson(response, result.status, result.body);
    } catch (error) {
      sendJson(response, 400, { error: { message: error instanceof Error ? error.message : String(error) } });
    }
    return;
  }

  // Graph: any `/vX.Y/` prefix; unversioned paths are served as the default version (Graph does the same).
  const match = VERSION_PREFIX.exec(url.pathname);
  const version = match?.[1] ?? DEFAULT_API_VERSION;
  const path = match ? (match[2] ?? "/") : url.pathname;
  const graphRequest: GraphRequest = {
    method,
    path,
    version,
    query: url.searchParams,
    headers: request.headers,
    rawBody,
    origin: context.origin(),
  };
  const known = wabaIdFromPath(context, path);
  const log = (status: number, result?: GraphResult): void => {
    context.state.logRequest({
      at: new Date(context.state.now()).toISOString(),
      method,
      path: url.pathname,
      query: Object.fromEntries([...url.searchParams].filter(([key]) => key !== "access_token")),
      wabaId: result?.wabaId ?? known.wabaId,
      templateId: result?.templateId ?? known.templateId,
      status,
    });
  };

  const latency = context.faults.latencyMs();
  if (latency > 0) await sleep(latency);
  const faultRule = context.faults.pick(method, path);
  const fault = faultRule?.kind;

  if (fault === "hang") {
    log(0);
    context.hanging.add(response);
    response.on("close", () => context.hanging.delete(response));
    return;
  }
  if (fault === "respond") {
    const status = faultRule?.respondStatus ?? 400;
    log(status);
    sendJson(response, status, faultRule?.respondBody ?? {}, graphHeaders(version, known.wabaId));
    return;
  }
  if (
    fault &&
    fault !== "accept_then_fail" &&
    fault !== "accept_then_drop" &&
    fault !== "accept_then_hang" &&
    fault !== "malformed_json"
  ) {
    const error = errorFor(fault, context);
    log(error.status);
    sendError(response, error, graphHeaders(version, known.wabaId));
    return;
  }

  let result: GraphResult;
  try {
    result = handleGraphRequest(context, graphRequest);
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    log(error.status);
    sendError(response, error, graphHeaders(version, known.wabaId));
    return;
  }

  const failPage = context.faults.failListPageNumber();
  if (failPage !== undefined && result.listPage === failPage) {
    const error = temporarilyUnavailable();
    log(error.status, result);
    sendError(response, error, graphHeaders(version, result.wabaId));
    return;
  }
  if (fault === "accept_then_fail") {
    const error = temporarilyUnavailable();
    log(error.status, result);
    sendError(response, error, graphHeaders(version, result.wabaId));
    return;
  }
  if (fault === "accept_then_drop") {
    log(0, result);
    response.socket?.destroy();
    return;
  }
  if (fault === "accept_then_hang") {
    log(0, result);
    context.hanging.add(response);
    response.on("close", () => context.hanging.delete(response));
    return;
  }
  log(result.status, result);
  const headers = graphHeaders(version, result.wabaId);
  if (fault === "malformed_json") {
    const text = JSON.stringify(result.body);
    response.writeHead(result.status, headers);
    response.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
    return;
  }
  sendJson(response, result.status, result.body, headers);
}

function sendError(response: ServerResponse, error: GraphError, headers: Record<string, string>): void {
  sendJson(response, error.status, error.toBody(headers["x-fb-trace-id"]), headers);
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = { "content-type": "application/json; charset=UTF-8" },
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(text)) });
  response.end(text);
}
