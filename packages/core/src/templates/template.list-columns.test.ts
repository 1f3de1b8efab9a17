/**
 * The list's page statement reads only the columns the wire mapper uses (TEMPLATE_WIRE_COLUMNS), on every database
 * kind and for both ways of naming the account, and the page it answers maps to the same templates as full rows.
 */
import type { KyselyPlugin, RootOperationNode } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness } from "../../test/harness.js";
import type { Harness, Tenant } from "../../test/harness.js";
import { newId } from "../lib/ids.js";
import { databaseKinds } from "../testing/index.js";
import { templateRowToTemplate } from "./template.mapper.js";
import { insertTemplate, listTemplateRows } from "./template.repository.js";
import { TEMPLATE_WIRE_COLUMNS } from "./template.table.js";

/** Records the SQL of every statement run through the Kysely instance it is added to. */
function recorder(compile: (node: RootOperationNode) => string): { plugin: KyselyPlugin; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    plugin: {
      transformQuery: ({ node }) => {
        statements.push(compile(node));
        return node;
      },
      transformResult: ({ result }) => Promise.resolve(result),
    },
  };
}

describe.each(databaseKinds())("template list columns on %s", (kind) => {
  let h: Harness;
  let t: Tenant;
  let accountId: string;

  beforeAll(async () => {
    h = await createHarness(kind);
    t = await h.tenant();
    accountId = (
      await h.db
        .selectFrom("whatsapp_accounts")
        .select("id")
        .where("phone_number_id", "=", t.phoneNumberId)
        .executeTakeFirstOrThrow()
    ).id;
    for (let i = 0; i < 3; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 0, 0, i));
      await insertTemplate(h.db, {
        id: newId("tmpl", at.getTime()),
        account_id: accountId,
        name: `t_${i}`,
        language: "en",
        category: "UTILITY",
        status: "approved",
        meta_status: "APPROVED",
        provider_template_id: `${i}`,
        components: JSON.stringify([{ type: "BODY", text: "Hi {{1}}" }]),
        content: "Hi {{1}}",
        variables: JSON.stringify(["1"]),
        parameter_format: "POSITIONAL",
        rejected_reason: null,
        quality_score: "GREEN",
        previous_category: null,
        created_at: at,
        updated_at: at,
        last_synced_at: at,
      });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ["by account id", () => accountId],
    ["by phone number", () => ({ organisationId: t.organisationId, phoneNumberId: t.phoneNumberId })],
  ] as const)("selects the mapper's columns only (%s)", async (_how, scope) => {
    const executor = h.db.getExecutor();
    const { plugin, statements } = recorder((node) => executor.compileQuery(node, { queryId: "" }).sql);
    const { rows } = await listTemplateRows(h.db.withPlugin(plugin), {
      accountId: scope(),
      status: undefined,
      language: undefined,
      after: undefined,
      limit: 26,
    });
    expect(rows).toHaveLength(3);
    expect(statements).toHaveLength(1);
    const page = statements[0] ?? "";
    expect(page).not.toMatch(/select \*|"templates"\.\*/i);
    for (const column of TEMPLATE_WIRE_COLUMNS) expect(page).toContain(`"${column}"`);
    for (const unread of ["status_changed_at", "components_changed_at", "parameter_format", 'account_id",'])
      expect(page).not.toContain(`"${unread}`);
    // Same templates as the full rows give.
    const full = await h.db
      .selectFrom("templates")
      .selectAll()
      .where("account_id", "=", accountId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .execute();
    const account = {
      phone_number_id: t.phoneNumberId,
      display_phone_number: "+1",
      customer_id: null,
      customer_name: null,
      templates_synced_at: null,
    };
    expect(rows.map((r) => templateRowToTemplate(r, account))).toEqual(
      full.map((r) => templateRowToTemplate(r, account)),
    );
  });
});
