/**
 * `new Kirim({ apiKey })`: the REST API as typed methods. Request and response types are @kirim/schema's wire
 * contract (type-only imports: nothing of schema or zod runs in the client).
 */
import type {
  TAccount,
  TCreateTemplateRequestInput,
  TMe,
  TRenderTemplateRequest,
  TRenderedTemplate,
  TTemplate,
  TTemplateByName,
  TTemplateDeleteResult,
  TTemplateEvent,
  TTemplateSyncResult,
  TTemplateSyncRun,
  TRedeliverResult,
  TWebhookDeliveryAttempt,
  TWebhookSubscription,
  TWebhookTestResult,
  ZCreateWebhookSubscriptionRequest,
  ZEditTemplateRequest,
  ZListAccountsQuery,
  ZListSyncRunsQuery,
  ZListTemplateEventsQuery,
  ZListTemplatesQuery,
  ZListWebhookDeliveriesQuery,
  ZListWebhookSubscriptionsQuery,
  ZRedeliverRequest,
  ZUpdateWebhookSubscriptionRequest,
  ZWebhookSubscriptionDeleteResult,
} from "@kirim/schema";
import type { z } from "zod";
import { Transport } from "./http.js";
import type { ApiRequest, RequestOptions } from "./http.js";
import { PageIterator } from "./paging.js";
import type { Page } from "./paging.js";

export type Template = TTemplate;
/** `GET /templates/{name}`: one template plus every language of its name (`languages`). */
export type TemplateByName = TTemplateByName;
export type Account = TAccount;
export type TemplateSyncResult = TTemplateSyncResult;
export type TemplateSyncRun = TTemplateSyncRun;
export type TemplateEvent = TTemplateEvent;
export type TemplateDeleteResult = TTemplateDeleteResult;
export type RenderedTemplate = TRenderedTemplate;
export type CreateTemplateParams = TCreateTemplateRequestInput;
export type EditTemplateParams = z.input<typeof ZEditTemplateRequest>;
export type RenderTemplateParams = TRenderTemplateRequest;
export type ListTemplatesParams = Omit<z.input<typeof ZListTemplatesQuery>, "cursor">;
export type ListAccountsParams = z.input<typeof ZListAccountsQuery>;
export type ListTemplateEventsParams = Omit<z.input<typeof ZListTemplateEventsQuery>, "cursor">;
export type ListSyncRunsParams = Omit<z.input<typeof ZListSyncRunsQuery>, "cursor">;
/** `GET /v1/me`: the organisation and key behind the API key. */
export type Me = TMe;
/** An outbound webhook subscription; `secret` (`whsec_…`) only in the answers of create and rotateSecret. */
export type WebhookSubscription = TWebhookSubscription;
export type WebhookSubscriptionDeleteResult = z.infer<typeof ZWebhookSubscriptionDeleteResult>;
export type WebhookDeliveryAttempt = TWebhookDeliveryAttempt;
export type WebhookTestResult = TWebhookTestResult;
export type RedeliverResult = TRedeliverResult;
export type CreateWebhookSubscriptionParams = z.input<typeof ZCreateWebhookSubscriptionRequest>;
export type UpdateWebhookSubscriptionParams = z.input<typeof ZUpdateWebhookSubscriptionRequest>;
export type RedeliverParams = z.input<typeof ZRedeliverRequest>;
export type ListWebhookSubscriptionsParams = Omit<z.input<typeof ZListWebhookSubscriptionsQuery>, "cursor">;
export type ListWebhookDeliveriesParams = Omit<z.input<typeof ZListWebhookDeliveriesQuery>, "cursor">;

export interface KirimOptions {
  /** An API key (`Authorization: Bearer …`). */
  apiKey: string;
  /** Where the API runs, e.g. `https://kirim.example.com` (no `/v1`). Default `http://localhost:3000`. */
  baseUrl?: string;
  /** Retries after a 429, a 5xx, a timeout or a dropped connection (default 2). */
  maxRetries?: number;
  /** Per-attempt timeout in ms (default 60 000). */
  timeoutMs?: number;
  /** Your own fetch (a proxy agent, a test double). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** @internal Waits between attempts (tests). */
  sleep?: (ms: number) => Promise<void>;
}

