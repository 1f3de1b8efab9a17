import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { describeFailures, openLoop, openLoopFigures, openLoopSchedule } from "./open-loop.js";

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback server answering the n-th request (from 1) with `answer(n, req, res)`. */
async function loopbackServer(answer: (n: number, res: http.ServerResponse) => void): Promise<string> {
  let n = 0;
  const server = http.createServer((_req, res) => {
    n += 1;
    answer(n, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

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

  it("counts each failed request by its reason: the status of a non-2xx answer, the code of a transport error", async () => {
    const url = await loopbackServer((n, res) => {
      if (n === 2 || n === 5) {
        res.writeHead(500).end("{}");
      } else if (n === 7) {
        res.socket?.destroy();
      } else {
        res.writeHead(200).end("{}");
      }
    });
    const result = await openLoop(url, 50, 0.2, {});
    expect(result.sent).toBe(10);
    expect(result.failures).toEqual({ "HTTP 500": 2, ECONNRESET: 1 });
    expect(result.failed).toBe(3);
    expect(describeFailures(result.failures)).toBe("HTTP 500 ×2, ECONNRESET ×1");
  });

  it("reports no failure when every request is answered 2xx", async () => {
    const url = await loopbackServer((_n, res) => res.writeHead(204).end());
    const result = await openLoop(url, 50, 0.1, {});
    expect(result).toMatchObject({ sent: 5, failed: 0, failures: {} });
  });

  it("sends the warm-up on the same schedule and leaves its answers out of the figures", async () => {
    // The first 10 requests (the warm-up at 50/s for 0.2 s) are answered 1 s late, the rest at once.
    const url = await loopbackServer((n, res) => {
      if (n <= 10) setTimeout(() => res.writeHead(200).end("{}"), 1_000);
      else res.writeHead(200).end("{}");
    });
    const result = await openLoop(url, 50, 0.2, {}, 0.2);
    expect(result).toMatchObject({ sent: 10, warmUpSeconds: 0.2, seconds: 0.2, failed: 0 });
    expect(result.max).toBeLessThan(700);
    // Without the warm-up, the same late answers are the figures.
    const cold = await openLoop(
      await loopbackServer((n, res) => {
        if (n <= 10) setTimeout(() => res.writeHead(200).end("{}"), 1_000);
        else res.writeHead(200).end("{}");
      }),
      50,
      0.4,
      {},
    );
    expect(cold.sent).toBe(20);
    expect(cold.max).toBeGreaterThanOrEqual(1_000);
  });

  it("counts a failure during the warm-up", async () => {
    const url = await loopbackServer((n, res) => res.writeHead(n === 1 ? 503 : 200).end("{}"));
    const result = await openLoop(url, 50, 0.1, {}, 0.1);
    expect(result.failures).toEqual({ "HTTP 503": 1 });
  });
});
