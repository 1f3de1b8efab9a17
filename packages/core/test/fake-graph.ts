/**
 * A tiny in-process fake of Meta's message_templates edge, for gateway tests that need precise failure
 * injection (timeouts, malformed bodies, envelopes). Service tests use @kirim/meta-sandbox instead.
 * Loopback only.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: unknown[];
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw text body (overrides body). */
  raw?: string;
  /** Delay before answering (ms). */
  delayMs?: number;
  /** Apply the normal behaviour (e.g. really create) and then delay/answer with this reply. */
  passThrough?: boolean;
}

export type Interceptor = (req: RecordedRequest) => FakeReply | undefined;

export interface FakeGraph {
  url: string;
  templates: Map<string, FakeTemplate[]>;
  requests: RecordedRequest[];
  /** Interceptors run in order; the first returning a reply wins and is removed when `once`. */
  intercept(fn: Interceptor, options?: { once?: boolean }): void;
  nextLinkHost: string;
  close(): Promise<void>;
}

let idCounter = 1_000_000;

export async function startFakeGraph(options: { token?: string } = {}): Promise<FakeGraph> {
  const token = options.token ?? "test-token";
  const templates = new Map<string, FakeTemplate[]>();
  const requests: RecordedRequest[] = [];
  const interceptors: { fn: Interceptor; once: boolean }[] = [];

  const send = (res: ServerResponse, reply: FakeReply): void => {
    const headers = { "content-type": "application/json", ...reply.headers };
    res.writeHead(reply.status ?? 200, headers);
    res.end(reply.raw ?? JSON.stringify(reply.body ?? {}));
  };

  const normal = (req: RecordedRequest): FakeReply => {
    if (req.authorization !== `Bearer ${token}`) {
      return {
        status: 401,
        body: {
          error: { message: "Invalid OAuth access token.", type: "OAuthException", code: 190, fbtrace_id: "TRACE190" },
        },
      };
    }
    const m = /^\/v\d+\.\d+\/([^/]+)\/message_templates$/.exec(req.path);
    if (!m || !m[1])
      return { status: 404, body: { error: { message: "Unknown path", type: "GraphMethodException", code: 803 } } };
    const waba = m[1];
    const list = templates.get(waba) ?? [];
    templates.set(waba, list);
    if (req.method === "POST") {
      const body = req.body as { name: string; language: string; category: string; components: unknown[] };
      if (list.some((t) => t.name === body.name && t.language === body.language)) {
        return {
          status: 400,
          body: {
            error: {
              message: "Invalid parameter",
              type: "OAuthException",
              code: 100,
              error_subcode: 2388024,
              is_transient: false,
              error_user_title: "Content in This Language Already Exists",
              error_user_msg: "There is already content for this template in this language.",
              fbtrace_id: "TRACEDUP",
            },
          },
        };
      }
      const t: FakeTemplate = {
        id: String(idCounter++),
        name: body.name,
        language: body.language,
        status: "PENDING",
        category: body.category.toUpperCase(),
        components: body.components,
      };
      list.push(t);
      return { body: { id: t.id, status: t.status, category: t.category } };
    }
    let rows = list;
    const name = req.query.get("name");
    const language = req.query.get("language");
    if (name) rows = rows.filter((t) => t.name === name);
    if (language) rows = rows.filter((t) => t.language === language);
    const limit = Number(req.query.get("limit") ?? "25");
    const start = Number(
      req.query.get("after") ? Buffer.from(req.query.get("after") ?? "", "base64url").toString() : "0",
    );
    const page = rows.slice(start, start + limit);
    const more = start + limit < rows.length;
    const after = Buffer.from(String(start + limit)).toString("base64url");
    return {
      body: {
        data: page,
        paging: {
          cursors: { before: "b", after },
          ...(more ? { next: `${fake.nextLinkHost}${req.path}?limit=${limit}&after=${after}` } : {}),
        },
      },
    };
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      requests.push(recorded);
      let reply: FakeReply | undefined;
      for (let i = 0; i < interceptors.length; i++) {
        const it = interceptors[i];
        if (!it) continue;
        reply = it.fn(recorded);
        if (reply) {
          if (it.once) interceptors.splice(i, 1);
          break;
        }
      }
      if (reply?.passThrough) {
        const base = normal(recorded);
        reply = { ...base, ...reply, body: reply.body ?? base.body };
      }
      const final = reply ?? normal(recorded);
      if (final.delayMs) {
        setTimeout(() => {
          if (!res.destroyed) send(res, final);
        }, final.delayMs);
      } else {
        send(res, final);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeGraph = {
    url: `http://127.0.0.1:${port}`,
    templates,
    requests,
    intercept: (fn, opts = {}) => interceptors.push({ fn, once: opts.once ?? true }),
    nextLinkHost: "https://evil.example.invalid",
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

export function seedFakeTemplates(fake: FakeGraph, waba: string, count: number, status = "APPROVED"): FakeTemplate[] {
  const list = fake.templates.get(waba) ?? [];
  fake.templates.set(waba, list);
  for (let i = 0; i < count; i++) {
    list.push({
      id: String(idCounter++),
      name: `tpl_${String(i).padStart(5, "0")}`,
      language: "en",
      status,
      category: "UTILITY",
      components: [
        { type: "BODY", text: `Hello {{1}}, this is template number ${i}.`, example: { body_text: [["Budi"]] } },
      ],
      parameter_format: "POSITIONAL",
      extra_unknown_field: { nested: true },
    });
  }
  return list;
}
