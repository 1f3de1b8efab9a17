// Issue 16: Meta's rules for CAROUSEL components (media-card and product-card carousels). Sources in DECISIONS.md
// "Carousel" (Meta's media-card and product-card carousel pages).
import type { TCarouselCardComponent, TTemplateCategory, TTemplateComponent } from "../template-request.js";
import type { TemplateRuleCode } from "./catalogue.js";
import { scanPlaceholders } from "./placeholders.js";

type Path = (string | number)[];
export type AddViolation = (code: TemplateRuleCode, path: Path, message: string) => void;

export const CAROUSEL_LIMITS = {
  minCards: 2,
  maxCards: 10,
  cardBodyTextLength: 160,
  cardButtons: 2,
  productCardButtons: 1,
} as const;

const TOKEN = /\{\{[^{}]*\}\}/g;
const characterCount = (text: string) => [...text].length;

/** Shape every card must share: header kind (media or product), body or not, button types in order. */
function cardShape(components: readonly TCarouselCardComponent[]): string {
  const header = components.find((component) => component.type === "HEADER");
  const kind = header?.format === "PRODUCT" ? "product" : "media";
  const body = components.some((component) => component.type === "BODY") ? "body" : "nobody";
  const buttons =
    components
      .find((component) => component.type === "BUTTONS")
      ?.buttons?.map((button) => button.type)
      .join(",") ?? "";
  return `${kind}|${body}|${buttons}`;
}

export function checkCarousel(
  component: TTemplateComponent,
  path: Path,
  all: readonly TTemplateComponent[],
  category: TTemplateCategory,
  add: AddViolation,
): void {
  if (category !== "MARKETING") {
    add(
      "template_carousel_category_not_allowed",
      [...path, "type"],
      `Carousel templates are MARKETING only, not ${category}.`,
    );
  }
  // "Carousel templates consist of a message body text and up to 10 … cards": no HEADER, FOOTER or BUTTONS beside them.
  all.forEach((other, index) => {
    if (other.type === "HEADER" || other.type === "FOOTER" || other.type === "BUTTONS") {
      add(
        "template_carousel_component_not_allowed",
        ["components", index, "type"],
        `A carousel template has a BODY and the cards only; remove its ${other.type}.`,
      );
    }
  });
  const cards = component.cards;
  if (cards === undefined) {
    add("template_carousel_cards_required", [...path, "cards"], "A CAROUSEL component needs cards (2–10).");
    return;
  }
  if (cards.length < CAROUSEL_LIMITS.minCards || cards.length > CAROUSEL_LIMITS.maxCards) {
    add(
      "template_carousel_card_count",
      [...path, "cards"],
      `A carousel needs ${CAROUSEL_LIMITS.minCards}–${CAROUSEL_LIMITS.maxCards} cards (has ${cards.length}).`,
    );
  }
  cards.forEach((card, cardIndex) => checkCard(card.components, [...path, "cards", cardIndex, "components"], add));
  const first = cards[0] ? cardShape(cards[0].components) : undefined;
  const differing = cards.findIndex((card) => cardShape(card.components) !== first);
  if (differing > 0) {
    add(
      "template_carousel_cards_differ",
      [...path, "cards", differing, "components"],
      `Every card must have the same components as card 0: the same header kind, a body on all or none, and the same button types in the same order (card ${differing} differs).`,
    );
  }
}

