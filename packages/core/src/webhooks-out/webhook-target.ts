/**
 * Where an event may be POSTed: the media downloader's SSRF guard (`classifyAddress`, every resolved address must be
 * public, the connection goes to the checked IP with no second lookup), plus https only. Checked when a subscription
 * is saved and again before every delivery (a name can be re-pointed later). Redirects are never followed.
 *
 * `allowPrivateTargets` (operator setting WEBHOOK_ALLOW_PRIVATE_TARGETS): private and loopback addresses and plain
 * http are allowed, for on-premises receivers and tests.
 */
import http from "node:http";
import https from "node:https";
import ipaddr from "ipaddr.js";
import { DomainError } from "../errors.js";
import { classifyAddress, systemResolver } from "../media/address-guard.js";
import type { MediaResolver, ResolvedAddress } from "../media/address-guard.js";

export const DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookTargetPolicy {
  allowPrivateTargets: boolean;
  resolver?: MediaResolver | undefined;
}

export interface WebhookTarget {
  url: URL;
  hostname: string;
  hostIsIp: boolean;
  port: number;
  address: string;
  family: 4 | 6;
}

function forbidden(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError("webhook_target_forbidden", message, { param: "url", ...(details ? { details } : {}) });
}

/** Throws `webhook_target_forbidden` (400, param `url`) for a target the policy refuses. */
export function checkWebhookUrlSyntax(raw: string, policy: WebhookTargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw forbidden("The webhook URL is not a valid absolute URL.");
  }
  if (url.username !== "" || url.password !== "") throw forbidden("The webhook URL must not contain credentials.");
  const httpAllowed = policy.allowPrivateTargets && url.protocol === "http:";
  if (url.protocol !== "https:" && !httpAllowed)
    throw forbidden(`The webhook URL must use https:// (got ${url.protocol.replace(/:$/, "")}).`);
  if (url.hostname === "") throw forbidden("The webhook URL has no host.");
  return url;
}

export async function checkWebhookTarget(raw: string, policy: WebhookTargetPolicy): Promise<WebhookTarget> {
  const url = checkWebhookUrlSyntax(raw, policy);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const hostIsIp = ipaddr.isValid(hostname) && (hostname.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(hostname));
  let resolved: readonly ResolvedAddress[];
  if (hostIsIp) resolved = [{ address: hostname, family: hostname.includes(":") ? 6 : 4 }];
  else {
    try {
      resolved = await (policy.resolver ?? systemResolver)(hostname);
    } catch (error) {
      throw new DomainError("webhook_target_forbidden", `Could not resolve the webhook host ${hostname}.`, {
        param: "url",
        cause: error,
      });
    }
  }
  const first = resolved[0];
  if (first === undefined) throw forbidden(`The webhook host ${hostname} has no addresses.`);
  for (const entry of resolved) {
    const verdict = classifyAddress(entry.address);
    if (!verdict.isPublic && !policy.allowPrivateTargets) {
      throw forbidden(
        `The webhook URL points at a non-public address (${verdict.range}); an operator may allow it with WEBHOOK_ALLOW_PRIVATE_TARGETS=true.`,
        {
          range: verdict.range,
        },
      );
    }
  }
  const parsed = ipaddr.process(first.address.replace(/^\[|\]$/g, ""));
  return {
    url,
    hostname,
    hostIsIp,
    port: url.port === "" ? (url.protocol === "http:" ? 80 : 443) : Number(url.port),
    address: parsed.toString(),
    family: parsed.kind() === "ipv6" ? 6 : 4,
  };
}

export type PostResult = { statusCode: number; latencyMs: number } | { error: string; latencyMs: number };

/**
 * Kept-alive connections to checked addresses. One agent per (protocol, checked address, port, TLS servername): a
 * pooled socket was opened to exactly the address its agent is keyed by, so a name re-pointed elsewhere (DNS
 * rebinding) gets a different agent and a new connection to the newly checked address, never an old socket. The
 * request's host is that address too (no name to resolve), and `lookup` refuses every other host. Idle kept sockets do
 * not hold the process open (Node unrefs them).
 */
