/**
 * Markdown for docs/benchmarks.md. The file has a hand-written part (what is measured and why, what bounds a
 * missed target) above GENERATED_MARKER, which `pnpm bench` keeps, and a generated part below it, which each run
 * replaces whole.
 */

export const GENERATED_MARKER = "<!-- pnpm bench: everything below this line is generated; edit above it -->";

export type Align = "left" | "right";

/** A cell never breaks the table: pipes are escaped and newlines become spaces. */
export function escapeCell(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== headers.length)
      throw new Error(`row ${i} has ${row.length} cells, the table has ${headers.length} columns`);
  }
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  const rule = `|${headers.map((_, i) => (align[i] === "right" ? "---:" : "---")).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/**
 * The new file: the hand-written part of `existing` (everything above the marker; all of it when the marker is
 * missing, so nothing written by hand is ever lost) or `defaultIntro` for a missing file, then the marker, then
 * the generated part.
 */
export function composeDocument(existing: string | undefined, defaultIntro: string, generated: string): string {
  let intro: string;
  if (existing === undefined || existing.trim() === "") intro = defaultIntro;
  else {
    const at = existing.indexOf(GENERATED_MARKER);
    intro = at === -1 ? existing : existing.slice(0, at);
  }
  return `${intro.trimEnd()}\n\n${GENERATED_MARKER}\n\n${generated.trim()}\n`;
}
