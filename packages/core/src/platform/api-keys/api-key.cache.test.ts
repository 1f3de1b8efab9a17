import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationHandlers } from "../../db/database.js";
import { createOperator } from "../../core.js";
import { createTestDatabase, databaseKinds, testTokenKeyring } from "../../testing/index.js";
import type { TestDatabase } from "../../testing/index.js";
import { isDomainError } from "../../errors.js";
import { createApiKeyCache } from "./api-key.cache.js";
import type { ApiKeyCache } from "./api-key.cache.js";
import { createAuthService } from "./auth.service.js";

const row = (id: string) => ({ id, organisation_id: "org_1", revoked_at: null, expires_at: null });

describe("api-key cache: trust follows the listener", () => {
  function fake(): { cache: ApiKeyCache; handlers: () => NotificationHandlers } {
    let given: NotificationHandlers | undefined;
    const cache = createApiKeyCache({
      listen: (_channel, handlers) => {
        given = handlers;
        return { close: () => Promise.resolve() };
      },
    });
    return {
      cache,
      handlers: () => {
        if (given === undefined) throw new Error("not listening");
        return given;
      },
    };
  }

  it("stores nothing and answers nothing until LISTEN is in force, and forgets everything when it is lost", () => {
    const { cache, handlers } = fake();
    cache.put("h1", row("k1"), cache.generation());
    expect(cache.get("h1")).toBeUndefined();
    handlers().onListening(true);
    cache.put("h1", row("k1"), cache.generation());
    expect(cache.get("h1")).toMatchObject({ id: "k1" });
    handlers().onListening(false);
    expect(cache.trusted).toBe(false);
    expect(cache.get("h1")).toBeUndefined();
    handlers().onListening(true);
    expect(cache.get("h1")).toBeUndefined();
  });

  it("a notification drops the key, and a row read before a notification is not stored", () => {
    const { cache, handlers } = fake();
    handlers().onListening(true);
    cache.put("h1", row("k1"), cache.generation());
    handlers().onNotify("h1");
    expect(cache.get("h1")).toBeUndefined();
    const before = cache.generation();
    handlers().onNotify("h2"); // a revocation committed while the row was being read
    cache.put("h1", row("k1"), before);
    expect(cache.get("h1")).toBeUndefined();
  });
});

describe.each(databaseKinds())("api-key cache over LISTEN/NOTIFY on %s", (kind) => {
  let db: TestDatabase;
  let cache: ApiKeyCache;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    cache = createApiKeyCache({ listen: (channel, handlers) => db.listen(channel, handlers) });
    for (let waited = 0; !cache.trusted && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  }, 60_000);
  afterAll(async () => {
    await cache?.close();
    await db?.dispose();
  });

  it("a revocation through the operator reaches the cache: the next authentications fail within one second", async () => {
    const operator = createOperator({ db: db.db, tokenKeyring: testTokenKeyring() });
    const org = await operator.admin.createOrganisation({ name: "Cache" });
    const key = await operator.admin.createApiKey({ organisationId: org.id });
    expect(cache.trusted).toBe(true);
    const auth = createAuthService({ db: db.db, now: () => new Date(), apiKeyCache: cache });
    expect(await auth.authenticate(key.key)).toEqual({ organisationId: org.id, apiKeyId: key.id });
    expect(await auth.authenticate(key.key)).toEqual({ organisationId: org.id, apiKeyId: key.id });
    await operator.admin.revokeApiKey(key.id);
    const started = Date.now();
    await expect
      .poll(
        async () =>
          auth.authenticate(key.key).then(
            () => "accepted",
            (error: unknown) => (isDomainError(error) ? error.code : String(error)),
          ),
        { timeout: 1_000, interval: 20 },
      )
      .toBe("invalid_api_key");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
