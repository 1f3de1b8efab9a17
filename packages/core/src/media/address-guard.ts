import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { MediaError } from "./errors.js";
import { originKey } from "./policy.js";
import type { MediaFetchPolicy } from "./policy.js";

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Injected in tests (no DNS traffic there). */
export type MediaResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The default resolver: the system's getaddrinfo, all addresses, in the resolver's order. */
export const systemResolver: MediaResolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

export interface AddressClass {
  /** ipaddr.js range name (`unicast`, `private`, `loopback`, `linkLocal`, `uniqueLocal`, …); IPv4-mapped forms are unwrapped first. */
  range: string;
  /** A public unicast address: the only kind the production policy connects to. */
  isPublic: boolean;
  isLoopback: boolean;
}

// IANA's global-unicast allocation for IPv6. We allow-list it on top of ipaddr.js's `unicast`
// verdict, because ipaddr.js calls everything outside its named special ranges "unicast" — including
// the deprecated IPv4-compatible block ::/96 (`::7f00:1` is 127.0.0.1 to some stacks).
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/**
 * Classifies an IP address. Anything that does not parse, carries an IPv6 zone id, or is not
 * public unicast is refused by the production policy. IPv4-mapped IPv6 (`::ffff:127.0.0.1`,
 * `::ffff:7f00:1`) is unwrapped and judged as the IPv4 address it is. NAT64 (64:ff9b::/96), 6to4,
 * Teredo and SIIT (::ffff:0:0/96) forms are classified by ipaddr.js as their own ranges and refused.
 */
export function classifyAddress(raw: string): AddressClass {
  const text = raw.replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(text)) return { range: "invalid", isPublic: false, isLoopback: false };
  let address = ipaddr.parse(text);
  let prefix = "";
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    if (v6.zoneId !== undefined) return { range: "scoped", isPublic: false, isLoopback: false };
    if (v6.isIPv4MappedAddress()) {
      address = v6.toIPv4Address();
      prefix = "ipv4Mapped:";
    }
  }
  const range = address.range();
  const isLoopback = range === "loopback";
  let isPublic = range === "unicast";
  if (isPublic && address.kind() === "ipv6") isPublic = address.match(IPV6_GLOBAL_UNICAST);
  return { range: prefix + range, isPublic, isLoopback };
}

/** A URL that passed every check, with the address we will connect to (and nothing else). */
export interface CheckedTarget {
  url: URL;
  protocol: "https:" | "http:";
  /** Host name for the Host header and TLS SNI / certificate check (no brackets). */
  hostname: string;
  /** True when `hostname` is an IP literal (no SNI is sent then). */
  hostIsIp: boolean;
  port: number;
  /** The checked address; the connection goes to exactly this IP (no second lookup). */
  address: string;
  family: 4 | 6;
  /** Every address the name resolved to (all of them were checked). */
  resolved: readonly ResolvedAddress[];
  /** Extra CA for a test-allowed origin. */
  ca: string | undefined;
}

export interface CheckUrlOptions {
  policy: MediaFetchPolicy;
  resolver: MediaResolver;
  param: string;
  /** Aborted when the total download budget is spent. */
  signal?: AbortSignal | undefined;
}

/** Syntax checks that need no DNS: scheme, credentials, port. Throws `media_url_forbidden`. */
export function checkUrlSyntax(
  input: string | URL,
  policy: MediaFetchPolicy,
  param: string,
): { url: URL; testAllowed: boolean } {
  let url: URL;
  try {
    url = typeof input === "string" ? new URL(input) : input;
  } catch {
    throw new MediaError("media_url_forbidden", param, "The media URL is not a valid absolute URL.");
  }
  if (url.username !== "" || url.password !== "") {
    throw new MediaError("media_url_forbidden", param, "The media URL must not contain credentials.");
  }
  const testAllowed = policy.allowInsecureLoopbackForTests?.origins.includes(originKey(url)) ?? false;
  if (url.protocol !== "https:" && !(testAllowed && url.protocol === "http:")) {
    throw new MediaError(
      "media_url_forbidden",
      param,
      `The media URL must use https:// (got ${url.protocol.replace(/:$/, "")}).`,
    );
  }
  const port = url.port === "" ? 443 : Number(url.port);
  if (!testAllowed && !policy.allowedPorts.includes(port)) {
    throw new MediaError("media_url_forbidden", param, `The media URL port ${port} is not allowed.`, {
      details: { port },
    });
  }
  if (url.hostname === "") throw new MediaError("media_url_forbidden", param, "The media URL has no host.");
  return { url, testAllowed };
}

