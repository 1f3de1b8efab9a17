/**
 * Send-time parameters of the issue 16 kinds (DECISIONS.md D66), as Meta's send pages write them:
 * FLOW button `{"type":"action","action":{"flow_token","flow_action_data"}}` (Sending a Flow guide);
 * CATALOG button `{"type":"action","action":{"thumbnail_product_retailer_id"}}` (catalog templates);
 * MPM button `{"type":"action","action":{"thumbnail_product_retailer_id","sections":[{"title","product_items":
 * [{"product_retailer_id"}]}]}}` — up to 10 sections, 30 products in all, titles ≤ 24 characters (MPM templates);
 * SPM / PRODUCT header `{"type":"product","product":{"product_retailer_id","catalog_id"}}` (SPM templates);
 * VOICE_CALL button `ttl_minutes` (1–43200) and `payload` (≤ 512) (call button messages).
 */
import type { MetaSendError } from "./send-errors.js";

export interface KindSendParameter {
  type: string;
  action?: {
    flow_token?: unknown;
    flow_action_data?: unknown;
    thumbnail_product_retailer_id?: unknown;
    sections?: unknown;
  };
  product?: { product_retailer_id?: unknown; catalog_id?: unknown };
  ttl_minutes?: unknown;
  payload?: unknown;
}

export const KIND_SEND_LIMITS = {
  mpmSections: 10,
  mpmProducts: 30,
  mpmSectionTitleChars: 24,
  voiceCallTtlMinutes: 43200,
  voiceCallPayloadChars: 512,
} as const;

