/**
 * HTTP hardening: security headers (helmet) on every response, and CORS for /v1 only when configured.
 */
import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * Helmet's defaults (CSP `default-src 'self'`, no inline scripts, `frame-ancestors 'none'`-equivalent via
 * X-Frame-Options, HSTS, nosniff, no referrer leakage, …). The dashboard at `/` and the API reference load only
 * same-origin scripts and stylesheets, so `'self'` is enough; `upgrade-insecure-requests` is dropped because the
 * server is commonly reached over plain http on localhost, where it would break every asset load.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        "upgrade-insecure-requests": null,
        // The dashboard previews a header sample picked on the device from an object URL (blob:).
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
      },
    },
  });
}

/** Headers a browser client may send cross-origin, and those it may read from our responses. */
const ALLOWED_REQUEST_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key"];
const EXPOSED_RESPONSE_HEADERS = [
  "X-Request-Id",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "Retry-After",
  "Idempotent-Replayed",
];
const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for `/v1`. With no origins configured this adds nothing: browsers then refuse cross-origin calls, which
 * is the default we want for an API whose keys must not live in web pages. With `CORS_ORIGINS` set, exactly
 * those origins get `Access-Control-Allow-Origin` (echoed, never `*`) and preflights are answered here with 204,
 * before authentication (a preflight carries no credentials). Other origins get no CORS headers at all.
 */
export function cors(allowedOrigins: readonly string[] | undefined): RequestHandler {
  const allowed = new Set(allowedOrigins ?? []);
  return (req, res, next) => {
    if (allowed.size === 0) return next();
    res.vary("Origin");
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return next();
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Expose-Headers", EXPOSED_RESPONSE_HEADERS.join(", "));
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
      res.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS.join(", "));
      res.setHeader("Access-Control-Allow-Headers", ALLOWED_REQUEST_HEADERS.join(", "));
      res.setHeader("Access-Control-Max-Age", String(PREFLIGHT_MAX_AGE_SECONDS));
      res.status(204).end();
      return;
    }
    next();
  };
}