interface DataEnvelope<T> {
  data: T;
}

const encode = encodeURIComponent;

function query(params: object | undefined): ApiRequest["query"] {
  return params as ApiRequest["query"];
}

abstract class Resource {
  constructor(protected readonly transport: Transport) {}

  protected async data<T>(request: ApiRequest, options?: RequestOptions): Promise<T> {
    return (await this.transport.request<DataEnvelope<T>>(request, options)).data;
  }

  protected pages<T>(path: string, params: object | undefined, options?: RequestOptions): PageIterator<T> {
    return new PageIterator<T>((cursor) =>
      this.transport
        .request<Page<T>>({ method: "GET", path, query: { ...query(params), cursor } }, options)
        .then(({ data, has_more, next_cursor }) => ({
          data,
          has_more,
          next_cursor,
        })),
    );
  }
}

class TemplatesResource extends Resource {
  constructor(
    transport: Transport,
    private readonly base: string,
  ) {
    super(transport);
  }

  /** `POST /templates`: submit a template to Meta. Safe to retry (one Idempotency-Key per call). */
  create(params: CreateTemplateParams, options?: RequestOptions): Promise<Template> {
    return this.data({ method: "POST", path: `${this.base}/templates`, body: params }, options);
  }

  /** `GET /templates/{name}`: the template (the given language, or the name's only/first language). */
  get(
    name: string,
    params: { language?: string; include_deleted?: boolean } = {},
    options?: RequestOptions,
  ): Promise<TemplateByName> {
    return this.data({ method: "GET", path: `${this.base}/templates/${encode(name)}`, query: params }, options);
  }

  /** `GET /templates`: every template matching the filters, page by page as you iterate. */
  list(params: ListTemplatesParams = {}, options?: RequestOptions): PageIterator<Template> {
    return this.pages<Template>(`${this.base}/templates`, params, options);
  }

  /** `POST /templates/sync`: a complete sync from Meta. */
  sync(options?: RequestOptions): Promise<TemplateSyncResult> {
    return this.data({ method: "POST", path: `${this.base}/templates/sync`, body: {} }, options);
  }

  /** `GET /template_sync_runs`: recorded syncs, newest first. */
  syncRuns(params: ListSyncRunsParams = {}, options?: RequestOptions): PageIterator<TemplateSyncRun> {
    return this.pages<TemplateSyncRun>(`${this.base}/template_sync_runs`, params, options);
  }

  /** `PATCH /templates/{name}`: edit one language (Meta's edit rules apply). */
  edit(name: string, params: EditTemplateParams, options?: RequestOptions): Promise<Template> {
    return this.data({ method: "PATCH", path: `${this.base}/templates/${encode(name)}`, body: params }, options);
  }

  /** `DELETE /templates/{name}`: every language, or only `language`. */
  delete(name: string, params: { language?: string } = {}, options?: RequestOptions): Promise<TemplateDeleteResult> {
    return this.data({ method: "DELETE", path: `${this.base}/templates/${encode(name)}`, query: params }, options);
  }

  /** `GET /templates/{name}/events`: the template's history, newest first. */
  events(name: string, params: ListTemplateEventsParams = {}, options?: RequestOptions): PageIterator<TemplateEvent> {
    return this.pages<TemplateEvent>(`${this.base}/templates/${encode(name)}/events`, params, options);
  }

  /** `POST /templates/{name}/render`: the message as the recipient will see it, or a KirimError naming the bad parameter. */
  render(name: string, template: RenderTemplateParams, options?: RequestOptions): Promise<RenderedTemplate> {
    return this.data(
      { method: "POST", path: `${this.base}/templates/${encode(name)}/render`, body: template },
      options,
    );
  }
}

/** `/v1/webhook_subscriptions`: where we POST template events (verify them with `verifyWebhook`). */
export class WebhookSubscriptionsResource extends Resource {
  private readonly base = "/v1/webhook_subscriptions";

  /** `POST`: subscribe a URL; the answer carries the signing `secret`, shown only here and on rotateSecret. */
  create(params: CreateWebhookSubscriptionParams, options?: RequestOptions): Promise<WebhookSubscription> {
    return this.data({ method: "POST", path: this.base, body: params }, options);
  }

