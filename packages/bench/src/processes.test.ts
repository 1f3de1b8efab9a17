import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./env.js";
import { apiArgs, apiMainJs, apiStartFlags, nodeFlagsOf } from "./processes.js";

const startScript = (manifest: string): string =>
  (JSON.parse(readFileSync(manifest, "utf8")) as { scripts: Record<string, string> }).scripts["start"] ?? "";

describe("the API's start: documented and benchmarked alike", () => {
  it("sizes V8's young generation in the documented production start: 8 MiB semi-spaces (docs/benchmarks.md, eighth pass)", () => {
    // 4 kept the REST list at 0.66-0.82 of its floor (requests in flight outlived the young generation), the
    // default (16) costs the idle and sync-peak targets their margins.
    expect(apiStartFlags()).toContain("--max-semi-space-size=8");
  });

  it("bounds the old generation's growth between full GCs in the documented start (a sync's peak RSS stays flat)", () => {
    expect(apiStartFlags()).toContain("--heap-growing-percent=50");
  });

  it("keeps short-lived objects young in the documented start (a sync's peak RSS and CPU, docs/benchmarks.md)", () => {
    expect(apiStartFlags()).toContain("--no-allocation-site-pretenuring");
  });

  it("the root `pnpm start` runs the API with the same node flags as apps/api's `start`", () => {
    const root = nodeFlagsOf(startScript(path.join(REPO_ROOT, "package.json")), "apps/api/dist/main.js");
    expect(root).toEqual(apiStartFlags());
  });

  it("the bench spawns the API with those flags, before its own probes, and the documented entry point", () => {
    const args = apiArgs({});
    const flags = apiStartFlags();
    expect(args.slice(0, flags.length)).toEqual(flags);
    expect(args.at(-1)).toBe(apiMainJs());
    expect(path.relative(REPO_ROOT, apiMainJs())).toBe(path.join("apps", "api", "dist", "main.js"));
  });

  it("refuses a start script it cannot read the flags of", () => {
    expect(nodeFlagsOf("turbo run build && node --a --b apps/api/dist/main.js", "apps/api/dist/main.js")).toEqual([
      "--a",
      "--b",
    ]);
    expect(() => nodeFlagsOf("tsx src/main.ts", "dist/main.js")).toThrow(/node … dist\/main.js/);
  });
});
