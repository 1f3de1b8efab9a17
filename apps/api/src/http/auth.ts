import { DomainError, isDomainError } from "@kirim/core";
import type { Core, Principal } from "@kirim/core";
import type { RequestHandler } from "express";
import { clientAddress } from "./client-address.js";
import "./locals.js";

/** RFC 6750 token68 characters; anything else is not a key we could have issued. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Extracts the key from `Authorization: Bearer <key>` (the only accepted form: no query parameter, no
 * Basic auth, no cookie). Missing header → `missing_api_key`; any other shape → `invalid_api_key`.
 */
export function parseBearer(header: string | string[] | undefined): string {
  if (header === undefined || (typeof header === "string" && header.trim() === "")) {
    throw new DomainError("missing_api_key", "No API key provided. Send it as `Authorization: Bearer <key>`.");
  }
  if (Array.isArray(header)) {
    throw new DomainError("invalid_api_key", "Send exactly one Authorization header.");
  }
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  const token = match?.[1];
  if (token === undefined || !TOKEN68.test(token)) {
    throw new DomainError("invalid_api_key", "Malformed Authorization header. Expected `Authorization: Bearer <key>`.");
  }
  return token;
}

/**
 * The same check for both transports (REST middleware, and the tRPC context once per HTTP request). Every 401
 * takes a token from the client address's failure bucket; while that bucket is empty the answer is 429 with
 * Retry-After and the key is not looked up (core `rateLimits.authFailures`).
 */
export async function authenticate(
  core: Pick<Core, "auth" | "rateLimits">,
  header: string | string[] | undefined,
  address: string,
): Promise<Principal> {
  const failures = core.rateLimits.authFailures;
  try {
    const key = parseBearer(header);
    failures.admit(address, key);
    const principal = await core.auth.authenticate(key);
    failures.recordSuccess(key);
    return principal;
  } catch (error) {
    if (isDomainError(error) && error.status === 401) failures.recordFailure(address);
    throw error;
  }
}

/** REST: authenticates every route mounted after it and stores the principal on `res.locals`. */
export function requireApiKey(core: Core): RequestHandler {
  return async (req, res, next) => {
    res.locals.principal = await authenticate(core, req.headers.authorization, clientAddress(req));
    next();
  };
}

export function principalOf(locals: { principal?: Principal }): Principal {
  const principal = locals.principal;
  if (principal === undefined) {
    // A programming error (route mounted before the auth middleware), never a client error.
    throw new Error("route reached without an authenticated principal");
  }
  return principal;
}
