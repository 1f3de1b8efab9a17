/**
 * The packages as another team gets them: `pnpm pack` (prepack builds; dist is removed first so nothing stale
 * ships), `npm install` of the tarballs into fresh temporary projects, then strict TypeScript with
 * `skipLibCheck: false` under NodeNext and bundler resolution, and the compiled example run with node. zod is
 * installed at both ends of the peer range (4.0.0 and the workspace's version). The tRPC router type is checked in
 * a project with only @trpc/client, @kirim/schema (+ zod) and @kirim/trpc-types.
 * npm fetches zod and @trpc/client from the npm registry.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const TSC = require.resolve("typescript/bin/tsc");
const SDK_DIR = resolve(import.meta.dirname, "..");
const PACKAGES = resolve(SDK_DIR, "..");
const FIXTURES = join(SDK_DIR, "test", "fixtures");
const ZOD_VERSION = (JSON.parse(readFileSync(require.resolve("zod/package.json"), "utf8")) as { version: string })
  .version;
const TRPC_VERSION = (
  JSON.parse(readFileSync(join(PACKAGES, "trpc-types", "node_modules", "@trpc", "client", "package.json"), "utf8")) as {
    version: string;
  }
).version;

const work = mkdtempSync(join(tmpdir(), "kirim-packaging-"));
const tarballs: Record<string, string> = {};

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}:\n${failed.stdout ?? ""}${failed.stderr ?? failed.message}`,
      { cause: error },
    );
  }
}

async function pack(packageDir: string): Promise<string> {
  rmSync(join(packageDir, "dist"), { recursive: true, force: true });
  const destination = join(work, "tarballs");
  const before = new Set(existsSync(destination) ? readdirSync(destination) : []);
  await sh("npx", ["-y", "pnpm@10.34.9", "pack", "--pack-destination", destination], packageDir);
  const created = readdirSync(destination).find((file) => !before.has(file));
  if (created === undefined) throw new Error(`pnpm pack wrote no tarball for ${packageDir}`);
  return join(destination, created);
}

async function project(name: string, fixture: string, dependencies: string[]): Promise<string> {
  const dir = join(work, name);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  await sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...dependencies], dir);
  return dir;
}

beforeAll(async () => {
  tarballs.schema = await pack(join(PACKAGES, "schema"));
  tarballs.sdk = await pack(SDK_DIR);
  tarballs.trpcTypes = await pack(join(PACKAGES, "trpc-types"));
}, 600_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("packed @kirim/schema and @kirim/sdk in a fresh npm project", () => {
  it("the tarballs ship built JavaScript, declarations, and the sources their maps point to; zod is a peer", async () => {
    const listing = await sh("tar", ["tzf", tarballs.sdk ?? ""], work);
    for (const file of [
      "package/dist/index.js",
      "package/dist/index.d.ts",
      "package/dist/index.d.ts.map",
      "package/src/index.ts",
    ])
      expect(listing).toContain(file);
    expect(listing).not.toContain(".test.ts");
    const schemaListing = await sh("tar", ["tzf", tarballs.schema ?? ""], work);
    expect(schemaListing).toContain("package/dist/index.d.ts");
    expect(schemaListing).toContain("package/src/template.ts");
    const manifest = JSON.parse(
      await sh("tar", ["xzf", tarballs.schema ?? "", "-O", "package/package.json"], work),
    ) as Record<string, Record<string, string>>;
    expect(manifest.peerDependencies).toEqual({ zod: "^4.0.0" });
    expect(manifest.dependencies).toBeUndefined();
    const sdkManifest = JSON.parse(
      await sh("tar", ["xzf", tarballs.sdk ?? "", "-O", "package/package.json"], work),
    ) as Record<string, Record<string, string>>;
    expect(sdkManifest.dependencies).toEqual({ "@kirim/schema": "^0.1.0" });
  });

  for (const zod of ["4.0.0", ZOD_VERSION]) {
    it(`zod ${zod}: strict tsc (skipLibCheck false) under NodeNext and bundler, then the example runs`, async () => {
      const dir = await project(`consumer-zod-${zod}`, "consumer", [
        tarballs.schema ?? "",
        tarballs.sdk ?? "",
        `zod@${zod}`,
      ]);
      await sh("node", [TSC, "-p", "tsconfig.nodenext.json"], dir);
      await sh("node", [TSC, "-p", "tsconfig.bundler.json"], dir);
      const output = await sh("node", ["out/example.js"], dir);
      expect(JSON.parse(output)).toEqual({
        accounts: 0,
        code: "404 resource_not_found name",
        schemaRefused: true,
        status: 404,
        names: [],
      });
      // One zod: the consumer's.
      expect(existsSync(join(dir, "node_modules", "@kirim", "schema", "node_modules", "zod"))).toBe(false);
    }, 600_000);
  }
});

describe("@kirim/trpc-types with only @trpc/client and @kirim/schema", () => {
  it("type-checks a typed client with skipLibCheck false, adding no diagnostic to @trpc/client's own, and pulls no server package", async () => {
    const dir = await project("trpc-consumer", "trpc-consumer", [
      tarballs.schema ?? "",
      tarballs.trpcTypes ?? "",
      `@trpc/client@${TRPC_VERSION}`,
      `zod@${ZOD_VERSION}`,
    ]);
    const diagnostics = async (tsconfig: string) =>
      (await sh("node", [TSC, "-p", tsconfig], dir).catch((error: Error) => error.message))
        .split("\n")
        .filter((line) => /error TS\d+/.test(line))
        .sort();
    // @trpc/client alone: its declarations need node's http and ws types (tRPC's, not ours).
    const baseline = await diagnostics("tsconfig.control.json");
    expect(baseline.every((line) => line.startsWith("node_modules/@trpc/"))).toBe(true);
    expect(await diagnostics("tsconfig.json")).toEqual(baseline);
    const installed = readdirSync(join(dir, "node_modules"));
    expect(installed).not.toContain("express");
    expect(installed).not.toContain("kysely");
    expect(readdirSync(join(dir, "node_modules", "@kirim")).sort()).toEqual(["schema", "trpc-types"]);
    // The types are real, not `any`: a wrong input is an error in client.ts.
    writeFileSync(
      join(dir, "client.ts"),
      readFileSync(join(dir, "client.ts"), "utf8").replace(
        "// @ts-expect-error status filters are lower-case in the wire contract\n",
        "",
      ),
    );
    const withWrongInput = await diagnostics("tsconfig.json");
    expect(withWrongInput.filter((line) => line.startsWith("client.ts")).join("\n")).toMatch(/"APPROVED"/);
  }, 600_000);
});
