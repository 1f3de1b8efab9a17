import { ZCreateTemplateRequest, ZTemplate } from "@kirim/schema";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness } from "../../test/harness.js";
import type { Harness } from "../../test/harness.js";
import { databaseKinds } from "../testing/index.js";
import { rejectedReason } from "./template.mapper.js";

describe("rejectedReason (wire value: Meta's reason only while rejected)", () => {
  const cases: [string, string, string | null | undefined, string | null][] = [
    ["approved with Meta's NONE", "APPROVED", "NONE", null],
    ["pending with NONE", "PENDING", "NONE", null],
    ["paused with NONE", "PAUSED", "NONE", null],
    ["in appeal keeps no old reason", "IN_APPEAL", "INVALID_FORMAT", null],
    ["approved without a reason field", "APPROVED", undefined, null],
    ["rejected with a reason", "REJECTED", "INVALID_FORMAT", "INVALID_FORMAT"],
    ["rejected, lower-case status", "rejected", "PROMOTIONAL", "PROMOTIONAL"],
    ["rejected but Meta says NONE", "REJECTED", "NONE", null],
    ["rejected, none in lower case", "REJECTED", "none", null],
    ["rejected with an empty reason", "REJECTED", " ", null],
    ["rejected with null", "REJECTED", null, null],
    ["disabled with NONE", "DISABLED", "NONE", null],
    ["a future Meta reason passes through", "REJECTED", "NEW_META_REASON", "NEW_META_REASON"],
  ];
  it.each(cases)("%s", (_label, status, reason, expected) => expect(rejectedReason(status, reason)).toBe(expected));
});

describe.each(databaseKinds())("synced templates' rejected_reason on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is null for every template that is not rejected, Meta's reason for rejected ones", async () => {
    const t = await h.tenant({ demo: true });
    await h.core.templates.sync(t.principal, t.phoneNumberId);
    const upstream = h.graph.sandbox.control.templates(t.wabaId);
    // The double really sends "NONE" for templates that are not rejected (as Meta does).
    expect(upstream.some((u) => u.status !== "REJECTED" && u.rejected_reason === "NONE")).toBe(true);

    const all = [];
    for (let cursor: string | undefined; ;) {
      const page = await h.core.templates.list(t.principal, t.phoneNumberId, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      all.push(...page.data);
      if (!page.has_more || page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    expect(all).toHaveLength(upstream.length);
    const rejected = all.filter((x) => x.meta_status === "REJECTED");
    const notRejected = all.filter((x) => x.status !== "rejected");
    expect(rejected.length).toBeGreaterThan(0);
    expect(notRejected.length).toBeGreaterThan(0);
    for (const x of notRejected) expect(x.rejected_reason, `${x.name}/${x.language} (${x.meta_status})`).toBeNull();
    for (const x of rejected) {
      const u = upstream.find((v) => v.name === x.name && v.language === x.language);
      expect(x.rejected_reason).toBe(u?.rejected_reason);
      expect(x.rejected_reason).not.toBe("NONE");
    }
    for (const x of all) ZTemplate.parse(x);
  });

  it("a row stored with Meta's raw NONE (before this rule) still reads as null", async () => {
    const t = await h.tenant();
    const request = ZCreateTemplateRequest.parse({
      name: "legacy_none",
      category: "UTILITY",
      language: "en",
      components: [{ type: "BODY", text: "Your order {{1}} has shipped today.", example: { body_text: [["A-1"]] } }],
    });
    await h.core.templates.create(t.principal, t.phoneNumberId, request);
    await sql`update templates set rejected_reason = 'NONE', meta_status = 'APPROVED', status = 'approved' where name = 'legacy_none'`.execute(
      h.db,
    );
    const row = await h.core.templates.getByName(t.principal, t.phoneNumberId, "legacy_none");
    expect(row).toMatchObject({ meta_status: "APPROVED", rejected_reason: null });
  });
});
