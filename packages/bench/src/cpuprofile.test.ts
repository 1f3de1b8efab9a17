import { describe, expect, it } from "vitest";
import { packageOf, summariseProfile } from "./cpuprofile.js";
import type { CpuProfile } from "./cpuprofile.js";

describe("packageOf", () => {
  it("names the npm package, scoped ones included, from a pnpm path", () => {
    expect(packageOf("file:///w/node_modules/.pnpm/pg@8.23.1/node_modules/pg/lib/result.js", "parseRow")).toBe("pg");
    expect(packageOf("file:///w/node_modules/.pnpm/@pinojs+redact@1/node_modules/@pinojs/redact/index.js", "x")).toBe(
      "@pinojs/redact",
    );
  });

  it("names our workspace packages, Node's built-ins and V8's pseudo-frames", () => {
    expect(packageOf("file:///work/main/packages/core/dist/templates/template-sync.js", "execute")).toBe("@kirim/core");
    expect(packageOf("file:///work/main/apps/api/dist/rest/v1.js", "handler")).toBe("@kirim/api");
    expect(packageOf("node:internal/streams/writable", "write")).toBe("node (built-in)");
    expect(packageOf("", "(garbage collector)")).toBe("(garbage collector)");
    expect(packageOf("", "writev")).toBe("(native)");
  });
});

describe("summariseProfile", () => {
  // root → main → (parseRow in pg, (garbage collector)); (idle) beside them. Self times: samples × deltas.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 }, children: [2, 5] },
      {
        id: 2,
        callFrame: { functionName: "main", url: "file:///work/main/apps/api/dist/main.js", lineNumber: 9 },
        children: [3, 4],
      },
      {
        id: 3,
        callFrame: { functionName: "parseRow", url: "file:///x/node_modules/pg/lib/result.js", lineNumber: 62 },
      },
      { id: 4, callFrame: { functionName: "(garbage collector)", url: "", lineNumber: -1 } },
      { id: 5, callFrame: { functionName: "(idle)", url: "", lineNumber: -1 } },
    ],
    samples: [3, 3, 3, 4, 5, 2],
    timeDeltas: [1000, 1000, 1000, 1000, 4000, 2000],
    startTime: 0,
    endTime: 10_000,
  };

  it("adds each sample's time to the function it was taken in", () => {
    const s = summariseProfile(profile);
    expect(s.totalMs).toBe(10);
    expect(s.functions[0]).toEqual({ name: "(idle)", selfMs: 4, percent: 40 });
    expect(s.functions.find((f) => f.name.startsWith("parseRow"))).toEqual({
      name: "parseRow lib/result.js:63",
      selfMs: 3,
      percent: 30,
    });
    expect(s.functions.find((f) => f.name.startsWith("main"))?.selfMs).toBe(2);
  });

  it("groups self time by package and honours the limit", () => {
    const s = summariseProfile(profile, 2);
    expect(s.packages).toEqual([
      { name: "(idle)", selfMs: 4, percent: 40 },
      { name: "pg", selfMs: 3, percent: 30 },
    ]);
    expect(s.functions).toHaveLength(2);
  });
});
