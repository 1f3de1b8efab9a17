import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../src/env.js";

describe("loadEnv: platform limits", () => {
  it("defaults to Kirimdev's figures: 60 writes and 600 reads a minute, 100 Meta creates an hour, 30 s wait", () => {
    expect(loadEnv({}, "/x")).toMatchObject({
      rateLimitWritePerMinute: 60,
      rateLimitReadPerMinute: 600,
      metaTemplateCreatesPerHour: 100,
      idempotencyWaitMs: 30_000,
    });
  });

  it("reads the variables", () => {
    const env = loadEnv(
      {
        RATE_LIMIT_WRITE_PER_MINUTE: "5",
        RATE_LIMIT_READ_PER_MINUTE: "50",
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: "7",
        META_TEMPLATE_CREATES_PER_HOUR: "3",
        IDEMPOTENCY_WAIT_MS: "250",
      },
      "/x",
    );
    expect(env).toMatchObject({
      rateLimitWritePerMinute: 5,
      rateLimitReadPerMinute: 50,
      rateLimitAuthFailuresPerMinute: 7,
      metaTemplateCreatesPerHour: 3,
      idempotencyWaitMs: 250,
    });
  });

  it("refuses a zero or non-integer limit, naming the variable", () => {
    let error: unknown;
    try {
      loadEnv({ RATE_LIMIT_WRITE_PER_MINUTE: "0", META_TEMPLATE_CREATES_PER_HOUR: "1.5" }, "/x");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const problems = (error as EnvError).problems.join("\n");
    expect(problems).toContain("RATE_LIMIT_WRITE_PER_MINUTE");
    expect(problems).toContain("META_TEMPLATE_CREATES_PER_HOUR");
  });
});
