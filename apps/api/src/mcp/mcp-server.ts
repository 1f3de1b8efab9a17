/**
 * `POST /mcp`: a remote MCP server (Streamable HTTP, stateless — one server and transport per request, no session,
 * like Kirimdev's) with the official MCP TypeScript SDK. The API key comes as `Authorization: Bearer`, each
 * JSON-RPC request takes a token from the organisation's REST buckets (read, or write for a tool that changes
 * something), and refusals before the MCP layer use the REST error envelope. Inside a tool call, a domain error is
 * a tool result with `isError: true` whose text names the code, the parameter and what to do — the agent can act on it.
 */
import { DomainError, rateLimitError } from "@kirim/core";
import type { BucketClass, Core, Principal } from "@kirim/core";
import {
  TEMPLATE_RULES,
  ZCreateTemplateRequest,
  ZPhoneNumberId,
  ZRenderTemplateRequest,
  ZTemplateLanguage,
  formatIssuePath,
  validateTemplateForMeta,
} from "@kirim/schema";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { Router } from "express";
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { principalOf, requireApiKey } from "../http/auth.js";
import { jsonBody } from "../http/body.js";
import { rateLimitHeaders } from "../http/rate-limit.js";
import { metaDetailOf } from "../errors/meta-detail.js";
import { MCP_PATH } from "../endpoints/paths.js";
import { allowedMethods } from "../endpoints/rest.js";

export { MCP_PATH };

/** Tools that change something take a `write` token, like a REST POST; everything else a `read` token. */
const WRITE_TOOLS = new Set(["create_template", "sync_templates"]);

const phoneNumberId = ZPhoneNumberId.describe(
  "The account's phone_number_id, as list_accounts returns it (6–20 digits).",
);
const templateName = z
  .string()
  .min(1)
  .max(512)
  .describe("The template name (lower-case letters, digits, underscores).");
const limit = z.number().int().min(1).max(100).optional().describe("Page size 1–100 (default 25).");
const cursor = z.string().min(1).optional().describe("next_cursor of the previous page, to read the next one.");

function json(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: { result: value } };
}

/** A domain error as a tool result the agent can act on. */
function toolError(error: unknown, requestId: string): CallToolResult {
  if (error instanceof DomainError) {
    const meta = metaDetailOf(error);
    const lines = [
      `Error ${error.code} (${error.type}, HTTP ${error.status}): ${error.message}`,
      ...(error.param === undefined ? [] : [`Parameter: ${error.param}`]),
      ...(meta === undefined
        ? []
        : [
            `Meta error: ${meta.code}${meta.error_subcode === undefined ? "" : `/${meta.error_subcode}`} ${meta.error_user_title ?? ""}`.trimEnd(),
          ]),
      ...(error.headers?.["Retry-After"] === undefined ? [] : [`Retry after ${error.headers["Retry-After"]} seconds.`]),
      `Request id: ${requestId}`,
    ];
    return { isError: true, content: [{ type: "text", text: lines.join("\n") }] };
  }
  return {
    isError: true,
    content: [{ type: "text", text: `Error internal_error: an internal error occurred. Request id: ${requestId}` }],
  };
}

