import { randomFillSync } from "node:crypto";
import { monotonicFactory } from "ulid";

/**
 * A random fraction in [0, 1) for ulid. ulid's own source asks the CSPRNG for one byte per character (16 calls, and a
 * PRNG lookup, per id: a tenth of a millisecond per create, which makes three ids). The same CSPRNG's bytes, drawn
 * 4 KiB at a time.
 */
const pool = new Uint8Array(4096);
let nextByte = pool.length;
export function pooledRandomFraction(): number {
  if (nextByte === pool.length) {
    randomFillSync(pool);
    nextByte = 0;
  }
  // A byte / 256 is in [0, 1), as ulid's own source returns: floor(× 32) is the byte's top five bits, uniform.
  return (pool[nextByte++] ?? 0) / 256;
}

const nextUlid = monotonicFactory(pooledRandomFraction);

/** Prefixed, time-ordered ids: `tmpl_`, `org_`, `cus_`, `key_`, `wa_` + 26 Crockford base32 chars (ULID). */
export function newId(
  prefix: "tmpl" | "org" | "cus" | "key" | "wa" | "tev" | "tsr" | "whe" | "whs" | "evt" | "wdl" | "wda",
  now?: number,
): string {
  return `${prefix}_${nextUlid(now)}`;
}
