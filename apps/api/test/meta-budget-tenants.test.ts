/**
 * One tenant cannot spend another's Meta budget (issue 13 §2). Meta's 100-creates-per-hour budget is per WABA; we
 * count it before calling Meta. Only attempts that reached the WABA count: an organisation holding a bogus token for
 * someone else's WABA id (an account connected before `accounts connect` asked Meta, or a token revoked since) gets
 * Meta's 190 on every create, and those must not use up the real owner's budget; nor do creates that never left
 * (connection refused).
 */
import { createServer } from "node:net";
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import { DEMO_PHONE_NUMBER_ID, createCalls, lastSeq, startStack } from "./support/stack.js";
import type { Stack } from "./support/stack.js";

const BUDGET = 3;
const SQUATTER_PHONE_NUMBER_ID = "108888777766665";

function body(name: string): Record<string, unknown> {
  return {
    name,
    category: "UTILITY",
    language: "en",
    components: [{ type: "BODY", text: `Your order ${name} ships today.` }],
  };
}

/** A loopback port nothing listens on: a connection to it is refused before anything is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(databaseKinds())("Meta's per-WABA create budget across organisations, on %s", (kind) => {
  let stack: Stack;
  let squatterKey: string;
  let refuseConnections = false;
  let deadPort: number;

  beforeAll(async () => {
    deadPort = await closedPort();
    stack = await startStack(kind, {
      core: { rateLimits: { writePerMinute: 1_000_000, readPerMinute: 1_000_000, metaCreatesPerHour: BUDGET } },
      gateway: {
        // While `refuseConnections` is set, the gateway's requests go to a port nothing listens on.
        fetch: (input, init) => {
          const url = String(input instanceof Request ? input.url : input);
          return fetch(
            refuseConnections ? url.replace(/^http:\/\/127\.0\.0\.1:\d+/, `http://127.0.0.1:${deadPort}`) : url,
            init,
          );
        },
      },
    });
    // An organisation whose account names the demo organisation's WABA with a token Meta does not accept (stored
    // without asking Meta, as accounts connected before the CLI asked were).
    const squatter = await stack.core.admin.createOrganisation({ name: "Squatter" });
    squatterKey = (await stack.core.admin.createApiKey({ organisationId: squatter.id })).key;
    await stack.core.admin.connectAccount({
      organisationId: squatter.id,
      phoneNumberId: SQUATTER_PHONE_NUMBER_ID,
      wabaId: stack.sandbox.demo.wabaId,
      accessToken: "EAAbogus-token-for-someone-elses-waba",
      allowSharedWaba: true,
    });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("bogus-token creates (Meta's 190) and refused connections do not count; the owner still gets the whole budget", async () => {
    const since = lastSeq(stack.sandbox);
    for (let i = 0; i < BUDGET + 3; i++) {
      const res = await call(stack.baseUrl, "POST", `/v1/${SQUATTER_PHONE_NUMBER_ID}/templates`, {
        token: squatterKey,
        body: body(`squat_${i}`),
      });
      // Meta refused the token: the account needs reconnecting — never our 429.
      expectError(res, 502, "whatsapp_account_reauthorization_required");
    }
    expect(createCalls(stack.sandbox, since)).toBe(BUDGET + 3); // every one of them did go to Meta

    refuseConnections = true;
    try {
      for (let i = 0; i < BUDGET + 1; i++) {
        const res = await call(stack.baseUrl, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, {
          token: stack.demoKey,
          body: body(`unsent_${i}`),
        });
        expectError(res, 502, "whatsapp_upstream_error");
      }
    } finally {
      refuseConnections = false;
    }

    // The real owner: the whole budget is there, and the budget still holds for creates that reached Meta.
    for (let i = 0; i < BUDGET; i++) {
      const res = await call(stack.baseUrl, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, {
        token: stack.demoKey,
        body: body(`owner_${i}`),
      });
      expect(res.status, res.text).toBe(201);
    }
    const over = await call(stack.baseUrl, "POST", `/v1/${DEMO_PHONE_NUMBER_ID}/templates`, {
      token: stack.demoKey,
      body: body("owner_over"),
    });
    expectError(over, 429, "meta_rate_limited");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
