import type { TTemplate, TTemplateEvent } from "@kirim/schema";
import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { vi } from "vitest";
import { queryClient } from "./lib/trpc.js";

/** A tRPC procedure answer: output data, or an error the way the API's errorFormatter shapes it. */
export type Answer =
  { data: unknown } | { error: { message: string; code: string; httpStatus: number; param?: string } };
/** May answer later (a promise), e.g. to keep a mutation pending while the test looks at the page. */
type Handler = (path: string, input: Record<string, unknown> | undefined) => Answer | Promise<Answer>;

/**
 * Stubs `fetch` with a tRPC server over httpBatchLink's wire format (no transformer), so pages run
 * unchanged against canned answers. Returns the calls made, as `{ path, input }`.
 */
export function stubTrpc(handler: Handler): { path: string; input: Record<string, unknown> | undefined }[] {
  const calls: { path: string; input: Record<string, unknown> | undefined }[] = [];
  vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
    const parsed = new URL(url, "http://localhost");
    const paths = parsed.pathname.replace(/^\/trpc\//, "").split(",");
    const rawInput = init?.method === "POST" ? (init.body as string) : parsed.searchParams.get("input");
    const inputs = (rawInput ? JSON.parse(rawInput) : {}) as Record<string, Record<string, unknown> | undefined>;
    let status = 200;
    const results = await Promise.all(
      paths.map(async (path, i) => {
        const input = inputs[String(i)];
        calls.push({ path, input });
        const answer = await handler(path, input);
        if ("data" in answer) return { result: { data: answer.data } };
        const { message, code, httpStatus, param } = answer.error;
        status = Math.max(status, httpStatus);
        return {
          error: {
            message,
            code: -32600,
            data: { code, httpStatus, param: param ?? null, request_id: "req_01HXYZABCDEFGHJKMNPQRSTVWX", path },
          },
        };
      }),
    );
    return new Response(JSON.stringify(results), {
      status: paths.length > 1 ? 207 : status,
      headers: { "content-type": "application/json" },
    });
  });
  return calls;
}

export function withQueryClient(children: ReactNode) {
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

let eventSeq = 0;
/** A valid `template_event` of the API (a status change recorded by a create, unless `extra` says otherwise). */
export function templateEvent(extra: Partial<TTemplateEvent> = {}): TTemplateEvent {
  eventSeq += 1;
  return {
    id: `tev_01HXYZABCDEFGHJKMNPQRST${String(eventSeq).padStart(3, "0")}`,
    object: "template_event",
    template_id: "tmpl_01HXYZABCDEFGHJKMNPQRST001",
    name: "order_update",
    language: "en",
    kind: "status",
    from: null,
    to: "PENDING",
    reason: null,
    detail: null,
    source: "create",
    source_id: "req_01HXYZABCDEFGHJKMNPQRSTVWX",
    occurred_at: "2026-11-01T10:00:00.000Z",
    recorded_at: "2026-11-01T10:00:00.000Z",
    ...extra,
  };
}

/** The demo account's phone number id (the API's seeded one). */
export const PNID = "106540352242922";
let templateSeq = 0;
/** A valid `template` of the API (approved, UTILITY, one BODY with a variable), with `extra` over it. */
export function template(name: string, language: string, extra: Partial<TTemplate> = {}): TTemplate {
  templateSeq += 1;
  return {
    id: `tmpl_01HXYZABCDEFGHJKMNPQRST${String(templateSeq).padStart(3, "0")}`,
    object: "template",
    name,
    language,
    status: "approved",
    content: "Hi {{1}}, thanks!",
    variables: ["1"],
    components: [{ type: "BODY", text: "Hi {{1}}, thanks for your order.", example: { body_text: [["Ana"]] } }],
    whatsapp_account: { phone_number: "+628111222333", phone_number_id: PNID, customer: null },
    provider_template_id: "594425479261596",
    created_at: "2026-11-01T10:00:00.000Z",
    updated_at: "2026-11-01T10:00:00.000Z",
    category: "UTILITY",
    meta_status: "APPROVED",
    rejected_reason: null,
    quality_score: "GREEN",
    previous_category: null,
    last_synced_at: "2026-11-23T09:00:00.000Z",
    last_synced_via: "sync",
    rejection_info: null,
    status_info: null,
    pending_category_change: null,
    deleted_at: null,
    library_template_name: null,
    header_type: null,
    header_content: null,
    footer_content: null,
    has_variables: true,
    buttons: [],
    ...extra,
  };
}
