// Meta's Template Library as `GET /message_template_library` serves it
// (https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/template-library, M-LIB):
// pre-written UTILITY (and AUTHENTICATION) templates with fixed content and parameters, filtered by `search`
// ("A substring you are searching for in the content, name, header, body, or footer of the template"), `topic`,
// `usecase`, `industry` and `language`. The first two entries are Meta's own examples from that page; the others
// follow the same shape with Meta's documented topics, use cases and industries.
import { badParam } from "./graph-error.js";

export interface LibraryTemplate {
  name: string;
  language: string;
  category: "UTILITY" | "AUTHENTICATION";
  topic: string;
  usecase: string;
  industry: string[];
  header?: string;
  body: string;
  body_params?: string[];
  body_param_types?: string[];
  buttons?: Array<Record<string, unknown>>;
  id: string;
}

export const LIBRARY: readonly LibraryTemplate[] = [
  {
    name: "low_balance_warning_1",
    language: "en_US",
    category: "UTILITY",
    topic: "PAYMENTS",
    usecase: "LOW_BALANCE_WARNING",
    industry: ["FINANCIAL_SERVICES"],
    header: "Your account balance is low",
    body: "Hi {{1}},\n\nThis is to notify you that your {{2}} in your {{3}} account, ending in {{4}} is below your pre-set {{5}} of {{6}}.\n\nClick the button to deposit more {{7}}.\n\n{{8}}",
    body_params: ["Jim", "available funds", "CS Mutual checking plus", "1234", "limit", "$75.00", "funds", "CS Mutual"],
    buttons: [
      { type: "URL", text: "Make a deposit", url: "https://www.example.com/" },
      { type: "PHONE_NUMBER", text: "Call us", phone_number: "+18005551234" },
    ],
    id: "7147013345418927",
  },
  {
    name: "delivery_failed_2_form",
    language: "en_US",
    category: "UTILITY",
    topic: "ORDER_MANAGEMENT",
    usecase: "DELIVERY_FAILED",
    industry: ["E_COMMERCE"],
    body: "We were unable to deliver order {{1}} today.\n\nPlease {{2}} to schedule another delivery attempt.",
    body_params: ["#12345", "try a redelivery"],
    body_param_types: ["TEXT", "TEXT"],
    buttons: [{ type: "FLOW", text: "Reschedule" }],
    id: "7138055039625658",
  },
  {
    name: "delivery_update_1",
    language: "en_US",
    category: "UTILITY",
    topic: "ORDER_MANAGEMENT",
    usecase: "DELIVERY_UPDATE",
    industry: ["E_COMMERCE"],
    body: "Good news! Your order {{1}} is on its way and should arrive by {{2}}.",
    body_params: ["#12345", "January 1st, 2024"],
    body_param_types: ["TEXT", "DATE"],
    buttons: [{ type: "URL", text: "Track order", url: "https://www.example.com/{{1}}" }],
    id: "7147013345418928",
  },
  {
    name: "payment_confirmation_1",
    language: "en_US",
    category: "UTILITY",
    topic: "PAYMENTS",
    usecase: "PAYMENT_CONFIRMATION",
    industry: ["E_COMMERCE", "FINANCIAL_SERVICES"],
    body: "Hi {{1}}, we received your payment of {{2}} for order {{3}}. Thank you!",
    body_params: ["Jim", "USD $375.32", "#12345"],
    body_param_types: ["TEXT", "AMOUNT", "TEXT"],
    id: "7147013345418929",
  },
  {
    name: "order_confirmation_1",
    language: "en_US",
    category: "UTILITY",
    topic: "ORDER_MANAGEMENT",
    usecase: "ORDER_CONFIRMATION",
    industry: ["E_COMMERCE"],
    header: "Order confirmed",
    body: "Thank you for your order, {{1}}! Your order number is {{2}}. We will let you know when it ships.",
    body_params: ["Jim", "#12345"],
    body_param_types: ["TEXT", "TEXT"],
    buttons: [{ type: "URL", text: "View order", url: "https://www.example.com/{{1}}" }],
    id: "7147013345418930",
  },
  {
    name: "feedback_survey_1",
    language: "en_US",
    category: "UTILITY",
    topic: "CUSTOMER_FEEDBACK",
    usecase: "FEEDBACK_SURVEY",
    industry: ["E_COMMERCE"],
    body: "Hi {{1}}, thanks for shopping with {{2}}. How did we do?",
    body_params: ["Jim", "Jasper's Market"],
    body_param_types: ["TEXT", "TEXT"],
    buttons: [
      { type: "QUICK_REPLY", text: "Great" },
      { type: "QUICK_REPLY", text: "Could be better" },
    ],
    id: "7147013345418931",
  },
];

const FILTERS = ["topic", "usecase", "industry", "language", "name"] as const;

