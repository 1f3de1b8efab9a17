/**
 * Issue 16 (DECISIONS.md D66): render-and-check (`POST /v1/{pid}/templates/{name}/render`) takes the send parameters
 * of FLOW, CATALOG, MPM, SPM (PRODUCT header) and VOICE_CALL templates as Meta's send pages write them, and names the
 * offending parameter with Meta's send error otherwise.
 */
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const TEMPLATES = `/v1/${DEMO_PHONE_NUMBER_ID}/templates`;
const BODY = { type: "BODY", text: "Check out this new offer on our newest plants today." };
const tpl = (name: string, components: unknown[]) => ({ name, category: "MARKETING", language: "en", components });
const TEMPLATES_TO_CREATE = [
  tpl("kinds_flow", [
    BODY,
    {
      type: "BUTTONS",
      buttons: [{ type: "FLOW", text: "Open", flow_id: "123", flow_action: "navigate", navigate_screen: "WELCOME" }],
    },
  ]),
  tpl("kinds_catalog", [BODY, { type: "BUTTONS", buttons: [{ type: "CATALOG", text: "View catalog" }] }]),
  tpl("kinds_mpm", [
    { type: "HEADER", format: "TEXT", text: "Forget something?" },
    BODY,
    { type: "BUTTONS", buttons: [{ type: "MPM", text: "View items" }] },
  ]),
  tpl("kinds_spm", [
    { type: "HEADER", format: "PRODUCT" },
    BODY,
    { type: "BUTTONS", buttons: [{ type: "SPM", text: "View" }] },
  ]),
  tpl("kinds_voice", [BODY, { type: "BUTTONS", buttons: [{ type: "VOICE_CALL", text: "Call Now" }] }]),
];
const section = (title: string, ids: string[]) => ({
  title,
  product_items: ids.map((id) => ({ product_retailer_id: id })),
});
const mpm = (action: Record<string, unknown>) => ({
  language: "en",
  components: [{ type: "button", sub_type: "mpm", index: 0, parameters: [{ type: "action", action }] }],
});

