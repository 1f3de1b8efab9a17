/**
 * `POST /mcp` with the MCP SDK's own client over Streamable HTTP against the real app and the sandbox: the tools an
 * agent uses, pre-flight problems as actionable text, errors as tool results, and the platform rules of /v1
 * (Bearer key, rate-limit buckets, the error envelope before the MCP layer).
 */
import { databaseKinds } from "@kirim/core/testing";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call, checkInvariants, expectError } from "./support/http.js";
import { createCalls, DEMO_PHONE_NUMBER_ID, orderConfirmation, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const PID = DEMO_PHONE_NUMBER_ID;
const clients: Client[] = [];

async function connect(baseUrl: string, apiKey: string): Promise<Client> {
  const client = new Client({ name: "kirim-test-agent", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
    }),
  );
  clients.push(client);
  return client;
}

const textOf = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;
const jsonOf = (result: unknown) =>
  JSON.parse(textOf(result)) as Record<string, unknown> & { data: Array<Record<string, unknown>> };

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

describe.each(databaseKinds())("MCP server on %s", (kind) => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack(kind);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("lists the tools with their schemas; list_accounts says to call it first", async () => {
    const client = await connect(s.baseUrl, s.demoKey);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "create_template",
        "get_template",
        "list_accounts",
        "list_templates",
        "render_template",
        "sync_templates",
        "template_history",
      ].sort(),
    );
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get("list_accounts")?.description).toMatch(/call this first/i);
    expect(byName.get("create_template")?.inputSchema.required).toEqual(["phone_number_id", "template"]);
    expect(JSON.stringify(byName.get("render_template")?.inputSchema)).toContain("parameters");
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("kirim://rules/templates");
  });

  it("an agent's session: accounts → sync → list → create → get → render → history", async () => {
    const client = await connect(s.baseUrl, s.demoKey);
    const accounts = JSON.parse(textOf(await client.callTool({ name: "list_accounts", arguments: {} }))) as Array<{
      phone_number_id: string;
    }>;
    expect(accounts.map((a) => a.phone_number_id)).toEqual([PID]);

    const sync = JSON.parse(
      textOf(await client.callTool({ name: "sync_templates", arguments: { phone_number_id: PID } })),
    );
    expect(sync.synced).toBeGreaterThanOrEqual(150);

    const page = jsonOf(
      await client.callTool({
        name: "list_templates",
        arguments: { phone_number_id: PID, status: "approved", limit: 5 },
      }),
    );
    expect(page.data).toHaveLength(5);
    expect(page.data.every((t) => t.status === "approved")).toBe(true);
    expect(typeof page.next_cursor).toBe("string");

    const created = await client.callTool({
      name: "create_template",
      arguments: { phone_number_id: PID, template: orderConfirmation("en") },
    });
    expect(created.isError ?? false).toBe(false);
    expect(JSON.parse(textOf(created))).toMatchObject({ name: "order_confirmation", status: "pending" });

    const got = JSON.parse(
      textOf(
        await client.callTool({
          name: "get_template",
          arguments: { phone_number_id: PID, name: "order_confirmation", language: "en" },
        }),
      ),
    );
    expect(JSON.stringify(got)).toContain("order_confirmation");

    const rendered = JSON.parse(
      textOf(
        await client.callTool({
          name: "render_template",
          arguments: {
            phone_number_id: PID,
            name: "order_confirmation",
            template: {
              language: "en",
              components: [
                { type: "header", parameters: [{ type: "text", text: "A9" }] },
                {
                  type: "body",
                  parameters: [
                    { type: "text", text: "Ana" },
                    { type: "text", text: "A9" },
                  ],
                },
                { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "A9" }] },
              ],
            },
          },
        }),
      ),
    );
    expect(rendered.body).toBe("Hi Ana, your order A9 is confirmed and ships today.");

    const history = jsonOf(
      await client.callTool({
        name: "template_history",
        arguments: { phone_number_id: PID, name: "order_confirmation" },
      }),
    );
    expect(history.data.length).toBeGreaterThan(0);
  });

  it("create_template answers every pre-flight problem as actionable text and submits nothing", async () => {
    const client = await connect(s.baseUrl, s.demoKey);
    const before = createCalls(s.sandbox);
    const template = {
      name: "bad_template",
      category: "MARKETING",
      language: "en",
      components: [
        { type: "BODY", text: "{{1}} is here", example: { body_text: [["x"]] } },
        { type: "FOOTER", text: "x".repeat(61) },
      ],
    };
    const result = (await client.callTool({
      name: "create_template",
      arguments: { phone_number_id: PID, template },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^Not submitted: Meta would refuse this template\. Fix these \d+ problems/);
    expect(text).toContain("components[0].text");
    expect(text).toContain("components[1].text");
    expect((result.structuredContent as { problems: unknown[] }).problems.length).toBeGreaterThanOrEqual(2);
    expect(createCalls(s.sandbox)).toBe(before);
  });

  it("a domain error is a tool result naming code, parameter and Meta's error (not a protocol failure)", async () => {
    const client = await connect(s.baseUrl, s.demoKey);
    const missing = (await client.callTool({
      name: "get_template",
      arguments: { phone_number_id: PID, name: "no_such_template" },
    })) as CallToolResult;
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^Error resource_not_found \(not_found, HTTP 404\)/);
    expect(textOf(missing)).toMatch(/Request id: req_/);

    const badRender = (await client.callTool({
      name: "render_template",
      arguments: { phone_number_id: PID, name: "order_confirmation", template: { language: "en", components: [] } },
    })) as CallToolResult;
    expect(textOf(badRender)).toContain("Error template_parameter_invalid");
    expect(textOf(badRender)).toContain("Meta error: 132000");
  });

  it("Bearer key required: no key or a wrong key is 401 in the error envelope; GET is 405", async () => {
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
    };
    const headers = { accept: "application/json, text/event-stream" };
    expectError(await call(s.baseUrl, "POST", "/mcp", { body: initialize, headers }), 401, "missing_api_key");
    expectError(
      await call(s.baseUrl, "POST", "/mcp", { body: initialize, headers, token: "kirim_live_wrong" }),
      401,
      "invalid_api_key",
    );
    expectError(await call(s.baseUrl, "GET", "/mcp", { token: s.demoKey, headers }), 405, "method_not_allowed");
    const ok = await fetch(`${s.baseUrl}/mcp`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", authorization: `Bearer ${s.demoKey}` },
      body: JSON.stringify(initialize),
    });
    checkInvariants({ headers: ok.headers, text: "" }, null);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-ratelimit-limit")).not.toBeNull();
  });
});

