import ipaddr from "ipaddr.js";
import { MEDIA_LIMITS } from "./limits.js";
import type { MediaHeaderFormat } from "./limits.js";

/**
 * What the media fetcher may reach. The production default (`DEFAULT_MEDIA_FETCH_POLICY`) refuses
 * everything that is not https on port 443 to a public unicast address.
 */
export interface MediaFetchPolicy {
  /** Ports allowed for `https:` URLs. Default `[443]`. */
  allowedPorts: readonly number[];
  /** Time to establish TCP (+TLS) for one hop. Default 5 000 ms. */
  connectTimeoutMs: number;
  /** Wall-clock budget for the whole download: DNS, every redirect hop, and the body. Default 60 000 ms. */
  totalTimeoutMs: number;
  /** Redirects followed by hand, each re-checked. At most 3 (the default); 0 disables redirects. */
  maxRedirects: number;
  /** Optional lower caps per format. Can only lower Meta's limits (`MEDIA_LIMITS`), never raise them. */
  maxBytes?: Partial<Record<MediaHeaderFormat, number>> | undefined;
  /** Sent as `User-Agent`. */
  userAgent: string;
  /**
   * TEST-ONLY. Off (undefined) by default and must stay off in production.
   *
   * Lets the listed origins (`scheme://host:port`, e.g. `http://127.0.0.1:40123`) through, and only
   * when every address the host resolves to is a LOOPBACK address (127.0.0.0/8, ::1). For those
   * origins the scheme may be `http:` and the port is not checked against `allowedPorts`. Private,
   * link-local and all other non-public addresses stay refused even for listed origins, and any
   * origin that is not listed gets the full production checks (redirect hops included).
   * `ca` adds a trusted CA (PEM) for TLS connections to the listed origins only, so tests can serve
   * https from a certificate made at test time.
   */
  allowInsecureLoopbackForTests?: { origins: readonly string[]; ca?: string | undefined } | undefined;
}

export const DEFAULT_MEDIA_FETCH_POLICY: Readonly<MediaFetchPolicy> = Object.freeze({
  allowedPorts: Object.freeze([443]),
  connectTimeoutMs: 5_000,
  totalTimeoutMs: 60_000,
  maxRedirects: 3,
  userAgent: "kirim-templates-media/1 (+header sample fetch)",
});

/** The ceiling for `maxRedirects` (issue 4: "at most 3"). */
export const MAX_REDIRECTS_CEILING = 3;

/**
 * Builds a policy from overrides and validates it. Throws `TypeError` on a configuration mistake
 * (these are operator errors, reported at startup rather than per request).
 */
export function createMediaFetchPolicy(overrides: Partial<MediaFetchPolicy> = {}): MediaFetchPolicy {
  const policy: MediaFetchPolicy = { ...DEFAULT_MEDIA_FETCH_POLICY, ...stripUndefined(overrides) };
  if (policy.allowedPorts.length === 0) throw new TypeError("media policy: allowedPorts must not be empty");
  for (const port of policy.allowedPorts) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new TypeError(`media policy: invalid port ${String(port)}`);
  }
  for (const key of ["connectTimeoutMs", "totalTimeoutMs"] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`media policy: ${key} must be a positive number`);
  }
  if (
    !Number.isInteger(policy.maxRedirects) ||
    policy.maxRedirects < 0 ||
    policy.maxRedirects > MAX_REDIRECTS_CEILING
  ) {
    throw new TypeError(`media policy: maxRedirects must be an integer in 0..${MAX_REDIRECTS_CEILING}`);
  }
  for (const [format, cap] of Object.entries(policy.maxBytes ?? {})) {
    const limit = MEDIA_LIMITS[format as MediaHeaderFormat] as (typeof MEDIA_LIMITS)[MediaHeaderFormat] | undefined;
    if (limit === undefined) throw new TypeError(`media policy: unknown format ${format} in maxBytes`);
    if (cap !== undefined && (!Number.isInteger(cap) || cap <= 0 || cap > limit.maxBytes)) {
      throw new TypeError(
        `media policy: maxBytes.${format} must be a positive integer ≤ ${limit.maxBytes} (Meta's cap)`,
      );
    }
  }
  if (policy.allowInsecureLoopbackForTests !== undefined) {
    const origins = policy.allowInsecureLoopbackForTests.origins.map(normaliseTestOrigin);
    policy.allowInsecureLoopbackForTests = { ...policy.allowInsecureLoopbackForTests, origins };
  }
  return policy;
}

/** Effective cap for a format under a policy. */
export function maxBytesFor(policy: MediaFetchPolicy, format: MediaHeaderFormat): number {
  return Math.min(MEDIA_LIMITS[format].maxBytes, policy.maxBytes?.[format] ?? Number.POSITIVE_INFINITY);
}

/** Canonical `scheme://host:port` (explicit port) for allow-list comparison. */
export function originKey(url: URL): string {
  const port = url.port === "" ? (url.protocol === "https:" ? "443" : url.protocol === "http:" ? "80" : "") : url.port;
  return `${url.protocol}//${url.hostname.toLowerCase()}:${port}`;
}

function normaliseTestOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new TypeError(`media policy: test origin ${JSON.stringify(origin)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new TypeError("media policy: test origins must be http: or https:");
  if (
    url.username !== "" ||
    url.password !== "" ||
    (url.pathname !== "/" && url.pathname !== "") ||
    url.search !== "" ||
    url.hash !== ""
  ) {
    throw new TypeError(`media policy: test origin ${JSON.stringify(origin)} must be scheme://host:port only`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // An IP literal must be a loopback address; a name is allowed (for TLS tests) but only ever
  // connects when it resolves to loopback addresses (checked per request).
  if (ipaddr.isValid(host) && ipaddr.process(host).range() !== "loopback") {
    throw new TypeError(`media policy: test origin ${JSON.stringify(origin)} is not a loopback address`);
  }
  return originKey(url);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
