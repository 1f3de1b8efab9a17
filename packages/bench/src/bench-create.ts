/**
 * Benchmark 3: one create at a time with the sandbox's latency at 0, through REST and through tRPC, and the same
 * create sent straight to the sandbox (another WABA, so Meta's 100-per-hour budget of ours is not shared): the
 * difference is our own time per create.
 */
import { createBody, expectStatus, sandboxControl } from "./http.js";
import { BENCH_API_KEY } from "./stack.js";
import type { Stack } from "./stack.js";

export const CREATE_WARM_UP = 3;
/** Meta's (and the sandbox's) budget per WABA per rolling hour; REST and tRPC creates share the demo WABA's. */
export const META_CREATES_PER_HOUR = 100;

export interface CreateBenchmark {
  count: number;
  restMs: number[];
  trpcMs: number[];
  directMs: number[];
}

export async function measureCreates(
  stack: Stack,
  count: number,
  log: (line: string) => void,
): Promise<CreateBenchmark> {
  if (2 * (count + CREATE_WARM_UP) > META_CREATES_PER_HOUR) {
    throw new Error(
      `BENCH_CREATES=${count}: REST and tRPC creates together must stay within Meta's ${META_CREATES_PER_HOUR} per WABA per hour`,
    );
  }
  const control = sandboxControl(stack.sandbox.url);
  await control.setLatency(0);
  const directToken = "bench-direct-create-token";
  const direct = await control.addWaba(directToken);
  const tag = Date.now().toString(36);
  const rest = (suffix: string) =>
    expectStatus(201, "POST", `${stack.api.baseUrl}/v1/${stack.phoneNumberId}/templates`, {
      token: BENCH_API_KEY,
      body: createBody(`bench_rest_${tag}_${suffix}`),
    });
  const trpc = (suffix: string) =>
    expectStatus(200, "POST", `${stack.api.baseUrl}/trpc/templates.create`, {
      token: BENCH_API_KEY,
      body: { phone_number_id: stack.phoneNumberId, template: createBody(`bench_trpc_${tag}_${suffix}`) },
    });
  const meta = (suffix: string) =>
    expectStatus(200, "POST", `${stack.sandbox.url}/v23.0/${direct.id}/message_templates`, {
      token: directToken,
      body: createBody(`bench_direct_${tag}_${suffix}`),
    });

  for (let i = 0; i < CREATE_WARM_UP; i++) {
    await rest(`warm${i}`);
    await trpc(`warm${i}`);
    await meta(`warm${i}`);
  }
  const result: CreateBenchmark = { count, restMs: [], trpcMs: [], directMs: [] };
  // Interleaved, one at a time: latency, not throughput.
  for (let i = 0; i < count; i++) {
    result.restMs.push((await rest(String(i))).ms);
    result.trpcMs.push((await trpc(String(i))).ms);
    result.directMs.push((await meta(String(i))).ms);
  }
  log(`  ${count} creates each through REST, tRPC and straight to the sandbox`);
  return result;
}