function buildServer(core: Core, principal: Principal, requestId: string, logger: Logger): McpServer {
  const server = new McpServer(
    { name: "kirim-templates", version: "0.1.0" },
    { capabilities: { tools: {}, resources: {} } },
  );
  const run = async (operation: () => Promise<CallToolResult>): Promise<CallToolResult> => {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof DomainError)) logger.error({ request_id: requestId, err: error }, "mcp tool failed");
      return toolError(error, requestId);
    }
  };

  server.registerTool(
    "list_accounts",
    {
      title: "List WhatsApp accounts",
      description:
        "Call this first. Lists the WhatsApp accounts (phone numbers) of your organisation with their phone_number_id, which every other tool needs. Only connected accounts unless status is 'all'.",
      inputSchema: { status: z.enum(["connected", "all"]).optional().describe("connected (default) or all.") },
      annotations: { readOnlyHint: true },
    },
    ({ status }) => run(async () => json(await core.accounts.list(principal, { status: status ?? "connected" }))),
  );

  server.registerTool(
    "list_templates",
    {
      title: "List templates",
      description:
        "Lists the message templates of one account, newest first, one page at a time (data, has_more, next_cursor). Filter by status (approved = sendable now), language, category or a name search.",
      inputSchema: {
        phone_number_id: phoneNumberId,
        status: z
          .enum(["approved", "pending", "rejected", "all"])
          .optional()
          .describe("Kirim status, lower-case (default all)."),
        language: ZTemplateLanguage.optional(),
        category: z.enum(["MARKETING", "UTILITY", "AUTHENTICATION"]).optional(),
        search: z.string().min(1).max(512).optional().describe("Only names containing this text."),
        limit,
        cursor,
      },
      annotations: { readOnlyHint: true },
    },
    ({ phone_number_id, ...query }) =>
      run(async () =>
        json(
          await core.templates.list(principal, phone_number_id, {
            ...query,
            status: query.status ?? "all",
            limit: query.limit ?? 25,
          }),
        ),
      ),
  );

  server.registerTool(
    "get_template",
    {
      title: "Get a template",
      description:
        "Reads one template by name (every language, or only `language`): status, Meta status, components, rejection reason, quality.",
      inputSchema: { phone_number_id: phoneNumberId, name: templateName, language: ZTemplateLanguage.optional() },
      annotations: { readOnlyHint: true },
    },
    ({ phone_number_id, name, language }) =>
      run(async () =>
        json(
          await core.templates.getByName(principal, phone_number_id, name, language === undefined ? {} : { language }),
        ),
      ),
  );

  server.registerTool(
    "create_template",
    {
      title: "Create a template",
      description:
        "Submits a new message template to Meta for review (it starts as pending). The template is checked against Meta's rules first; when it breaks any, nothing is submitted and the answer lists every problem with its parameter path and how to fix it — correct them and call again. Body: name, category (MARKETING, UTILITY, AUTHENTICATION), language, components (exactly one BODY; HEADER, FOOTER, BUTTONS optional; variables {{1}}, {{2}} … need example values).",
      inputSchema: { phone_number_id: phoneNumberId, template: ZCreateTemplateRequest },
    },
    ({ phone_number_id, template }) =>
      run(async () => {
        const parsed = ZCreateTemplateRequest.safeParse(template);
        const problems = parsed.success
          ? validateTemplateForMeta(parsed.data).map((v) => ({ param: v.param, code: v.code, message: v.message }))
          : parsed.error.issues.map((issue) => ({
              param: formatIssuePath(issue.path),
              code: "invalid_field_value",
              message: issue.message,
            }));
        if (problems.length > 0 || !parsed.success) {
          const text = [
            `Not submitted: Meta would refuse this template. Fix ${problems.length === 1 ? "this problem" : `these ${problems.length} problems`} and call create_template again:`,
            ...problems.map((p, index) => `${index + 1}. ${p.param || "(template)"} — ${p.message} [${p.code}]`),
          ].join("\n");
          return { isError: true, content: [{ type: "text", text }], structuredContent: { created: false, problems } };
        }
        const created = await core.templates.create(principal, phone_number_id, parsed.data, { requestId });
        return json(created);
      }),
  );

  server.registerTool(
    "sync_templates",
    {
      title: "Sync templates from Meta",
      description:
        "Reads every template of the account from Meta and updates the local copies (statuses, categories, removals). Answers the counts: synced, created, updated, unchanged, removed.",
      inputSchema: { phone_number_id: phoneNumberId },
      annotations: { idempotentHint: true },
    },
    ({ phone_number_id }) =>
      run(async () => json(await core.templates.sync(principal, phone_number_id, { trigger: "api" }))),
  );

  server.registerTool(
    "render_template",
    {
      title: "Render and check a send",
      description:
        "Before sending a template message: fills the template with the parameters of Meta's send request and answers the message as the recipient will see it, or which parameter is wrong and the Meta error the send would get. Takes the `template` object of Meta's send request: language (code) and components[] of type header/body/button with parameters[] (text, currency, date_time, image/video/document with an https link, button url suffix or payload).",
      inputSchema: { phone_number_id: phoneNumberId, name: templateName, template: ZRenderTemplateRequest },
      annotations: { readOnlyHint: true },
    },
    ({ phone_number_id, name, template }) =>
      run(async () => json(await core.templates.render(principal, phone_number_id, name, template))),
  );

  server.registerTool(
    "template_history",
    {
      title: "Template history",
      description:
        "Every recorded change of a template (status, category, quality, components), newest first, with where it came from (create, sync, webhook, edit, delete). Paged.",
      inputSchema: {
        phone_number_id: phoneNumberId,
        name: templateName,
        language: ZTemplateLanguage.optional(),
        limit,
        cursor,
      },
      annotations: { readOnlyHint: true },
    },
    ({ phone_number_id, name, ...query }) =>
      run(async () =>
        json(await core.templates.events(principal, phone_number_id, name, { ...query, limit: query.limit ?? 25 })),
      ),
  );

  server.registerResource(
    "template-rules",
    "kirim://rules/templates",
    {
      title: "Meta's template rules",
      description:
        "Every rule a template is checked against before it is sent to Meta: code, Meta error_subcode, and when it applies.",
      mimeType: "application/json",
    },
    (uri) =>
      Promise.resolve({
        contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(TEMPLATE_RULES, null, 2) }],
      }),
  );

  return server;
}

interface JsonRpcMessage {
  method?: unknown;
  params?: { name?: unknown };
}

/** The bucket a JSON-RPC body takes from: `write` when any message calls a tool that changes something. */
function bucketOf(body: unknown): BucketClass {
  const messages = (Array.isArray(body) ? body : [body]) as JsonRpcMessage[];
  return messages.some(
    (m) => m?.method === "tools/call" && typeof m.params?.name === "string" && WRITE_TOOLS.has(m.params.name),
  )
    ? "write"
    : "read";
}

function mcpRateLimit(core: Core): RequestHandler {
  return async (req, res, next) => {
    const { organisationId } = principalOf(res.locals);
    const bucket = bucketOf(req.body);
    const decision = await core.rateLimits.consume(organisationId, bucket);
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
    if (!decision.allowed) throw rateLimitError(bucket, decision);
    next();
  };
}

/** The methods the endpoint table declares for MCP (POST). */
const MCP_ALLOW = allowedMethods(MCP_PATH).join(", ");

export function createMcpRouter(deps: { core: Core; logger: Logger }): Router {
  const router = Router();
  const methodNotAllowed: RequestHandler = () => {
    // Stateless: no server-initiated stream (GET) and no session to end (DELETE) — every other method is this 405.
    throw new DomainError("method_not_allowed", "POST is the only method of this stateless MCP endpoint.", {
      headers: { Allow: MCP_ALLOW },
    });
  };
  router.post(
    "/",
    requireApiKey(deps.core),
    jsonBody(),
    mcpRateLimit(deps.core),
    async (req: Request, res: Response) => {
      const server = buildServer(deps.core, principalOf(res.locals), res.locals.requestId, deps.logger);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    },
  );
  router.all("/", methodNotAllowed);
  return router;
}
