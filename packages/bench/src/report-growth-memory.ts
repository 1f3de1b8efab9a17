/**
 * Issue 19's growth and memory targets: verdicts and the generated sections. Pure, unit-tested like report.ts
 * (which calls these two functions).
 */
import type { GrowthBenchmark } from "./bench-growth.js";
import type { EmbeddedMemory } from "./bench-memory.js";
import { renderTable } from "./markdown.js";
import { formatInteger, formatMiB, formatMs, formatRatio, median, percentile, ratio, verdict } from "./stats.js";
import type { Verdict } from "./stats.js";

const MiB = 2 ** 20;

export const GROWTH_MEMORY_TARGETS = {
  /** With 100 accounts in the database ÷ with one: list p50, get-by-name p50, no-change re-sync. */
  growthRatio: 1.2,
  /** API process on PostgreSQL, idle after start-up, RSS. */
  idleRssMiB: 120,
  /** API process on PostgreSQL, peak RSS during a sync of 6,000. */
  syncPeakRssMiB: 160,
  /** Embedded default (PGlite), RSS after a first sync of 6,000. */
  embeddedRssMiB: 300,
} as const;

export interface MemoryBenchmark {
  /** RSS of the API process on PostgreSQL after start-up and one request (no sync yet). */
  idleRss: number;
  /** Peak RSS during the timed syncs of 6,000 on PostgreSQL (VmHWM reset before each). */
  syncPeakRss: number;
  /** Absent when the embedded measurement was skipped. */
  embedded?: EmbeddedMemory;
}

export interface GrowthRatios {
  list: number;
  get: number;
  resync: number;
}

export function growthRatios(g: GrowthBenchmark): GrowthRatios {
  return {
    list: ratio(percentile(g.manyAccounts.listMs, 50), percentile(g.oneAccount.listMs, 50)),
    get: ratio(percentile(g.manyAccounts.getMs, 50), percentile(g.oneAccount.getMs, 50)),
    resync: ratio(median(g.manyAccounts.resyncMs), median(g.oneAccount.resyncMs)),
  };
}

export function growthMemoryVerdicts(
  growth: GrowthBenchmark | undefined,
  memory: MemoryBenchmark | undefined,
): { target: string; measured: string; verdict: Verdict }[] {
  const out: { target: string; measured: string; verdict: Verdict }[] = [];
  const T = GROWTH_MEMORY_TARGETS;
  if (growth) {
    const r = growthRatios(growth);
    const many = `${formatInteger(growth.accounts)} accounts (${formatInteger(growth.manyAccounts.rows)} rows) ÷ 1`;
    out.push(
      {
        target: `growth: list p50 with ${many} ≤ ${T.growthRatio}`,
        measured: formatRatio(r.list),
        verdict: verdict(r.list, "<=", T.growthRatio),
      },
      {
        target: `growth: get-by-name p50 with ${many} ≤ ${T.growthRatio}`,
        measured: formatRatio(r.get),
        verdict: verdict(r.get, "<=", T.growthRatio),
      },
      {
        target: `growth: no-change re-sync of one account with ${many} ≤ ${T.growthRatio}`,
        measured: formatRatio(r.resync),
        verdict: verdict(r.resync, "<=", T.growthRatio),
      },
    );
  }
  if (memory) {
    const idle = memory.idleRss / MiB;
    const peak = memory.syncPeakRss / MiB;
    out.push(
      {
        target: `memory: idle API process on PostgreSQL ≤ ${T.idleRssMiB} MiB RSS`,
        measured: formatMiB(memory.idleRss),
        verdict: verdict(idle, "<=", T.idleRssMiB, { digits: 1, unit: " MiB" }),
      },
      {
        target: `memory: peak RSS during a sync of 6,000 on PostgreSQL ≤ ${T.syncPeakRssMiB} MiB`,
        measured: formatMiB(memory.syncPeakRss),
        verdict: verdict(peak, "<=", T.syncPeakRssMiB, { digits: 1, unit: " MiB" }),
      },
    );
    if (memory.embedded) {
      const after = memory.embedded.rssAfterSync / MiB;
      out.push({
        target: `memory: embedded default (PGlite) after a sync of ${formatInteger(memory.embedded.templates)} ≤ ${T.embeddedRssMiB} MiB RSS`,
        measured: formatMiB(memory.embedded.rssAfterSync),
        verdict: verdict(after, "<=", T.embeddedRssMiB, { digits: 1, unit: " MiB" }),
      });
    }
  }
  return out;
}

