import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../src/env.js";

describe("loadEnv", () => {
  it("has defaults for everything", () => {
    const env = loadEnv({}, "/srv/kirim");
    expect(env).toEqual({
      port: 3000,
      host: "127.0.0.1",
      dataDir: "/srv/kirim/.data",
      databaseUrl: undefined,
      databaseConnectTimeoutMs: 10000,
      databaseStatementTimeoutMs: 60000,
      metaGraphUrl: undefined,
      metaApiVersion: "v23.0",
      demoWabaId: undefined,
      demoAccessToken: undefined,
      devApiKey: undefined,
      cursorSecret: undefined,
      logLevel: "info",
      sandboxReviewDelayMs: undefined,
      shutdownTimeoutMs: 10_000,
      // The checkout's own dashboard build, wherever the checkout lives.
      webDistDir: expect.stringMatching(/\/apps\/web\/dist\/$/),
      dashboardSourceMaps: false,
      metaAppSecret: undefined,
      metaWebhookVerifyToken: undefined,
      templateSyncIntervalMs: 900_000,
      jobQueue: "auto",
      webhookAllowPrivateTargets: false,
      rateLimitWritePerMinute: 60,
      rateLimitReadPerMinute: 600,
      rateLimitLeaseMs: 100,
      rateLimitAuthFailuresPerMinute: 20,
      metaTemplateCreatesPerHour: 100,
      idempotencyWaitMs: 30_000,
      tokenKeyring: undefined,
      corsOrigins: undefined,
      media: {
        appId: undefined,
        allowedPorts: [443],
        connectTimeoutMs: 5_000,
        totalTimeoutMs: 60_000,
        testLoopbackOrigins: undefined,
      },
    });
  });

  it("reads WEBHOOK_ALLOW_PRIVATE_TARGETS as true or false only", () => {
    expect(loadEnv({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }, "/x").webhookAllowPrivateTargets).toBe(true);
    expect(loadEnv({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "false" }, "/x").webhookAllowPrivateTargets).toBe(false);
    expect(() => loadEnv({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "yes" }, "/x")).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS/);
  });

  it("treats empty strings as unset", () => {
    const env = loadEnv({ DATABASE_URL: "", META_GRAPH_URL: " ", PORT: "", DEV_API_KEY: "" }, "/x");
    expect(env.databaseUrl).toBeUndefined();
    expect(env.metaGraphUrl).toBeUndefined();
    expect(env.port).toBe(3000);
    expect(env.devApiKey).toBeUndefined();
  });

  it("parses and normalises values", () => {
    const env = loadEnv(
      {
        PORT: "0",
        HOST: "0.0.0.0",
        DATA_DIR: "/var/lib/kirim",
        DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
        META_GRAPH_URL: "http://127.0.0.1:4010/",
        META_API_VERSION: "v24.0",
        DEMO_WABA_ID: "102290129340398",
        DEMO_ACCESS_TOKEN: "EAAG-sandbox",
        DEV_API_KEY: "kdv_live_abcdefghijklmnopqrstuvwx",
        CURSOR_SECRET: "0123456789abcdef0123",
        LOG_LEVEL: "debug",
        SANDBOX_REVIEW_DELAY_MS: "250",
        SHUTDOWN_TIMEOUT_MS: "500",
      },
      "/ignored",
    );
    expect(env).toMatchObject({
      port: 0,
      host: "0.0.0.0",
      dataDir: "/var/lib/kirim",
      databaseUrl: "postgres://postgres@127.0.0.1:5432/test",
      metaGraphUrl: "http://127.0.0.1:4010",
      metaApiVersion: "v24.0",
      demoWabaId: "102290129340398",
      devApiKey: "kdv_live_abcdefghijklmnopqrstuvwx",
      logLevel: "debug",
      sandboxReviewDelayMs: 250,
      shutdownTimeoutMs: 500,
    });
  });

  it("resolves a relative DATA_DIR against the start directory", () => {
    expect(loadEnv({ DATA_DIR: "state" }, "/home/me/kirim").dataDir).toBe("/home/me/kirim/state");
  });

  it("reports every invalid variable at once", () => {
    let caught: unknown;
    try {
      loadEnv({
        PORT: "http",
        DATABASE_URL: "mysql://x",
        META_GRAPH_URL: "https://graph.facebook.com/v23.0",
        LOG_LEVEL: "loud",
        DEV_API_KEY: "short",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const problems = (caught as EnvError).problems.join("\n");
    for (const name of ["PORT", "DATABASE_URL", "META_GRAPH_URL", "LOG_LEVEL", "DEV_API_KEY"])
      expect(problems).toContain(name);
    // Values (possibly secrets) are never echoed.
    expect(problems).not.toContain("short");
  });

  it("requires the demo wiring variables together, and only with META_GRAPH_URL", () => {
    expect(() => loadEnv({ DEMO_WABA_ID: "1", DEMO_ACCESS_TOKEN: "t" })).toThrow(EnvError);
    expect(() => loadEnv({ META_GRAPH_URL: "http://127.0.0.1:4010", DEMO_WABA_ID: "1" })).toThrow(EnvError);
  });
});
