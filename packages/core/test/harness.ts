/**
 * Shared setup for service tests: a migrated database of one kind, a Core over a Meta Graph double reached over
 * HTTP (loopback), and helpers to create isolated organisations/accounts per test.
 */
import type { Kysely } from "kysely";
import { createCore } from "../src/core.js";
import { DomainError } from "../src/errors.js";
import type { Database } from "../src/db/schema.js";
import { createMetaGateway } from "../src/meta/gateway.js";
import type { MetaGateway } from "../src/meta/types.js";
import { createTestDatabase, testTokenKeyring } from "../src/testing/index.js";
import type { DatabaseKind, TestDatabase } from "../src/testing/index.js";
import type { Principal } from "../src/base.js";
import type { Core } from "../src/core.js";
import { startMetaSandbox } from "@kirim/meta-sandbox";
import type { MetaSandbox } from "@kirim/meta-sandbox";

export interface CountingGateway extends MetaGateway {
  calls: { createTemplate: number; listTemplates: number };
}

export function countingGateway(inner: MetaGateway): CountingGateway {
  const calls = { createTemplate: 0, listTemplates: 0 };
  return {
    calls,
    createTemplate(account, body) {
      calls.createTemplate++;
      return inner.createTemplate(account, body);
    },
    listTemplates(account, options) {
      calls.listTemplates++;
      return inner.listTemplates(account, options);
    },
  };
}

/** The Meta double: @kirim/meta-sandbox over HTTP (loopback), with helpers on its control API. */
export interface GraphDouble {
  sandbox: MetaSandbox;
  /** Base URL without version (our gateway adds `apiVersion`). */
  graphUrl: string;
  apiVersion: string;
  demo: { wabaId: string; accessToken: string };
  /** A new, empty WABA with its own token. */
  addWaba(): { wabaId: string; accessToken: string };
  /** Number of templates Meta holds for the WABA. */
  count(wabaId: string): number;
  setStatus(wabaId: string, name: string, language: string, status: string): void;
  close(): Promise<void>;
}

let wabaCounter = 0;

export async function startGraphDouble(options: { demoTemplateCount?: number } = {}): Promise<GraphDouble> {
  // reviewDelayMs null: created templates stay PENDING until a test changes them.
  const sandbox = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: options.demoTemplateCount ?? 250 });
  return {
    sandbox,
    graphUrl: sandbox.url,
    apiVersion: "v23.0",
    demo: { wabaId: sandbox.demo.wabaId, accessToken: sandbox.demo.accessToken },
    addWaba() {
      const token = `tok-${process.pid}-${++wabaCounter}-${Math.random().toString(36).slice(2)}`;
      const waba = sandbox.control.addWaba({ accessToken: token });
      return { wabaId: waba.id, accessToken: token };
    },
    count: (wabaId) => sandbox.control.templates(wabaId).length,
    setStatus(wabaId, name, language, status) {
      const t = sandbox.control.findTemplate(wabaId, name, language);
      if (!t) throw new Error(`no upstream template ${name}/${language}`);
      sandbox.control.setStatus(t.id, { status: status as never });
    },
    close: () => sandbox.close(),
  };
}

export interface Harness {
  database: TestDatabase;
  db: Kysely<Database>;
  graph: GraphDouble;
  gateway: CountingGateway;
  core: Core;
  /** A fresh organisation with one connected account on its own new WABA (or the sandbox's demo WABA), and an API key. */
  tenant(options?: { demo?: boolean }): Promise<Tenant>;
  close(): Promise<void>;
}

export interface Tenant {
  organisationId: string;
  principal: Principal;
  apiKey: string;
  phoneNumberId: string;
  wabaId: string;
}

let counter = 0;

export async function createHarness(kind: DatabaseKind): Promise<Harness> {
  const database = await createTestDatabase(kind);
  const graph = await startGraphDouble();
  const gateway = countingGateway(
    createMetaGateway({
      graphUrl: graph.graphUrl,
      apiVersion: graph.apiVersion,
      timeoutMs: 5_000,
      retry: { baseMs: 1, maxMs: 5 },
    }),
  );
  const core = createCore({
    db: database.db,
    gateway,
    cursorSecret: "test-cursor-secret",
    tokenKeyring: testTokenKeyring(),
  });
  return {
    database,
    db: database.db,
    graph,
    gateway,
    core,
    async tenant(options = {}) {
      const n = ++counter;
      const suffix = `${process.pid}${String(n).padStart(4, "0")}${Math.floor(Math.random() * 1e4)}`;
      const org = await core.admin.createOrganisation({ name: `Org ${n}` });
      const key = await core.admin.createApiKey({ organisationId: org.id, label: "test" });
      const phoneNumberId = `9${suffix}`.slice(0, 18);
      const waba = options.demo ? graph.demo : graph.addWaba();
      await core.admin.connectAccount({
        organisationId: org.id,
        phoneNumberId,
        displayPhoneNumber: "+6281100000" + String(n % 100).padStart(2, "0"),
        name: `Account ${n}`,
        wabaId: waba.wabaId,
        accessToken: waba.accessToken,
        // Tenants on the demo WABA share it on purpose (and with it Meta's per-WABA budget).
        allowSharedWaba: options.demo === true,
      });
      const principal = await core.auth.authenticate(key.key);
      return { organisationId: org.id, principal, apiKey: key.key, phoneNumberId, wabaId: waba.wabaId };
    },
    async close() {
      await graph.close();
      await database.dispose();
    },
  };
}

/** Awaits a promise that must reject with a DomainError and returns it; any other outcome fails the test. */
export async function domainError(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}
