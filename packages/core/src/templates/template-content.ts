/** Helpers deriving `content` and `variables` from components (shared by create and sync). */

interface ComponentLike {
  type?: unknown;
  text?: unknown;
}

function componentText(components: readonly unknown[], type: string): string | undefined {
  for (const c of components) {
    const comp = c as ComponentLike | null;
    if (comp && typeof comp.type === "string" && comp.type.toUpperCase() === type && typeof comp.text === "string") {
      return comp.text;
    }
  }
  return undefined;
}

/** `content` = the BODY component's text ("" when the body has no text, e.g. AUTHENTICATION presets). */
export function templateContent(components: readonly unknown[]): string {
  return componentText(components, "BODY") ?? "";
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/**
 * Placeholder names found in the HEADER text then the BODY text, in order of first appearance, without braces and
 * de-duplicated: `Hi {{1}}, order {{2}}` → `["1", "2"]`; named `{{first_name}}` → `["first_name"]`.
 */
export function extractVariables(components: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const type of ["HEADER", "BODY"]) {
    const text = componentText(components, type);
    if (text === undefined) continue;
    for (const m of text.matchAll(PLACEHOLDER)) {
      const name = m[1];
      if (name !== undefined && !out.includes(name)) out.push(name);
    }
  }
  return out;
}