describe("MCP takes from the organisation's buckets", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack("pglite", {
      core: { rateLimits: { readPerMinute: 1_000_000, writePerMinute: 1, metaCreatesPerHour: 1_000_000 } },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("a write tool takes a write token: with the bucket empty, 429 rate_limit_exceeded with Retry-After; read tools still work", async () => {
    const client = await connect(s.baseUrl, s.demoKey);
    // The one write token of the minute goes to a REST POST.
    expect((await call(s.baseUrl, "POST", `/v1/${PID}/templates/sync`, { token: s.demoKey, body: {} })).status).toBe(
      200,
    );
    const refused = await client
      .callTool({ name: "sync_templates", arguments: { phone_number_id: PID } })
      .catch((error: unknown) => error);
    expect(String(refused)).toMatch(/429|rate_limit_exceeded/);
    const raw = await fetch(`${s.baseUrl}/mcp`, {
      method: "POST",
      headers: {
        accept: "application/json, text/event-stream",
        "content-type": "application/json",
        authorization: `Bearer ${s.demoKey}`,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "sync_templates", arguments: { phone_number_id: PID } },
      }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).not.toBeNull();
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
    const accounts = await client.callTool({ name: "list_accounts", arguments: {} });
    expect(accounts.isError ?? false).toBe(false);
  });
});
