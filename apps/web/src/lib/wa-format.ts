import type { Segment } from "./preview-model.js";

/**
 * WhatsApp's message formatting over the preview's segments: `*bold*`, `_italic_`, `~strike~` and ```` ```mono``` ````.
 * A marker opens before a non-space and closes after one, on the same line, at word edges (as WhatsApp does:
 * `2*3*4` stays as typed). Variables are atoms: `*{{1}}*` makes the sample value bold.
 */
export type Formatted =
  | { kind: "text"; text: string }
  | { kind: "var"; segment: Segment }
  | { kind: "bold" | "italic" | "strike"; children: Formatted[] }
  | { kind: "mono"; children: Formatted[] };

type Atom = { char: string } | { segment: Segment };

const MARKERS: Record<string, "bold" | "italic" | "strike"> = { "*": "bold", _: "italic", "~": "strike" };
const charOf = (atom: Atom | undefined): string | undefined =>
  atom !== undefined && "char" in atom ? atom.char : undefined;
const isSpace = (atom: Atom | undefined) => atom === undefined || /\s/.test(charOf(atom) ?? "x");
const isWordChar = (atom: Atom | undefined) =>
  atom !== undefined && ("segment" in atom || /[\p{L}\p{N}]/u.test(atom.char));

export function formatSegments(segments: readonly Segment[]): Formatted[] {
  const atoms: Atom[] = segments.flatMap((segment): Atom[] =>
    segment.kind === "text" ? [...segment.text].map((char) => ({ char })) : [{ segment }],
  );
  return parse(atoms, 0, atoms.length);
}

function isMono(atoms: Atom[], at: number): boolean {
  return charOf(atoms[at]) === "`" && charOf(atoms[at + 1]) === "`" && charOf(atoms[at + 2]) === "`";
}

function parse(atoms: Atom[], start: number, end: number): Formatted[] {
  const out: Formatted[] = [];
  const pushText = (text: string) => {
    const last = out[out.length - 1];
    if (last?.kind === "text") last.text += text;
    else out.push({ kind: "text", text });
  };
  let i = start;
  while (i < end) {
    const atom = atoms[i] as Atom;
    if ("segment" in atom) {
      out.push({ kind: "var", segment: atom.segment });
      i += 1;
      continue;
    }
    if (isMono(atoms, i)) {
      let close = -1;
      for (let j = i + 3; j + 2 < end; j++)
        if (isMono(atoms, j)) {
          close = j;
          break;
        }
      if (close > i + 3) {
        // No formatting inside monospace.
        out.push({
          kind: "mono",
          children: atoms
            .slice(i + 3, close)
            .map((a): Formatted =>
              "char" in a ? { kind: "text", text: a.char } : { kind: "var", segment: a.segment },
            ),
        });
        i = close + 3;
        continue;
      }
    }
    const kind = MARKERS[atom.char];
    if (
      kind !== undefined &&
      !isSpace(atoms[i + 1]) &&
      charOf(atoms[i + 1]) !== atom.char &&
      !isWordChar(i > start ? atoms[i - 1] : undefined)
    ) {
      let close = -1;
      for (let j = i + 2; j < end; j++) {
        const c = charOf(atoms[j]);
        if (c === "\n") break;
        if (c === atom.char && !isSpace(atoms[j - 1]) && !isWordChar(atoms[j + 1])) {
          close = j;
          break;
        }
      }
      if (close !== -1) {
        out.push({ kind, children: parse(atoms, i + 1, close) });
        i = close + 1;
        continue;
      }
    }
    pushText(atom.char);
    i += 1;
  }
  return out;
}
