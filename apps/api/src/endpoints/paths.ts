/** The path parameters REST parses and the account scope of tRPC inputs, shared by the table's entries. */
import { ZPhoneNumberId } from "@kirim/schema";
import { z } from "zod";

/** `{phone_number_id}`: 6–20 digits (400 `invalid_phone_number_id` otherwise). */
export const ZAccountPath = z.object({ phone_number_id: ZPhoneNumberId });
/** `{phone_number_id}/…/{name}`: the name as it comes; an unknown one is 404 from core, whatever its spelling. */
export const ZTemplatePath = ZAccountPath.extend({ name: z.string() });
/** tRPC's account scope (strict: an unknown key is `unknown_parameter`). */
export const ZAccountScope = z.strictObject({ phone_number_id: ZPhoneNumberId });
/** A template name in a tRPC input. */
export const ZTemplateNameInput = z.string().min(1).max(512);

/** Where app.ts mounts Meta's webhook intake (webhooks/meta-webhooks.ts). */
export const META_WEBHOOK_PATH = "/webhooks/meta";
/** Where app.ts mounts MCP (mcp/mcp-server.ts). */
export const MCP_PATH = "/mcp";
