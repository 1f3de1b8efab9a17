import { ZAccount, ZListAccountsQuery, ZMe } from "@kirim/schema";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { authedProcedure } from "../trpc.js";

export const accountsRouter = {
  /** `GET /v1/accounts` */
  list: authedProcedure
    .input(ZListAccountsQuery.optional())
    .output(z.array(ZAccount))
    .query(({ ctx, input }) => ctx.core.accounts.list(ctx.principal, input ?? {})),
} satisfies TRPCRouterRecord;

export const meRouter = {
  /** `GET /v1/me` — the calling key, its organisation and its rate limits. */
  get: authedProcedure.output(ZMe).query(({ ctx }) => ctx.core.me.get(ctx.principal)),
} satisfies TRPCRouterRecord;
