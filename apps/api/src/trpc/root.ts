import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountsRouter, meRouter } from "./routers/accounts.js";
import { templatesRouter } from "./routers/templates.js";
import { webhooksRouter } from "./routers/webhooks.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  accounts: accountsRouter,
  me: meRouter,
  templates: templatesRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side caller (tests): `createCaller(createContextInner({...}))`. */
export const createCaller = createCallerFactory(appRouter);