function checkCard(components: readonly TCarouselCardComponent[], path: Path, add: AddViolation): void {
  const headers = components.flatMap((component, index) => (component.type === "HEADER" ? [index] : []));
  const seen = new Set<string>();
  components.forEach((component, index) => {
    if (seen.has(component.type))
      add(
        "template_component_duplicated",
        [...path, index, "type"],
        `A card may have only one ${component.type} component.`,
      );
    seen.add(component.type);
  });
  const headerIndex = headers[0];
  const header = headerIndex === undefined ? undefined : components[headerIndex];
  if (header === undefined || headerIndex === undefined) {
    add(
      "template_carousel_card_header_required",
      path,
      "Every card needs a HEADER with format IMAGE or VIDEO (media cards) or PRODUCT (product cards).",
    );
  } else if (header.format === undefined) {
    add(
      "template_carousel_card_header_required",
      [...path, headerIndex, "format"],
      "A card HEADER needs a format: IMAGE, VIDEO or PRODUCT.",
    );
  } else if (header.format !== "PRODUCT" && !header.example?.header_handle?.length) {
    // Card samples go to Meta as they are: only an uploaded handle (header_url is downloaded for the top HEADER only).
    add(
      "template_example_missing",
      [...path, headerIndex, "example", "header_handle"],
      `A ${header.format} card header needs a sample: example.header_handle (an uploaded media handle).`,
    );
  }
  const isProduct = header?.format === "PRODUCT";
  components.forEach((component, index) => {
    const componentPath = [...path, index];
    if (component.type !== "HEADER" && component.format !== undefined) {
      add(
        "template_component_field_misplaced",
        [...componentPath, "format"],
        `format is only allowed on a card HEADER, not on ${component.type}.`,
      );
    }
    if (component.type === "BODY") checkCardBody(component, componentPath, add);
    if (component.type === "BUTTONS") checkCardButtons(component, componentPath, isProduct, add);
  });
}

function checkCardBody(component: TCarouselCardComponent, path: Path, add: AddViolation): void {
  const text = component.text;
  if (text === undefined || text.trim() === "") {
    add("template_body_text_required", [...path, "text"], "A card BODY needs a non-empty text.");
    return;
  }
  if (characterCount(text) > CAROUSEL_LIMITS.cardBodyTextLength) {
    add(
      "template_carousel_card_body_too_long",
      [...path, "text"],
      `Card body text must be at most ${CAROUSEL_LIMITS.cardBodyTextLength} characters (has ${characterCount(text)}).`,
    );
  }
  const variables = new Set(scanPlaceholders(text).placeholders.map((placeholder) => placeholder.name)).size;
  if (variables > 0) {
    const samples = component.example?.body_text?.[0]?.length ?? 0;
    if (samples === 0)
      add(
        "template_example_missing",
        [...path, "example", "body_text"],
        `The card body has ${variables} variable(s): give one sample value for each.`,
      );
    else if (samples !== variables)
      add(
        "template_example_count_mismatch",
        [...path, "example", "body_text", 0],
        `The card body has ${variables} variable(s) but ${samples} sample value(s).`,
      );
  }
}

function checkCardButtons(component: TCarouselCardComponent, path: Path, isProduct: boolean, add: AddViolation): void {
  const buttons = component.buttons ?? [];
  const max = isProduct ? CAROUSEL_LIMITS.productCardButtons : CAROUSEL_LIMITS.cardButtons;
  if (buttons.length === 0)
    add("template_buttons_empty", [...path, "buttons"], "A card BUTTONS component needs at least one button.");
  if (buttons.length > max) {
    add(
      "template_carousel_card_too_many_buttons",
      [...path, "buttons", max],
      `A ${isProduct ? "product" : "media"} card may have at most ${max} button(s) (has ${buttons.length}).`,
    );
  }
  buttons.forEach((button, index) => {
    const buttonPath = [...path, "buttons", index];
    const allowed = isProduct ? button.type === "SPM" || button.type === "URL" : button.type !== "SPM";
    if (!allowed) {
      add(
        "template_carousel_card_button_not_allowed",
        [...buttonPath, "type"],
        isProduct
          ? `Product cards take one SPM or URL button, not ${button.type}.`
          : "SPM buttons are for product cards (HEADER format PRODUCT) only.",
      );
    }
    if (button.text === undefined)
      add(
        "template_button_text_required",
        [...buttonPath, "text"],
        `A ${button.type} button needs a text (its label).`,
      );
    if (button.type === "URL") {
      if (button.url === undefined)
        add("template_button_url_required", [...buttonPath, "url"], "A URL button needs a url.");
      else if (button.url.replace(TOKEN, "").length !== button.url.length && !button.example?.length) {
        add(
          "template_example_missing",
          [...buttonPath, "example"],
          'The url has a variable: give example, e.g. ["BLUE_ELF"].',
        );
      }
    }
    if (button.type === "PHONE_NUMBER" && button.phone_number === undefined) {
      add(
        "template_button_phone_number_required",
        [...buttonPath, "phone_number"],
        "A PHONE_NUMBER button needs a phone_number.",
      );
    }
  });
}
