/** The Template Library route for the OpenAPI document (issue 16; appended to ROUTES in routes.ts). */
import { ZPhoneNumberIdParams, ZTemplateLibraryList, ZTemplateLibraryQuery, zDataEnvelope } from "@kirim/schema";
import type { TErrorCode } from "@kirim/schema";
import { EXAMPLE_REQUEST_ID } from "./examples.js";
import type { RouteSpec } from "./routes.js";

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

export const LIBRARY_ROUTE: RouteSpec = {
  method: "get",
  path: "/v1/{phone_number_id}/template_library",
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
};
