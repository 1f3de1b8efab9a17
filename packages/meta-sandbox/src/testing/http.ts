// Small helpers for the sandbox's own tests: real HTTP over loopback, nothing else.
import type { MetaSandbox } from "../index.js";

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  url: string,
  init: {
    method?: string;
    token?: string | null;
    json?: unknown;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    body?: Buffer;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | Buffer | undefined;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.body) {
    body = init.body;
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === "" ? {} : JSON.parse(text)) as T };
}

export function templatesUrl(sandbox: MetaSandbox, query = ""): string {
  return `${sandbox.graphUrl}/${sandbox.demo.wabaId}/message_templates${query}`;
}

/** A valid UTILITY body that no rule rejects or recategorises. */
export function utilityTemplate(name: string, language = "en"): Record<string, unknown> {
  return {
    name,
    language,
    category: "UTILITY",
    components: [
      {
        type: "BODY",
        text: "Hi {{1}}, your order {{2}} has been confirmed and will ship within two days.",
        example: { body_text: [["Ana", "#1042"]] },
      },
      { type: "FOOTER", text: "Kirim Demo Store" },
    ],
  };
}

export interface GraphErrorShape {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    is_transient?: boolean;
    error_user_title?: string;
    error_user_msg?: string;
    fbtrace_id: string;
  };
}

/** Polls `check` until it returns true (timers in the sandbox are real; CI machines can be slow). */
export async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
