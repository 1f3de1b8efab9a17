/** Small HTTP helpers over Node's fetch: our API (REST and tRPC) and the sandbox's control API. Loopback only. */

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  ms: number;
}

/** The body as JSON, or undefined for an empty or non-JSON body (the caller checks the status first). */
function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function request<T = unknown>(
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, body: parseJson(text) as T, text, ms };
}

/** Like `request`, but anything other than `expected` is an error that says what came back. */
export async function expectStatus<T = unknown>(
  expected: number,
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer<T>> {
  const answer = await request<T>(method, url, options);
  if (answer.status !== expected)
    throw new Error(`${method} ${url} → ${answer.status}, expected ${expected}: ${answer.text.slice(0, 500)}`);
  return answer;
}

export interface SyncResult {
  synced: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** Our sync through REST, timed from request to answer. */
export async function syncOnce(
  baseUrl: string,
  apiKey: string,
  phoneNumberId: string,
): Promise<{ ms: number; result: SyncResult }> {
  const answer = await expectStatus<{ data: SyncResult }>(
    200,
    "POST",
    `${baseUrl}/v1/${phoneNumberId}/templates/sync`,
    { token: apiKey },
  );
  return { ms: answer.ms, result: answer.body.data };
}

/** A template body both we and Meta accept (the README's example, under a new name each time). */
export function createBody(name: string): Record<string, unknown> {
  return {
    name,
    category: "UTILITY",
    language: "en",
    components: [
      {
        type: "BODY",
        text: "Hi {{1}}, thank you for your order. Order {{2}} is confirmed and will ship within 2 business days.",
        example: { body_text: [["Budi", "A-10423"]] },
      },
      { type: "FOOTER", text: "Reply STOP to opt out" },
      {
        type: "BUTTONS",
        buttons: [
          {
            type: "URL",
            text: "Track order",
            url: "https://shop.example.com/orders/{{1}}",
            example: ["https://shop.example.com/orders/A-10423"],
          },
        ],
      },
    ],
  };
}

/** The sandbox's control API (`/_sandbox`, see packages/meta-sandbox/README.md). */
export function sandboxControl(sandboxUrl: string) {
  const control = `${sandboxUrl}/_sandbox`;
  return {
    setLatency: (ms: number) => expectStatus(200, "PUT", `${control}/faults`, { body: { latency_ms: ms } }),
    templates: async (wabaId: string) =>
      (
        await expectStatus<{ data: { id: string; status: string }[] }>(
          200,
          "GET",
          `${control}/wabas/${wabaId}/templates`,
        )
      ).body.data,
    setStatus: (templateId: string, status: string) =>
      expectStatus(200, "POST", `${control}/templates/${templateId}/status`, { body: { status } }),
    addWaba: async (accessToken: string) =>
      (
        await expectStatus<{ id: string }>(201, "POST", `${control}/wabas`, {
          body: { access_token: accessToken, template_limit: 1_000 },
        })
      ).body,
    listRequests: async (method: string) =>
      (
        await expectStatus<{ data: { path: string; query: Record<string, string> }[] }>(
          200,
          "GET",
          `${control}/requests?method=${method}`,
        )
      ).body.data,
    clearRequests: () => expectStatus(200, "DELETE", `${control}/requests`),
  };
}
