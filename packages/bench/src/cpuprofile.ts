/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) into self-time tables: the hottest functions and the
 * time per package. `BENCH_CPU_PROFILE=1 pnpm bench` prints them for the API process, which is how a missed
 * target is traced to its cause.
 */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  selfMs: number;
  /** Share of all sampled time, idle included. */
  percent: number;
}

/** `node_modules/.pnpm/pg@8/node_modules/pg/lib/x.js` → `pg`; our sources → `@kirim/<dir>`; V8 internals by name. */
export function packageOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const modules = url.split("node_modules/");
  if (modules.length > 1) {
    const rest = modules[modules.length - 1] ?? "";
    const parts = rest.split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1] ?? ""}` : (parts[0] ?? rest);
  }
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ours) return `@kirim/${ours[2]}`;
  if (url.startsWith("node:")) return "node (built-in)";
  return url;
}

function selfTimes(profile: CpuProfile): Map<number, number> {
  const byNode = new Map<number, number>();
  profile.samples.forEach((nodeId, i) => {
    // timeDeltas[i] is the time since the previous sample, in microseconds.
    byNode.set(nodeId, (byNode.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return byNode;
}

function top(totals: Map<string, number>, all: number, limit: number): SelfTime[] {
  return [...totals.entries()]
    .map(([name, us]) => ({ name, selfMs: us / 1000, percent: all === 0 ? 0 : (100 * us) / all }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit);
}

export function summariseProfile(
  profile: CpuProfile,
  limit = 20,
): { functions: SelfTime[]; packages: SelfTime[]; totalMs: number } {
  const self = selfTimes(profile);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let all = 0;
  for (const [id, us] of self) {
    const node = nodes.get(id);
    if (!node) continue;
    all += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url
      .replace(/^file:\/\//, "")
      .split("/")
      .slice(-2)
      .join("/");
    const fn = `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  return { functions: top(functions, all, limit), packages: top(packages, all, limit), totalMs: all / 1000 };
}
