/**
 * `GET /v1/{phone_number_id}/template_library` and tRPC `templates.library` (issue 16): Meta's Template Library with
 * Meta's filters, through the gateway with the account's token. Beside the templates, not under them, so
 * `template_library` stays free as a template name. Part of the table (./table.ts).
 */
import {
  ZPhoneNumberId,
  ZPhoneNumberIdParams,
  ZTemplateLibraryList,
  ZTemplateLibraryQuery,
  zDataEnvelope,
} from "@kirim/schema";
import type { TErrorCode } from "@kirim/schema";
import { z } from "zod";
import { EXAMPLE_REQUEST_ID } from "../openapi/examples.js";
import { endpoint } from "./define.js";
import { ZAccountPath } from "./paths.js";

const LIBRARY_ERRORS: readonly TErrorCode[] = [
  "invalid_phone_number_id",
  "invalid_field_value",
  "unknown_parameter",
  "missing_api_key",
  "invalid_api_key",
  "expired_api_key",
  "rate_limit_exceeded",
  "resource_not_found",
  "whatsapp_upstream_error",
  "internal_error",
];

export const LIBRARY_ENDPOINT = endpoint({
  method: "get",
  path: "/v1/{phone_number_id}/template_library",
  rateLimit: "read",
  idempotent: false,
  input: { path: ZAccountPath, query: ZTemplateLibraryQuery },
  result: { kind: "data", schema: ZTemplateLibraryList },
  handler: ({ core, principal }, { path, query }) => core.templates.library(principal, path.phone_number_id, query),
  trpc: {
    name: "templates.library",
    kind: "query",
    input: z.object({ phone_number_id: ZPhoneNumberId, query: ZTemplateLibraryQuery.optional() }),
    args: ({ phone_number_id, query }) => ({ path: { phone_number_id }, query: query ?? {} }),
  },
  docs: {
    operationId: "listTemplateLibrary",
    summary: "Browse Meta's Template Library",
    description:
      "Meta's pre-written UTILITY and AUTHENTICATION templates (`GET /message_template_library`), filtered with Meta's own parameters: `search` (a substring of the name, header, body or footer), `topic`, `usecase`, `industry`, `language`. Give an entry's `name` as `library_template_name` when creating a template from it.",
    tag: "Templates",
    auth: true,
    params: { path: ZPhoneNumberIdParams, query: ZTemplateLibraryQuery },
    success: {
      status: 200,
      description: "The library entries Meta answers for these filters.",
      schema: zDataEnvelope(ZTemplateLibraryList),
      examples: {
        payments: {
          summary: "search=payments",
          value: {
            data: [
              {
                id: "7147013345418927",
                name: "low_balance_warning_1",
                language: "en_US",
                category: "UTILITY",
                topic: "PAYMENTS",
                usecase: "LOW_BALANCE_WARNING",
                industry: ["FINANCIAL_SERVICES"],
                header: "Your account balance is low",
                body: "Hi {{1}}, your {{2}} is below your pre-set {{3}}.",
                body_params: ["Jim", "available funds", "limit"],
                buttons: [{ type: "URL", text: "Make a deposit", url: "https://www.example.com/" }],
              },
            ],
            request_id: EXAMPLE_REQUEST_ID,
          },
        },
      },
    },
    errors: LIBRARY_ERRORS,
  },
});
