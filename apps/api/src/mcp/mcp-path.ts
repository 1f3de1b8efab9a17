/** Where the MCP endpoint is mounted; apart from mcp-server.ts so app.ts can mount it without loading the SDK. */
export const MCP_PATH = "/mcp";
