/**
 * Issue 12 §5: real Meta payloads written by others (fixtures/meta-real, each with its source) against the gateway.
 * Every list and get answer parses with the gateway's models and keeps its components exactly; every create answer
 * parses; every error answer, served over loopback HTTP as Meta sent it, becomes a MetaApiError that the one
 * translator maps to a client error of ours (never an internal error).
 */
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { createMetaGateway } from "./gateway.js";
import { MetaApiError } from "./meta-api-error.js";
import { mapMetaError } from "./meta-error-mapping.js";
import { ZMetaCreateTemplateResponse, ZMetaTemplate, ZMetaTemplatePage } from "./meta-schemas.js";

interface Fixture {
  file: string;
  source: string;
  note: string;
  payload: Record<string, unknown>;
}

const CORPUS = new URL("../../../../fixtures/meta-real/", import.meta.url);

function corpus(kind: "list" | "get" | "create-answers" | "errors"): Fixture[] {
  const folder = new URL(`${kind}/`, CORPUS);
  return readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, folder), "utf8")) as Omit<Fixture, "file">) }));
}

type Template = { name: string; language: string; components: unknown[] };

describe("real Meta list and get answers parse in the gateway, components intact", () => {
  it("the corpus is there and every entry names its source", () => {
    for (const kind of ["list", "get", "create-answers", "errors"] as const) {
      const fixtures = corpus(kind);
      expect(fixtures.length, kind).toBeGreaterThan(0);
      for (const fixture of fixtures) expect(fixture.source.length, fixture.file).toBeGreaterThan(10);
    }
  });

  it.each(corpus("list"))("list $file", ({ payload }) => {
    const parsed = ZMetaTemplatePage.safeParse(payload);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const sent = payload.data as Template[];
    expect(parsed.data?.data.map((t) => [t.name, t.language, t.components])).toEqual(
      sent.map((t) => [t.name, t.language, t.components]),
    );
  });

  it.each(corpus("get"))("get $file", ({ payload }) => {
    const parsed = ZMetaTemplate.safeParse(payload);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data?.components).toEqual(payload.components);
  });

  it.each(corpus("create-answers"))("create answer $file", ({ payload }) => {
    const parsed = ZMetaCreateTemplateResponse.safeParse(payload);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data?.id).toBe(String(payload.id));
  });
});

describe("real Meta error answers map to our errors", () => {
  let served: { status: number; body: unknown } = { status: 500, body: {} };
  let url = "";
  const server = createServer((_request, response) => {
    const text = JSON.stringify(served.body);
    response.writeHead(served.status, { "content-type": "application/json" });
    response.end(text);
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(corpus("errors"))("$file", async ({ payload }) => {
    const { http_status: status, body } = payload as {
      http_status: number;
      body: { error: { code: number; message: string; error_subcode?: number } };
    };
    served = { status, body };
    const gateway = createMetaGateway({
      graphUrl: url,
      apiVersion: "v23.0",
      timeoutMs: 2_000,
      retry: { maxAttempts: 1, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1 },
    });
    const account = { wabaId: "102290129340398", accessToken: "EAAJB-corpus-test-secret" };
    for (const [operation, attempt] of [
      [
        "write",
        () =>
          gateway.createTemplate(account, {
            name: "order_confirmation",
            language: "en",
            category: "UTILITY",
            components: [{ type: "BODY", text: "Your order has shipped." }],
          }),
      ],
      [
        "read",
        async () => {
          for await (const _page of gateway.listTemplates(account)) void _page;
        },
      ],
    ] as const) {
      const error = await attempt().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, operation).toBeInstanceOf(MetaApiError);
      const metaError = error as MetaApiError;
      // Meta's own code, subcode and message survive the transport.
      expect(metaError.code, operation).toBe(body.error.code);
      expect(metaError.subcode, operation).toBe(body.error.error_subcode);
      expect(metaError.message, operation).toContain(body.error.message);
      const mapped = mapMetaError(metaError, operation);
      expect(mapped).toBeInstanceOf(DomainError);
      expect(mapped.code, `${operation}: ${mapped.code}`).not.toBe("internal_error");
      expect(mapped.details?.meta, operation).toMatchObject({ code: body.error.code });
    }
  });
});
