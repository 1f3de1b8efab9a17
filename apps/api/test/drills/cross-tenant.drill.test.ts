/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are arbitrary JSON, compared whole */
/**
 * Drill (issue #8): the cross-tenant matrix. Three organisations — A (the demo organisation: its account belongs
 * to its customer), B (an account under B's own customer on its own WABA, the stack's account without customer,
 * and a disconnected account under the customer) and C (a key and nothing else) — and every key against every
 * account of the OTHER organisations on every route that addresses an account: each REST operation of the
 * OpenAPI document with a `{phone_number_id}` (so a new route joins the matrix by itself) and each tRPC procedure
 * whose input has a `phone_number_id`, with the other organisation's real template names and valid bodies.
 *
 * A cell passes when the answer is 404 and identical — status, code, message, param, everything but the request
 * id, with the phone_number_id itself masked — to the answer for a phone_number_id that exists nowhere (so not even
 * "disconnected" or "that name exists" leaks); nothing of any other organisation changed (rows of every table
 * snapshotted before and after); Meta was not called at all; and no identifier of the other organisation appears in
 * the answer. Account lists never show another organisation's accounts, and the other organisation's template names
 * are not revealed by a 409 when created in one's own account.
 */
import { randomInt } from "node:crypto";
import { databaseKinds } from "@kirim/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getOpenApiDocument } from "../../src/openapi/document.js";
import { appRouter } from "../../src/trpc/root.js";
import { call } from "../support/http.js";
import {
  DEMO_PHONE_NUMBER_ID,
  OTHER_PHONE_NUMBER_ID,
  lastSeq,
  orderConfirmation,
  startStack,
} from "../support/stack.js";
import type { Stack } from "../support/stack.js";

const B_CUSTOMER_PHONE_NUMBER_ID = "108000000000001";
const B_DISCONNECTED_PHONE_NUMBER_ID = "108000000000002";
const B_CUSTOMER_TOKEN = "org-b-customer-token";
const B_DISCONNECTED_TOKEN = "org-b-disconnected-token";
/** Template names only their owner has: used in paths and bodies of the cells aimed at their accounts. */
const SECRET_NAME: Record<string, string> = {
  [DEMO_PHONE_NUMBER_ID]: "a_confidential_offer",
  [B_CUSTOMER_PHONE_NUMBER_ID]: "b_customer_confidential",
  [OTHER_PHONE_NUMBER_ID]: "b_plain_confidential",
  [B_DISCONNECTED_PHONE_NUMBER_ID]: "b_disconnected_confidential",
};

interface Tenant {
  label: string;
  organisationId: string;
  key: string;
  /** Connected and disconnected phone_number_ids, in the order `GET /v1/accounts?status=all` lists them. */
  accounts: string[];
  connected: string[];
  /** Strings that identify this organisation and must never appear in another one's answers. */
  secrets: string[];
}

/** A route addressing an account: how to call it for a phone_number_id and a template name. */
interface Route {
  id: string;
  send(
    stack: Stack,
    key: string,
    phoneNumberId: string,
    name: string,
  ): Promise<{ status: number; text: string; body: any }>;
}

