import { describe, expect, it } from "vitest";
import {
  countEmoji,
  distinctNames,
  hasAdjacentPlaceholders,
  hasLeadingOrTrailingPlaceholder,
  scanPlaceholders,
} from "./placeholders.js";

describe("scanPlaceholders", () => {
  it.each([
    [
      "Hi {{1}} and {{2}}",
      [
        ["1", "positional"],
        ["2", "positional"],
      ],
      false,
    ],
    ["Hi {{first_name}}", [["first_name", "named"]], false],
    ["Hi {{ 1 }}", [[" 1 ", "invalid"]], false],
    ["Hi {{01}}", [["01", "invalid"]], false],
    ["Hi {{First}}", [["First", "invalid"]], false],
    ["Hi {{}}", [["", "invalid"]], false],
    ["Hi {{1}", [], true],
    ["Hi 1}}", [], true],
    ["Hi {{{1}}}", [["1", "positional"]], false],
    ["Price {x} ok", [], false],
  ] as const)("%j", (text, expected, stray) => {
    const scan = scanPlaceholders(text);
    expect(scan.placeholders.map((placeholder) => [placeholder.name, placeholder.kind])).toEqual(expected);
    expect(scan.hasStrayBraces).toBe(stray);
  });

  it("records where each token starts and ends", () => {
    expect(scanPlaceholders("ab{{1}}c").placeholders[0]).toMatchObject({ start: 2, end: 7 });
  });
});

describe("placeholder helpers", () => {
  it("distinctNames keeps first-appearance order", () => {
    expect(distinctNames(scanPlaceholders("{{2}} {{1}} {{2}}").placeholders)).toEqual(["2", "1"]);
  });

  it.each([
    ["a {{1}}{{2}} b", true],
    ["a {{1}} \n {{2}} b", true],
    ["a {{1}}, {{2}} b", false],
    ["a {{1}} b", false],
  ])("hasAdjacentPlaceholders(%j) = %s", (text, expected) => {
    expect(hasAdjacentPlaceholders(text, scanPlaceholders(text).placeholders)).toBe(expected);
  });

  it.each([
    ["{{1}} b", true],
    [" \n{{1}} b", true],
    ["a {{1}}", true],
    ["a {{1}} ", true],
    ["a {{1}}.", false],
    ["a b", false],
  ])("hasLeadingOrTrailingPlaceholder(%j) = %s", (text, expected) => {
    expect(hasLeadingOrTrailingPlaceholder(text, scanPlaceholders(text).placeholders)).toBe(expected);
  });

  it.each([
    ["no emoji", 0],
    ["😀😀", 2],
    ["👍🏽", 1],
    ["✨ ok", 1],
    ["123 #*", 0],
  ])("countEmoji(%j) = %i", (text, expected) => {
    expect(countEmoji(text)).toBe(expected);
  });
});
