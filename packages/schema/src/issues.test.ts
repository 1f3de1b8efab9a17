import { describe, expect, it } from "vitest";
import { z } from "zod";
import { firstIssue, formatIssuePath, issueCode, MISSING_FIELD_MESSAGE, pickIssue } from "./issues.js";

describe("formatIssuePath", () => {
  it.each([
    [[], ""],
    [["name"], "name"],
    [["components", 1, "buttons", 0, "text"], "components[1].buttons[0].text"],
    [["components", 0, "example", "body_text", 0, 2], "components[0].example.body_text[0][2]"],
    [[0, "a"], "[0].a"],
    [["example", "a b"], 'example["a b"]'],
    [["map", "3"], "map[3]"],
    [[Symbol("s")], "[Symbol(s)]"],
  ] as [PropertyKey[], string][])("%j → %s", (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });
});

describe("firstIssue / issueCode", () => {
  const schema = z.object({
    name: z.string().max(3, { error: "name must be at most 3 characters." }),
    nested: z.object({ items: z.array(z.number()) }).optional(),
    limit: z.number().optional(),
    cursor: z.string().optional(),
  });

  function first(input: unknown) {
    const result = schema.safeParse(input);
    if (result.success) throw new Error("expected a failure");
    return firstIssue(result.error);
  }

  it("maps an absent required key to missing_required_field", () => {
    expect(first({})).toEqual({ param: "name", message: "name is required.", code: "missing_required_field" });
  });

  it("detects absence from the input when parsed with reportInput", () => {
    const result = schema.safeParse({}, { reportInput: true });
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error).code).toBe("missing_required_field");
  });

  it("maps a wrong value to invalid_field_value and keeps our message", () => {
    expect(first({ name: "abcd" })).toEqual({
      param: "name",
      message: "name must be at most 3 characters.",
      code: "invalid_field_value",
    });
  });

  it("prefixes zod's default messages with the param", () => {
    expect(first({ name: "a", nested: { items: ["x"] } })).toMatchObject({
      param: "nested.items[0]",
      code: "invalid_field_value",
      message: expect.stringMatching(/^nested\.items\[0\]: /),
    });
  });

  it("maps anything at a limit key to invalid_limit and at a cursor key to invalid_cursor", () => {
    expect(first({ name: "a", limit: "x" }).code).toBe("invalid_limit");
    expect(first({ name: "a", cursor: 5 }).code).toBe("invalid_cursor");
  });

  it("maps a non-object root to invalid_request without a param", () => {
    const issue = first("text");
    expect(issue.code).toBe("invalid_request");
    expect(issue).not.toHaveProperty("param");
  });

  it("takes a refinement's own catalogue code and subcode from params", () => {
    const refined = z.string().superRefine((_value, ctx) => {
      ctx.addIssue({
        code: "custom",
        message: "too long",
        params: { code: "request_too_large", meta_subcode: 2388040 },
      });
    });
    const result = refined.safeParse("x");
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error)).toEqual({ message: "too long", code: "request_too_large", meta_subcode: 2388040 });
  });

  it("ignores a params.code that is not in the catalogue", () => {
    const refined = z.string().superRefine((_value, ctx) => {
      ctx.addIssue({ code: "custom", message: "nope", params: { code: "not_a_code" } });
    });
    const result = refined.safeParse("x");
    if (result.success) throw new Error("expected a failure");
    expect(issueCode(result.error.issues[0] as z.core.$ZodIssue)).toBe("invalid_field_value");
  });

  it("recognises MISSING_FIELD_MESSAGE from our enums", () => {
    const result = z.object({ kind: z.enum(["A"], { error: () => MISSING_FIELD_MESSAGE }) }).safeParse({});
    if (result.success) throw new Error("expected a failure");
    expect(firstIssue(result.error).code).toBe("missing_required_field");
  });

  it("picks the shallowest issue, first in order among equals", () => {
    const issues = [
      { code: "custom", path: ["a", 0, "b"], message: "deep" },
      { code: "custom", path: ["c"], message: "shallow-1" },
      { code: "custom", path: ["d"], message: "shallow-2" },
    ] as z.core.$ZodIssue[];
    expect(pickIssue(issues)?.message).toBe("shallow-1");
    expect(pickIssue([])).toBeUndefined();
  });

  it("answers invalid_request for an error without issues", () => {
    expect(firstIssue(new z.ZodError([]))).toEqual({ code: "invalid_request", message: "The request is invalid." });
  });
});
