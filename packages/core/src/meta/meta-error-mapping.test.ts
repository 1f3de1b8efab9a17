import { describe, expect, it } from "vitest";
import { MetaApiError } from "./meta-api-error.js";
import type { MetaApiErrorInit } from "./meta-api-error.js";
import { mapMetaError } from "./meta-error-mapping.js";

const err = (init: Partial<MetaApiErrorInit>): MetaApiError =>
  new MetaApiError({ kind: "graph", message: "x", ...init });

describe("mapMetaError", () => {
  const cases: [string, MetaApiError, { code: string; status: number; param?: string }][] = [
    [
      "duplicate 2388024",
      err({ status: 400, code: 100, subcode: 2388024 }),
      { code: "template_already_exists", status: 409, param: "name" },
    ],
    [
      "ratio 2388293",
      err({ status: 400, code: 100, subcode: 2388293 }),
      { code: "meta_validation_failed", status: 400, param: "components.BODY" },
    ],
    [
      "header format 2388047",
      err({ status: 400, code: 100, subcode: 2388047 }),
      { code: "meta_validation_failed", status: 400, param: "components.HEADER" },
    ],
    [
      "name locked after delete 2388023",
      err({ status: 400, code: 100, subcode: 2388023 }),
      { code: "meta_validation_failed", status: 400, param: "name" },
    ],
    [
      "category mismatch (no subcode)",
      err({ status: 400, code: 100, userTitle: "Category doesn't match" }),
      { code: "meta_validation_failed", status: 400, param: "category" },
    ],
    [
      "template limit 2388019",
      err({ status: 400, code: 100, subcode: 2388019, userTitle: "Message Template Limit Exceeded" }),
      { code: "meta_validation_failed", status: 400 },
    ],
    ["HTTP 429 without a code", err({ status: 429 }), { code: "meta_rate_limited", status: 429 }],
    ["code 100 without subcode", err({ status: 400, code: 100 }), { code: "meta_validation_failed", status: 400 }],
    ["4 app rate limit", err({ status: 400, code: 4 }), { code: "meta_rate_limited", status: 429 }],
    ["80007", err({ status: 400, code: 80007 }), { code: "meta_rate_limited", status: 429 }],
    ["80008", err({ status: 400, code: 80008 }), { code: "meta_rate_limited", status: 429 }],
    ["130429", err({ status: 400, code: 130429 }), { code: "meta_rate_limited", status: 429 }],
    ["190 token", err({ status: 401, code: 190 }), { code: "whatsapp_account_reauthorization_required", status: 502 }],
    [
      "102 session",
      err({ status: 400, code: 102 }),
      { code: "whatsapp_account_reauthorization_required", status: 502 },
    ],
    [
      "10 permission",
      err({ status: 403, code: 10 }),
      { code: "whatsapp_account_reauthorization_required", status: 502 },
    ],
    [
      "200 permission",
      err({ status: 403, code: 200 }),
      { code: "whatsapp_account_reauthorization_required", status: 502 },
    ],
    [
      "299 permission",
      err({ status: 403, code: 299 }),
      { code: "whatsapp_account_reauthorization_required", status: 502 },
    ],
    ["500 code 1", err({ status: 500, code: 1 }), { code: "whatsapp_upstream_error", status: 502 }],
    ["803 not found", err({ status: 404, code: 803 }), { code: "whatsapp_upstream_error", status: 502 }],
    ["timeout", err({ kind: "timeout" }), { code: "whatsapp_upstream_error", status: 502 }],
    ["network", err({ kind: "network" }), { code: "whatsapp_upstream_error", status: 502 }],
    ["malformed", err({ kind: "malformed_response", status: 200 }), { code: "whatsapp_upstream_error", status: 502 }],
  ];
  it.each(cases)("%s", (_label, error, expected) => {
    const d = mapMetaError(error);
    expect(d.code).toBe(expected.code);
    expect(d.status).toBe(expected.status);
    expect(d.param).toBe(expected.param);
    expect(d.status).not.toBe(500);
  });

  it("puts Meta's code, subcode, title, message and fbtrace_id in details.meta", () => {
    const d = mapMetaError(
      err({
        status: 400,
        code: 100,
        subcode: 2388299,
        userTitle: "Leading or trailing",
        userMessage: "Variables can't be at the start",
        fbtraceId: "T1",
      }),
    );
    expect(d.details).toEqual({
      meta: {
        code: 100,
        error_subcode: 2388299,
        error_user_title: "Leading or trailing",
        error_user_msg: "Variables can't be at the start",
        fbtrace_id: "T1",
      },
      upstream: { kind: "graph", http_status: 400, fbtrace_id: "T1" },
    });
    expect(d.message).toContain("Variables can't be at the start");
  });

  it("a code-100 refusal of a READ is our request's fault: 502 upstream, not a 400 for the client", () => {
    const refusal = err({ status: 400, code: 100, subcode: 33, fbtraceId: "R1" });
    expect(mapMetaError(refusal, "read")).toMatchObject({
      code: "whatsapp_upstream_error",
      status: 502,
      details: { meta: { code: 100, error_subcode: 33 } },
    });
    expect(mapMetaError(refusal, "write")).toMatchObject({ code: "meta_validation_failed", status: 400 });
    // Meta's duplicate answer on a read is not the caller's conflict either (a sync must not answer 409)
    expect(mapMetaError(err({ status: 400, code: 100, subcode: 2388024 }), "read")).toMatchObject({
      code: "whatsapp_upstream_error",
      status: 502,
    });
    // everything else maps the same way for reads
    expect(mapMetaError(err({ status: 401, code: 190 }), "read").code).toBe(
      "whatsapp_account_reauthorization_required",
    );
    expect(mapMetaError(err({ status: 400, code: 80008 }), "read").code).toBe("meta_rate_limited");
  });

  it("rate limits carry a Retry-After header (stated wait, else 60 s)", () => {
    expect(mapMetaError(err({ status: 429, code: 4, retryAfterMs: 2_500 })).headers).toEqual({ "Retry-After": "3" });
    expect(mapMetaError(err({ status: 400, code: 80008 })).headers).toEqual({ "Retry-After": "60" });
  });

  it("upstream errors carry Meta's code and fbtrace_id", () => {
    const d = mapMetaError(err({ status: 500, code: 2, fbtraceId: "TRACE" }));
    expect(d.details).toMatchObject({ meta: { code: 2, fbtrace_id: "TRACE" } });
  });
});
