/**
 * Create-request examples of the issue 16 kinds (flows, catalog / MPM / SPM, call permission, voice call), each
 * from Meta's own material (fixtures/meta-real/create/ holds the originals with their source).
 */
import type { RouteExample } from "./route-spec.js";

const OFFER_BODY = { type: "BODY", text: "Check out this new offer" };

export const KIND_CREATE_EXAMPLES: Record<string, RouteExample> = {
  flow_by_id: {
    summary: "FLOW button by flow_id (Meta's OpenAPI example)",
    value: {
      name: "flow_offer",
      language: "en_US",
      category: "MARKETING",
      components: [
        OFFER_BODY,
        {
          type: "BUTTONS",
          buttons: [
            {
              type: "FLOW",
              text: "Check out this offer!",
              flow_id: "1234567890",
              flow_action: "navigate",
              navigate_screen: "WELCOME_SCREEN",
            },
          ],
        },
      ],
    },
  },
  flow_by_json: {
    summary: "FLOW button with the Flow JSON inline",
    value: {
      name: "flow_offer_json",
      language: "en_US",
      category: "MARKETING",
      components: [
        OFFER_BODY,
        {
          type: "BUTTONS",
          buttons: [
            {
              type: "FLOW",
              text: "Open flow!",
              flow_json:
                '{"version":"5.0","screens":[{"id":"WELCOME_SCREEN","layout":{"type":"SingleColumnLayout","children":[{"type":"TextHeading","text":"Hello World"},{"type":"Footer","label":"Complete","on-click-action":{"name":"complete","payload":{}}}]},"title":"Welcome","terminal":true,"success":true,"data":{}}]}',
            },
          ],
        },
      ],
    },
  },
  catalog: {
    summary: "Catalog template: CATALOG button (Meta's catalog templates page)",
    value: {
      name: "intro_catalog_offer",
      language: "en_US",
      category: "MARKETING",
      components: [
        {
          type: "BODY",
          text: "Now shop for your favorite products right here on WhatsApp! Get Rs {{1}} off on all orders above {{2}}Rs! Valid for your first {{3}} orders placed on WhatsApp!",
          example: { body_text: [["100", "400", "3"]] },
        },
        { type: "FOOTER", text: "Best grocery deals on WhatsApp!" },
        { type: "BUTTONS", buttons: [{ type: "CATALOG", text: "View catalog" }] },
      ],
    },
  },
  multi_product: {
    summary: "Multi-product (MPM) template: TEXT header and MPM button",
    value: {
      name: "abandoned_cart",
      language: "en_US",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "TEXT", text: "Forget something, {{1}}?", example: { header_text: ["Pablo"] } },
        {
          type: "BODY",
          text: "Looks like you left these items in your cart, still interested? Use code {{1}} to get 10% off!",
          example: { body_text: [["10OFF"]] },
        },
        { type: "BUTTONS", buttons: [{ type: "MPM", text: "View items" }] },
      ],
    },
  },
  single_product: {
    summary: "Single-product (SPM) template: PRODUCT header and SPM button",
    value: {
      name: "spm_template_named_params",
      language: "en_US",
      category: "marketing",
      parameter_format: "named",
      components: [
        { type: "header", format: "product" },
        {
          type: "body",
          text: "Use code {{code}} to get {{percent}} off our newest succulent!",
          example: {
            body_text_named_params: [
              { param_name: "code", example: "15OFF" },
              { param_name: "percent", example: "15%" },
            ],
          },
        },
        { type: "footer", text: "Offer ends September 22, 2024" },
        { type: "buttons", buttons: [{ type: "spm", text: "View" }] },
      ],
    },
  },
  call_permission_request: {
    summary: "Call permission request (MARKETING or UTILITY)",
    value: {
      name: "sample_cpr_template",
      language: "en",
      category: "UTILITY",
      components: [
        { type: "BODY", text: "We would like to call you to help support your order." },
        { type: "call_permission_request" },
      ],
    },
  },
  voice_call: {
    summary: "WhatsApp call button (VOICE_CALL, label ≤ 20 characters)",
    value: {
      name: "wa_voice_call",
      language: "en",
      category: "MARKETING",
      components: [
        { type: "BODY", text: "You can call us on WhatsApp now for faster service!" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "voice_call", text: "Call Now" },
            { type: "URL", text: "Contact Support", url: "https://www.luckyshrub.com/support" },
          ],
        },
      ],
    },
  },
};
