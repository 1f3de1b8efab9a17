import { z } from "zod";

/**
 * Meta's Template Library (issue 16): `GET /v1/{phone_number_id}/template_library` (tRPC `templates.library`) passes
 * Meta's filters to `GET /message_template_library` and answers its entries
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-library).
 */
const upperEnum = (field: string) =>
  z
    .string()
    .regex(/^[A-Za-z_]{1,64}$/, { error: `${field} must be one of Meta's ${field} values, e.g. ORDER_MANAGEMENT.` })
    .transform((value) => value.toUpperCase());

export const ZTemplateLibraryQuery = z
  .strictObject({
    search: z.string().min(1).max(200).optional().describe("Substring of the name, header, body or footer."),
    topic: upperEnum("topic").optional().describe("ACCOUNT_UPDATE, CUSTOMER_FEEDBACK, ORDER_MANAGEMENT, PAYMENTS."),
    usecase: upperEnum("usecase")
      .optional()
      .describe("e.g. DELIVERY_UPDATE, PAYMENT_CONFIRMATION, LOW_BALANCE_WARNING."),
    industry: upperEnum("industry").optional().describe("E_COMMERCE or FINANCIAL_SERVICES."),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, { error: "language must look like en_US." })
      .optional()
      .describe("Language code, e.g. en_US."),
  })
  .describe("Meta's Template Library filters.")
  .meta({ id: "TemplateLibraryQuery" });
export type TTemplateLibraryQuery = z.infer<typeof ZTemplateLibraryQuery>;

export const ZLibraryTemplate = z
  .looseObject({
    id: z.string(),
    name: z.string().describe("Give it as library_template_name to create a template from it."),
    language: z.string(),
    category: z.string(),
    topic: z.string().optional(),
    usecase: z.string().optional(),
    industry: z.array(z.string()).optional(),
    header: z.string().optional(),
    body: z.string(),
    body_params: z.array(z.string()).optional(),
    body_param_types: z.array(z.string()).optional(),
    buttons: z
      .array(
        z.looseObject({
          type: z.string(),
          text: z.string().optional(),
          url: z.string().optional(),
          phone_number: z.string().optional(),
        }),
      )
      .optional(),
  })
  .describe("One template of Meta's Template Library, as Meta answers it.")
  .meta({ id: "LibraryTemplate" });
export type TLibraryTemplate = z.infer<typeof ZLibraryTemplate>;

export const ZTemplateLibraryList = z.array(ZLibraryTemplate);
