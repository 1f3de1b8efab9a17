// Issue 16: Meta's rules for LIMITED_TIME_OFFER templates (Meta's limited-time offer page; DECISIONS.md
// "Limited-time offer").
import type { TTemplateCategory, TTemplateComponent } from "../template-request.js";
import type { AddViolation } from "./carousel.js";

type Path = (string | number)[];

export const LIMITED_TIME_OFFER_LIMITS = { offerTextLength: 16, bodyTextLength: 600, offerCodeLength: 15 } as const;

const characterCount = (text: string) => [...text].length;

export function checkLimitedTimeOffer(
  component: TTemplateComponent,
  path: Path,
  all: readonly TTemplateComponent[],
  category: TTemplateCategory,
  add: AddViolation,
): void {
  if (category !== "MARKETING") {
    add(
      "template_lto_category_not_allowed",
      [...path, "type"],
      `Limited-time offer templates are MARKETING only, not ${category}.`,
    );
  }
  const offer = component.limited_time_offer;
  if (offer === undefined) {
    add(
      "template_lto_offer_required",
      [...path, "limited_time_offer"],
      "A LIMITED_TIME_OFFER component needs limited_time_offer: { text, has_expiration }.",
    );
  } else if (offer.text.trim() === "") {
    add(
      "template_lto_offer_required",
      [...path, "limited_time_offer", "text"],
      "limited_time_offer.text (the offer heading) must not be empty.",
    );
  } else if (characterCount(offer.text) > LIMITED_TIME_OFFER_LIMITS.offerTextLength) {
    add(
      "template_lto_text_too_long",
      [...path, "limited_time_offer", "text"],
      `limited_time_offer.text must be at most ${LIMITED_TIME_OFFER_LIMITS.offerTextLength} characters (has ${characterCount(offer.text)}).`,
    );
  }
  let buttonsIndex = -1;
  all.forEach((other, index) => {
    if (other.type === "FOOTER")
      add(
        "template_lto_footer_not_allowed",
        ["components", index, "type"],
        "Limited-time offer templates cannot have a FOOTER.",
      );
    if (other.type === "HEADER" && other.format !== undefined && other.format !== "IMAGE" && other.format !== "VIDEO") {
      add(
        "template_lto_header_format",
        ["components", index, "format"],
        `A limited-time offer's header is IMAGE or VIDEO, not ${other.format}.`,
      );
    }
    if (
      other.type === "BODY" &&
      other.text !== undefined &&
      characterCount(other.text) > LIMITED_TIME_OFFER_LIMITS.bodyTextLength
    ) {
      add(
        "template_lto_body_too_long",
        ["components", index, "text"],
        `A limited-time offer's body must be at most ${LIMITED_TIME_OFFER_LIMITS.bodyTextLength} characters (has ${characterCount(other.text)}).`,
      );
    }
    if (other.type === "BUTTONS") buttonsIndex = index;
  });
  const buttons = all[buttonsIndex]?.buttons ?? [];
  const buttonsPath: Path = buttonsIndex >= 0 ? ["components", buttonsIndex, "buttons"] : ["components"];
  const copyCode = buttons.findIndex((button) => button.type === "COPY_CODE");
  if (copyCode < 0) {
    add(
      "template_lto_copy_code_required",
      buttonsPath,
      "A limited-time offer needs a COPY_CODE button with the sample offer code.",
    );
  } else {
    const code = buttons[copyCode]?.example?.[0];
    if (code !== undefined && characterCount(code) > LIMITED_TIME_OFFER_LIMITS.offerCodeLength) {
      add(
        "template_lto_offer_code_too_long",
        [...buttonsPath, copyCode, "example", 0],
        `A limited-time offer's code must be at most ${LIMITED_TIME_OFFER_LIMITS.offerCodeLength} characters (has ${characterCount(code)}).`,
      );
    }
  }
  if (!buttons.some((button) => button.type === "URL")) {
    add("template_lto_url_button_required", buttonsPath, "A limited-time offer needs a URL button.");
  }
}