type Refuse = (param: string, kind: "missing" | "invalid" | "count" | "format", message: string) => never;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/** The rendered button fields of a FLOW, CATALOG, MPM or VOICE_CALL button; undefined for other types. */
export function renderKindButton(
  type: string,
  index: number,
  parameters: readonly KindSendParameter[],
  paramPath: string,
  refuse: Refuse,
): Record<string, unknown> | undefined {
  const action = (needed: boolean): NonNullable<KindSendParameter["action"]> | undefined => {
    if (parameters.length > 1)
      refuse(
        paramPath,
        "count",
        `button ${index}: the ${type} button takes one action parameter (got ${parameters.length}).`,
      );
    const parameter = parameters[0];
    if (parameter === undefined) {
      if (needed)
        refuse(
          paramPath,
          "count",
          `button ${index}: the ${type} button needs one parameter { "type": "action", "action": { … } }.`,
        );
      return undefined;
    }
    if (parameter.type.toLowerCase() !== "action" || !isObject(parameter.action)) {
      refuse(`${paramPath}[0].action`, "missing", `button ${index}: send { "type": "action", "action": { … } }.`);
    }
    return parameter.action;
  };
  switch (type) {
    case "FLOW": {
      const sent = action(false);
      if (sent?.flow_token !== undefined && !nonEmpty(sent.flow_token))
        refuse(
          `${paramPath}[0].action.flow_token`,
          "invalid",
          `button ${index}: flow_token must be a non-empty string.`,
        );
      if (sent?.flow_action_data !== undefined && !isObject(sent.flow_action_data)) {
        refuse(
          `${paramPath}[0].action.flow_action_data`,
          "invalid",
          `button ${index}: flow_action_data must be a JSON object (the first screen's data).`,
        );
      }
      // Meta: flow_token is "optional, default is \"unused\"".
      return {
        flow_token: sent?.flow_token ?? "unused",
        ...(sent?.flow_action_data === undefined ? {} : { flow_action_data: sent.flow_action_data }),
      };
    }
    case "CATALOG": {
      const sent = action(false);
      const thumbnail = sent?.thumbnail_product_retailer_id;
      if (thumbnail !== undefined && !nonEmpty(thumbnail)) {
        refuse(
          `${paramPath}[0].action.thumbnail_product_retailer_id`,
          "invalid",
          `button ${index}: thumbnail_product_retailer_id must be a product's retailer id (Content ID).`,
        );
      }
      return thumbnail === undefined ? {} : { thumbnail_product_retailer_id: thumbnail };
    }
    case "MPM": {
      const sent = action(true) as NonNullable<KindSendParameter["action"]>;
      const base = `${paramPath}[0].action`;
      if (!nonEmpty(sent.thumbnail_product_retailer_id))
        refuse(
          `${base}.thumbnail_product_retailer_id`,
          "missing",
          `button ${index}: the MPM button needs thumbnail_product_retailer_id.`,
        );
      const sections = sent.sections;
      if (!Array.isArray(sections) || sections.length === 0)
        refuse(
          `${base}.sections`,
          "missing",
          `button ${index}: the MPM button needs sections (1–${KIND_SEND_LIMITS.mpmSections}).`,
        );
      if (sections.length > KIND_SEND_LIMITS.mpmSections)
        refuse(
          `${base}.sections`,
          "invalid",
          `button ${index}: at most ${KIND_SEND_LIMITS.mpmSections} sections (got ${sections.length}).`,
        );
      let products = 0;
      const rendered = sections.map((section: unknown, sectionIndex) => {
        const path = `${base}.sections[${sectionIndex}]`;
        if (!isObject(section)) refuse(path, "invalid", `${path} must be an object with title and product_items.`);
        if (!nonEmpty(section.title)) refuse(`${path}.title`, "missing", `${path} needs a title.`);
        if ([...section.title].length > KIND_SEND_LIMITS.mpmSectionTitleChars) {
          refuse(
            `${path}.title`,
            "invalid",
            `${path}.title is ${[...section.title].length} characters; Meta allows ${KIND_SEND_LIMITS.mpmSectionTitleChars}.`,
          );
        }
        const items = section.product_items;
        if (!Array.isArray(items) || items.length === 0)
          refuse(`${path}.product_items`, "missing", `${path} needs product_items.`);
        const ids = items.map((item: unknown, itemIndex) => {
          const id = isObject(item) ? item.product_retailer_id : undefined;
          if (!nonEmpty(id))
            refuse(
              `${path}.product_items[${itemIndex}].product_retailer_id`,
              "missing",
              `${path}.product_items[${itemIndex}] needs a product_retailer_id.`,
            );
          return id;
        });
        products += ids.length;
        return { title: section.title, product_retailer_ids: ids };
      });
      if (products > KIND_SEND_LIMITS.mpmProducts)
        refuse(
          `${base}.sections`,
          "invalid",
          `button ${index}: at most ${KIND_SEND_LIMITS.mpmProducts} products across all sections (got ${products}).`,
        );
      return { thumbnail_product_retailer_id: sent.thumbnail_product_retailer_id, sections: rendered };
    }
    case "VOICE_CALL": {
      const out: Record<string, unknown> = {};
      parameters.forEach((parameter, parameterIndex) => {
        const path = `${paramPath}[${parameterIndex}]`;
        const kind = parameter.type.toLowerCase();
        if (kind === "ttl_minutes") {
          const ttl = parameter.ttl_minutes;
          if (
            typeof ttl !== "number" ||
            !Number.isInteger(ttl) ||
            ttl < 1 ||
            ttl > KIND_SEND_LIMITS.voiceCallTtlMinutes
          ) {
            refuse(
              `${path}.ttl_minutes`,
              "invalid",
              `button ${index}: ttl_minutes must be an integer 1–${KIND_SEND_LIMITS.voiceCallTtlMinutes}.`,
            );
          }
          out.ttl_minutes = ttl;
        } else if (kind === "payload") {
          if (
            typeof parameter.payload !== "string" ||
            parameter.payload.length > KIND_SEND_LIMITS.voiceCallPayloadChars
          ) {
            refuse(
              `${path}.payload`,
              "invalid",
              `button ${index}: payload must be a string of at most ${KIND_SEND_LIMITS.voiceCallPayloadChars} characters.`,
            );
          }
          out.payload = parameter.payload;
        } else {
          refuse(
            `${path}.type`,
            "format",
            `button ${index}: a VOICE_CALL button takes ttl_minutes and payload parameters, not "${parameter.type}".`,
          );
        }
      });
      return out;
    }
    default:
      return undefined;
  }
}

/** The PRODUCT header of an SPM template: one `product` parameter. */
export function renderProductHeader(
  parameters: readonly KindSendParameter[] | undefined,
  componentPath: string,
  refuse: Refuse,
): Record<string, unknown> {
  const list = parameters ?? [];
  if (list.length !== 1) {
    refuse(
      componentPath === "components" ? "components" : `${componentPath}.parameters`,
      "count",
      `header: the PRODUCT header needs exactly one product parameter (got ${list.length}).`,
    );
  }
  const parameter = list[0] as KindSendParameter;
  const path = `${componentPath}.parameters[0]`;
  if (parameter.type.toLowerCase() !== "product")
    refuse(
      `${path}.type`,
      "format",
      `${path} has type "${parameter.type}", but the template's header is PRODUCT: send type "product".`,
    );
  const product = parameter.product;
  if (!nonEmpty(product?.product_retailer_id))
    refuse(`${path}.product.product_retailer_id`, "missing", `${path}.product needs a product_retailer_id.`);
  if (!nonEmpty(product?.catalog_id))
    refuse(`${path}.product.catalog_id`, "missing", `${path}.product needs a catalog_id.`);
  return { format: "PRODUCT", product_retailer_id: product?.product_retailer_id, catalog_id: product?.catalog_id };
}

export type { MetaSendError };
