/**
 * The tRPC side of the table: every entry with a `trpc` binding becomes `router[namespace][procedure]`, its type
 * taken from the entry (input schema, result, kind), so `AppRouter` is as exact as hand-written procedures.
 */
import type { TRPCRouterRecord } from "@trpc/server";
import { ENDPOINT_LIST } from "./table.js";

type ApiEntry = Extract<(typeof ENDPOINT_LIST)[number], { kind: "api" }>;
/** The procedure name of an entry; never for an entry without one (its name type is not a literal). */
type NameOf<E extends ApiEntry> = NonNullable<E["trpc"]>["name"] extends infer N extends string
  ? string extends N
    ? never
    : N
  : never;
type NamespaceOf<E extends ApiEntry> = NameOf<E> extends `${infer Namespace}.${string}` ? Namespace : never;

/** `{ templates: { create: <procedure>, … }, webhooks: { … }, … }` from the entries' `trpc.name`. */
export type ProcedureRecord = {
  [Namespace in NamespaceOf<ApiEntry>]: {
    [E in ApiEntry as NameOf<E> extends `${Namespace}.${infer Procedure}` ? Procedure : never]: E["procedure"];
  };
};

export function procedureRecord(): ProcedureRecord {
  const record: Record<string, TRPCRouterRecord> = {};
  for (const entry of ENDPOINT_LIST) {
    if (entry.kind !== "api" || entry.trpc === undefined) continue;
    const [namespace = "", name = ""] = entry.trpc.name.split(".");
    record[namespace] = { ...record[namespace], [name]: entry.procedure as never };
  }
  return record as unknown as ProcedureRecord;
}
