/**
 * Placeholder scanning for template texts. Meta writes variables as `{{1}}` (positional) or `{{first_name}}`
 * (named); anything else between or around double braces is malformed.
 */

/** A well-formed `{{…}}` token. The content is checked separately so `{{ 1 }}` is found and reported. */
const TOKEN = /\{\{([^{}]*)\}\}/g;
const POSITIONAL_NAME = /^[1-9]\d*$/;
/** Meta: "unique, single strings, composed of lowercase characters and underscores". */
export const NAMED_PARAMETER_PATTERN = /^[a-z_]+$/;

export type PlaceholderKind = "positional" | "named" | "invalid";

export interface Placeholder {
  /** Text between the braces, verbatim. */
  readonly name: string;
  readonly kind: PlaceholderKind;
  /** Index of the first `{` in the text. */
  readonly start: number;
  /** Index just after the last `}`. */
  readonly end: number;
}

export interface PlaceholderScan {
  readonly placeholders: readonly Placeholder[];
  /** True when braces remain that do not form `{{…}}` tokens (e.g. `{{1}`, `{1}}`, `{{{1}}}`). */
  readonly hasStrayBraces: boolean;
}

function kindOf(name: string): PlaceholderKind {
  if (POSITIONAL_NAME.test(name)) return "positional";
  if (NAMED_PARAMETER_PATTERN.test(name)) return "named";
  return "invalid";
}

export function scanPlaceholders(text: string): PlaceholderScan {
  const placeholders: Placeholder[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const name = match[1] ?? "";
    placeholders.push({ name, kind: kindOf(name), start: match.index, end: match.index + match[0].length });
  }
  // Double braces left after removing the tokens mean a token is broken. Single braces are ordinary text
  // ("{price}" is fine for Meta), so only `{{` / `}}` count.
  const rest = text.replace(TOKEN, " ");
  return { placeholders, hasStrayBraces: rest.includes("{{") || rest.includes("}}") };
}

/** Distinct placeholder names in order of first appearance. */
export function distinctNames(placeholders: readonly Placeholder[]): string[] {
  return [...new Set(placeholders.map((placeholder) => placeholder.name))];
}

/** True when two placeholders are separated by nothing but whitespace. */
export function hasAdjacentPlaceholders(text: string, placeholders: readonly Placeholder[]): boolean {
  for (let index = 1; index < placeholders.length; index += 1) {
    const previous = placeholders[index - 1];
    const current = placeholders[index];
    if (previous && current && text.slice(previous.end, current.start).trim() === "") return true;
  }
  return false;
}

/** True when the text (ignoring surrounding whitespace) starts or ends with a placeholder. */
export function hasLeadingOrTrailingPlaceholder(text: string, placeholders: readonly Placeholder[]): boolean {
  const first = placeholders[0];
  const last = placeholders[placeholders.length - 1];
  if (!first || !last) return false;
  return text.slice(0, first.start).trim() === "" || text.slice(last.end).trim() === "";
}

/** Emoji detection for the AUTHENTICATION "no emoji" rule and the body emoji limit. */
const EMOJI = /\p{Extended_Pictographic}/gu;
export function countEmoji(text: string): number {
  return text.match(EMOJI)?.length ?? 0;
}
