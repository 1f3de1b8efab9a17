import { DomainError } from "@kirim/core";
import type { RequestHandler } from "express";

/**
 * 405 with `Allow` for a known path hit with another method (registered after the real routes). `allowed` comes from
 * the endpoint table (`allowedMethods(path)` in ../endpoints/rest.ts); HEAD is added where GET is allowed, except
 * where the router has always answered without it (Meta's webhook intake).
 */
export function methodNotAllowed(allowed: string[], options: { head?: boolean } = {}): RequestHandler {
  const allow = allowed.includes("GET") && options.head !== false ? [...allowed, "HEAD"] : allowed;
  return (req) => {
    throw new DomainError("method_not_allowed", `${req.method} is not allowed here. Allowed: ${allow.join(", ")}.`, {
      headers: { Allow: allow.join(", ") },
    });
  };
}
