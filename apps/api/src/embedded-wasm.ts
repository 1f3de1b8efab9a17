import v8 from "node:v8";

/**
 * The embedded default (PGlite, no DATABASE_URL) compiles WebAssembly with V8's baseline compiler (Liftoff) only.
 * With V8's optimising tier, the code and compile memory of PGlite's hot functions stay in the process: measured on
 * the bench machine, 253–301 MiB RSS after a first sync of 6,000 templates and 299 MiB after 400 reads more, against
 * 195–196 and 210 MiB with Liftoff only (issue 19's bound is 300 MiB). The cost, measured in the same runs: list and
 * get 2–5 % slower, a create 10 %, the first sync 12 %, a no-change re-sync 38 % (550 → 760 ms for 6,000). Set before
 * PGlite is compiled; only for the embedded default, so on PostgreSQL nothing changes, undici's HTTP parser (also
 * WebAssembly) included. docs/benchmarks.md, tenth pass.
 */
export function compileWasmWithBaselineOnly(): void {
  v8.setFlagsFromString("--liftoff-only");
}
