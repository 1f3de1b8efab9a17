import { z } from "zod";

/**
 * The FLOW button's fields (issue 16), as Meta's "Sending a Flow" guide documents them
 * (https://developers.facebook.com/docs/whatsapp/flows/guides/sendingaflow#create-a-message-template-with-a-flow):
 * exactly one of `flow_id` / `flow_name` / `flow_json` (a pre-flight rule, DECISIONS.md D60), `flow_action`
 * `navigate` (the default) or `data_exchange`, and `navigate_screen`. Spread into the strict button object.
 */
export const FLOW_ACTIONS = ["navigate", "data_exchange"] as const;

export const ZFlowAction = z
  .enum([...FLOW_ACTIONS, "NAVIGATE", "DATA_EXCHANGE"], {
    error: "flow_action must be navigate or data_exchange (upper- or lower-case).",
  })
  // Meta's docs and OpenAPI examples write it in lower case: kept so (sent to Meta as written there).
  .transform((value) => value.toLowerCase() as (typeof FLOW_ACTIONS)[number])
  .describe(
    "FLOW button: `navigate` (default) opens navigate_screen; `data_exchange` asks the Flow's endpoint for the first screen.",
  );

export const flowButtonFields = {
  flow_id: z
    .string({ error: "flow_id must be a string." })
    .min(1, { error: "flow_id must not be empty." })
    .optional()
    .describe("FLOW button: id of a published Flow. Give exactly one of flow_id, flow_name, flow_json."),
  flow_name: z
    .string({ error: "flow_name must be a string." })
    .min(1, { error: "flow_name must not be empty." })
    .optional()
    .describe("FLOW button: name of a Flow (Meta stores its id)."),
  flow_json: z
    .string({ error: "flow_json must be a string (the Flow JSON, encoded)." })
    .min(1, { error: "flow_json must not be empty." })
    .optional()
    .describe("FLOW button: the Flow JSON encoded as one string."),
  flow_action: ZFlowAction.optional(),
  navigate_screen: z
    .string({ error: "navigate_screen must be a string." })
    .min(1, { error: "navigate_screen must not be empty." })
    .optional()
    .describe("FLOW button: id of the first screen (Meta's default: the Flow's first entry screen)."),
} as const;
