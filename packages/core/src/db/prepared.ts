import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Kysely, QueryResult, Transaction } from "kysely";
import type { Database } from "./schema.js";

/**
 * The comment that opens a statement PostgreSQL should prepare once per connection (database.ts): begin a hot
 * statement of fixed text with `${PREPARED}`. PostgreSQL then parses, analyses and rewrites it once per connection,
 * and after five runs plans it once too when its generic plan is no costlier. A sync's page statement spent about
 * 15 % of a sync of 6,000 templates on that work (docs/benchmarks.md, sixth pass). Only for statements whose text
 * does not grow with their input, and whose result columns are named, not `*`: a prepared `*` fails with "cached
 * plan must not change result type" once a migration adds a column. PGlite runs the statement as any other.
 */
export const PREPARED_MARKER = "/* kirim:prepared */ ";
export const PREPARED = sql.raw(PREPARED_MARKER);

const names = new Map<string, string>();
/** Bounded: only marked statements are named, and they are a handful of fixed texts. */
const NAMES_KEPT = 256;

/** The statement's name on every connection: a hash of its text, so one text is prepared once per connection. */
export function preparedStatementName(text: string): string {
  const known = names.get(text);
  if (known !== undefined) return known;
  const name = `kirim_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
  if (names.size < NAMES_KEPT) names.set(text, name);
  return name;
}

export function isPrepared(text: string): boolean {
  return text.startsWith(PREPARED_MARKER);
}

/**
 * A statement of fixed text with numbered parameters (`$1` … `$n`, each used any number of times), run through
 * Kysely — its plugins and its log see it like any other — without a query builder per call: the text is split at
 * its parameters once, and a call only binds them. Compiled, every call's text is the same, so a text that opens with
 * `PREPARED_MARKER` is prepared once per connection. For statements on a hot path whose every value is a parameter.
 */
export function fixedStatement<Row>(
  text: string,
): (db: Kysely<Database> | Transaction<Database>, parameters: readonly unknown[]) => Promise<QueryResult<Row>> {
  const fragments: string[] = [];
  const order: number[] = [];
  let end = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) {
    fragments.push(text.slice(end, match.index));
    order.push(Number(match[1]) - 1);
    end = match.index + match[0].length;
  }
  fragments.push(text.slice(end));
  const strings = Object.assign([...fragments], { raw: [...fragments] }) as unknown as TemplateStringsArray;
  return (db, parameters) => sql<Row>(strings, ...order.map((index) => parameters[index])).execute(db);
}
