import { monotonicFactory } from "ulid";

const nextUlid = monotonicFactory();

/** Prefixed, time-ordered ids: `tmpl_`, `org_`, `cus_`, `key_`, `wa_` + 26 Crockford base32 chars (ULID). */
export function newId(
  prefix: "tmpl" | "org" | "cus" | "key" | "wa" | "tev" | "tsr" | "whe" | "whs" | "evt" | "wdl" | "wda",
  now?: number,
): string {
  return `${prefix}_${nextUlid(now)}`;
}
