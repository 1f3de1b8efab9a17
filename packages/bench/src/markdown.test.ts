import { describe, expect, it } from "vitest";
import { composeDocument, escapeCell, GENERATED_MARKER, renderTable } from "./markdown.js";

describe("renderTable", () => {
  it("renders a header, an alignment rule and the rows", () => {
    expect(
      renderTable(
        ["what", "ms"],
        [
          ["ours", "967"],
          ["bare", "124"],
        ],
        ["left", "right"],
      ),
    ).toBe(["| what | ms |", "|---|---:|", "| ours | 967 |", "| bare | 124 |"].join("\n"));
  });

  it("escapes pipes and flattens newlines so a cell cannot break the table", () => {
    expect(escapeCell("a|b\nc")).toBe("a\\|b c");
    expect(renderTable(["x"], [["1 | 2"]])).toContain("| 1 \\| 2 |");
  });

  it("refuses a row with the wrong number of cells", () => {
    expect(() => renderTable(["a", "b"], [["only one"]])).toThrow(/row 0 has 1 cells/);
  });
});

describe("composeDocument", () => {
  const intro = "# Benchmarks\n\nHand-written.\n";

  it("keeps everything above the marker and replaces everything below it", () => {
    const existing = `# Benchmarks\n\nOur notes, edited by hand.\n\n${GENERATED_MARKER}\n\nold tables\n`;
    const next = composeDocument(existing, intro, "new tables");
    expect(next).toBe(`# Benchmarks\n\nOur notes, edited by hand.\n\n${GENERATED_MARKER}\n\nnew tables\n`);
    expect(next).not.toContain("old tables");
  });

  it("uses the default intro for a missing or empty file", () => {
    expect(composeDocument(undefined, intro, "tables")).toBe(
      `# Benchmarks\n\nHand-written.\n\n${GENERATED_MARKER}\n\ntables\n`,
    );
    expect(composeDocument("  \n", intro, "tables")).toContain("Hand-written.");
  });

  it("never drops a file without a marker: all of it is kept as the intro", () => {
    const existing = "# Benchmarks\n\nSomeone wrote this without the marker.\n";
    expect(composeDocument(existing, intro, "tables")).toBe(`${existing.trimEnd()}\n\n${GENERATED_MARKER}\n\ntables\n`);
  });

  it("is stable: composing its own output again changes nothing but the generated part", () => {
    const once = composeDocument(undefined, intro, "tables");
    expect(composeDocument(once, intro, "tables")).toBe(once);
  });
});
