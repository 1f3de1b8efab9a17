// The sandbox's stand-in for Meta's template review: deterministic rules, documented in the README,
// so tests can predict APPROVED / REJECTED and the recategorisation of utility templates.
import type { ReadComponent, RejectionReason, TemplateCategory } from "./model.js";

export interface ReviewVerdict {
  status: "APPROVED" | "REJECTED";
  reason: RejectionReason;
  rejectionInfo?: { reason: string; recommendation: string };
}

/** Phrases that make the reviewer call a body a scam (→ REJECTED, SCAM). Lowercase substrings. */
export const SCAM_PHRASES = [
  "you have won",
  "claim your prize",
  "guaranteed return",
  "double your money",
  "wire transfer fee",
  "send your pin",
  "share your password",
  "crypto giveaway",
] as const;

/** Phrases that make the reviewer call a body abusive (→ REJECTED, ABUSIVE_CONTENT). */
export const ABUSIVE_PHRASES = ["idiot", "stupid customer", "shut up"] as const;

/**
 * Promotional wording: a UTILITY submission containing any of these is answered with
 * `category: "MARKETING"` (Meta's recategorisation since 9 Apr 2025, §1.3 [V M-CAT]).
 * An AUTHENTICATION body cannot contain them (its text is preset), so only UTILITY is affected.
 */
export const PROMOTIONAL_PHRASES = [
  "% off",
  "discount",
  "promo code",
  "coupon",
  "sale",
  "special offer",
  "limited time",
  "shop now",
  "buy now",
  "free shipping",
  "exclusive deal",
] as const;

const ADJACENT_PARAMETERS = /\}\}\s*\{\{/;

export function textOf(components: readonly ReadComponent[], type: string): string {
  const component = components.find((candidate) => candidate.type === type);
  return typeof component?.text === "string" ? component.text : "";
}

function contains(text: string, phrases: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return phrases.some((phrase) => {
    if (phrase === "sale") return /\bsale\b/.test(lower);
    return lower.includes(phrase);
  });
}

/** The category a submission ends up with: UTILITY + promotional wording → MARKETING. */
export function judgeCategory(requested: TemplateCategory, components: readonly ReadComponent[]): TemplateCategory {
  if (requested !== "UTILITY") return requested;
  const visible = [textOf(components, "HEADER"), textOf(components, "BODY"), textOf(components, "FOOTER")].join("\n");
  return contains(visible, PROMOTIONAL_PHRASES) ? "MARKETING" : requested;
}

/**
 * Review outcome, first matching rule wins:
 * 1. adjacent parameters ({{1}}{{2}}, only whitespace between) → REJECTED / INVALID_FORMAT with rejection_info (§8.2 example);
 * 2. a scam phrase → REJECTED / SCAM;
 * 3. an abusive phrase → REJECTED / ABUSIVE_CONTENT;
 * 4. same body and footer wording as another of the WABA's templates with another name (not AUTHENTICATION) →
 *    REJECTED / INVALID_FORMAT (M-REV says duplicates are rejected; the reason is not documented [I]);
 * 5. otherwise APPROVED.
 */
export function reviewTemplate(
  template: { name: string; category: TemplateCategory; components: readonly ReadComponent[] },
  others: ReadonlyArray<{ name: string; components: readonly ReadComponent[] }>,
): ReviewVerdict {
  const body = textOf(template.components, "BODY");
  const visible = [textOf(template.components, "HEADER"), body, textOf(template.components, "FOOTER")].join("\n");
  if (ADJACENT_PARAMETERS.test(body) || ADJACENT_PARAMETERS.test(textOf(template.components, "HEADER"))) {
    return {
      status: "REJECTED",
      reason: "INVALID_FORMAT",
      rejectionInfo: {
        reason:
          "Your template has parameters placed next to each other (like {{1}}{{2}}) without text or punctuation between them.",
        recommendation:
          "Separate parameters with descriptive text and ensure each parameter is clearly contextualized.",
      },
    };
  }
  if (contains(visible, SCAM_PHRASES)) return { status: "REJECTED", reason: "SCAM" };
  if (contains(visible, ABUSIVE_PHRASES)) return { status: "REJECTED", reason: "ABUSIVE_CONTENT" };
  if (template.category !== "AUTHENTICATION") {
    const footer = textOf(template.components, "FOOTER");
    const duplicate = others.some(
      (other) =>
        other.name !== template.name &&
        textOf(other.components, "BODY") === body &&
        textOf(other.components, "FOOTER") === footer,
    );
    if (duplicate) return { status: "REJECTED", reason: "INVALID_FORMAT" };
  }
  return { status: "APPROVED", reason: "NONE" };
}