  /** `GET`: the organisation's subscriptions, page by page as you iterate. */
  list(params: ListWebhookSubscriptionsParams = {}, options?: RequestOptions): PageIterator<WebhookSubscription> {
    return this.pages<WebhookSubscription>(this.base, params, options);
  }

  /** `GET /{id}` (without the secret). */
  get(id: string, options?: RequestOptions): Promise<WebhookSubscription> {
    return this.data({ method: "GET", path: `${this.base}/${encode(id)}` }, options);
  }

  /** `PATCH /{id}`: url, events, phone numbers, description; `enabled: true` re-enables a disabled one. */
  update(id: string, params: UpdateWebhookSubscriptionParams, options?: RequestOptions): Promise<WebhookSubscription> {
    return this.data({ method: "PATCH", path: `${this.base}/${encode(id)}`, body: params }, options);
  }

  /** `DELETE /{id}`. */
  delete(id: string, options?: RequestOptions): Promise<WebhookSubscriptionDeleteResult> {
    return this.data({ method: "DELETE", path: `${this.base}/${encode(id)}` }, options);
  }

  /** `POST /{id}/rotate_secret`: a new secret; the previous one also signs for 24 h. */
  rotateSecret(id: string, options?: RequestOptions): Promise<WebhookSubscription> {
    return this.data({ method: "POST", path: `${this.base}/${encode(id)}/rotate_secret`, body: {} }, options);
  }

  /** `POST /{id}/test`: queue a `webhook.test` event to the subscription's URL. */
  sendTest(id: string, options?: RequestOptions): Promise<WebhookTestResult> {
    return this.data({ method: "POST", path: `${this.base}/${encode(id)}/test`, body: {} }, options);
  }

  /** `GET /{id}/deliveries`: the delivery log, one entry per attempt, newest first. */
  deliveries(
    id: string,
    params: ListWebhookDeliveriesParams = {},
    options?: RequestOptions,
  ): PageIterator<WebhookDeliveryAttempt> {
    return this.pages<WebhookDeliveryAttempt>(`${this.base}/${encode(id)}/deliveries`, params, options);
  }

  /** `POST /{id}/redeliver`: one event again (`event_id`), or every failed one `since` a time. */
  redeliver(id: string, params: RedeliverParams, options?: RequestOptions): Promise<RedeliverResult> {
    return this.data({ method: "POST", path: `${this.base}/${encode(id)}/redeliver`, body: params }, options);
  }
}

export class PhoneNumberResource {
  readonly templates: TemplatesResource;
  constructor(
    transport: Transport,
    readonly phoneNumberId: string,
  ) {
    this.templates = new TemplatesResource(transport, `/v1/${encode(phoneNumberId)}`);
  }
}

export class Kirim {
  private readonly transport: Transport;
  readonly accounts: { list(params?: ListAccountsParams, options?: RequestOptions): Promise<Account[]> };
  /** Outbound webhook subscriptions of the API key's organisation. */
  readonly webhookSubscriptions: WebhookSubscriptionsResource;

  constructor(options: KirimOptions) {
    if (typeof options.apiKey !== "string" || options.apiKey === "")
      throw new TypeError("new Kirim({ apiKey }): apiKey is required.");
    this.transport = new Transport({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl ?? "http://localhost:3000",
      maxRetries: options.maxRetries ?? 2,
      timeoutMs: options.timeoutMs ?? 60_000,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      headers: options.headers ?? {},
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: Math.random,
    });
    this.webhookSubscriptions = new WebhookSubscriptionsResource(this.transport);
    this.accounts = {
      list: async (params, requestOptions) =>
        (
          await this.transport.request<DataEnvelope<Account[]>>(
            { method: "GET", path: "/v1/accounts", query: query(params) },
            requestOptions,
          )
        ).data,
    };
  }

  /** `GET /v1/me`: who the API key belongs to. */
  async me(options?: RequestOptions): Promise<Me> {
    return (await this.transport.request<DataEnvelope<Me>>({ method: "GET", path: "/v1/me" }, options)).data;
  }

  /** The templates of one WhatsApp phone number: `kirim.phoneNumbers(id).templates.list()`. */
  phoneNumbers(phoneNumberId: string): PhoneNumberResource {
    return new PhoneNumberResource(this.transport, phoneNumberId);
  }
}
