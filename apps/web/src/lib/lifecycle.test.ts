import type { TTemplateEvent } from "@kirim/schema";
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ZCreateTemplateRequest } from "@kirim/schema";
import { draftFromTemplate, duplicateName, formCannotExpress } from "./draft-from-template.js";
import { editRulesFor } from "./edit-rules.js";
import { hrefFor, parseHash } from "./router.js";
import { buildRequest } from "./template-draft.js";

const NOW = new Date("2026-06-01T12:00:00Z");
const edit = (hoursAgo: number, whileStatus = "APPROVED"): TTemplateEvent => ({
  id: `tev_${hoursAgo}`,
  object: "template_event",
  template_id: "tpl_1",
  name: "promo",
  language: "en",
  kind: "components",
  from: null,
  to: null,
  reason: null,
  detail: { while_status: whileStatus },
  source: "edit",
  source_id: "req_1",
  occurred_at: new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString(),
  recorded_at: NOW.toISOString(),
});

describe("a stored template back into the form", () => {
  it.each([
    [
      "text header, positional body, footer, quick reply and URL buttons",
      {
        name: "order_update",
        language: "en_US",
        category: "UTILITY",
        components: [
          { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A-1"] } },
          { type: "BODY", text: "Hi {{1}}, order {{2}} ships today.", example: { body_text: [["Maria", "A-1042"]] } },
          { type: "FOOTER", text: "Reply STOP to unsubscribe" },
          {
            type: "BUTTONS",
            buttons: [
              { type: "QUICK_REPLY", text: "Thanks" },
              { type: "URL", text: "Track", url: "https://example.com/t/{{1}}", example: ["https://example.com/t/A1"] },
            ],
          },
        ],
      },
    ],
    [
      "image header by handle, named body, copy-code and phone buttons",
      {
        name: "promo",
        language: "id",
        category: "MARKETING",
        parameter_format: "NAMED",
        components: [
          { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::aGFuZGxl"] } },
          {
            type: "BODY",
            text: "Hi {{first_name}}!",
            example: { body_text_named_params: [{ param_name: "first_name", example: "Maria" }] },
          },
          {
            type: "BUTTONS",
            buttons: [
              { type: "COPY_CODE", example: ["SAVE10"] },
              { type: "PHONE_NUMBER", text: "Call", phone_number: "6281234567890" },
            ],
          },
        ],
      },
    ],
  ])("%s: buildRequest gives the same request back", (_title, template) => {
    const { request } = buildRequest(draftFromTemplate(template));
    const { parameter_format, ...rest } = template as typeof template & { parameter_format?: string };
    expect(request).toEqual({ ...rest, ...(parameter_format === undefined ? {} : { parameter_format }) });
  });

  it("names a duplicate after its source", () => {
    expect(duplicateName("promo")).toBe("promo_copy");
    expect(duplicateName("promo", new Set(["promo_copy", "promo_copy_2"]))).toBe("promo_copy_3");
  });
});

describe("Meta's edit rules, said before editing", () => {
  it("an approved template: one edit per 24 h, ten per 30 days, category fixed", () => {
    expect(editRulesFor("APPROVED", [], NOW).quota).toEqual({ left: 1, leftIn30Days: 10, nextAt: undefined });
    const today = editRulesFor("APPROVED", [edit(2)], NOW);
    expect(today).toMatchObject({ editable: false, categoryLocked: true, quota: { left: 0, leftIn30Days: 9 } });
    expect(today.quota?.nextAt?.toISOString()).toBe(new Date(NOW.getTime() + 22 * 3_600_000).toISOString());
    // Edits while rejected and edits older than 30 days do not count.
    expect(editRulesFor("APPROVED", [edit(30), edit(40, "REJECTED"), edit(31 * 24)], NOW).quota).toMatchObject({
      left: 1,
      leftIn30Days: 9,
    });
    const ten = Array.from({ length: 10 }, (_, i) => edit(48 + i * 24));
    expect(editRulesFor("APPROVED", ten, NOW)).toMatchObject({ editable: false, quota: { left: 0, leftIn30Days: 0 } });
  });

  it("rejected and paused templates: unlimited, category editable; pending and disabled: not editable", () => {
    expect(editRulesFor("REJECTED", [edit(1)], NOW)).toMatchObject({
      editable: true,
      categoryLocked: false,
      quota: undefined,
    });
    expect(editRulesFor("PAUSED", [], NOW).editable).toBe(true);
    expect(editRulesFor("PENDING", [], NOW)).toMatchObject({
      editable: false,
      summary: expect.stringContaining("reviewing"),
    });
    expect(editRulesFor("DISABLED", [], NOW).editable).toBe(false);
  });
});

describe("lifecycle routes", () => {
  it("edit, duplicate and add-language round-trip through hrefFor", () => {
    const routes = [
      parseHash("#/accounts/106540352242922/templates/promo/edit?language=id"),
      parseHash("#/accounts/106540352242922/templates/new?from=promo&language=en&as=duplicate"),
      parseHash("#/accounts/106540352242922/templates/new?from=promo&as=language"),
    ];
    expect(routes[0]).toEqual({ page: "edit", phoneNumberId: "106540352242922", name: "promo", language: "id" });
    expect(routes[2]).toEqual({
      page: "create",
      phoneNumberId: "106540352242922",
      from: { name: "promo", language: undefined, as: "language" },
    });
    for (const route of routes) expect(parseHash(hrefFor(route))).toEqual(route);
  });
});

describe("issue 16 kinds back into the form (Meta's own bodies)", () => {
  // vitest runs from apps/web (jsdom gives import.meta.url no file scheme).
  const fixtures = path.resolve(process.cwd(), "../../fixtures/meta-real/create");
  const stored = (file: string) => {
    const { body } = JSON.parse(readFileSync(path.join(fixtures, file), "utf8")) as { body: Record<string, unknown> };
    // Meta's OpenAPI examples write the name as a placeholder.
    const parsed = ZCreateTemplateRequest.parse({ ...body, name: "kind_round_trip" });
    return { ...parsed, components: parsed.components ?? [] };
  };

  it.each([
    "meta-carousel-media-cards.json",
    "pywa-carousel-media-cards.json",
    "meta-carousel-product-cards.json",
    "pywa-carousel-product-cards.json",
    "meta-limited-time-offer.json",
    "openapi-flow-by-name.json",
    "openapi-flow-by-json.json",
    "meta-call-permission-request.json",
    "meta-mpm-abandoned-cart.json",
  ])("%s: edit or duplicate submits every component again", (file) => {
    const template = stored(file);
    expect(formCannotExpress(template.components)).toEqual([]);
    const { request } = buildRequest(draftFromTemplate(template));
    expect(ZCreateTemplateRequest.parse(request).components).toEqual(template.components);
  });

  it("a product-card carousel with a body and URL buttons round-trips too", () => {
    const template = stored("meta-carousel-product-cards.json");
    const card = (i: number) => ({
      components: [
        { type: "HEADER", format: "PRODUCT" },
        { type: "BODY", text: `Plant ${i}` },
        {
          type: "BUTTONS",
          buttons: [{ type: "URL", text: "Buy", url: "https://www.luckyshrub.com/p/{{1}}", example: [`p${i}`] }],
        },
      ],
    });
    const components = ZCreateTemplateRequest.parse({
      ...template,
      components: [template.components[0], { type: "CAROUSEL", cards: [card(1), card(2)] }],
    }).components;
    expect(formCannotExpress(components)).toEqual([]);
    expect(
      ZCreateTemplateRequest.parse(buildRequest(draftFromTemplate({ ...template, components })).request).components,
    ).toEqual(components);
  });

  it("keeps a product card's SPM button label", () => {
    const template = stored("meta-carousel-product-cards.json");
    const card = {
      components: [
        { type: "HEADER", format: "PRODUCT" },
        { type: "BUTTONS", buttons: [{ type: "SPM", text: "See plant" }] },
      ],
    };
    const components = ZCreateTemplateRequest.parse({
      ...template,
      components: [template.components[0], { type: "CAROUSEL", cards: [card, card] }],
    }).components;
    expect(
      ZCreateTemplateRequest.parse(buildRequest(draftFromTemplate({ ...template, components })).request).components,
    ).toEqual(components);
  });

  it("says what the form cannot carry instead of dropping it (two buttons on a product card)", () => {
    const template = stored("meta-carousel-product-cards.json");
    const twoButtons = {
      type: "BUTTONS",
      buttons: [
        { type: "SPM", text: "View" },
        { type: "URL", text: "Buy", url: "https://a.example/x" },
      ],
    };
    const components = [
      template.components[0],
      { type: "CAROUSEL", cards: [{ components: [{ type: "HEADER", format: "PRODUCT" }, twoButtons] }] },
    ];
    expect(formCannotExpress(components)).toContain("product card buttons other than one SPM or one URL");
  });
});
