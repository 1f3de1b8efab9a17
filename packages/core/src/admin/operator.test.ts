import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../core.js";
import { createAuthService } from "../platform/api-keys/auth.service.js";
import { createAccountsService } from "../accounts/account.service.js";
import { createTestDatabase, databaseKinds, testTokenKeyring } from "../testing/index.js";
import type { TestDatabase } from "../testing/index.js";
import { domainError } from "../../test/harness.js";

describe.each(databaseKinds())("operator actions (admin) on %s", (kind) => {
  let db: TestDatabase;
  let now = new Date("2026-11-23T10:00:00.000Z");
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("organisations, customers, keys (list, revoke immediately, expiry) and account connect/disconnect/reconnect", async () => {
    const { admin } = createOperator({ db: db.db, tokenKeyring: testTokenKeyring(), now: () => now });
    const auth = createAuthService({ db: db.db, now: () => now });
    const accounts = createAccountsService({ db: db.db });

    const org = await admin.createOrganisation({ name: "Acme" });
    expect((await admin.listOrganisations()).find((o) => o.id === org.id)).toMatchObject({
      name: "Acme",
      isDemo: false,
    });
    const customer = await admin.createCustomer({ organisationId: org.id, name: "Toko Budi" });
    expect(await admin.listCustomers(org.id)).toEqual([
      { id: customer.id, organisationId: org.id, name: "Toko Budi", createdAt: now },
    ]);

    const key = await admin.createApiKey({
      organisationId: org.id,
      label: "ci",
      expiresAt: new Date("2026-11-24T00:00:00.000Z"),
    });
    const listed = await admin.listApiKeys(org.id);
    expect(listed).toEqual([
      expect.objectContaining({
        id: key.id,
        label: "ci",
        prefix: key.key.slice(0, 12),
        last4: key.key.slice(-4),
        status: "active",
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(key.key);
    expect((await auth.authenticate(key.key)).organisationId).toBe(org.id);
    now = new Date("2026-11-24T00:00:00.000Z");
    expect(await domainError(auth.authenticate(key.key))).toMatchObject({ code: "expired_api_key", status: 401 });
    expect((await admin.listApiKeys(org.id))[0]?.status).toBe("expired");
    now = new Date("2026-11-23T11:00:00.000Z");
    const revoked = await admin.revokeApiKey(key.id);
    expect(revoked).toMatchObject({ status: "revoked", revokedAt: now });
    expect(await domainError(auth.authenticate(key.key))).toMatchObject({ code: "invalid_api_key" });
    // Revoking twice keeps the first revocation time.
    now = new Date("2026-11-23T12:00:00.000Z");
    expect((await admin.revokeApiKey(key.id)).revokedAt).toEqual(new Date("2026-11-23T11:00:00.000Z"));

    const live = await admin.createApiKey({ organisationId: org.id });
    const principal = await auth.authenticate(live.key);
    const pid = `80${kind.length}001`;
    await admin.connectAccount({
      organisationId: org.id,
      customerId: customer.id,
      phoneNumberId: pid,
      wabaId: "1",
      accessToken: "t1",
      name: "Support",
    });
    expect((await accounts.list(principal)).map((a) => [a.phone_number_id, a.status])).toEqual([[pid, "connected"]]);
    expect(
      await domainError(
        admin.connectAccount({ organisationId: org.id, phoneNumberId: pid, wabaId: "1", accessToken: "t2" }),
      ),
    ).toMatchObject({
      code: "account_already_connected",
      status: 409,
      param: "phone_number_id",
    });
    await admin.disconnectAccount(pid);
    expect(await accounts.list(principal)).toEqual([]);
    expect((await accounts.list(principal, { status: "all" })).map((a) => [a.phone_number_id, a.status])).toEqual([
      [pid, "disconnected"],
    ]);
    expect((await admin.listAccounts(org.id, { status: "all" }))[0]).toMatchObject({
      phoneNumberId: pid,
      status: "disconnected",
      wabaId: "1",
      name: "Support",
    });
    // Reconnect with new credentials keeps name and customer.
    await admin.connectAccount({ organisationId: org.id, phoneNumberId: pid, wabaId: "2", accessToken: "t3" });
    expect(await admin.listAccounts(org.id)).toEqual([
      expect.objectContaining({
        phoneNumberId: pid,
        status: "connected",
        wabaId: "2",
        name: "Support",
        customer: { id: customer.id, name: "Toko Budi" },
      }),
    ]);
    expect(JSON.stringify(await admin.listAccounts(org.id))).not.toMatch(/t3|accessToken|access_token/);

    // Another organisation cannot take the number over, even when it is disconnected.
    const other = await admin.createOrganisation({ name: "Other" });
    await admin.disconnectAccount(pid);
    expect(
      (
        await domainError(
          admin.connectAccount({ organisationId: other.id, phoneNumberId: pid, wabaId: "9", accessToken: "x" }),
        )
      ).code,
    ).toBe("account_already_connected");
  });

  it("unknown organisation, customer, key and account are resource_not_found", async () => {
    const { admin } = createOperator({ db: db.db, tokenKeyring: testTokenKeyring() });
    const org = await admin.createOrganisation({ name: "Known" });
    const foreign = await admin.createCustomer({
      organisationId: (await admin.createOrganisation({ name: "F" })).id,
      name: "Theirs",
    });
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => admin.createCustomer({ organisationId: "org_missing", name: "x" }), "organisation_id"],
      [() => admin.listCustomers("org_missing"), "organisation_id"],
      [() => admin.createApiKey({ organisationId: "org_missing" }), "organisation_id"],
      [() => admin.listApiKeys("org_missing"), "organisation_id"],
      [() => admin.revokeApiKey("key_missing"), "key_id"],
      [() => admin.listAccounts("org_missing"), "organisation_id"],
      [
        () =>
          admin.connectAccount({ organisationId: "org_missing", phoneNumberId: "1", wabaId: "1", accessToken: "t" }),
        "organisation_id",
      ],
      [
        () =>
          admin.connectAccount({
            organisationId: org.id,
            customerId: foreign.id,
            phoneNumberId: "1",
            wabaId: "1",
            accessToken: "t",
          }),
        "customer_id",
      ],
      [() => admin.disconnectAccount("999999"), "phone_number_id"],
    ];
    // Thunks: each call starts only when awaited, so no rejection is ever left unhandled.
    for (const [run, param] of cases) {
      expect(await domainError(run())).toMatchObject({ code: "resource_not_found", status: 404, param });
    }
  });
});
