import { DomainError } from "@kirim/core";
import type { RequestHandler } from "express";

/** 405 with `Allow` for a known path hit with another method (registered after the real routes). */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  const allow = allowed.includes("GET") ? [...allowed, "HEAD"] : allowed;
  return (req) => {
    throw new DomainError("method_not_allowed", `${req.method} is not allowed here. Allowed: ${allow.join(", ")}.`, {
      headers: { Allow: allow.join(", ") },
    });
  };
}
