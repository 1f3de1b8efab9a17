import { afterEach, describe, expect, it } from "vitest";
import { databaseKinds } from "./index.js";

const saved = {
  url: process.env["TEST_DATABASE_URL"],
  require: process.env["REQUIRE_POSTGRES"],
  ci: process.env["CI"],
};
function set(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
afterEach(() => {
  set("TEST_DATABASE_URL", saved.url);
  set("REQUIRE_POSTGRES", saved.require);
  set("CI", saved.ci);
});

describe("databaseKinds", () => {
  it("is pglite only without TEST_DATABASE_URL (outside CI)", () => {
    set("TEST_DATABASE_URL", undefined);
    set("REQUIRE_POSTGRES", undefined);
    set("CI", undefined);
    expect(databaseKinds()).toEqual(["pglite"]);
  });
  it("adds postgres when TEST_DATABASE_URL is set", () => {
    set("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test");
    expect(databaseKinds()).toEqual(["pglite", "postgres"]);
  });
  it("throws when REQUIRE_POSTGRES=1 and TEST_DATABASE_URL is missing (CI must not skip real PG)", () => {
    set("TEST_DATABASE_URL", undefined);
    set("REQUIRE_POSTGRES", "1");
    expect(() => databaseKinds()).toThrow(/REQUIRE_POSTGRES=1/);
  });
  it("throws under CI=true when TEST_DATABASE_URL is missing, even without REQUIRE_POSTGRES", () => {
    set("TEST_DATABASE_URL", undefined);
    set("REQUIRE_POSTGRES", undefined);
    set("CI", "true");
    expect(() => databaseKinds()).toThrow();
  });
});
