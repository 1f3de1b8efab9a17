/**
 * Compile-time proof (`pnpm typecheck`) that @kirim/trpc-types' declaration-only AppRouter has exactly the
 * procedures of the real router, with the same input and output types. A procedure added, removed or changed on
 * one side only fails this file's type check.
 */
import type { AppRouter as PublicAppRouter } from "@kirim/trpc-types";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../src/index.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `true` per procedure when both sides agree; a missing procedure or router is a string the literal below cannot be. */
type Agreement<Server, Public> = {
  [Router in keyof Server | keyof Public]: Router extends keyof Server & keyof Public
    ? {
        [Procedure in keyof Server[Router] | keyof Public[Router]]: Procedure extends keyof Server[Router] &
          keyof Public[Router]
          ? Same<Server[Router][Procedure], Public[Router][Procedure]>
          : "procedure on one side only";
      }
    : "router on one side only";
};

const everyProcedure = {
  accounts: { list: true },
  me: { get: true },
  webhooks: {
    create: true,
    list: true,
    get: true,
    update: true,
    delete: true,
    rotateSecret: true,
    sendTest: true,
    deliveries: true,
    redeliver: true,
  },
  templates: {
    create: true,
    sync: true,
    syncRuns: true,
    edit: true,
    delete: true,
    events: true,
    list: true,
    counts: true,
    get: true,
    render: true,
    library: true,
  },
} as const;

export const inputsAgree: Agreement<inferRouterInputs<AppRouter>, inferRouterInputs<PublicAppRouter>> = everyProcedure;
export const outputsAgree: Agreement<
  inferRouterOutputs<AppRouter>,
  inferRouterOutputs<PublicAppRouter>
> = everyProcedure;