export function renderGrowthMemory(growth: GrowthBenchmark | undefined, memory: MemoryBenchmark | undefined): string[] {
  const out: string[] = [];
  if (growth) {
    const r = growthRatios(growth);
    const side = (label: string, s: GrowthBenchmark["oneAccount"]) => [
      label,
      formatInteger(s.rows),
      `${percentile(s.listMs, 50).toFixed(2)} ms`,
      `${percentile(s.getMs, 50).toFixed(2)} ms`,
      formatMs(median(s.resyncMs)),
      s.resyncMs.map((x) => formatInteger(x)).join(" / "),
    ];
    out.push(
      `### Growth: one account of 6,000 templates, alone and beside ${formatInteger(growth.accounts - 1)} more`,
      "",
    );
    out.push(
      renderTable(
        [
          "database",
          "`templates` rows",
          "list p50 (`limit=25`)",
          "get-by-name p50",
          "no-change re-sync (median)",
          "re-syncs (ms)",
        ],
        [
          side("the account alone", growth.oneAccount),
          side(`${formatInteger(growth.accounts)} accounts`, growth.manyAccounts),
          ["ratio", "", `**${formatRatio(r.list)}**`, `**${formatRatio(r.get)}**`, `**${formatRatio(r.resync)}**`, ""],
        ],
        ["left", "right", "right", "right", "right", "right"],
      ),
      "",
      `Two stacks (sandbox, API, database), each synced once from its own sandbox of 6,000 templates; one gets the other accounts. Measured in pairs, so a change in the machine's speed hits both sides alike: each read goes to one side and at once to the other (which side first alternates), ${formatInteger(growth.oneAccount.listMs.length)} sequential requests of each read per side, one connection, after a warm-up; then ${formatInteger(growth.oneAccount.resyncMs.length)} re-syncs per side, alternating the same way. The other accounts are copies of the measured account's rows under new ids (one \`INSERT … SELECT\` over \`generate_series\`, ${formatMs(growth.seedMs)} with the VACUUM ANALYZE that follows, done on both sides), so every account is as large as the measured one. Plans at ${formatInteger(growth.manyAccounts.rows)} rows (\`EXPLAIN (ANALYZE, BUFFERS)\` of the statements the repositories send, the measured account's parameters):`,
      "",
    );
    for (const p of growth.plans) out.push(`${p.label}:`, "", "```", p.plan, "```", "");
  }
  if (memory) {
    out.push("### Memory (RSS of the API process)", "");
    const rows: string[][] = [
      ["PostgreSQL, idle: after start-up and one request, no sync yet", formatMiB(memory.idleRss)],
      ["PostgreSQL, peak during the timed syncs of 6,000 (VmHWM reset before each)", formatMiB(memory.syncPeakRss)],
    ];
    if (memory.embedded) {
      const e = memory.embedded;
      rows.push(
        [
          "embedded (PGlite in a fresh DATA_DIR), after start-up (initdb included) and one request",
          formatMiB(e.rssStarted),
        ],
        [
          `embedded, peak during its first sync of ${formatInteger(e.templates)} (${formatMs(e.syncMs)})`,
          formatMiB(e.peakDuringSync),
        ],
        [`embedded, after that sync`, `**${formatMiB(e.rssAfterSync)}**`],
      );
    }
    out.push(renderTable(["process", "RSS"], rows, ["left", "right"]), "");
  }
  return out;
}
