// Delivers template webhooks like Meta (§8.1): GET verification handshake first, then signed POSTs
// (X-Hub-Signature-256 = HMAC-SHA256 of the raw body with the app secret), retried on non-2xx.
// Only loopback callback URLs are allowed: the sandbox never connects anywhere else.
import { createHmac, randomBytes } from "node:crypto";

import type { TemplateWebhookChange } from "./state.js";

export interface WebhookConfig {
  /** Callback URL; must point at loopback (127.0.0.1, ::1 or localhost). */
  url: string;
  verifyToken: string;
  /** Key for X-Hub-Signature-256. Defaults to the demo app secret. */
  appSecret?: string;
  /**
   * Delays before each retry after a non-2xx or network failure. Meta retries "immediately, then a few
   * more times with decreasing frequency over 36 hours"; the sandbox compresses that to a bounded list.
   */
  retryDelaysMs?: number[];
  /** Per-attempt timeout. */
  timeoutMs?: number;
}

export interface WebhookDelivery {
  seq: number;
  at: string;
  field: string;
  wabaId: string;
  body: string;
  signature: string;
  attempts: Array<{ at: string; status: number | null; error?: string }>;
  state: "pending" | "delivered" | "failed";
}

export const DEFAULT_RETRY_DELAYS_MS = [0, 250, 1_000, 4_000];

export function signWebhookBody(body: string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body, "utf8").digest("hex")}`;
}

/** Meta's envelope around one change (§8.1). */
export function webhookEnvelope(change: TemplateWebhookChange, timeSeconds: number): Record<string, unknown> {
  return {
    entry: [{ id: change.wabaId, time: timeSeconds, changes: [{ value: change.value, field: change.field }] }],
    object: "whatsapp_business_account",
  };
}

export function assertLoopbackUrl(raw: string): URL {
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`webhook URL must be http(s): ${raw}`);
  if (!(host === "127.0.0.1" || host === "::1" || host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host))) {
    throw new Error(`webhook URL must point at loopback (the sandbox never leaves this machine): ${raw}`);
  }
  return url;
}

export class WebhookDispatcher {
  private config: (WebhookConfig & { appSecret: string }) | undefined;
  private verified = false;
  private handshake:
    Promise<{ ok: boolean; status: number | null; challenge: string; body?: string; error?: string }> | undefined;
  private seq = 0;
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  /** Pending backoff sleeps: closing wakes them so nothing waits on a dead sandbox. */
  private readonly sleepers = new Map<NodeJS.Timeout, () => void>();

  constructor(
    private readonly defaultAppSecret: string,
    private readonly now: () => number,
  ) {}

  get configured(): boolean {
    return this.config !== undefined;
  }

  /** Sets the callback (or removes it with undefined). The handshake runs before the next delivery. */
  configure(config: WebhookConfig | undefined): void {
    if (config) assertLoopbackUrl(config.url);
    this.config = config ? { ...config, appSecret: config.appSecret ?? this.defaultAppSecret } : undefined;
    this.verified = false;
  }

  /**
   * The GET handshake: `hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`; the endpoint must echo
   * the challenge with a 2xx. Returns whether it did.
   */
  async verify(): Promise<{ ok: boolean; status: number | null; challenge: string; body?: string; error?: string }> {
    const config = this.config;
    if (!config) throw new Error("no webhook configured");
    const challenge = String(randomBytes(4).readUInt32BE(0));
    const url = new URL(config.url);
    url.searchParams.set("hub.mode", "subscribe");
    url.searchParams.set("hub.challenge", challenge);
    url.searchParams.set("hub.verify_token", config.verifyToken);
    try {
      const response = await fetch(url, { method: "GET", signal: AbortSignal.timeout(config.timeoutMs ?? 5_000) });
      const body = await response.text();
      const ok = response.ok && body.trim() === challenge;
      this.verified = ok;
      return { ok, status: response.status, challenge, body };
    } catch (error) {
      this.verified = false;
      return { ok: false, status: null, challenge, error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Queues one change for delivery; returns the delivery record (filled in asynchronously). */
  send(change: TemplateWebhookChange): WebhookDelivery | undefined {
    if (!this.config || this.closed) return undefined;
    const body = JSON.stringify(webhookEnvelope(change, Math.floor(this.now() / 1000)));
    return this.sendRaw(change.field, change.wabaId, body);
  }

  /** Sends an arbitrary body (for forged payloads in tests), signed unless `signature` is given. */
  sendRaw(field: string, wabaId: string, body: string, signature?: string): WebhookDelivery | undefined {
    const config = this.config;
    if (!config || this.closed) return undefined;
    this.seq += 1;
    const delivery: WebhookDelivery = {
      seq: this.seq,
      at: new Date(this.now()).toISOString(),
      field,
      wabaId,
      body,
      signature: signature ?? signWebhookBody(body, config.appSecret),
      attempts: [],
      state: "pending",
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > 1_000) this.deliveries.splice(0, this.deliveries.length - 1_000);
    const task = this.deliver(delivery, config).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
    return delivery;
  }

  /** Resolves when every queued delivery has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const [timer, wake] of this.sleepers) {
      clearTimeout(timer);
      wake();
    }
    this.sleepers.clear();
  }

  private async deliver(delivery: WebhookDelivery, config: WebhookConfig & { appSecret: string }): Promise<void> {
    if (!this.verified) {
      // One handshake shared by deliveries queued at the same time; retried before later deliveries if it failed.
      this.handshake ??= this.verify().finally(() => {
        this.handshake = undefined;
      });
      const handshake = await this.handshake;
      if (!handshake.ok) {
        delivery.attempts.push({
          at: new Date(this.now()).toISOString(),
          status: handshake.status,
          error: `verification failed${handshake.error ? `: ${handshake.error}` : ""}`,
        });
        delivery.state = "failed";
        return;
      }
    }
    const delays = config.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (const delay of delays) {
      if (this.closed) break;
      if (delay > 0) await this.sleep(delay);
      if (this.closed) break;
      const attempt: WebhookDelivery["attempts"][number] = { at: new Date(this.now()).toISOString(), status: null };
      delivery.attempts.push(attempt);
      try {
        const response = await fetch(config.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-hub-signature-256": delivery.signature,
            "user-agent": "facebookexternalua",
          },
          body: delivery.body,
          signal: AbortSignal.timeout(config.timeoutMs ?? 5_000),
        });
        attempt.status = response.status;
        await response.arrayBuffer();
        if (response.ok) {
          delivery.state = "delivered";
          return;
        }
      } catch (error) {
        attempt.error = error instanceof Error ? error.message : String(error);
      }
    }
    delivery.state = "failed";
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleepers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.sleepers.set(timer, resolve);
    });
  }
}
