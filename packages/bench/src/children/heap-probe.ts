/**
 * Preloaded into the API process (`node --expose-gc --import heap-probe.js main.js`): measures LIVE memory, which
 * RSS does not show (V8 collects lazily, so RSS grows with everything a sync allocated, garbage included).
 * SIGUSR2 starts a window in which a full GC runs every 20 ms and the heap left after it is recorded; the next
 * SIGUSR2 ends it and writes `{before, max, after}` (bytes) to <tmpdir>/kirim-bench-heap-<pid>.json.
 * Until a signal arrives it does nothing, so the timed runs are not affected.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const collect = (globalThis as { gc?: () => void }).gc;
let window: { timer: NodeJS.Timeout; before: number; max: number } | undefined;

function live(): number {
  collect?.();
  return process.memoryUsage().heapUsed;
}

process.on("SIGUSR2", () => {
  if (window === undefined) {
    const before = live();
    const state = { before, max: before, timer: setInterval(() => (state.max = Math.max(state.max, live())), 20) };
    window = state;
    return;
  }
  clearInterval(window.timer);
  const after = live();
  const result = { before: window.before, max: Math.max(window.max, after), after, exact: collect !== undefined };
  window = undefined;
  writeFileSync(path.join(tmpdir(), `kirim-bench-heap-${process.pid}.json`), JSON.stringify(result));
});
