/**
 * Meta is the authority on which name + language a template id belongs to. An id can come back for another name or
 * language than the row holding it (a restarted sandbox reuses ids; a template merged or recreated on Meta could):
 * the id then moves to the row Meta now names, the old holder is tombstoned, and history records both. Without
 * this, the unique (account, provider_template_id) index turns the write into an error on every later sync.
 */
import type { Transaction } from "kysely";
import type { Database } from "../db/schema.js";
import { recordTemplateChanges } from "./template-history.js";
import type { TemplateEventSource } from "./template-event.table.js";
import { findProviderIdHolders, releaseProviderIds } from "./template.repository.js";

export const templateKey = (name: string, language: string): string => `${name}\u0000${language}`;

export interface MetaIdClaim {
  providerTemplateId: string;
  name: string;
  language: string;
}

/**
 * Frees every id in `claims` held by a row of another name + language. A live holder whose own name + language is in
 * `rewritten` (written by the same statement, with its own new id) only loses the id; any other live holder is
 * tombstoned, with a history row naming the template the id now belongs to. Returns the claimed ids that moved
 * (id → the old holder's name/language) and how many rows were tombstoned.
 */
export async function moveMetaIds(
  trx: Transaction<Database>,
  accountId: string,
  claims: readonly MetaIdClaim[],
  rewritten: ReadonlySet<string>,
  origin: { source: TemplateEventSource; sourceId: string | null },
  at: Date,
): Promise<{ movedFrom: Map<string, string>; tombstoned: number }> {
  const claimById = new Map(claims.map((c) => [c.providerTemplateId, c]));
  const holders = (await findProviderIdHolders(trx, accountId, [...claimById.keys()])).filter((holder) => {
    const claim = claimById.get(holder.provider_template_id);
    return claim !== undefined && (claim.name !== holder.name || claim.language !== holder.language);
  });
  const movedFrom = new Map<string, string>();
  if (holders.length === 0) return { movedFrom, tombstoned: 0 };
  const tombstone = holders.filter((h) => h.deleted_at === null && !rewritten.has(templateKey(h.name, h.language)));
  await releaseProviderIds(
    trx,
    holders.map((h) => h.id),
    tombstone.map((h) => h.id),
    at,
  );
  for (const h of holders) movedFrom.set(h.provider_template_id, `${h.name} (${h.language})`);
  await recordTemplateChanges(
    trx,
    tombstone.map((h) => {
      const claim = claimById.get(h.provider_template_id);
      return {
        templateId: h.id,
        accountId,
        kind: "status" as const,
        from: h.meta_status,
        to: "DELETED",
        reason: `Meta's template id ${h.provider_template_id} now belongs to ${claim?.name ?? "?"} (${claim?.language ?? "?"})`,
        source: origin.source,
        sourceId: origin.sourceId,
        occurredAt: at,
      };
    }),
  );
  return { movedFrom, tombstoned: tombstone.length };
}
