/**
 * Text PostgreSQL cannot store. A `text` column refuses U+0000 ("invalid byte sequence"); a `jsonb` column refuses
 * `\u0000` and unpaired UTF-16 surrogates (`\ud800`, which JSON.stringify writes for a lone surrogate). Either makes
 * the whole statement fail, so such text is refused where a client sends it and replaced where Meta sends it.
 */
import { formatIssuePath } from "@kirim/schema";
import { DomainError } from "../errors.js";

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * The path (`components[1].text`, as in error `param`s) of the first string — object keys included — in `value`
 * that cannot be stored, or undefined when there is none. Breadth first (the shallowest offender), with a queue and
 * parent links rather than recursion or per-node path copies, so a value nested 100 000 deep costs linear time.
 */
export function firstUnstorableText(value: unknown): string | undefined {
  const queue: Array<{ node: unknown; parent: number; key: PropertyKey | undefined }> = [
    { node: value, parent: -1, key: undefined },
  ];
  const pathTo = (index: number, last?: PropertyKey): string => {
    const reversed: PropertyKey[] = last === undefined ? [] : [last];
    for (let i = index; i > 0; i = queue[i]?.parent ?? 0) {
      const key = queue[i]?.key;
      if (key !== undefined) reversed.push(key);
    }
    return formatIssuePath(reversed.reverse());
  };
  for (let next = 0; next < queue.length; next++) {
    const node = queue[next]?.node;
    if (typeof node === "string") {
      if (!isStorableText(node)) return pathTo(next);
    } else if (Array.isArray(node)) {
      node.forEach((member, index) => queue.push({ node: member, parent: next, key: index }));
    } else if (node !== null && typeof node === "object") {
      for (const [key, member] of Object.entries(node)) {
        if (!isStorableText(key)) return pathTo(next, key);
        queue.push({ node: member, parent: next, key });
      }
    }
  }
  return undefined;
}

/**
 * `value` with every unstorable character of every string (and key) replaced by U+FFFD; other values as they are.
 * Copy on write: an array or object is copied only when something in it changed, else returned as it is (a sync maps
 * every page of Meta's answer through this, and copying all of it cost 33 MiB of allocations per 6,000 templates).
 */
export function toStorableText<T>(value: T): T {
  if (typeof value === "string") return (isStorableText(value) ? value : value.replace(UNSTORABLE_ALL, "\ufffd")) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const member: unknown = value[index];
      const stored = toStorableText(member);
      if (stored === member) continue;
      copy ??= value.slice();
      copy[index] = stored;
    }
    return (copy ?? value) as T;
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const storedKey = toStorableText(key);
      const stored = toStorableText(record[key]);
      if (storedKey === key && stored === record[key]) continue;
      // The first change: copy, keeping the members before it as they are (fromEntries: "__proto__" stays a key).
      const entries: [string, unknown][] = keys.slice(0, index).map((k) => [k, record[k]]);
      entries.push([storedKey, stored]);
      for (const k of keys.slice(index + 1)) entries.push([toStorableText(k), toStorableText(record[k])]);
      return Object.fromEntries(entries) as T;
    }
    return value;
  }
  return value;
}

/** Refuses (400 invalid_field_value, `param` = its path) a client value holding text that could not be stored. */
export function assertStorableText(value: unknown): void {
  const param = firstUnstorableText(value);
  if (param !== undefined) {
    throw new DomainError(
      "invalid_field_value",
      `${param || "The input"} must be valid Unicode text: no NUL character (U+0000) and no unpaired surrogate.`,
      {
        ...(param === "" ? {} : { param }),
      },
    );
  }
}
