/**
 * The compiled REST serialisers (src/rest/compiled-serializer.ts) write exactly the bytes the zod path wrote —
 * `JSON.stringify(schema.parse(value))` — for every endpoint of the table whose schema compiles: arbitrary values of
 * each wire schema, the same with unknown keys slipped in at every depth (dropped where zod strips, kept after the
 * known keys where the schema is loose), strings JSON must escape, and real Meta templates (fixtures/meta-real).
 * A missing required field still fails.
 */
import { readFileSync, readdirSync } from "node:fs";
import { deriveTemplateFields, ZTemplate } from "@kirim/schema";
import type { TTemplate } from "@kirim/schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ENDPOINTS } from "../src/endpoints/table.js";
import { compileSerializer } from "../src/rest/compiled-serializer.js";
import { arbitraryFromSchema } from "./support/json-schema-arbitrary.js";
import type { JsonSchema } from "./support/json-schema-arbitrary.js";

/** Every response schema of the table as the REST handler serialises it (`data` payload, or the list's array). */
const WIRE = ENDPOINTS.flatMap((entry) =>
  entry.kind === "api"
    ? [
        {
          name: `${entry.method.toUpperCase()} ${entry.path}`,
          schema: entry.result.kind === "data" ? entry.result.schema : z.array(entry.result.item),
        },
      ]
    : [],
);
const COMPILED = WIRE.flatMap(({ name, schema }) => {
  const stringify = compileSerializer(schema);
  return stringify === undefined ? [] : [{ name, schema, stringify }];
});

const zodBytes = (schema: z.ZodType, value: unknown): string => JSON.stringify(schema.parse(value));

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `value` with `extras` added in front of every object's own keys, at every depth. */
function withExtras(value: unknown, extras: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => withExtras(v, extras));
  if (!isObject(value)) return value;
  return {
    ...extras,
    ...Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withExtras(v, extras)])),
  };
}

const extraKeys = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => `x_${s}`),
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
  { minKeys: 1, maxKeys: 3 },
);

/**
 * An own `__proto__` key is the one known difference: zod's parse assigns it (setting the copy's prototype, so it
 * vanishes), the compiled serialiser writes it. No stored template holds one — create and sync read components
 * through zod, which drops it the same way — so the generated values leave it out.
 */
function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (!isObject(value)) return false;
  return Object.entries(value).some(([key, v]) => key === "__proto__" || hasProtoKey(v));
}

function validValues(schema: z.ZodType): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as JsonSchema;
  return arbitraryFromSchema(json, json).filter((value) => !hasProtoKey(value) && schema.safeParse(value).success);
}

describe("compiled REST serialisers", () => {
  it("compile the template list, the template and other reads (else they would silently keep zod)", () => {
    const names = COMPILED.map((c) => c.name);
    for (const name of [
      "GET /v1/{phone_number_id}/templates",
      "GET /v1/{phone_number_id}/templates/{name}",
      "GET /v1/accounts",
      "GET /v1/{phone_number_id}/template_sync_runs",
    ]) {
      expect(names).toContain(name);
    }
  });

  describe.each(COMPILED)("$name", ({ schema, stringify }) => {
    it("writes zod's bytes for arbitrary valid values", () => {
      fc.assert(
        fc.property(validValues(schema), (value) => {
          expect(stringify(value)).toBe(zodBytes(schema, value));
        }),
        { numRuns: 60 },
      );
    });

    it("drops or keeps unknown keys at every depth exactly as zod does", () => {
      fc.assert(
        fc.property(validValues(schema), extraKeys, (value, extras) => {
          const leaky = withExtras(value, extras);
          expect(stringify(leaky)).toBe(zodBytes(schema, leaky));
        }),
        { numRuns: 60 },
      );
    });
  });

  const list = z.array(ZTemplate);
  const writeList = compileSerializer(list);
  if (writeList === undefined) throw new Error("the template list does not compile");

  function template(components: unknown[], overrides: Partial<TTemplate> = {}): TTemplate {
    return {
      id: "tmpl_01J00000000000000000000000",
      object: "template",
      name: "order_update",
      language: "en_US",
      status: "approved",
      content: "Hello {{1}}",
      variables: ["1"],
      components: components as TTemplate["components"],
      whatsapp_account: { phone_number: "+1 555 0100", phone_number_id: "106540352242922", customer: null },
      provider_template_id: "1234567890",
      created_at: "2026-11-23T10:00:00.000Z",
      updated_at: "2026-11-24T10:00:00.000Z",
      category: "UTILITY",
      meta_status: "APPROVED",
      rejected_reason: null,
      quality_score: "GREEN",
      previous_category: null,
      last_synced_at: "2026-11-24T10:00:00.000Z",
      last_synced_via: "sync",
      rejection_info: null,
      status_info: null,
      pending_category_change: null,
      deleted_at: null,
      library_template_name: null,
      ...deriveTemplateFields(components),
      ...overrides,
    };
  }

  it("writes zod's bytes for every real Meta template of the corpus (fixtures/meta-real list and get)", () => {
    const corpus = new URL("../../../fixtures/meta-real/", import.meta.url);
    const templates: { components?: unknown[] }[] = [];
    for (const kind of ["list", "get"]) {
      const folder = new URL(`${kind}/`, corpus);
      for (const file of readdirSync(folder).filter((f) => f.endsWith(".json"))) {
        const { payload } = JSON.parse(readFileSync(new URL(file, folder), "utf8")) as { payload: unknown };
        const data = isObject(payload) && Array.isArray(payload["data"]) ? payload["data"] : [payload];
        templates.push(...(data as { components?: unknown[] }[]));
      }
    }
    expect(templates.length).toBeGreaterThan(20);
    const page = templates.map((t, i) =>
      template(
        t.components ?? [],
        i % 2 === 0
          ? {}
          : {
              whatsapp_account: { phone_number: null, phone_number_id: null, customer: { id: "cus_1", name: "Acme" } },
              rejection_info: { reason: "INVALID_FORMAT", recommendation: null },
              status_info: { other_info: { title: "Paused", description: "low quality" } },
              pending_category_change: { category: "MARKETING", effective_at: null },
              deleted_at: "2026-11-25T00:00:00.000Z",
            },
      ),
    );
    expect(writeList(page)).toBe(zodBytes(list, page));
  });

  it("escapes strings exactly as JSON.stringify does (quotes, controls, U+2028, lone surrogates)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (text, name) => {
        const page = [
          template([{ type: "BODY", text, example: { body_text: [[name]] }, [`x_${name}`]: text }], {
            name,
            content: text,
          }),
        ];
        expect(writeList(page)).toBe(zodBytes(list, page));
      }),
      { numRuns: 300 },
    );
  });

  it("never writes a key the wire schema does not name (a leaked secret stays home)", () => {
    const leaky = [{ ...template([{ type: "BODY", text: "Hi" }]), access_token: "EAAG-secret" }];
    const out = writeList(leaky);
    expect(out).not.toContain("EAAG-secret");
    expect(out).toBe(zodBytes(list, leaky));
  });

  it("throws on a template missing a required field, as zod's parse did", () => {
    const { status: _dropped, ...missing } = template([{ type: "BODY", text: "Hi" }]);
    expect(() => list.parse([missing])).toThrow();
    expect(() => writeList([missing])).toThrow();
  });
});
