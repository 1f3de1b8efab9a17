/**
 * Response serialisers compiled once from the wire (zod) schemas by fast-json-stringify, so a hot list does not run
 * zod over every field of every row and then JSON.stringify the copy. The JSON Schema comes from `z.toJSONSchema`
 * (output side) and is reduced to what a serialiser needs: properties in the schema's order, `additionalProperties`
 * false for zod's (stripping) objects and open for its loose objects and records, nullable as `type: [T, "null"]`.
 * The bytes are those of `JSON.stringify(schema.parse(value))` — keys in schema order, unknown keys dropped, a loose
 * object's extra keys after its known ones (test/compiled-serializer.test.ts compares them over many shapes) — and a
 * missing required field still throws. A schema this reduction cannot express (unions, defaults, transforms, an
 * optional property before a required one, …)
 * gets no compiled serialiser: `compileSerializer` answers undefined and the caller keeps zod.
 */
import fastJson from "fast-json-stringify";
import { z } from "zod";

type JsonSchema = Record<string, unknown>;

class Unsupported extends Error {}

const PRIMITIVES = new Set(["string", "number", "integer", "boolean"]);

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `{ type: T, … } | null` (zod's `.nullable()`), as fast-json-stringify's own `type: [T, "null"]`. */
function nullableBranch(anyOf: unknown[]): JsonSchema | undefined {
  if (anyOf.length !== 2) return undefined;
  const isNull = (s: unknown) => isObject(s) && s["type"] === "null" && Object.keys(s).length === 1;
  const other = isNull(anyOf[0]) ? anyOf[1] : isNull(anyOf[1]) ? anyOf[0] : undefined;
  return isObject(other) ? other : undefined;
}

/** The serialiser's schema for one node; throws Unsupported for anything it could not serialise exactly. */
function reduce(node: unknown): JsonSchema {
  if (!isObject(node)) throw new Unsupported("not a schema");
  // Every keyword a serialiser would act on differently from zod's parse (or that zod's output never needs).
  for (const keyword of ["$ref", "allOf", "oneOf", "not", "if", "default", "prefixItems", "patternProperties"]) {
    if (keyword in node) throw new Unsupported(keyword);
  }
  if (Array.isArray(node["anyOf"])) {
    const inner = nullableBranch(node["anyOf"]);
    if (inner === undefined) throw new Unsupported("anyOf");
    const reduced = reduce(inner);
    const type = reduced["type"];
    if (typeof type !== "string") throw new Unsupported("nullable without a single type");
    return { ...reduced, type: [type, "null"] };
  }
  const type = node["type"];
  const types = Array.isArray(type) ? type : [type];
  const base = types.filter((t) => t !== "null");
  if (base.length !== 1 || typeof base[0] !== "string") throw new Unsupported(`type ${JSON.stringify(type)}`);
  const main = base[0];
  const out: JsonSchema = { type: types.length === 2 ? [main, "null"] : main };
  if (PRIMITIVES.has(main)) {
    // zod's ints are numbers on the way out; fast-json-stringify's "integer" would round a non-integer.
    if (main === "integer") out["type"] = types.length === 2 ? ["number", "null"] : "number";
    return out;
  }
  if (main === "array") {
    out["items"] = reduce(node["items"]);
    return out;
  }
  if (main === "object") {
    const properties = isObject(node["properties"]) ? node["properties"] : {};
    out["properties"] = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, reduce(value)]));
    const required = Array.isArray(node["required"]) ? (node["required"] as unknown[]) : [];
    // fast-json-stringify writes required properties before optional ones; zod writes the shape's order. Where
    // an optional property comes before a required one the orders differ: no compiled serialiser then.
    const keys = Object.keys(properties);
    const firstOptional = keys.findIndex((key) => !required.includes(key));
    if (firstOptional !== -1 && keys.slice(firstOptional).some((key) => required.includes(key)))
      throw new Unsupported("an optional property before a required one");
    out["required"] = required;
    const additional = node["additionalProperties"];
    if (additional === false) out["additionalProperties"] = false;
    // A loose object's or a record's extra values go out as they are (zod passes `unknown` through untouched).
    else if (isObject(additional) && Object.keys(additional).length === 0) out["additionalProperties"] = true;
    else throw new Unsupported("typed additionalProperties");
    return out;
  }
  throw new Unsupported(`type ${main}`);
}

/** The fast-json-stringify schema for `schema`'s output, or undefined when it cannot be serialised exactly. */
export function serializerSchema(schema: z.ZodType): JsonSchema | undefined {
  let json: JsonSchema;
  try {
    // An empty registry: no `id` metadata, so every schema is inlined (no $ref for the serialiser to resolve).
    json = z.toJSONSchema(schema, { io: "output", metadata: z.registry(), unrepresentable: "throw" });
  } catch {
    return undefined;
  }
  try {
    return reduce(json);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** A function writing `value` as `JSON.stringify(schema.parse(value))` would, or undefined (see the module comment). */
export function compileSerializer(schema: z.ZodType): ((value: unknown) => string) | undefined {
  const reduced = serializerSchema(schema);
  if (reduced === undefined) return undefined;
  return fastJson(reduced) as (value: unknown) => string;
}
