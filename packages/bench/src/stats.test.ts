import { describe, expect, it } from "vitest";
import {
  deliveryFigures,
  formatMiB,
  formatMs,
  formatRatio,
  linearFit,
  median,
  percentile,
  ratio,
  verdict,
} from "./stats.js";

describe("percentile", () => {
  it("interpolates between closest ranks (type 7)", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1);
  });

  it("gives the extremes at 0 and 100 and does not reorder its input", () => {
    const values = [5, 1, 9, 3];
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(9);
    expect(values).toEqual([5, 1, 9, 3]);
  });

  it("puts p99 of a small sample between the two largest values, not at the maximum", () => {
    const values = Array.from({ length: 44 }, (_, i) => i + 1);
    const p99 = percentile(values, 99);
    expect(p99).toBeGreaterThan(43);
    expect(p99).toBeLessThan(44);
  });

  it("refuses an empty sample and out-of-range percentiles", () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("median and ratio", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("refuses a zero or non-finite denominator instead of printing Infinity", () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(() => ratio(1, 0)).toThrow(RangeError);
    expect(() => ratio(1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("verdict", () => {
  it("says met or not met with the measured value, the sign and the target", () => {
    expect(verdict(1.12, "<=", 1.3)).toEqual({ met: true, text: "met (1.12 ≤ 1.3)" });
    expect(verdict(1.31, "<=", 1.3)).toEqual({ met: false, text: "not met (1.31 > 1.3)" });
    expect(verdict(0.41, ">=", 0.6)).toEqual({ met: false, text: "not met (0.41 < 0.6)" });
    expect(verdict(0.6, ">=", 0.6)).toEqual({ met: true, text: "met (0.60 ≥ 0.6)" });
  });

  it("compares the value as printed, so a rounded 1.30 is never 'not met' against 1.3", () => {
    expect(verdict(1.3004, "<=", 1.3).met).toBe(true);
    expect(verdict(1.306, "<=", 1.3)).toEqual({ met: false, text: "not met (1.31 > 1.3)" });
  });

  it("formats with other precisions and units", () => {
    expect(verdict(24.6, "<=", 25, { digits: 0, unit: " ms" })).toEqual({ met: true, text: "met (25 ms ≤ 25 ms)" });
    expect(verdict(31, "<=", 25, { digits: 0, unit: " ms" })).toEqual({ met: false, text: "not met (31 ms > 25 ms)" });
  });
});

describe("formatting", () => {
  it("prints milliseconds with sensible precision, negatives included", () => {
    expect(formatMs(0.4234)).toBe("0.42 ms");
    expect(formatMs(4.234)).toBe("4.2 ms");
    expect(formatMs(4234.4)).toBe("4,234 ms");
    expect(formatMs(-39.79)).toBe("-40 ms");
    expect(formatMs(-0.5)).toBe("-0.50 ms");
    expect(formatMs(Number.NaN)).toBe("n/a");
  });

  it("prints ratios with two decimals and bytes as MiB", () => {
    expect(formatRatio(2.5432)).toBe("2.54");
    expect(formatMiB(171.1 * 1024 * 1024)).toBe("171.1 MiB");
  });
});

describe("linearFit", () => {
  it("recovers an exact line with R² = 1", () => {
    const fit = linearFit([
      { x: 0.6, y: 100 + 150 * 0.6 },
      { x: 2, y: 100 + 150 * 2 },
      { x: 6, y: 100 + 150 * 6 },
    ]);
    expect(fit.slope).toBeCloseTo(150);
    expect(fit.intercept).toBeCloseTo(100);
    expect(fit.r2).toBeCloseTo(1);
  });

  it("shows a curve as a worse fit than a line", () => {
    expect(linearFit([1, 2, 3, 4, 5].map((x) => ({ x, y: x ** 3 }))).r2).toBeLessThan(0.95);
  });

  it("needs two distinct x values", () => {
    expect(() => linearFit([{ x: 1, y: 1 }])).toThrow(RangeError);
    expect(() =>
      linearFit([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toThrow(RangeError);
  });
});

describe("deliveryFigures", () => {
  it("measures events per second from the first availability to the last arrival, latency per event", () => {
    const events = Array.from({ length: 100 }, (_, i) => ({
      availableAt: 1_000 + i,
      arrivedAt: 1_000 + i + (i === 99 ? 500 : 10),
    }));
    const figures = deliveryFigures(events);
    expect(figures.count).toBe(100);
    // 100 events between 1,000 and 1,599 ms.
    expect(figures.eventsPerSecond).toBeCloseTo((100 / 599) * 1000, 6);
    expect(figures.p50).toBe(10);
    expect(figures.p99).toBeCloseTo(10 + 0.01 * 490, 6);
    expect(figures.max).toBe(500);
  });

  it("refuses a run in which an event never arrived, or no events", () => {
    expect(() =>
      deliveryFigures([
        { availableAt: 1, arrivedAt: 2 },
        { availableAt: 1, arrivedAt: undefined },
      ]),
    ).toThrow("1 of 2 events never arrived");
    expect(() => deliveryFigures([])).toThrow(RangeError);
  });
});
