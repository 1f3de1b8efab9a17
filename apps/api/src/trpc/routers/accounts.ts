import { ZAccount, ZListAccountsQuery } from "@kirim/schema";
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