describe.each(databaseKinds())("render-and-check of flows, commerce and calling kinds on %s", (kind) => {
  let s: Stack;
  const render = (name: string, body: unknown) =>
    call(s.baseUrl, "POST", `${TEMPLATES}/${name}/render`, { token: s.demoKey, body });

  beforeAll(async () => {
    s = await startStack(kind, { sandbox: { demoTemplateCount: 0 } });
    for (const body of TEMPLATES_TO_CREATE) {
      const res = await call(s.baseUrl, "POST", TEMPLATES, { token: s.demoKey, body });
      expect(res.status, res.text).toBe(201);
    }
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it("FLOW: flow_token and flow_action_data from the action parameter; without one, Meta's default token", async () => {
    const res = await render("kinds_flow", {
      language: "en",
      components: [
        {
          type: "button",
          sub_type: "flow",
          index: "0",
          parameters: [{ type: "action", action: { flow_token: "tok-1", flow_action_data: { plan: "gold" } } }],
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.buttons).toEqual([
      { type: "FLOW", text: "Open", flow_token: "tok-1", flow_action_data: { plan: "gold" } },
    ]);
    const bare = await render("kinds_flow", { language: "en" });
    expect(bare.body.data.buttons).toEqual([{ type: "FLOW", text: "Open", flow_token: "unused" }]);
  });

  it("CATALOG: thumbnail_product_retailer_id", async () => {
    const res = await render("kinds_catalog", {
      language: "en",
      components: [
        {
          type: "button",
          sub_type: "CATALOG",
          index: 0,
          parameters: [{ type: "action", action: { thumbnail_product_retailer_id: "2lc20305pt" } }],
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.buttons).toEqual([
      { type: "CATALOG", text: "View catalog", thumbnail_product_retailer_id: "2lc20305pt" },
    ]);
  });

  it("MPM: thumbnail and sections with their product retailer ids", async () => {
    const res = await render(
      "kinds_mpm",
      mpm({
        thumbnail_product_retailer_id: "2lc20305pt",
        sections: [
          section("Popular Bundles", ["2lc20305pt", "nseiw1x7ar"]),
          section("Premium Packages", ["8m4xq9s6rp"]),
        ],
      }),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.buttons).toEqual([
      {
        type: "MPM",
        text: "View items",
        thumbnail_product_retailer_id: "2lc20305pt",
        sections: [
          { title: "Popular Bundles", product_retailer_ids: ["2lc20305pt", "nseiw1x7ar"] },
          { title: "Premium Packages", product_retailer_ids: ["8m4xq9s6rp"] },
        ],
      },
    ]);
  });

  it("SPM: the PRODUCT header's product_retailer_id and catalog_id", async () => {
    const res = await render("kinds_spm", {
      language: "en",
      components: [
        {
          type: "header",
          parameters: [
            { type: "product", product: { product_retailer_id: "2lc20305pt", catalog_id: "194836987003835" } },
          ],
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.header).toEqual({
      format: "PRODUCT",
      product_retailer_id: "2lc20305pt",
      catalog_id: "194836987003835",
    });
    expect(res.body.data.buttons).toEqual([{ type: "SPM", text: "View" }]);
  });

  it("VOICE_CALL: ttl_minutes and payload", async () => {
    const res = await render("kinds_voice", {
      language: "en",
      components: [
        {
          type: "button",
          sub_type: "voice_call",
          index: 0,
          parameters: [
            { type: "ttl_minutes", ttl_minutes: 100 },
            { type: "payload", payload: "campaign-7" },
          ],
        },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.buttons).toEqual([
      { type: "VOICE_CALL", text: "Call Now", ttl_minutes: 100, payload: "campaign-7" },
    ]);
  });

  const refusals: Array<[string, string, unknown, string, number]> = [
    [
      "FLOW action data that is not an object",
      "kinds_flow",
      {
        language: "en",
        components: [
          {
            type: "button",
            sub_type: "flow",
            index: 0,
            parameters: [{ type: "action", action: { flow_action_data: "x" } }],
          },
        ],
      },
      "components[0].parameters[0].action.flow_action_data",
      131009,
    ],
    [
      "FLOW button sent as url",
      "kinds_flow",
      { language: "en", components: [{ type: "button", sub_type: "url", index: 0, parameters: [] }] },
      "components[0].sub_type",
      132012,
    ],
    ["MPM without its action", "kinds_mpm", { language: "en" }, "components", 132000],
    [
      "MPM without a thumbnail",
      "kinds_mpm",
      mpm({ sections: [section("A", ["x"])] }),
      "components[0].parameters[0].action.thumbnail_product_retailer_id",
      131008,
    ],
    [
      "MPM with 11 sections",
      "kinds_mpm",
      mpm({
        thumbnail_product_retailer_id: "x",
        sections: Array.from({ length: 11 }, (_, i) => section(`S${i}`, ["x"])),
      }),
      "components[0].parameters[0].action.sections",
      131009,
    ],
    [
      "MPM with 31 products",
      "kinds_mpm",
      mpm({
        thumbnail_product_retailer_id: "x",
        sections: [
          section(
            "A",
            Array.from({ length: 16 }, (_, i) => `a${i}`),
          ),
          section(
            "B",
            Array.from({ length: 15 }, (_, i) => `b${i}`),
          ),
        ],
      }),
      "components[0].parameters[0].action.sections",
      131009,
    ],
    [
      "MPM section title of 25 characters",
      "kinds_mpm",
      mpm({ thumbnail_product_retailer_id: "x", sections: [section("t".repeat(25), ["x"])] }),
      "components[0].parameters[0].action.sections[0].title",
      131009,
    ],
    [
      "MPM product without its retailer id",
      "kinds_mpm",
      mpm({ thumbnail_product_retailer_id: "x", sections: [{ title: "A", product_items: [{}] }] }),
      "components[0].parameters[0].action.sections[0].product_items[0].product_retailer_id",
      131008,
    ],
    ["SPM without its product", "kinds_spm", { language: "en" }, "components", 132000],
    [
      "SPM product without catalog_id",
      "kinds_spm",
      {
        language: "en",
        components: [{ type: "header", parameters: [{ type: "product", product: { product_retailer_id: "x" } }] }],
      },
      "components[0].parameters[0].product.catalog_id",
      131008,
    ],
    [
      "CATALOG thumbnail that is empty",
      "kinds_catalog",
      {
        language: "en",
        components: [
          {
            type: "button",
            sub_type: "catalog",
            index: 0,
            parameters: [{ type: "action", action: { thumbnail_product_retailer_id: "" } }],
          },
        ],
      },
      "components[0].parameters[0].action.thumbnail_product_retailer_id",
      131009,
    ],
    [
      "VOICE_CALL ttl of 43201 minutes",
      "kinds_voice",
      {
        language: "en",
        components: [
          {
            type: "button",
            sub_type: "voice_call",
            index: 0,
            parameters: [{ type: "ttl_minutes", ttl_minutes: 43201 }],
          },
        ],
      },
      "components[0].parameters[0].ttl_minutes",
      131009,
    ],
  ];

  it.each(refusals)(
    "%s → 400 template_parameter_invalid naming the parameter",
    async (_what, name, body, param, metaCode) => {
      const res = await render(name, body);
      expectError(res, 400, "template_parameter_invalid", { param });
      expect(res.body.error.meta.code).toBe(metaCode);
    },
  );
});
