import type { z } from "zod";
import { MetaApiError } from "./meta-api-error.js";
import { ZMetaCreateTemplateResponse, ZMetaPhoneNumberPage, ZMetaTemplatePage, ZMetaWabaNode } from "./meta-schemas.js";
import { DEFAULT_RETRY_POLICY, backoffMs, isAmbiguousFailure, shouldRetry } from "./retry.js";
import { createTransport } from "./transport.js";
import type { Transport, TransportRequest } from "./transport.js";
import type {
  ListTemplatesOptions,
  MetaAccountLookup,
  LibraryFilters,
  MetaAccountRef,
  MetaCreateTemplateBody,
  MetaCreateTemplateResult,
  MetaEditTemplateBody,
  MetaGateway,
  MetaGatewayOptions,
  MetaTemplate,
  RetryPolicy,
} from "./types.js";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_PAGE_SIZE = 100;
/** Fields requested on list (Meta's defaults plus rejected_reason and quality_score). */
export const TEMPLATE_FIELDS = [
  "id",
  "name",
  "language",
  "status",
  "category",
  "components",
  "parameter_format",
  "rejected_reason",
  "quality_score",
  "previous_category",
  "sub_category",
].join(",");
/** Meta's subcode for "Content in this language already exists". */
export const META_DUPLICATE_SUBCODE = 2388024;
const MAX_PAGES = 10_000;

function parseOrMalformed<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid";
  throw new MetaApiError({
    kind: "malformed_response",
    message: `Malformed ${what} from Meta (${where})`,
    cause: result.error,
  });
}

/**
 * `${graphUrl}/${apiVersion}`. A graphUrl that already ends in a version segment (e.g. the sandbox's `graphUrl`,
 * `http://127.0.0.1:4010/v23.0`) is used as it is.
 */