export interface TargetAgents {
  agentFor(target: WebhookTarget): http.Agent;
}

/** Agents kept (least recently used dropped first, its idle sockets closed). */
const MAX_AGENTS = 256;
/** An idle kept connection is closed after this (below Node's 5 s server keep-alive, so we rarely race its close). */
const IDLE_SOCKET_MS = 4_000;

export function createTargetAgents(): TargetAgents {
  const agents = new Map<string, http.Agent>();
  return {
    agentFor(target) {
      const servername = target.url.protocol === "https:" && !target.hostIsIp ? target.hostname : "";
      const key = `${target.url.protocol}|${target.address}|${target.port}|${servername}`;
      let agent = agents.get(key);
      if (agent !== undefined) {
        agents.delete(key);
        agents.set(key, agent);
        return agent;
      }
      const checked = target.address;
      const options = {
        keepAlive: true,
        timeout: IDLE_SOCKET_MS,
        lookup: (
          host: string,
          _options: unknown,
          callback: (error: Error | null, address: string, family: number) => void,
        ) => {
          if (host !== checked)
            callback(new Error("webhook delivery: DNS lookups are not allowed after the address check"), "", 0);
          else callback(null, checked, target.family);
        },
      };
      agent =
        target.url.protocol === "http:"
          ? new http.Agent(options)
          : new https.Agent({ ...options, ...(servername !== "" ? { servername } : {}), rejectUnauthorized: true });
      agents.set(key, agent);
      if (agents.size > MAX_AGENTS) {
        const [oldestKey, oldest] = agents.entries().next().value as [string, http.Agent];
        agents.delete(oldestKey);
        oldest.destroy();
      }
      return agent;
    },
  };
}

/** Errors of a kept connection the receiver closed just as we reused it: the request never reached it. */
const STALE_SOCKET_ERRORS = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

/**
 * One POST to the checked address: 10 s for everything, no redirects, the answer's body read and dropped (≤ 64 kB).
 * Without `agents` a new connection per POST.
 */
export function postToTarget(
  target: WebhookTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs = DELIVERY_TIMEOUT_MS,
  agents?: TargetAgents,
): Promise<PostResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const host = target.hostname.includes(":") ? `[${target.hostname}]` : target.hostname;
    const defaultPort = target.url.protocol === "https:" ? 443 : 80;
    const options = {
      host: target.address,
      family: target.family,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      method: "POST",
      headers: {
        ...headers,
        host: target.port === defaultPort ? host : `${host}:${target.port}`,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        "user-agent": "kirim-templates-webhooks/1",
      },
      lookup: () => {
        throw new Error("webhook delivery: DNS lookups are not allowed after the address check");
      },
    };
    let settled = false;
    let request: http.ClientRequest;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const send = (retried: boolean) => {
      const agent = agents?.agentFor(target) ?? (false as const);
      request =
        target.url.protocol === "http:"
          ? http.request({ ...options, agent })
          : https.request({
              ...options,
              agent,
              ...(target.hostIsIp ? {} : { servername: target.hostname }),
              rejectUnauthorized: true,
            });
      const sent = request;
      let answered = false;
      sent.on("response", (response) => {
        answered = true;
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) response.destroy();
        });
        const done = () => finish({ statusCode: response.statusCode ?? 0, latencyMs: latency() });
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      });
      sent.on("error", (error: NodeJS.ErrnoException) => {
        // A kept connection closed by the receiver while idle: once more on a new one (Node's documented pattern).
        if (!retried && !answered && !settled && sent.reusedSocket && STALE_SOCKET_ERRORS.has(error.code ?? "")) {
          send(true);
          return;
        }
        finish({ error: error.code ?? error.message, latencyMs: latency() });
      });
      sent.end(body);
    };
    const timer = setTimeout(() => {
      finish({ error: `timeout after ${timeoutMs} ms`, latencyMs: latency() });
      request.destroy();
    }, timeoutMs);
    send(false);
  });
}
