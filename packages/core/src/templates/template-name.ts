/**
 * Whether a template name taken from a request (a REST path segment, a tRPC input) can be looked up at all.
 * PostgreSQL text cannot hold U+0000, so a name containing it matches no stored row — and sending it as a query
 * parameter fails the whole statement ("invalid byte sequence"), which would be a 500. Callers answer "no such
 * template" without asking the database.
 */
export function isQueryableName(name: string): boolean {
  return !name.includes("\u0000");
}
