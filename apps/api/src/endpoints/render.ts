/**
 * `POST /v1/{phone_number_id}/templates/{name}/render` and tRPC `templates.render` (issue 18): render-and-check a
 * send (core `templates.render`). Part of the table (./table.ts).
 */
import {
  ZPhoneNumberId,
  ZPhoneNumberIdParams,
  ZRenderTemplateRequest,
  ZRenderedTemplate,
  zDataEnvelope,
} from "@kirim/schema";
import type { TErrorCode } from "@kirim/schema";
import { z } from "zod";
import { EXAMPLE_REQUEST_ID } from "../openapi/examples.js";
import { endpoint } from "./define.js";
import { ZTemplatePath } from "./paths.js";

const RENDER_ERRORS: readonly TErrorCode[] = [
  "invalid_phone_number_id",
  "missing_required_field",
  "invalid_field_value",
  "template_parameter_invalid",
  "invalid_json",
  "unsupported_content_type",
  "invalid_request",
  "request_too_large",
  "missing_api_key",
  "invalid_api_key",
  "expired_api_key",
  "rate_limit_exceeded",
  "idempotency_in_progress",
  "idempotency_key_reuse",
  "resource_not_found",
  "internal_error",
];

export const RENDER_ENDPOINT = endpoint({
  method: "post",
  path: "/v1/{phone_number_id}/templates/{name}/render",
  rateLimit: "write",
  // Changes nothing, so the tRPC mutation takes no Idempotency-Key (REST's /v1 middleware honours one on every POST).
  idempotent: false,
  input: { path: ZTemplatePath, body: { schema: ZRenderTemplateRequest, read: "object" } },
  result: { kind: "data", schema: ZRenderedTemplate },
  handler: ({ core, principal }, { path, body }) =>
    core.templates.render(principal, path.phone_number_id, path.name, body),
  // tRPC input `{ phone_number_id, name, template }` where `template` is Meta's send `template` object.
  trpc: {
    name: "templates.render",
    kind: "mutation",
    input: z.object({
      phone_number_id: ZPhoneNumberId,
      name: z.string().min(1).max(512),
      template: ZRenderTemplateRequest,
    }),
    args: ({ phone_number_id, name, template }) => ({ path: { phone_number_id, name }, body: template }),
  },
  docs: {
    operationId: "renderTemplate",
    summary: "Render and check a send",
    description:
      "Takes the `template` object of Meta's send request (`language` as a code or `{code}`, `components[].parameters[]`) and answers the message as the recipient will see it, with the parameters in place — or 400 `template_parameter_invalid` whose `param` names the wrong parameter and whose `meta` is the error Meta's send would answer (131008, 131009, 132000, 132005, 132012). A template not found in that language is 404 (Meta: 132001). `sendable` is false when Meta would refuse any send because of the template's status. Nothing is sent and nothing is stored.",
    tag: "Templates",
    auth: true,
    params: {
      path: ZPhoneNumberIdParams.extend({
        name: z.string().min(1).describe("Template name.").meta({ example: "order_confirmation" }),
      }),
    },
    body: {
      schema: ZRenderTemplateRequest,
      description: "Meta's send `template` object.",
      examples: {
        positional: {
          summary: "Body and URL-button parameters",
          value: {
            language: { code: "en" },
            components: [
              { type: "header", parameters: [{ type: "text", text: "A123" }] },
              {
                type: "body",
                parameters: [
                  { type: "text", text: "Budi" },
                  { type: "text", text: "A123" },
                ],
              },
              { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "A123" }] },
            ],
          },
        },
      },
    },
    success: {
      status: 200,
      description: "The message as the recipient will see it.",
      schema: zDataEnvelope(ZRenderedTemplate),
      examples: {
        rendered: {
          summary: "Rendered",
          value: {
            data: {
              object: "rendered_template",
              name: "order_confirmation",
              language: "en",
              status: "approved",
              sendable: true,
              not_sendable_reason: null,
              header: { format: "TEXT", text: "Order A123" },
              body: "Hi Budi, your order A123 is confirmed and ships today.",
              footer: "Thank you for shopping with us",
              buttons: [{ type: "URL", text: "Track order", url: "https://example.com/track/A123" }],
            },
            request_id: EXAMPLE_REQUEST_ID,
          },
        },
      },
    },
    errors: RENDER_ERRORS,
    errorExamples: {
      template_parameter_invalid: {
        message:
          "body: number of localizable_params (1) does not match the expected number of params (2). Meta would refuse the send with 132000 (Number of parameters does not match the expected number of params).",
        param: "components[1].parameters",
      },
    },
  },
});
