// Faults on demand: latency, transient 5xx, rate limits, hangs, malformed bodies, a failing list page and
// "accept the create, then fail (or withhold) the response". Shares are drawn from a seeded PRNG so runs are
// reproducible.
import { createPrng } from "./prng.js";
import type { Prng } from "./prng.js";

export const FAULT_KINDS = [
  /** HTTP 503, code 2, is_transient (Meta's "temporary downtime"). */
  "server_error",
  /** HTTP 500, code 1, is_transient ("unknown error"). */
  "unknown_error",
  /** Code 4 application rate limit (HTTP 429 by default, configurable). */
  "app_rate_limit",
  /** Code 80008 WABA rate limit (HTTP 400). */
  "waba_rate_limit",
  /** Code 80012 "too many calls to this message template" (edits; HTTP 400). */
  "template_rate_limit",
  /** Never answer: the socket stays open until the client gives up (or the sandbox closes). */
  "hang",
  /** HTTP 200 with a truncated JSON body. */
  "malformed_json",
  /** Perform the operation (e.g. the create lands), then answer HTTP 503 code 2. */
  "accept_then_fail",
  /** Perform the operation, then destroy the socket without answering. */
  "accept_then_drop",
  /** Perform the operation, then never answer (a caller that dies now never learns the outcome). */
  "accept_then_hang",
  /** Answer `respond_status` with `respond_body` verbatim (a real Meta answer from a corpus), nothing performed. */
  "respond",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultMatch {
  /** Uppercase HTTP method; any when omitted. */
  method?: string;
  /** Substring or /regex/ source matched against the path after the version prefix (e.g. "/message_templates"). */
  path?: string;
}

export interface FaultRule extends FaultMatch {
  kind: FaultKind;
  /** Share of matching requests (0–1) that get the fault, drawn from the seeded PRNG. Default 1. */
  rate?: number;
  /** Apply to at most this many matching requests, then retire the rule. Unlimited when omitted. */
  times?: number;
  /** For `respond`: the HTTP status (default 400) and the JSON body sent as they are. */
  respondStatus?: number;
  respondBody?: unknown;
}

export interface FaultSettings {
  /** Added to every Graph response (ms); a [min, max] pair draws uniformly from the PRNG. */
  latencyMs?: number | [number, number];
  /** Fail the Nth page (1-based: the first request without `after`/`before` is page 1) of list calls with a 503/code 2. */
  failListPage?: number;
  /** HTTP status used for code 4 (Meta's table says 400, FB-OAS examples 429). */
  appRateLimitStatus?: number;
  rules?: FaultRule[];
}

export interface FaultsSnapshot {
  seed: number;
  latencyMs: number | [number, number];
  failListPage: number | undefined;
  appRateLimitStatus: number;
  rules: Array<FaultRule & { applied: number }>;
}

interface ActiveRule extends FaultRule {
  applied: number;
}

export class FaultInjector {
  private prng: Prng;
  private seed: number;
  private latency: number | [number, number] = 0;
  private failPage: number | undefined;
  private rules: ActiveRule[] = [];
  appRateLimitStatus = 429;

  constructor(seed: number) {
    this.seed = seed;
    this.prng = createPrng(seed);
  }

  /** Replaces all settings (and restarts the PRNG so the same settings give the same sequence). */
  configure(settings: FaultSettings & { seed?: number }): void {
    if (settings.seed !== undefined) this.seed = settings.seed;
    this.prng = createPrng(this.seed);
    this.latency = settings.latencyMs ?? 0;
    this.failPage = settings.failListPage;
    this.appRateLimitStatus = settings.appRateLimitStatus ?? 429;
    this.rules = (settings.rules ?? []).map((rule) => ({ ...rule, applied: 0 }));
  }

  /** Adds one rule without touching the rest. */
  add(rule: FaultRule): void {
    this.rules.push({ ...rule, applied: 0 });
  }

  clear(): void {
    this.configure({});
  }

  snapshot(): FaultsSnapshot {
    return {
      seed: this.seed,
      latencyMs: this.latency,
      failListPage: this.failPage,
      appRateLimitStatus: this.appRateLimitStatus,
      rules: this.rules.map((rule) => ({ ...rule })),
    };
  }

  latencyMs(): number {
    if (typeof this.latency === "number") return this.latency;
    const [min, max] = this.latency;
    return this.prng.int(min, max);
  }

  failListPageNumber(): number | undefined {
    return this.failPage;
  }

  /** The fault rule for this request, if any; consumes `times` and PRNG draws deterministically. */
  pick(method: string, path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path && !matchesPath(rule.path, path)) continue;
      const rate = rule.rate ?? 1;
      if (rate < 1 && !this.prng.chance(rate)) continue;
      rule.applied += 1;
      return rule;
    }
    return undefined;
  }
}

function matchesPath(pattern: string, path: string): boolean {
  if (pattern.length > 2 && pattern.startsWith("/") && pattern.endsWith("/"))
    return new RegExp(pattern.slice(1, -1)).test(path);
  return path.includes(pattern);
}