/** Every REST operation of the document with a `{phone_number_id}`, with valid values for everything else. */
function restRoutes(): Route[] {
  const doc = getOpenApiDocument() as any;
  const routes: Route[] = [];
  for (const [template, item] of Object.entries<any>(doc.paths)) {
    if (!template.includes("{phone_number_id}")) continue;
    for (const [method, op] of Object.entries<any>(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const example = Object.values<any>(op.requestBody?.content?.["application/json"]?.examples ?? {})[0]?.value;
      routes.push({
        id: `${method.toUpperCase()} ${template}`,
        send: async (stack, key, phoneNumberId, name) => {
          const path = template.replace("{phone_number_id}", phoneNumberId).replace("{name}", name);
          // A body that would succeed on the caller's own account: the other organisation's name where there is one.
          const body =
            example === undefined ? undefined : "name" in example ? { ...orderConfirmation(), name } : example;
          const headers =
            method === "post" ? { "idempotency-key": `cross-tenant-${randomInt(1e9)}-${randomInt(1e9)}` } : undefined;
          const res = await call(stack.baseUrl, method.toUpperCase(), path, {
            token: key,
            ...(body === undefined ? {} : { body }),
            ...(headers ? { headers } : {}),
          });
          return { status: res.status, text: res.text, body: res.body };
        },
      });
    }
  }
  return routes;
}

/** Every tRPC procedure whose input names an account, with valid values for the other fields it declares. */
function trpcRoutes(): Route[] {
  const procedures = (appRouter as any)._def.procedures as Record<
    string,
    { _def: { type: "query" | "mutation"; inputs: z.ZodType[] } }
  >;
  const routes: Route[] = [];
  for (const [procedure, { _def }] of Object.entries(procedures)) {
    const schema =
      _def.inputs[0] === undefined
        ? undefined
        : (z.toJSONSchema(_def.inputs[0], { io: "input", unrepresentable: "any" }) as any);
    const properties = Object.keys(schema?.properties ?? {});
    if (!properties.includes("phone_number_id")) continue;
    routes.push({
      id: `trpc ${procedure}`,
      send: async (stack, key, phoneNumberId, name) => {
        const values: Record<string, unknown> = {
          phone_number_id: phoneNumberId,
          name,
          template: { ...orderConfirmation(), name },
          edit: {
            language: "en",
            components: [{ type: "BODY", text: "Hello {{1}}, an edited body.", example: { body_text: [["Budi"]] } }],
          },
        };
        const input = Object.fromEntries(properties.filter((p) => p in values).map((p) => [p, values[p]]));
        const query = _def.type === "query";
        const response = await fetch(
          `${stack.baseUrl}/trpc/${procedure}${query ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ""}`,
          {
            method: query ? "GET" : "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            ...(query ? {} : { body: JSON.stringify(input) }),
          },
        );
        const text = await response.text();
        return { status: response.status, text, body: JSON.parse(text) };
      },
    });
  }
  return routes;
}

/** The answer with what legitimately differs between two requests removed: request ids, and the phone_number_id. */
function comparable(body: any, phoneNumberId: string): unknown {
  const masked = JSON.parse(JSON.stringify(body).replaceAll(phoneNumberId, "{phone_number_id}"));
  if (masked?.error?.request_id !== undefined) delete masked.error.request_id;
  if (masked?.error?.data?.request_id !== undefined) delete masked.error.data.request_id;
  return masked;
}

/** Every row another organisation owns, in every table that holds tenant data. */
async function snapshot(stack: Stack, organisationIds: string[]): Promise<string> {
  const db = stack.db.db;
  const accounts = await db
    .selectFrom("whatsapp_accounts")
    .selectAll()
    .where("organisation_id", "in", organisationIds)
    .orderBy("id")
    .execute();
  const accountIds = accounts.map((a) => a.id);
  const wabaIds = [...new Set(accounts.map((a) => a.waba_id))];
  const templates = await db
    .selectFrom("templates")
    .selectAll()
    .where("account_id", "in", accountIds)
    .orderBy("id")
    .execute();
  const tables = {
    organisations: await db
      .selectFrom("organisations")
      .selectAll()
      .where("id", "in", organisationIds)
      .orderBy("id")
      .execute(),
    customers: await db
      .selectFrom("customers")
      .selectAll()
      .where("organisation_id", "in", organisationIds)
      .orderBy("id")
      .execute(),
    api_keys: await db
      .selectFrom("api_keys")
      .selectAll()
      .where("organisation_id", "in", organisationIds)
      .orderBy("id")
      .execute(),
    whatsapp_accounts: accounts,
    templates,
    template_events: await db
      .selectFrom("template_events")
      .selectAll()
      .where("account_id", "in", accountIds)
      .orderBy("id")
      .execute(),
    template_sync_runs: await db
      .selectFrom("template_sync_runs")
      .selectAll()
      .where("account_id", "in", accountIds)
      .orderBy("id")
      .execute(),
    idempotency_keys: await db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("organisation_id", "in", organisationIds)
      .orderBy("key")
      .execute(),
    rate_limit_buckets: await db
      .selectFrom("rate_limit_buckets")
      .selectAll()
      .where("organisation_id", "in", organisationIds)
      .orderBy("bucket")
      .execute(),
    meta_create_attempts: await db
      .selectFrom("meta_create_attempts")
      .selectAll()
      .where("waba_id", "in", wabaIds)
      .orderBy("id")
      .execute(),
  };
  return JSON.stringify(tables);
}

/** A phone_number_id no organisation has: the reference answer of every cell. */
function nowhereId(): string {
  return `10${String(randomInt(1e12)).padStart(13, "0")}`;
}

describe.each(databaseKinds())("cross-tenant drill on %s", (kind) => {
  let stack: Stack;
  let tenants: Tenant[];

  beforeAll(async () => {
    stack = await startStack(kind);
    const { core, sandbox } = stack;
    const organisations = await core.admin.listOrganisations();
    const orgA = organisations.find((o) => o.isDemo)?.id ?? "";
    const orgB = organisations.find((o) => o.name === "Other Org")?.id ?? "";

    // B: an account under B's own customer on its own WABA, and a disconnected one under the same customer.
    const customerB = await core.admin.createCustomer({ organisationId: orgB, name: "Toko Rahasia B" });
    const wabaB = sandbox.control.addWaba({ name: "B customer WABA", accessToken: B_CUSTOMER_TOKEN });
    await core.admin.connectAccount({
      organisationId: orgB,
      customerId: customerB.id,
      phoneNumberId: B_CUSTOMER_PHONE_NUMBER_ID,
      displayPhoneNumber: "+6281377776666",
      name: "B Customer Line",
      wabaId: wabaB.id,
      accessToken: B_CUSTOMER_TOKEN,
    });
    const wabaB3 = sandbox.control.addWaba({ name: "B disconnected WABA", accessToken: B_DISCONNECTED_TOKEN });
    await core.admin.connectAccount({
      organisationId: orgB,
      customerId: customerB.id,
      phoneNumberId: B_DISCONNECTED_PHONE_NUMBER_ID,
      displayPhoneNumber: "+6281355554444",
      name: "B Old Line",
      wabaId: wabaB3.id,
      accessToken: B_DISCONNECTED_TOKEN,
    });
    // C: a key, no account at all.
    const orgC = await core.admin.createOrganisation({ name: "Org C Without Accounts" });
    const keyC = await core.admin.createApiKey({ organisationId: orgC.id, label: "c" });

    // Every account gets a template only its owner has (its history and a sync run too), then B3 is disconnected.
    const owners: Array<[string, string]> = [
      [DEMO_PHONE_NUMBER_ID, stack.demoKey],
      [B_CUSTOMER_PHONE_NUMBER_ID, stack.otherKey],
      [OTHER_PHONE_NUMBER_ID, stack.otherKey],
      [B_DISCONNECTED_PHONE_NUMBER_ID, stack.otherKey],
    ];
    for (const [phoneNumberId, key] of owners) {
      const created = await call(stack.baseUrl, "POST", `/v1/${phoneNumberId}/templates`, {
        token: key,
        body: { ...orderConfirmation(), name: SECRET_NAME[phoneNumberId] },
      });
      expect(created.status, created.text).toBe(201);
      expect((await call(stack.baseUrl, "POST", `/v1/${phoneNumberId}/templates/sync`, { token: key })).status).toBe(
        200,
      );
    }
    await core.admin.disconnectAccount(B_DISCONNECTED_PHONE_NUMBER_ID);

    tenants = [
      {
        label: "A",
        organisationId: orgA,
        key: stack.demoKey,
        accounts: [DEMO_PHONE_NUMBER_ID],
        connected: [DEMO_PHONE_NUMBER_ID],
        secrets: [orgA, sandbox.demo.wabaId, "Demo Customer", "+628111222333", SECRET_NAME[DEMO_PHONE_NUMBER_ID] ?? ""],
      },
      {
        label: "B",
        organisationId: orgB,
        key: stack.otherKey,
        accounts: [OTHER_PHONE_NUMBER_ID, B_CUSTOMER_PHONE_NUMBER_ID, B_DISCONNECTED_PHONE_NUMBER_ID],
        connected: [OTHER_PHONE_NUMBER_ID, B_CUSTOMER_PHONE_NUMBER_ID],
        secrets: [
          orgB,
          customerB.id,
          "Toko Rahasia B",
          "B Customer Line",
          "B Old Line",
          "Other Support",
          wabaB.id,
          wabaB3.id,
          stack.otherWabaId,
          "+6281377776666",
          "+6281299998888",
        ],
      },
      { label: "C", organisationId: orgC.id, key: keyC.key, accounts: [], connected: [], secrets: [orgC.id] },
    ];
  });

  afterAll(async () => {
    await stack?.close();
  });

  it(
    "every key against every other organisation's account on every route: 404 exactly as for no account, nothing touched",
    { timeout: 120_000 },
    async () => {
      const routes = [...restRoutes(), ...trpcRoutes()];
      // The matrix is derived, so guard against it silently shrinking: today 8 REST operations and 8 procedures.
      expect(routes.filter((r) => !r.id.startsWith("trpc")).length).toBeGreaterThanOrEqual(8);
      expect(routes.filter((r) => r.id.startsWith("trpc")).length).toBeGreaterThanOrEqual(8);
      const pairs = tenants.flatMap((actor) =>
        tenants
          .filter((t) => t !== actor)
          .flatMap((owner) => owner.accounts.map((phoneNumberId) => ({ actor, owner, phoneNumberId }))),
      );
      expect(pairs).toHaveLength(8); // A → 3 of B; B → 1 of A; C → 1 of A + 3 of B

      const leaks: string[] = [];
      const statuses = new Map<number, number>();
      let cells = 0;
      for (const { actor, owner, phoneNumberId } of pairs) {
        const others = tenants.filter((t) => t !== actor);
        const otherIds = others.map((t) => t.organisationId);
        const otherSecrets = others.flatMap((t) => t.secrets).filter((s) => s !== "");
        const name = SECRET_NAME[phoneNumberId] ?? "";
        for (const route of routes) {
          const cell = `${actor.label} → ${owner.label}:${phoneNumberId} ${route.id}`;
          const before = await snapshot(stack, otherIds);
          const seq = lastSeq(stack.sandbox);
          const res = await route.send(stack, actor.key, phoneNumberId, name);
          const missing = nowhereId();
          const reference = await route.send(stack, actor.key, missing, name);
          cells++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);

          if (res.status !== 404) leaks.push(`${cell}: status ${res.status} ${res.text.slice(0, 200)}`);
          const seen = comparable(res.body, phoneNumberId);
          const expected = comparable(reference.body, missing);
          if (reference.status !== res.status || JSON.stringify(seen) !== JSON.stringify(expected)) {
            leaks.push(
              `${cell}: differs from a missing account: ${res.status} ${JSON.stringify(seen)} vs ${reference.status} ${JSON.stringify(expected)}`,
            );
          }
          const revealed = otherSecrets.filter((s) => res.text.includes(s) && s !== name);
          if (revealed.length > 0) leaks.push(`${cell}: answer contains ${revealed.join(", ")}`);
          const metaCalls = stack.sandbox.control.requests({ sinceSeq: seq });
          if (metaCalls.length > 0)
            leaks.push(
              `${cell}: ${metaCalls.length} Meta call(s): ${metaCalls.map((r) => `${r.method} ${r.path}`).join(", ")}`,
            );
          if ((await snapshot(stack, otherIds)) !== before) leaks.push(`${cell}: another organisation's rows changed`);
        }
      }

      const statusLine = [...statuses.entries()].map(([s, n]) => `${n} × ${s}`).join(", ");
      console.log(
        `cross-tenant[${kind}]: ${cells} cells (${pairs.length} key×account pairs × ${routes.length} routes), ${statusLine}, ${leaks.length} leaks`,
      );
      for (const leak of leaks.slice(0, 20)) console.log(`LEAK ${leak}`);
      expect(cells).toBe(pairs.length * routes.length);
      expect(leaks).toEqual([]);
      expect(statuses.get(404)).toBe(cells);
    },
  );

  it("account lists, REST and tRPC, show each organisation its own accounts and nothing of the others", async () => {
    for (const tenant of tenants) {
      const others = tenants
        .filter((t) => t !== tenant)
        .flatMap((t) => [...t.accounts, ...t.secrets])
        .filter((s) => s !== "");
      for (const [path, expected] of [
        ["/v1/accounts", tenant.connected],
        ["/v1/accounts?status=all", tenant.accounts],
      ] as const) {
        const res = await call(stack.baseUrl, "GET", path, { token: tenant.key });
        expect(res.status).toBe(200);
        expect(res.body.data.map((a: any) => a.phone_number_id)).toEqual(expected);
        expect(others.filter((s) => res.text.includes(s))).toEqual([]);
      }
      const trpc = await fetch(
        `${stack.baseUrl}/trpc/accounts.list?input=${encodeURIComponent(JSON.stringify({ status: "all" }))}`,
        { headers: { authorization: `Bearer ${tenant.key}` } },
      );
      const text = await trpc.text();
      expect(JSON.parse(text).result.data.map((a: any) => a.phone_number_id)).toEqual(tenant.accounts);
      expect(others.filter((s) => text.includes(s))).toEqual([]);
    }
  });

  it("another organisation's template name is no conflict in one's own account: 409 comes only from one's own templates", async () => {
    const [a, b] = tenants as [Tenant, Tenant];
    const createIn = (tenant: Tenant, phoneNumberId: string, name: string) =>
      call(stack.baseUrl, "POST", `/v1/${phoneNumberId}/templates`, {
        token: tenant.key,
        body: { ...orderConfirmation(), name },
      });
    // A takes every name B holds (connected, customer, disconnected accounts), B takes A's.
    for (const phoneNumberId of b.accounts) {
      const name = SECRET_NAME[phoneNumberId] ?? "";
      const first = await createIn(a, DEMO_PHONE_NUMBER_ID, name);
      expect(first.status, first.text).toBe(201);
      const again = await createIn(a, DEMO_PHONE_NUMBER_ID, name);
      expect({ status: again.status, code: again.body.error?.code }).toEqual({
        status: 409,
        code: "template_already_exists",
      });
    }
    const taken = await createIn(b, B_CUSTOMER_PHONE_NUMBER_ID, SECRET_NAME[DEMO_PHONE_NUMBER_ID] ?? "");
    expect(taken.status, taken.text).toBe(201);
    // And the owner's own conflict is unchanged by the others' creates.
    const own = await createIn(b, B_CUSTOMER_PHONE_NUMBER_ID, SECRET_NAME[B_CUSTOMER_PHONE_NUMBER_ID] ?? "");
    expect({ status: own.status, code: own.body.error?.code }).toEqual({
      status: 409,
      code: "template_already_exists",
    });
  });
});
