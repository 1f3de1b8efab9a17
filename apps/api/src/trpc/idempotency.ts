/**
 * `Idempotency-Key` for tRPC mutations, with the same store and rules as REST POSTs (../http/idempotency.ts):
 * scoped to the organisation, fingerprint = "POST" + `/trpc/<procedure>` + canonical JSON of the parsed input,
 * replay with `Idempotent-Replayed: true` and no second effect, 422 `idempotency_key_reuse`, 409
 * `idempotency_in_progress`, and 400/429/5xx outcomes not kept (core's `isReplayable`).
 *
 * REST stores the HTTP answer byte for byte. A tRPC answer is framed by the adapter (and by batching), so here the
 * procedure's OUTCOME is stored — its output, or its domain error — and replayed through the same output validator
 * and error formatter. Because the path is part of the fingerprint, one key used on REST and on tRPC is a reuse (422).
 * In a batch, every mutation shares the request's one header: send one mutation per request when you use a key.
 */
import { DomainError, isDomainError, requestFingerprint } from "@kirim/core";
import type { IdempotencyClaim, StoredResponse } from "@kirim/core";
import { isErrorCode } from "@kirim/schema";
import { IDEMPOTENT_REPLAYED_HEADER, parseIdempotencyKey } from "../http/idempotency.js";
import type { AuthedContext } from "./trpc.js";

/** What is stored for a tRPC outcome (the `body` of a StoredResponse). */
type StoredOutcome =
  | { data: unknown }
  | { error: { code: string; message: string; param: string | null; details: Record<string, unknown> | null } };

function outcomeOfError(error: unknown): StoredResponse {
  if (!isDomainError(error)) return { status: 500, headers: {}, body: "{}" }; // never kept: the key is released
  const outcome: StoredOutcome = {
    error: { code: error.code, message: error.message, param: error.param ?? null, details: error.details ?? null },
  };
  return { status: error.status, headers: error.headers ?? {}, body: JSON.stringify(outcome) };
}

/** Gives back what the first call produced: its output, or the same domain error. */
function replayOutcome(stored: StoredResponse): unknown {
  const outcome = JSON.parse(stored.body) as StoredOutcome;
  if ("data" in outcome) return outcome.data;
  const { code, message, param, details } = outcome.error;
  if (!isErrorCode(code)) throw new DomainError("internal_error", "An internal error occurred.");
  throw new DomainError(code, message, {
    ...(param === null ? {} : { param }),
    ...(details === null ? {} : { details }),
    headers: stored.headers,
  });
}

/**
 * Runs `mutate` at most once per (organisation, key) when the call carries an Idempotency-Key; without one it
 * simply runs. `procedure` is the tRPC path (`templates.create`), part of the fingerprint. `mutate` learns whether
 * it retries an identical call whose process died mid-way (so a create can recognise that call's template).
 */
export async function idempotentMutation<T>(
  ctx: AuthedContext,
  procedure: string,
  input: unknown,
  mutate: (attempt: { resumesAbandonedAttempt: boolean }) => Promise<T>,
): Promise<T> {
  const key = parseIdempotencyKey(ctx.idempotencyKey);
  if (key === undefined) return mutate({ resumesAbandonedAttempt: false });
  const fingerprint = requestFingerprint("POST", `/trpc/${procedure}`, input);
  const started = await ctx.core.idempotency.start(ctx.principal.organisationId, key, fingerprint);
  if (started.kind === "replay") {
    ctx.setResponseHeaders({ [IDEMPOTENT_REPLAYED_HEADER]: "true" });
    // The output validator re-checks the stored data on its way out, as it did the first time.
    return replayOutcome(started.response) as T;
  }
  ctx.setResponseHeaders({ [IDEMPOTENT_REPLAYED_HEADER]: "false" });
  const claim: IdempotencyClaim = started.claim;
  let output: T;
  try {
    output = await mutate({ resumesAbandonedAttempt: claim.resumesAbandonedAttempt === true });
  } catch (error) {
    await settle(ctx, claim, outcomeOfError(error));
    throw error;
  }
  const outcome: StoredOutcome = { data: output };
  await settle(ctx, claim, { status: 200, headers: {}, body: JSON.stringify(outcome) });
  return output;
}

/** Stores the outcome (or releases the key, per `isReplayable`); if storing fails, releases so a retry can run. */
async function settle(ctx: AuthedContext, claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
  try {
    await ctx.core.idempotency.finish(claim, response);
  } catch (error) {
    ctx.logger.warn({ request_id: ctx.requestId, err: error }, "could not store the idempotent outcome; key released");
    await ctx.core.idempotency.release(claim).catch(() => undefined);
  }
}
