import { DomainError } from "@kirim/core";
import { ERROR_CODES } from "@kirim/schema";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toErrorResponse } from "../src/rest/error-response.js";

const RID = "req_01HXYZABCDEFGHJKMNPQRSTVWX";

describe("toErrorResponse", () => {
  it("serialises every catalogue code with its own status and type", () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const res = toErrorResponse(new DomainError(code as keyof typeof ERROR_CODES, `m ${code}`), RID);
      expect(res.status).toBe(entry.status);
      expect(res.body).toEqual({ error: { type: entry.type, code, message: `m ${code}`, request_id: RID } });
    }
  });

  it("keeps param and headers", () => {
    const res = toErrorResponse(
      new DomainError("rate_limit_exceeded", "slow down", { param: "x", headers: { "Retry-After": "3" } }),
      RID,
    );
    expect(res.status).toBe(429);
    expect(res.headers).toEqual({ "Retry-After": "3" });
    expect(res.body.error.param).toBe("x");
  });

  it("turns a ZodError into a 400 with the field path", () => {
    const schema = z.object({ components: z.array(z.object({ text: z.string().max(3) })) });
    const parsed = schema.safeParse({ components: [{ text: "ok" }, { text: "toolong" }] });
    expect(parsed.success).toBe(false);
    const res = toErrorResponse(parsed.error, RID);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("components[1].text");
    expect(res.body.error.type).toBe("invalid_request_error");
  });

  it("maps body-parser errors", () => {
    const parseFailed = Object.assign(new SyntaxError("Unexpected token"), {
      type: "entity.parse.failed",
      status: 400,
    });
    expect(toErrorResponse(parseFailed, RID).body.error.code).toBe("invalid_json");
    const tooLarge = Object.assign(new Error("too large"), { type: "entity.too.large", status: 413 });
    expect(toErrorResponse(tooLarge, RID).status).toBe(413);
    const charset = Object.assign(new Error("charset"), { type: "charset.unsupported", status: 415 });
    expect(toErrorResponse(charset, RID).body.error.code).toBe("unsupported_content_type");
  });

  it("hides anything else behind 500 internal_error and flags it for logging", () => {
    const res = toErrorResponse(new TypeError("cannot read properties of undefined (reading 'x')"), RID);
    expect(res.status).toBe(500);
    expect(res.unexpected).toBe(true);
    expect(res.body.error.code).toBe("internal_error");
    expect(JSON.stringify(res.body)).not.toContain("reading");
    expect(toErrorResponse("a string", RID).status).toBe(500);
    expect(toErrorResponse(null, RID).status).toBe(500);
  });
});

describe("tRPC code per catalogue status", () => {
  it("maps every catalogue code to a tRPC code with the same HTTP status", async () => {
    const { trpcCodeForStatus } = await import("../src/trpc/trpc.js");
    const { getHTTPStatusCodeFromError } = await import("@trpc/server/http");
    const { TRPCError } = await import("@trpc/server");
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const trpcCode = trpcCodeForStatus(entry.status);
      expect(getHTTPStatusCodeFromError(new TRPCError({ code: trpcCode })), code).toBe(entry.status);
    }
  });
});