export function graphBaseUrl(graphUrl: string, apiVersion: string): string {
  const trimmed = graphUrl.replace(/\/+$/, "");
  if (/\/v\d+\.\d+$/.test(trimmed)) return trimmed;
  return `${trimmed}/${apiVersion.replace(/^\/+|\/+$/g, "")}`;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Meta gateway over HTTP. Layers: transport (one exchange, timeout, JSON, error envelope) → retry (pure
 * `shouldRetry`/`backoffMs`) → endpoints (URL building, zod parsing, paging, create-landed check).
 *
 * ### Examples
 * ```ts
 * const gateway = createMetaGateway({ graphUrl: "https://graph.facebook.com", apiVersion: "v23.0" });
 * for await (const page of gateway.listTemplates({ wabaId, accessToken })) console.log(page.length);
 * ```
 */
export function createMetaGateway(options: MetaGatewayOptions): MetaGateway {
  const base = graphBaseUrl(options.graphUrl, options.apiVersion);
  const transport: Transport = createTransport({
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  const wait = (attempt: number, error: MetaApiError): Promise<void> =>
    sleep(backoffMs(attempt, { baseMs: policy.baseMs, maxMs: policy.maxMs, retryAfterMs: error.retryAfterMs, random }));

  /** Idempotent requests (GET): retried per `shouldRetry`. */
  async function sendWithRetry(request: TransportRequest): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transport(request);
      } catch (error) {
        if (!(error instanceof MetaApiError) || !shouldRetry(error, attempt, policy, { idempotent: true })) throw error;
        await wait(attempt, error);
      }
    }
  }

  const templatesUrl = (wabaId: string): string => `${base}/${encodeURIComponent(wabaId)}/message_templates`;

  async function* listTemplates(
    account: MetaAccountRef,
    listOptions: ListTemplatesOptions = {},
  ): AsyncGenerator<MetaTemplate[], void, undefined> {
    const seen = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      // Always our configured base URL: the token is never sent to a host taken from a response.
      const url = new URL(templatesUrl(account.wabaId));
      url.searchParams.set("limit", String(listOptions.pageSize ?? DEFAULT_PAGE_SIZE));
      url.searchParams.set("fields", TEMPLATE_FIELDS);
      if (listOptions.name !== undefined) url.searchParams.set("name", listOptions.name);
      if (listOptions.language !== undefined) url.searchParams.set("language", listOptions.language);
      if (after !== undefined) url.searchParams.set("after", after);

      const json = await sendWithRetry({ method: "GET", url: url.toString(), accessToken: account.accessToken });
      const parsed = parseOrMalformed(ZMetaTemplatePage, json, "template list page");
      let templates: MetaTemplate[] = parsed.data;
      // Meta's name filter is not documented as exact: re-check client-side.
      if (listOptions.name !== undefined) templates = templates.filter((t) => t.name === listOptions.name);
      if (listOptions.language !== undefined) templates = templates.filter((t) => t.language === listOptions.language);
      yield templates;

      const next = parsed.paging?.next;
      if (next === undefined || next === "") return;
      let cursor = parsed.paging?.cursors?.after;
      if (cursor === undefined) {
        try {
          cursor = new URL(next).searchParams.get("after") ?? undefined;
        } catch {
          cursor = undefined;
        }
      }
      if (cursor === undefined || cursor === "") {
        throw new MetaApiError({
          kind: "malformed_response",
          message: "Meta returned paging.next without an after cursor",
        });
      }
      if (seen.has(cursor)) {
        throw new MetaApiError({ kind: "malformed_response", message: "Meta returned the same paging cursor twice" });
      }
      seen.add(cursor);
      after = cursor;
    }
    throw new MetaApiError({ kind: "malformed_response", message: `Meta paging did not end after ${MAX_PAGES} pages` });
  }

  /** Looks for a template with exactly this name + language (used to see whether an earlier create landed). */
  async function findExisting(
    account: MetaAccountRef,
    name: string,
    language: string,
  ): Promise<MetaTemplate | undefined> {
    for await (const page of listTemplates(account, { name, language })) {
      const found = page.find((t) => t.name === name && t.language === language);
      if (found) return found;
    }
    return undefined;
  }

  async function createTemplate(
    account: MetaAccountRef,
    body: MetaCreateTemplateBody,
  ): Promise<MetaCreateTemplateResult> {
    let ambiguous: MetaApiError | undefined;
    let reached = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const json = await transport({
          method: "POST",
          url: templatesUrl(account.wabaId),
          accessToken: account.accessToken,
          body,
        }).catch((error: unknown) => {
          // The budget counts a create that reached Meta on ANY attempt, even if the last one never left.
          if (error instanceof MetaApiError) {
            reached ||= error.reachedMeta;
            error.reachedMeta = reached;
          }
          throw error;
        });
        const parsed = parseOrMalformed(ZMetaCreateTemplateResponse, json, "create-template answer");
        return { id: parsed.id, status: parsed.status, category: parsed.category ?? body.category.toUpperCase() };
      } catch (error) {
        if (!(error instanceof MetaApiError)) throw error;
        // A duplicate after an ambiguous attempt is most likely our own first attempt: adopt it.
        if (ambiguous !== undefined && error.subcode === META_DUPLICATE_SUBCODE) {
          const landed = await findExisting(account, body.name, body.language).catch(() => undefined);
          if (landed) return { id: landed.id, status: landed.status, category: landed.category };
          throw error;
        }
        if (isAmbiguousFailure(error)) {
          // The create may have landed (timeout, dropped connection, 5xx after processing, unreadable 2xx). Check
          // on EVERY such failure — also the last one, so an attempt that landed is reported as the success it is.
          ambiguous = error;
          let landed: MetaTemplate | undefined;
          try {
            landed = await findExisting(account, body.name, body.language);
          } catch {
            throw error; // cannot tell whether it landed: surface the original failure rather than risk a duplicate
          }
          if (landed) return { id: landed.id, status: landed.status, category: landed.category };
        }
        // Only now, having checked that nothing landed, may the create be sent again.
        if (!shouldRetry(error, attempt, policy)) throw error;
        await wait(attempt, error);
      }
    }
  }

  async function editTemplate(account: MetaAccountRef, templateId: string, body: MetaEditTemplateBody): Promise<void> {
    await transport({
      method: "POST",
      url: `${base}/${encodeURIComponent(templateId)}`,
      accessToken: account.accessToken,
      body,
    });
  }

  async function deleteTemplate(
    account: MetaAccountRef,
    target: { name: string; templateId?: string | undefined },
  ): Promise<void> {
    const url = new URL(templatesUrl(account.wabaId));
    url.searchParams.set("name", target.name);
    if (target.templateId !== undefined) url.searchParams.set("hsm_id", target.templateId);
    await transport({ method: "DELETE", url: url.toString(), accessToken: account.accessToken });
  }

  async function lookUpAccount(account: MetaAccountRef, phoneNumberId: string): Promise<MetaAccountLookup> {
    const wabaUrl = new URL(`${base}/${encodeURIComponent(account.wabaId)}`);
    wabaUrl.searchParams.set("fields", "id,name");
    const waba = parseOrMalformed(
      ZMetaWabaNode,
      await sendWithRetry({ method: "GET", url: wabaUrl.toString(), accessToken: account.accessToken }),
      "WhatsApp Business Account",
    );
    const seen = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const url = new URL(`${base}/${encodeURIComponent(account.wabaId)}/phone_numbers`);
      url.searchParams.set("fields", "id,display_phone_number,verified_name");
      url.searchParams.set("limit", "100");
      if (after !== undefined) url.searchParams.set("after", after);
      const parsed = parseOrMalformed(
        ZMetaPhoneNumberPage,
        await sendWithRetry({ method: "GET", url: url.toString(), accessToken: account.accessToken }),
        "phone number list page",
      );
      const found = parsed.data.find((phone) => phone.id === phoneNumberId);
      if (found) {
        return {
          waba: { id: waba.id, name: waba.name },
          phoneNumber: {
            id: found.id,
            displayPhoneNumber: found.display_phone_number,
            verifiedName: found.verified_name,
          },
        };
      }
      const cursor =
        parsed.paging?.next !== undefined && parsed.paging.next !== "" ? parsed.paging.cursors?.after : undefined;
      if (cursor === undefined || cursor === "" || seen.has(cursor)) break;
      seen.add(cursor);
      after = cursor;
    }
    return { waba: { id: waba.id, name: waba.name }, phoneNumber: undefined };
  }

  async function listLibraryTemplates(account: MetaAccountRef, filters: LibraryFilters): Promise<unknown[]> {
    const url = new URL(`${base}/message_template_library`);
    for (const [key, value] of Object.entries(filters))
      if (typeof value === "string" && value !== "") url.searchParams.set(key, value);
    const json = await sendWithRetry({ method: "GET", url: url.toString(), accessToken: account.accessToken });
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data))
      throw new MetaApiError({
        kind: "malformed_response",
        message: "Meta's template library answer has no data array",
      });
    return data as unknown[];
  }

  return { createTemplate, listTemplates, editTemplate, deleteTemplate, lookUpAccount, listLibraryTemplates };
}
