import { describe, expect, it } from "vitest";
import { toPreviewModel } from "./preview-model.js";
import { buildRequest, emptyDraft, newCard } from "./template-draft.js";
import { validateDraft } from "./validate-draft.js";

// Issue 16: the form's cards and offer become Meta's components (MARKETING only); the preview reads them back.
describe("carousel and limited-time offer drafts", () => {
  const carouselDraft = () => {
    const draft = emptyDraft();
    draft.name = "succulents";
    draft.category = "MARKETING";
    draft.body.text = "Rare succulents for sale, {{1}}! Swipe through the cards.";
    draft.body.examples = { "1": "Pablo" };
    draft.carousel = {
      enabled: true,
      cards: [0, 1].map((i) => ({
        ...newCard(),
        handle: `4::h${i}`,
        body: `Plant ${i}`,
        quickReply: "More",
        urlText: "Shop",
        url: `https://shop.example.com/${i}`,
      })),
    };
    return draft;
  };

  it("builds a CAROUSEL the shared rules accept, and the preview shows both cards", () => {
    const { request } = buildRequest(carouselDraft());
    expect(request.components[1]).toMatchObject({
      type: "CAROUSEL",
      cards: [
        {
          components: [
            { type: "HEADER", format: "IMAGE", example: { header_handle: ["4::h0"] } },
            { type: "BODY", text: "Plant 0" },
            { type: "BUTTONS" },
          ],
        },
        {},
      ],
    });
    expect(validateDraft(carouselDraft()).errors.size).toBe(0);
    expect(toPreviewModel(request.components).cards?.map((card) => card.body.map((s) => s.text).join(""))).toEqual([
      "Plant 0",
      "Plant 1",
    ]);
  });

  it("puts a one-card carousel's error beside the carousel", () => {
    const draft = carouselDraft();
    draft.carousel = { enabled: true, cards: draft.carousel?.cards.slice(0, 1) ?? [] };
    expect(validateDraft(draft).errors.get("carousel")?.join(" ")).toContain("2–10 cards");
  });

  it("leaves the cards and the offer out of a UTILITY template", () => {
    const draft = carouselDraft();
    draft.category = "UTILITY";
    draft.offer = { enabled: true, text: "Expiring offer!", hasExpiration: true };
    expect(buildRequest(draft).request.components.map((c) => c.type)).toEqual(["BODY"]);
  });

  it("builds the offer before the body and previews its countdown", () => {
    const draft = emptyDraft();
    draft.category = "MARKETING";
    draft.body.text = "Good news! Use the code below for 25% off.";
    draft.offer = { enabled: true, text: "Expiring offer!", hasExpiration: true };
    const { request } = buildRequest(draft);
    expect(request.components[0]).toEqual({
      type: "LIMITED_TIME_OFFER",
      limited_time_offer: { text: "Expiring offer!", has_expiration: true },
    });
    expect(toPreviewModel(request.components).offer).toEqual({ text: "Expiring offer!", hasExpiration: true });
  });
});