/** `GET /message_template_library?search=&topic=&usecase=&industry=&language=&name=` (M-LIB "Query String Parameters"). */
export function browseLibrary(query: URLSearchParams): { data: LibraryTemplate[] } {
  const search = query.get("search")?.replace(/^"|"$/g, "").toLowerCase();
  let list = [...LIBRARY];
  if (search) {
    list = list.filter((entry) =>
      [
        entry.name,
        entry.header ?? "",
        entry.body,
        ...(entry.buttons ?? []).map((b) => (typeof b.text === "string" ? b.text : "")),
      ].some((text) => text.toLowerCase().includes(search)),
    );
  }
  for (const filter of FILTERS) {
    const value = query.get(filter);
    if (value === null || value === "") continue;
    if (filter !== "name" && filter !== "language" && !/^[A-Z_]+$/.test(value))
      throw badParam(`Param ${filter} must be one of Meta's ${filter} values (upper case), got "${value}"`);
    list = list.filter((entry) => (filter === "industry" ? entry.industry.includes(value) : entry[filter] === value));
  }
  return { data: list };
}

export function findLibraryTemplate(name: string, language: string): LibraryTemplate | undefined {
  return (
    LIBRARY.find((entry) => entry.name === name && entry.language === language) ??
    LIBRARY.find((entry) => entry.name === name)
  );
}

/**
 * A create with `library_template_name` (M-LIB "Create a template from the library"; docs/reference/meta-templates.md §1
 * "Library-template create"): no `components` — Meta builds them from the library entry, with the
 * `library_template_button_inputs` (Meta's example sends them JSON-encoded, even with single quotes) giving each URL
 * button its `base_url` (+ `url_suffix_example`) and each phone button its number. "Category must be UTILITY (or
 * AUTHENTICATION for the auth library)". An unknown library name is a code 100 invalid parameter, as Meta's synchronous
 * API answers a bad parameter (no specific error is documented). Returns the body the ordinary create rules check.
 */
export function expandLibraryCreate(body: Record<string, unknown>): Record<string, unknown> {
  const {
    library_template_name: libraryName,
    library_template_button_inputs: rawInputs,
    library_template_body_inputs: _bodyInputs,
    ...rest
  } = body;
  if (typeof libraryName !== "string" || libraryName === "")
    throw badParam("Param library_template_name must be a non-empty string");
  if (rest.components !== undefined) throw badParam("Param components cannot be used with library_template_name");
  const entry = findLibraryTemplate(libraryName, typeof rest.language === "string" ? rest.language : "en_US");
  if (entry === undefined)
    throw badParam(
      `Param library_template_name must be the name of a template in the template library - got "${libraryName}".`,
    );
  if (typeof rest.category === "string" && rest.category.toUpperCase() !== entry.category) {
    throw badParam(
      `Param category must be ${entry.category} for library template ${entry.name} - got "${rest.category}".`,
    );
  }
  const inputs = parseButtonInputs(rawInputs);
  const components: Array<Record<string, unknown>> = [];
  if (entry.header !== undefined) components.push({ type: "HEADER", format: "TEXT", text: entry.header });
  components.push({
    type: "BODY",
    text: entry.body,
    ...(entry.body_params ? { example: { body_text: [entry.body_params] } } : {}),
  });
  if (entry.buttons !== undefined && entry.buttons.length > 0) {
    const unused = [...inputs];
    const buttons = entry.buttons.map((button) => {
      const type = String(button.type);
      if (type !== "URL" && type !== "PHONE_NUMBER") return { ...button };
      const index = unused.findIndex((input) => String(input.type).toUpperCase() === type);
      const input = index === -1 ? undefined : unused.splice(index, 1)[0];
      if (input === undefined)
        throw badParam(
          `Param library_template_button_inputs must give the ${type} button of library template ${entry.name}`,
        );
      if (type === "PHONE_NUMBER")
        return {
          type,
          text: button.text,
          phone_number: typeof input.phone_number === "string" ? input.phone_number : button.phone_number,
        };
      const url = (input.url ?? {}) as Record<string, unknown>;
      const baseUrl = typeof url.base_url === "string" ? url.base_url : String(button.url);
      const suffix = typeof url.url_suffix_example === "string" ? url.url_suffix_example : undefined;
      return {
        type,
        text: button.text,
        url: baseUrl,
        ...(baseUrl.includes("{{1}}") && suffix !== undefined ? { example: [suffix] } : {}),
      };
    });
    components.push({ type: "BUTTONS", buttons });
  }
  return { ...rest, category: rest.category ?? entry.category, components };
}

function parseButtonInputs(raw: unknown): Array<Record<string, unknown>> {
  if (raw === undefined || raw === null) return [];
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      try {
        value = JSON.parse(raw.replace(/'/g, '"'));
      } catch {
        throw badParam("Param library_template_button_inputs must be a JSON array");
      }
    }
  }
  if (!Array.isArray(value) || value.some((item) => item === null || typeof item !== "object"))
    throw badParam("Param library_template_button_inputs must be an array of objects");
  return value as Array<Record<string, unknown>>;
}
