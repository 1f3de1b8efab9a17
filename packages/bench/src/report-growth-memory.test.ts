import { describe, expect, it } from "vitest";
import type { GrowthBenchmark } from "./bench-growth.js";
import { growthStatements } from "./bench-growth.js";
import {
  GROWTH_MEMORY_TARGETS,
  growthMemoryVerdicts,
  growthRatios,
  renderGrowthMemory,
} from "./report-growth-memory.js";
import type { MemoryBenchmark } from "./report-growth-memory.js";

const MiB = 2 ** 20;
const growth: GrowthBenchmark = {
  accounts: 100,
  oneAccount: { rows: 6_000, listMs: [2, 2, 3, 4], getMs: [1, 1, 1, 2], resyncMs: [1000, 900, 1100] },
  manyAccounts: { rows: 600_000, listMs: [2, 2.2, 3, 5], getMs: [1.5, 1.5, 1.5, 2], resyncMs: [1300, 1200, 1250] },
  seedMs: 30_000,
  plans: [
    {
      label: "list page",
      plan: "Limit (actual time=0.02..0.05 rows=26 loops=1)\n  ->  Index Scan Backward using templates_account_keyset on templates",
    },
  ],
};
const memory: MemoryBenchmark = {
  idleRss: 118 * MiB,
  syncPeakRss: 170 * MiB,
  embedded: {
    templates: 6_000,
    rssStarted: 400 * MiB,
    peakDuringSync: 420 * MiB,
    rssAfterSync: 280 * MiB,
    syncMs: 9_000,
  },
};

describe("growth and memory (issue 19)", () => {
  it("takes the growth ratios from p50s of the reads and the median re-sync", () => {
    const r = growthRatios(growth);
    expect(r.list).toBeCloseTo(2.6 / 2.5);
    expect(r.get).toBeCloseTo(1.5 / 1);
    expect(r.resync).toBeCloseTo(1250 / 1000);
  });

  it("states every growth and memory target as met or not with its measure", () => {
    const lines = growthMemoryVerdicts(growth, memory).map((v) => `${v.target} → ${v.verdict.text}`);
    expect(lines).toEqual([
      `growth: list p50 with 100 accounts (600,000 rows) ÷ 1 ≤ ${GROWTH_MEMORY_TARGETS.growthRatio} → met (1.04 ≤ 1.2)`,
      "growth: get-by-name p50 with 100 accounts (600,000 rows) ÷ 1 ≤ 1.2 → not met (1.50 > 1.2)",
      "growth: no-change re-sync of one account with 100 accounts (600,000 rows) ÷ 1 ≤ 1.2 → not met (1.25 > 1.2)",
      "memory: idle API process on PostgreSQL ≤ 120 MiB RSS → met (118.0 MiB ≤ 120 MiB)",
      "memory: peak RSS during a sync of 6,000 on PostgreSQL ≤ 160 MiB → not met (170.0 MiB > 160 MiB)",
      "memory: embedded default (PGlite) after a sync of 6,000 ≤ 300 MiB RSS → met (280.0 MiB ≤ 300 MiB)",
    ]);
  });

  it("leaves out what was not measured", () => {
    expect(growthMemoryVerdicts(undefined, undefined)).toEqual([]);
    const { embedded: _skipped, ...withoutEmbedded } = memory;
    expect(growthMemoryVerdicts(undefined, withoutEmbedded).map((v) => v.target)).toHaveLength(2);
    expect(renderGrowthMemory(undefined, undefined)).toEqual([]);
  });

  it("renders both tables and every plan in a code block", () => {
    const text = renderGrowthMemory(growth, memory).join("\n");
    expect(text).toContain("| the account alone | 6,000 | 2.50 ms | 1.00 ms | 1,000 ms | 1,000 / 900 / 1,100 |");
    expect(text).toContain("| ratio |  | **1.04** | **1.50** | **1.25** |  |");
    expect(text).toContain(
      "list page:\n\n```\nLimit (actual time=0.02..0.05 rows=26 loops=1)\n  ->  Index Scan Backward using templates_account_keyset on templates\n```",
    );
    expect(text).toContain("| embedded, after that sync | **280.0 MiB** |");
    // The reader is told the two sides were measured in pairs, with the counts of this run.
    expect(text).toMatch(
      /Measured in pairs, .* 4 sequential requests of each read per side, .* then 3 re-syncs per side/,
    );
  });

  it("explains the account-scoped statements with the account's own parameters", () => {
    const names = Array.from({ length: 150 }, (_, i) => `t${i}`);
    const statements = growthStatements(
      "acc_1",
      names,
      names.map(() => "en"),
    );
    expect(statements.map((s) => s.label)).toHaveLength(4);
    for (const s of statements) expect(s.params[0]).toBe("acc_1");
    // One sync page: 100 names and languages, as the gateway's page size.
    expect((statements[2]?.params[1] as string[]).length).toBe(100);
  });
});
