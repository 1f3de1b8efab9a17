import { describe, expect, it } from "vitest";
import { openLoopFigures, openLoopSchedule } from "./open-loop.js";

describe("open loop", () => {
  it("schedules rate × seconds requests evenly, independent of answers", () => {
    expect(openLoopSchedule(4, 1)).toEqual([0, 250, 500, 750]);
    expect(openLoopSchedule(1000, 2)).toHaveLength(2000);
    expect(() => openLoopSchedule(0, 10)).toThrow(RangeError);
  });

  it("measures latency from the due time, so time spent queued behind a slow answer counts", () => {
    // Three requests due 0, 10, 20 ms; the server stalls until 100 ms and then answers all three at once.
    const figures = openLoopFigures([
      { dueAt: 0, answeredAt: 100 },
      { dueAt: 10, answeredAt: 100 },
      { dueAt: 20, answeredAt: 101 },
    ]);
    expect(figures.max).toBe(100);
    expect(figures.p50).toBe(90);
    expect(figures.p99).toBeCloseTo(99.8); // between 90 and 100 (type-7 interpolation)
  });
});