/**
 * Full check of one hop: syntax, then resolution (unless the host is an IP literal), then every
 * resolved address. One non-public address among several refuses the whole name (a rebinding name
 * could otherwise pick it). Returns the address to connect to.
 */
export async function checkUrl(input: string | URL, options: CheckUrlOptions): Promise<CheckedTarget> {
  const { policy, resolver, param, signal } = options;
  const { url, testAllowed } = checkUrlSyntax(input, policy, param);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const hostIsIp = ipaddr.isValid(hostname) && (hostname.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(hostname));
  let resolved: readonly ResolvedAddress[];
  if (hostIsIp) {
    resolved = [{ address: hostname, family: hostname.includes(":") ? 6 : 4 }];
  } else {
    try {
      resolved = await withAbort(resolver(hostname), signal);
    } catch (error) {
      if (error instanceof MediaError) throw error;
      if (signal?.aborted === true) throw timeoutError(param, error);
      throw new MediaError("media_download_failed", param, `Could not resolve the media host ${hostname}.`, {
        cause: error,
        details: { reason: "dns" },
      });
    }
    if (resolved.length === 0) {
      throw new MediaError("media_download_failed", param, `The media host ${hostname} has no addresses.`, {
        details: { reason: "dns" },
      });
    }
  }
  for (const entry of resolved) {
    const verdict = classifyAddress(entry.address);
    const allowedLoopback = testAllowed && verdict.isLoopback;
    if (!verdict.isPublic && !allowedLoopback) {
      throw new MediaError(
        "media_url_forbidden",
        param,
        `The media URL points at a non-public address (${verdict.range}).`,
        {
          details: { range: verdict.range },
        },
      );
    }
    // A test-allowed origin is loopback-only: a public address there is a misconfiguration we refuse.
    if (testAllowed && !verdict.isLoopback) {
      throw new MediaError("media_url_forbidden", param, "A test-allowed origin resolved to a non-loopback address.");
    }
  }
  const first = resolved[0];
  if (first === undefined)
    throw new MediaError("media_download_failed", param, "No address to connect to.", { details: { reason: "dns" } });
  const unwrapped = unwrapMapped(first.address);
  return {
    url,
    protocol: url.protocol === "http:" ? "http:" : "https:",
    hostname,
    hostIsIp,
    port: url.port === "" ? (url.protocol === "http:" ? 80 : 443) : Number(url.port),
    address: unwrapped.address,
    family: unwrapped.family,
    resolved,
    ca: testAllowed ? policy.allowInsecureLoopbackForTests?.ca : undefined,
  };
}

function unwrapMapped(raw: string): ResolvedAddress {
  const parsed = ipaddr.parse(raw.replace(/^\[|\]$/g, ""));
  if (parsed.kind() === "ipv6") {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return { address: v6.toIPv4Address().toString(), family: 4 };
    return { address: v6.toString(), family: 6 };
  }
  return { address: parsed.toString(), family: 4 };
}

export function timeoutError(param: string, cause?: unknown): MediaError {
  return new MediaError("media_download_failed", param, "Downloading the media timed out.", {
    cause,
    details: { reason: "timeout" },
  });
}

/** Races a promise against an abort signal. */
export function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
