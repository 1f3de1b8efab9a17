/** Output helpers for the `kirim` CLI: JSON (`--json`) or a plain aligned table. */

export type Cell = string | number | boolean | Date | null | undefined;

function text(value: Cell): string {
  if (value === null || value === undefined) return "-";
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Columns padded to the widest cell; an empty list prints `(none)`. */
export function table(headers: string[], rows: Cell[][]): string {
  if (rows.length === 0) return "(none)\n";
  const cells = [headers, ...rows.map((row) => row.map(text))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

/** `key: value` lines for one record. */
export function record(fields: Array<[string, Cell]>): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  return `${fields.map(([name, value]) => `${`${name}:`.padEnd(width + 1)} ${text(value)}`).join("\n")}\n`;
}

/** Pretty JSON for `--json` (dates become ISO strings through `Date#toJSON`). */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
