// Meta's rules for the CAROUSEL and LIMITED_TIME_OFFER components of a template submission (issue 16). Each cites
// Meta's page; where a page is silent the sandbox accepts, as Meta's synchronous create does.
import { SUBCODE, invalidTemplate } from "./graph-error.js";
import type { TemplateCategory } from "./model.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const upper = (value: unknown): string | undefined => (typeof value === "string" ? value.toUpperCase() : undefined);
const length = (text: string) => [...text].length;

// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/media-card-carousel-templates
const MEDIA_CAROUSEL = {
  // "It is necessary to define the exact number of product cards (minimum 2 and maximum 10) upon template creation."
  minCards: 2,
  maxCards: 10,
  // "… does count against the card body text limit of 160 characters."
  cardBodyText: 160,
  // "Each card … can optionally include a body text and up to two buttons."
  cardButtons: 2,
} as const;

/** Card component types, and the button types in order: "All cards defined on a template must have the same components." */
function cardSignature(card: Json): string {
  const components = Array.isArray(card.components) ? card.components.filter(isObject) : [];
  return components
    .map((component) => {
      const type = upper(component.type) ?? "";
      if (type !== "BUTTONS" || !Array.isArray(component.buttons)) return type;
      return `${type}(${component.buttons
        .filter(isObject)
        .map((button) => upper(button.type))
        .join(",")})`;
    })
    .join("|");
}

export function checkCarouselComponent(component: Json, index: number, category: TemplateCategory): void {
  // Media-card page: "Note that carousel cards are only available for marketing template messages."
  if (category !== "MARKETING") {
    throw invalidTemplate("Invalid components", "CAROUSEL components are only supported in MARKETING templates.");
  }
  const cards = component.cards;
  if (!Array.isArray(cards) || cards.some((card) => !isObject(card) || !Array.isArray(card.components))) {
    throw invalidTemplate(
      "Invalid components",
      `The parameter components[${index}][cards] is required and each card needs components.`,
    );
  }
  if (cards.length < MEDIA_CAROUSEL.minCards || cards.length > MEDIA_CAROUSEL.maxCards) {
    throw invalidTemplate(
      "Invalid components",
      `A carousel template must have between ${MEDIA_CAROUSEL.minCards} and ${MEDIA_CAROUSEL.maxCards} cards.`,
    );
  }
  (cards as Json[]).forEach((card, cardIndex) => {
    const components = (card.components as unknown[]).filter(isObject);
    const header = components.find((c) => upper(c.type) === "HEADER");
    const format = upper(header?.format);
    // Media-card page: "Each card in the template has an image or video header asset"; product-card page: "format": "product".
    if (!format || !["IMAGE", "VIDEO", "PRODUCT"].includes(format)) {
      throw invalidTemplate(
        "Message header format is incorrect",
        `Card ${cardIndex} needs an IMAGE, VIDEO or PRODUCT header.`,
        SUBCODE.headerFormat,
      );
    }
    const body = components.find((c) => upper(c.type) === "BODY");
    if (typeof body?.text === "string" && length(body.text) > MEDIA_CAROUSEL.cardBodyText) {
      throw invalidTemplate(
        "Character limit exceeded",
        `Card ${cardIndex} body text exceeds the limit of ${MEDIA_CAROUSEL.cardBodyText} characters.`,
        SUBCODE.characterLimit,
      );
    }
    const buttons = components.find((c) => upper(c.type) === "BUTTONS")?.buttons;
    if (Array.isArray(buttons) && buttons.length > MEDIA_CAROUSEL.cardButtons) {
      throw invalidTemplate(
        "Invalid components",
        `Card ${cardIndex} has ${buttons.length} buttons; a card can have up to ${MEDIA_CAROUSEL.cardButtons}.`,
      );
    }
  });
  // "All cards defined on a template must have the same components." and "If any card in the carousel includes a card
  // body text, then all cards must include a card body text".
  const first = cardSignature(cards[0] as Json);
  const differing = (cards as Json[]).findIndex((card) => cardSignature(card) !== first);
  if (differing > 0) {
    throw invalidTemplate(
      "Invalid components",
      `All cards of a carousel must have the same components; card ${differing} differs from card 0.`,
    );
  }
}

// https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/marketing-templates/limited-time-offer-templates
const LIMITED_TIME_OFFER = {
  // "<LIMITED_TIME_OFFER_TEXT> … Required. Offer details text. Maximum 16 characters."
  text: 16,
  // "<OFFER_CODE_EXAMPLE> … Required. Example offer code. Maximum 15 characters."
  offerCode: 15,
} as const;

export function checkLimitedTimeOfferTemplate(components: readonly Json[], offerIndex: number): void {
  const offer = components[offerIndex]?.limited_time_offer;
  if (!isObject(offer) || typeof offer.text !== "string" || offer.text === "") {
    throw invalidTemplate(
      "Invalid components",
      `The parameter components[${offerIndex}][limited_time_offer][text] is required`,
    );
  }
  if (length(offer.text) > LIMITED_TIME_OFFER.text) {
    throw invalidTemplate(
      "Character limit exceeded",
      `The limited-time offer text exceeds the limit of ${LIMITED_TIME_OFFER.text} characters.`,
      SUBCODE.characterLimit,
    );
  }
  // "Footer components are not supported."
  if (components.some((component) => upper(component.type) === "FOOTER")) {
    throw invalidTemplate("Invalid components", "Limited-time offer templates do not support FOOTER components.");
  }
  const buttons = components.find((component) => upper(component.type) === "BUTTONS")?.buttons;
  const list = Array.isArray(buttons) ? buttons.filter(isObject) : [];
  // The URL button is "Required." on the create table and on the send side. The offer code is marked "Required." on
  // the create table, but the send section reads "If the template does not use a copy code button, the value must be
  // 0": the page is not sure, so the sandbox does not demand it.
  if (!list.some((button) => upper(button.type) === "URL")) {
    throw invalidTemplate("Invalid components", "A limited-time offer template needs a URL button.");
  }
  const copyCode = list.find((button) => upper(button.type) === "COPY_CODE");
  const code: unknown = Array.isArray(copyCode?.example) ? copyCode.example[0] : copyCode?.example;
  if (typeof code === "string" && length(code) > LIMITED_TIME_OFFER.offerCode) {
    throw invalidTemplate(
      "Character limit exceeded",
      `The offer code example exceeds the limit of ${LIMITED_TIME_OFFER.offerCode} characters.`,
      SUBCODE.characterLimit,
    );
  }
}
