// Issue 16: carousel and limited-time offer templates over real HTTP — Meta's documented rules refused, the
// components read back (GET by id and the list) exactly as sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl } from "./testing/http.js";
import type { GraphErrorShape } from "./testing/http.js";

let sandbox: MetaSandbox;
let counter = 0;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: 0, demoTemplateLimit: 6000 });
});
afterAll(async () => {
  await sandbox.close();
});

type Json = Record<string, unknown>;
const BODY = {
  type: "body",
  text: "Rare succulents for sale, {{1}}! Swipe through this week's cards below.",
  example: { body_text: [["Pablo"]] },
};
const card = (over: Json = {}): Json => ({
  components: [
    { type: "header", format: "image", example: { header_handle: ["4::an..."] } },
    { type: "body", text: "Aloe 'Blue Elf' with blue-green leaves." },
    {
      type: "buttons",
      buttons: [
        { type: "quick_reply", text: "More like this" },
        { type: "url", text: "Shop", url: "https://shop.example.com/{{1}}", example: ["BLUE_ELF"] },
      ],
    },
  ],
  ...over,
});
const carousel = (cards: Json[], extra: Json = {}): Json => {
  counter += 1;
  return {
    name: `kinds_carousel_${counter}`,
    language: "en_US",
    category: "marketing",
    components: [BODY, { type: "carousel", cards }],
    ...extra,
  };
};
const OFFER = { type: "limited_time_offer", limited_time_offer: { text: "Expiring offer!", has_expiration: true } };
const OFFER_BUTTONS = {
  type: "buttons",
  buttons: [
    { type: "copy_code", example: "CARIBE25" },
    {
      type: "url",
      text: "Book now!",
      url: "https://example.com/offers?code={{1}}",
      example: ["https://example.com/offers?ref=n3"],
    },
  ],
};
const OFFER_BODY = {
  type: "body",
  text: "Good news, {{1}}! Use the code below to get 25% off all packages this week.",
  example: { body_text: [["Pablo"]] },
};
const offer = (components: Json[], extra: Json = {}): Json => {
  counter += 1;
  return { name: `kinds_offer_${counter}`, language: "en_US", category: "MARKETING", components, ...extra };
};

async function create(payload: Json): Promise<{ status: number; body: GraphErrorShape & Json }> {
  return call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: payload });
}

const refusals: Array<{ name: string; payload: () => Json; says: string; subcode?: number }> = [
  {
    name: "carousel on a UTILITY template",
    payload: () => carousel([card(), card()], { category: "UTILITY" }),
    says: "only supported in MARKETING",
  },
  { name: "one card", payload: () => carousel([card()]), says: "between 2 and 10 cards" },
  {
    name: "eleven cards",
    payload: () => carousel(Array.from({ length: 11 }, () => card())),
    says: "between 2 and 10 cards",
  },
  {
    name: "a card with a TEXT header",
    payload: () =>
      carousel([
        card(),
        { components: [{ type: "header", format: "text", text: "Hi" }, ...(card().components as Json[]).slice(1)] },
      ]),
    says: "IMAGE, VIDEO or PRODUCT header",
    subcode: 2388047,
  },
  {
    name: "card body over 160 characters",
    payload: () =>
      carousel([
        card(),
        {
          components: (card().components as Json[]).map((c) =>
            c.type === "body" ? { ...c, text: "x".repeat(161) } : c,
          ),
        },
      ]),
    says: "160",
    subcode: 2388040,
  },
  {
    name: "three buttons on a card",
    payload: () => {
      const three = (card().components as Json[]).map((c) =>
        c.type === "buttons"
          ? { ...c, buttons: [...(c.buttons as Json[]), { type: "quick_reply", text: "Third" }] }
          : c,
      );
      return carousel([{ components: three }, { components: three }]);
    },
    says: "up to 2",
  },
  {
    name: "cards with different buttons",
    payload: () =>
      carousel([
        card(),
        {
          components: (card().components as Json[]).map((c) =>
            c.type === "buttons" ? { ...c, buttons: [{ type: "quick_reply", text: "Only one" }] } : c,
          ),
        },
      ]),
    says: "same components",
  },
  {
    name: "a body on one card only",
    payload: () => carousel([card(), { components: (card().components as Json[]).filter((c) => c.type !== "body") }]),
    says: "same components",
  },
  {
    name: "offer on a UTILITY template",
    payload: () => offer([OFFER, OFFER_BODY, OFFER_BUTTONS], { category: "UTILITY" }),
    says: "only supported in MARKETING",
  },
  {
    name: "offer text over 16",
    payload: () =>
      offer([
        { ...OFFER, limited_time_offer: { text: "An offer that expires", has_expiration: true } },
        OFFER_BODY,
        OFFER_BUTTONS,
      ]),
    says: "16",
    subcode: 2388040,
  },
  {
    name: "offer with a footer",
    payload: () => offer([OFFER, OFFER_BODY, { type: "footer", text: "Terms apply" }, OFFER_BUTTONS]),
    says: "FOOTER",
  },
  {
    name: "offer without a URL button",
    payload: () =>
      offer([OFFER, OFFER_BODY, { type: "buttons", buttons: [{ type: "copy_code", example: "CARIBE25" }] }]),
    says: "URL button",
  },
  {
    name: "offer code over 15",
    payload: () =>
      offer([
        OFFER,
        OFFER_BODY,
        {
          ...OFFER_BUTTONS,
          buttons: [{ type: "copy_code", example: "CARIBE25CARIBE25" }, (OFFER_BUTTONS.buttons as Json[])[1]],
        },
      ]),
    says: "15",
    subcode: 2388040,
  },
];

describe("carousel and limited-time offer refusals (Meta's pages)", () => {
  it.each(refusals)("$name", async ({ payload, says, subcode }) => {
    const res = await create(payload());
    expect(res.status).toBe(400);
    const error = res.body.error;
    expect(error?.error_user_msg ?? error?.message).toContain(says);
    if (subcode !== undefined) expect(error?.error_subcode).toBe(subcode);
  });
});

describe("carousel and limited-time offer read back as sent", () => {
  it.each([
    ["media-card carousel", () => carousel([card(), card(), card()])],
    [
      "limited-time offer",
      () =>
        offer([
          {
            type: "header",
            format: "image",
            example: { header_handle: [sandbox.control.createMediaHandle("image/jpeg")] },
          },
          OFFER,
          OFFER_BODY,
          OFFER_BUTTONS,
        ]),
    ],
  ] as const)("%s: GET by id and the list return the special component unchanged", async (_name, payload) => {
    const sent = payload();
    const res = await create(sent);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const id = String(res.body.id);
    const got = await call<Json>(`${sandbox.graphUrl}/${id}`, { token: DEMO_ACCESS_TOKEN });
    expect(got.status).toBe(200);
    const special = (sent.components as Json[]).find((c) => c.type === "carousel" || c.type === "limited_time_offer");
    const components = got.body.components as Json[];
    // Meta's reads upper-case the component's type (docs/reference/meta-templates.md §3.3); the rest comes back as sent.
    expect(components).toContainEqual({ ...special, type: String(special?.type).toUpperCase() });
    const list = await call<{ data: Json[] }>(templatesUrl(sandbox, `?name=${String(sent.name)}`), {
      token: DEMO_ACCESS_TOKEN,
    });
    expect(list.body.data.find((t) => t.id === id)?.components).toEqual(components);
  });
});
