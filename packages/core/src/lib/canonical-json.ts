/**
 * JSON with object keys sorted (recursively), so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request.
 * Array order is kept (it is meaningful). `undefined` object members are dropped, as JSON.stringify does.
 * Used wherever two JSON values are compared or hashed regardless of key order (idempotency fingerprints; jsonb,
 * which does not keep key order, against Meta's answers in a sync).
 * Walks with an explicit stack, not recursion: a body nested 100 000 deep (the JSON parser accepts it) is
 * fingerprinted like any other instead of overflowing the call stack.
 */
export function canonicalJson(value: unknown): string {
  type Frame =
    { items: unknown[]; index: number; close: "]" } | { entries: Array<[string, unknown]>; index: number; close: "}" };
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (v: unknown): void => {
    if (v === null || typeof v !== "object") {
      out.push(JSON.stringify(v) ?? "null");
    } else if (Array.isArray(v)) {
      out.push("[");
      stack.push({ items: v, index: 0, close: "]" });
    } else {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out.push("{");
      stack.push({ entries, index: 0, close: "}" });
    }
  };
  open(value);
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    const length = "items" in frame ? frame.items.length : frame.entries.length;
    if (frame.index >= length) {
      out.push(frame.close);
      stack.pop();
      continue;
    }
    if (frame.index > 0) out.push(",");
    if ("items" in frame) {
      const item = frame.items[frame.index++];
      open(item === undefined ? null : item);
    } else {
      const [key, member] = frame.entries[frame.index++] as [string, unknown];
      out.push(`${JSON.stringify(key)}:`);
      open(member);
    }
  }
  return out.join("");
}
