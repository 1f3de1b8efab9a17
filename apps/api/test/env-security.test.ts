import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../src/env.js";

function problems(source: Record<string, string>): string {
  try {
    loadEnv(source, "/x");
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  throw new Error("expected an EnvError");
}

describe("env: token encryption keys and CORS origins", () => {
  it("parses TOKEN_ENCRYPTION_KEYS (first = current) and leaves it unset by default", () => {
    const current = randomBytes(32).toString("base64");
    const old = randomBytes(32).toString("base64url");
    const env = loadEnv({ TOKEN_ENCRYPTION_KEYS: ` k2:${current} , k1:${old}` }, "/x");
    expect(env.tokenKeyring?.current.id).toBe("k2");
    expect(env.tokenKeyring?.previous?.map((k) => k.id)).toEqual(["k1"]);
    expect(loadEnv({}, "/x").tokenKeyring).toBeUndefined();
  });

  it("names the problem without echoing key material, and requires the keys in production", () => {
    const short = randomBytes(16).toString("base64");
    const message = problems({ TOKEN_ENCRYPTION_KEYS: `k1:${short}` });
    expect(message).toContain('TOKEN_ENCRYPTION_KEYS: key "k1": decodes to 16 bytes');
    expect(message).not.toContain(short);
    expect(problems({ NODE_ENV: "production" })).toContain(
      "TOKEN_ENCRYPTION_KEYS is required when NODE_ENV=production",
    );
    expect(
      loadEnv({ NODE_ENV: "production", TOKEN_ENCRYPTION_KEYS: `p:${randomBytes(32).toString("base64")}` }, "/x")
        .tokenKeyring?.current.id,
    ).toBe("p");
  });

  it("CORS_ORIGINS: a comma list of bare http(s) origins; unset → none", () => {
    expect(loadEnv({}, "/x").corsOrigins).toBeUndefined();
    expect(loadEnv({ CORS_ORIGINS: "https://app.example.com, http://127.0.0.1:5173/" }, "/x").corsOrigins).toEqual([
      "https://app.example.com",
      "http://127.0.0.1:5173",
    ]);
    expect(problems({ CORS_ORIGINS: "https://app.example.com/path" })).toContain("CORS_ORIGINS");
    expect(problems({ CORS_ORIGINS: "*" })).toContain("CORS_ORIGINS");
  });
});
