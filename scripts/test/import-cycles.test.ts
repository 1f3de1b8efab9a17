/**
 * No import circle in any package (ARCHITECTURE.md, "core by domain"): every module of a package's src/ is checked
 * with madge, type-only imports included (a circle of types still ties the modules into one knot). Tests are left
 * out: a test may import whatever it checks.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import madge from "madge";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

function packageDirs(): string[] {
  return ["apps", "packages"].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && readdirSync(join(root, group, d.name)).includes("src"))
      .map((d) => `${group}/${d.name}`),
  );
}

async function importCycles(srcDir: string, tsConfig: string): Promise<string[][]> {
  const graph = await madge(srcDir, {
    fileExtensions: ["ts", "tsx"],
    tsConfig,
    excludeRegExp: [/\.test\.tsx?$/, /\.d\.ts$/],
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
  return graph.circular();
}

describe("import cycles", () => {
  it("finds the packages to check", () => {
    expect(packageDirs()).toEqual(expect.arrayContaining(["apps/api", "apps/web", "packages/core", "packages/schema"]));
  });

  it("the check sees a circle through a type-only import (so the checks below can fail)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "import-cycle-"));
    try {
      mkdirSync(join(dir, "src"));
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }),
      );
      writeFileSync(join(dir, "src/a.ts"), 'import { b } from "./b.js";\nexport const a = () => b;\n');
      writeFileSync(join(dir, "src/b.ts"), 'import type { C } from "./c.js";\nexport const b: C = 1;\n');
      writeFileSync(
        join(dir, "src/c.ts"),
        'import type { a } from "./a.js";\nexport type C = ReturnType<typeof a> extends number ? 1 : 1;\n',
      );
      expect(await importCycles(join(dir, "src"), join(dir, "tsconfig.json"))).toEqual([["a.ts", "b.ts", "c.ts"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(packageDirs())("%s/src has none", async (pkg) => {
    const cycles = await importCycles(join(root, pkg, "src"), join(root, pkg, "tsconfig.json"));
    expect(cycles.map((cycle) => cycle.join(" → "))).toEqual([]);
  });
});
