/**
 * Benchmark 3: one create at a time with the sandbox's latency at 0, through REST and through tRPC, and the same
 * create sent straight to the sandbox (another WABA, so Meta's 100-per-hour budget of ours is not shared): the
 * difference is our own time per create. The create floor (children/create-floor.ts: bare express, the create's two
 * statements and one fetch, a third WABA) gets the same creates: its own time is what this machine gives the work a
 * create cannot skip.
 */
import { createBody, expectStatus, sandboxControl } from "./http.js";
import { startCreateFloor } from "./processes.js";
import { BENCH_API_KEY } from "./stack.js";
import type { Stack } from "./stack.js";

export const CREATE_WARM_UP = 3;
/**
 * More warm-up for the create path, counted against no budget of ours: creates of a name that exists (each answered
 * 409 after the path up to the first statement) through REST and tRPC, and real creates through the create floor (its
 * own WABA). Our process is warm from the sync and the REST list; the floor's starts cold, which read 0.5 ms slower.
 */
export const CREATE_PATH_WARM_UP = 30;
/** Meta's (and the sandbox's) budget per WABA per rolling hour; REST and tRPC creates share the demo WABA's. */
export const META_CREATES_PER_HOUR = 100;

export interface CreateBenchmark {
  count: number;
  restMs: number[];
  trpcMs: number[];
  directMs: number[];
  /** The create floor, REST's request to the floor's server (same body, its own WABA). */
  floorMs: number[];
}

export async function measureCreates(
  stack: Stack,
  count: number,
  childEnv: Record<string, string>,
  log: (line: string) => void,
): Promise<CreateBenchmark> {
  if (2 * (count + CREATE_WARM_UP) > META_CREATES_PER_HOUR) {
    throw new Error(
      `BENCH_CREATES=${count}: REST and tRPC creates together must stay within Meta's ${META_CREATES_PER_HOUR} per WABA per hour`,
    );
  }
  if (count + CREATE_WARM_UP + CREATE_PATH_WARM_UP > META_CREATES_PER_HOUR) {
    throw new Error(
      `BENCH_CREATES=${count}: the create floor's creates must stay within Meta's ${META_CREATES_PER_HOUR} per WABA per hour`,
    );
  }
  const control = sandboxControl(stack.sandbox.url);
  await control.setLatency(0);
  const directToken = "bench-direct-create-token";
  const direct = await control.addWaba(directToken);
  const floorToken = "bench-create-floor-token";
  const floorWaba = await control.addWaba(floorToken);
  const floor = await startCreateFloor(
    {
      databaseUrl: stack.database.url,
      phoneNumberId: stack.phoneNumberId,
      sandboxUrl: stack.sandbox.url,
      wabaId: floorWaba.id,
      accessToken: floorToken,
    },
    childEnv,
  );
  try {
    return await timeCreates(stack, count, direct.id, directToken, floor.url, log);
  } finally {
    await floor.stop();
  }
}

async function timeCreates(
  stack: Stack,
  count: number,
  directWabaId: string,
  directToken: string,
  floorUrl: string,
  log: (line: string) => void,
): Promise<CreateBenchmark> {
  const tag = Date.now().toString(36);
  // A create of a name that exists is answered 409 (the warm-up below); every other create here is new.
  const rest = (suffix: string, expected = 201) =>
    expectStatus(expected, "POST", `${stack.api.baseUrl}/v1/${stack.phoneNumberId}/templates`, {
      token: BENCH_API_KEY,
      body: createBody(`bench_rest_${tag}_${suffix}`),
    });
  const trpc = (suffix: string, expected = 200) =>
    expectStatus(expected, "POST", `${stack.api.baseUrl}/trpc/templates.create`, {
      token: BENCH_API_KEY,
      body: { phone_number_id: stack.phoneNumberId, template: createBody(`bench_trpc_${tag}_${suffix}`) },
    });
  const meta = (suffix: string) =>
    expectStatus(200, "POST", `${stack.sandbox.url}/v23.0/${directWabaId}/message_templates`, {
      token: directToken,
      body: createBody(`bench_direct_${tag}_${suffix}`),
    });
  const floor = (suffix: string) =>
    expectStatus(201, "POST", `${floorUrl}/v1/${stack.phoneNumberId}/templates`, {
      token: BENCH_API_KEY,
      body: createBody(`bench_floor_${tag}_${suffix}`),
    });

  for (let i = 0; i < CREATE_WARM_UP; i++) {
    await rest(`warm${i}`);
    await trpc(`warm${i}`);
    await meta(`warm${i}`);
    await floor(`warm${i}`);
  }
  for (let i = 0; i < CREATE_PATH_WARM_UP; i++) {
    await rest("warm0", 409);
    await trpc("warm0", 409);
    await floor(`path${i}`);
  }
  const result: CreateBenchmark = { count, restMs: [], trpcMs: [], directMs: [], floorMs: [] };
  // Interleaved, one at a time: latency, not throughput.
  for (let i = 0; i < count; i++) {
    result.restMs.push((await rest(String(i))).ms);
    result.trpcMs.push((await trpc(String(i))).ms);
    result.directMs.push((await meta(String(i))).ms);
    result.floorMs.push((await floor(String(i))).ms);
  }
  log(`  ${count} creates each through REST, tRPC, straight to the sandbox and through the create floor`);
  return result;
}
