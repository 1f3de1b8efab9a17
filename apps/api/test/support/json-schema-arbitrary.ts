/**
 * fast-check arbitraries from JSON Schema: the request schemas of the emitted OpenAPI document and the tRPC inputs
 * (`z.toJSONSchema` of each procedure's zod input), so a field added to a schema is fuzzed without touching the
 * drills. Covers the keywords our schemas use (`$ref`, `anyOf`/`oneOf`/`allOf`, `enum`, `const`, string
 * pattern/length/format, integer/number bounds, arrays, objects with required and additional properties); anything
 * else becomes an arbitrary JSON value. Values follow the schema's structure, not zod refinements written in code
 * (e.g. "exactly one BODY"), so some of them are valid and the rest are near misses: both are wanted.
 */
import fc from "fast-check";
import type { Arbitrary } from "fast-check";

export type JsonSchema = Record<string, unknown>;

const MAX_ARRAY_ITEMS = 4;
const MAX_FREE_STRING = 40;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Resolves a local `$ref` (`#/components/schemas/X`, `#/$defs/X`) against the document it appears in. */
export function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith("#/")) throw new Error(`only local $ref is supported, got ${ref}`);
  let node: unknown = root;
  for (const token of ref.slice(2).split("/")) {
    const key = token.replaceAll("~1", "/").replaceAll("~0", "~");
    node = isObject(node) ? node[key] : undefined;
  }
  if (!isObject(node)) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

function stringArbitrary(schema: JsonSchema): Arbitrary<string> {
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : undefined;
  if (typeof schema.pattern === "string") {
    const pattern = new RegExp(schema.pattern);
    // A pattern generator ignores length bounds; keep the matches the bounds allow (most of them).
    return fc
      .stringMatching(pattern)
      .filter((s) => s.length >= minLength && (maxLength === undefined || s.length <= maxLength));
  }
  if (schema.format === "uri") return fc.webUrl({ validSchemes: ["https"] });
  if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const cap = Math.max(minLength, Math.min(maxLength ?? MAX_FREE_STRING, MAX_FREE_STRING));
  return fc.string({ unit: "grapheme", minLength, maxLength: cap });
}

function numberBounds(schema: JsonSchema): { min: number; max: number } {
  const min =
    typeof schema.minimum === "number"
      ? schema.minimum
      : typeof schema.exclusiveMinimum === "number"
        ? schema.exclusiveMinimum + 1
        : -1_000_000;
  const max =
    typeof schema.maximum === "number"
      ? schema.maximum
      : typeof schema.exclusiveMaximum === "number"
        ? schema.exclusiveMaximum - 1
        : 1_000_000;
  return { min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) };
}

/**
 * An arbitrary of values shaped by `schema`. `root` is the document its `$ref`s point into; `depth` stops
 * recursive schemas.
 */
export function arbitraryFromSchema(schema: JsonSchema, root: JsonSchema, depth = 0): Arbitrary<unknown> {
  if (depth > 8) return fc.constant(null);
  if (typeof schema.$ref === "string") {
    // A sibling of $ref (description, default) does not change the shape.
    return arbitraryFromSchema(resolveRef(root, schema.$ref), root, depth + 1);
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      return fc.oneof(...options.filter(isObject).map((option) => arbitraryFromSchema(option, root, depth + 1)));
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0 && isObject(schema.allOf[0])) {
    // Our generator emits allOf only to attach metadata to one schema; its first member carries the shape.
    return arbitraryFromSchema(schema.allOf[0], root, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return stringArbitrary(schema);
    case "integer": {
      const { min, max } = numberBounds(schema);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case "number": {
      const { min, max } = numberBounds(schema);
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const items = isObject(schema.items)
        ? arbitraryFromSchema(schema.items, root, depth + 1)
        : fc.jsonValue({ maxDepth: 2 });
      const minLength = typeof schema.minItems === "number" ? schema.minItems : 0;
      const maxLength = Math.max(
        minLength,
        Math.min(typeof schema.maxItems === "number" ? schema.maxItems : MAX_ARRAY_ITEMS, MAX_ARRAY_ITEMS),
      );
      return fc.array(items, { minLength, maxLength });
    }
    case "object": {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const shape: Record<string, Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (isObject(property)) shape[name] = arbitraryFromSchema(property, root, depth + 1);
      }
      const record = fc.record(shape, { requiredKeys: required.filter((name) => name in shape) });
      if (Object.keys(shape).length === 0 && schema.additionalProperties !== false) {
        return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      }
      return record;
    }
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}
