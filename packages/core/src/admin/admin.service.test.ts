import { ZAccount } from "@kirim/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness } from "../../test/harness.js";
import type { Harness } from "../../test/harness.js";
import { API_KEY_PATTERN } from "../platform/api-keys/api-key.crypto.js";
import { databaseKinds } from "../testing/index.js";
import { domainError } from "../../test/harness.js";

describe.each(databaseKinds())("auth, accounts and admin on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe("auth.authenticate", () => {
    it("accepts a generated kdv_live_ key and stores only its hash", async () => {
      const org = await h.core.admin.createOrganisation({ name: "A" });
      const key = await h.core.admin.createApiKey({ organisationId: org.id, label: "ci" });
      expect(key.key).toMatch(API_KEY_PATTERN);
      expect(key.prefix).toBe(key.key.slice(0, 12));
      expect(key.last4).toBe(key.key.slice(-4));
      expect(await h.core.auth.authenticate(key.key)).toEqual({ organisationId: org.id, apiKeyId: key.id });
      const row = await h.db.selectFrom("api_keys").selectAll().where("id", "=", key.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(key.key);
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it("accepts any key whose hash is stored (e.g. a configured DEV key)", async () => {
      const org = await h.core.admin.createOrganisation({ name: "Dev" });
      await h.core.admin.createApiKey({ organisationId: org.id, key: `dev-key-${kind}` });
      expect((await h.core.auth.authenticate(`dev-key-${kind}`)).organisationId).toBe(org.id);
    });

    it("unknown, empty and revoked keys are invalid_api_key; expired is expired_api_key", async () => {
      for (const bad of [undefined, "", "kdv_live_AAAAAAAAAAAAAAAAAAAAAAAA", "x".repeat(10_000)]) {
        expect(await domainError(h.core.auth.authenticate(bad))).toMatchObject({
          code: "invalid_api_key",
          status: 401,
          type: "authentication_error",
        });
      }
      const org = await h.core.admin.createOrganisation({ name: "B" });
      const revoked = await h.core.admin.createApiKey({ organisationId: org.id });
      await h.db.updateTable("api_keys").set({ revoked_at: new Date() }).where("id", "=", revoked.id).execute();
      expect((await domainError(h.core.auth.authenticate(revoked.key))).code).toBe("invalid_api_key");
      const expired = await h.core.admin.createApiKey({
        organisationId: org.id,
        expiresAt: new Date(Date.now() - 1000),
      });
      expect(await domainError(h.core.auth.authenticate(expired.key))).toMatchObject({
        code: "expired_api_key",
        status: 401,
      });
      const future = await h.core.admin.createApiKey({
        organisationId: org.id,
        expiresAt: new Date(Date.now() + 60_000),
      });
      expect((await h.core.auth.authenticate(future.key)).organisationId).toBe(org.id);
    });
  });

  describe("accounts.list", () => {
    it("lists the organisation's connected accounts by default, all with status=all", async () => {
      const org = await h.core.admin.createOrganisation({ name: "C" });
      const other = await h.core.admin.createOrganisation({ name: "D" });
      const key = await h.core.admin.createApiKey({ organisationId: org.id });
      const customer = await h.core.admin.createCustomer({ organisationId: org.id, name: "Toko Budi" });
      const base = { wabaId: "1", accessToken: "t" };
      await h.core.admin.connectAccount({
        ...base,
        organisationId: org.id,
        customerId: customer.id,
        phoneNumberId: `31${kind.length}001`,
        displayPhoneNumber: "+62811",
        name: "Support",
      });
      await h.core.admin.connectAccount({
        ...base,
        organisationId: org.id,
        phoneNumberId: `31${kind.length}002`,
        status: "disconnected",
      });
      await h.core.admin.connectAccount({
        ...base,
        wabaId: "2",
        organisationId: other.id,
        phoneNumberId: `31${kind.length}003`,
      });
      const principal = await h.core.auth.authenticate(key.key);

      const connected = await h.core.accounts.list(principal);
      expect(connected).toEqual([
        {
          object: "account",
          phone_number_id: `31${kind.length}001`,
          phone_number: "+62811",
          name: "Support",
          status: "connected",
          customer: { id: customer.id, name: "Toko Budi" },
        },
      ]);
      for (const a of connected) ZAccount.parse(a);
      const all = await h.core.accounts.list(principal, { status: "all" });
      expect(all.map((a) => [a.phone_number_id, a.status])).toEqual([
        [`31${kind.length}001`, "connected"],
        [`31${kind.length}002`, "disconnected"],
      ]);
      expect(JSON.stringify(all)).not.toContain("access_token");
    });
  });

  describe("admin.seedDemo", () => {
    it("seeds once, then is a no-op returning the same ids (re-applying a given key)", async () => {
      const graph = { wabaId: "102290129340398", accessToken: "sandbox-demo-token" };
      const first = await h.core.admin.seedDemo({ graph });
      expect(first).toMatchObject({ phoneNumberId: "106540352242922", created: true });
      expect(first.apiKey).toMatch(API_KEY_PATTERN);
      const principal = await h.core.auth.authenticate(first.apiKey ?? "");
      expect(principal.organisationId).toBe(first.organisationId);
      const [account] = await h.core.accounts.list(principal);
      expect(account).toMatchObject({
        phone_number_id: "106540352242922",
        phone_number: "+628111222333",
        name: "Customer Support",
        customer: { id: first.customerId },
      });

      const again = await h.core.admin.seedDemo({ graph });
      expect(again).toEqual({ ...first, apiKey: null, created: false });

      const withKey = await h.core.admin.seedDemo({ graph, apiKey: "kdv_live_DEMODEMODEMODEMODEMODEMO" });
      expect(withKey).toMatchObject({
        organisationId: first.organisationId,
        apiKey: "kdv_live_DEMODEMODEMODEMODEMODEMO",
        created: false,
      });
      expect((await h.core.auth.authenticate("kdv_live_DEMODEMODEMODEMODEMODEMO")).organisationId).toBe(
        first.organisationId,
      );
      await h.db.updateTable("api_keys").set({ revoked_at: new Date() }).where("prefix", "=", "kdv_live_DEM").execute();
      await h.core.admin.seedDemo({ graph, apiKey: "kdv_live_DEMODEMODEMODEMODEMODEMO" });
      expect((await h.core.auth.authenticate("kdv_live_DEMODEMODEMODEMODEMODEMO")).organisationId).toBe(
        first.organisationId,
      );

      const counts = await Promise.all(
        (["organisations", "whatsapp_accounts"] as const).map((t) =>
          h.db
            .selectFrom(t)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow(),
        ),
      );
      const demoOrgs = await h.db.selectFrom("organisations").select("id").where("is_demo", "=", true).execute();
      expect(demoOrgs).toHaveLength(1);
      expect(counts.every((c) => Number(c.n) >= 1)).toBe(true);
    });

    it("concurrent seeds create one demo organisation", async () => {
      const fresh = await createHarness(kind);
      try {
        const graph = { wabaId: "102290129340398", accessToken: "sandbox-demo-token" };
        const results = await Promise.all([1, 2, 3].map(() => fresh.core.admin.seedDemo({ graph })));
        expect(new Set(results.map((r) => r.organisationId)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
      } finally {
        await fresh.close();
      }
    });
  });
});
