import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { procedureRecord } from "../endpoints/trpc.js";
import { createCallerFactory, router } from "./trpc.js";

/** Every procedure comes from the endpoint table (../endpoints/table.ts): `accounts`, `me`, `templates`, `webhooks`. */
export const appRouter = router(procedureRecord());

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side caller (tests): `createCaller(createContextInner({...}))`. */
export const createCaller = createCallerFactory(appRouter);
