/**
 * The stored wire texts of listed templates (template-wire-text.ts), on every database kind: the trigger clears a
 * text on any other write of its row, a text is stored only over the row version it was written from, and texts
 * written by one writer are never answered for another.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness } from "../../test/harness.js";
import type { Harness, Tenant } from "../../test/harness.js";
import { newId } from "../lib/ids.js";
import { databaseKinds } from "../testing/index.js";
import type { TemplateWireWriter } from "./template-wire-text.js";
import { wireTextFingerprint, wireTextKey } from "./template-wire-text.js";
import { insertTemplate, listTemplateRowsToWrite, storeTemplateWireTexts } from "./template.repository.js";

const compact: TemplateWireWriter = { write: (template) => JSON.stringify(template) };
const spaced: TemplateWireWriter = { write: (template) => JSON.stringify(template, null, 1) };

describe.each(databaseKinds())("stored template wire texts on %s", (kind) => {
  let h: Harness;
  let t: Tenant;
  let accountId: string;
  const ids: string[] = [];

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
    for (let i = 0; i < 4; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 0, 0, i));
      const id = newId("tmpl", at.getTime());
      ids.push(id);
      await insertTemplate(h.db, {
        id,
        account_id: accountId,
        name: `t_${i}`,
        language: "en",
        category: "UTILITY",
        status: "approved",
        meta_status: "APPROVED",
        provider_template_id: `${i}`,
        components: JSON.stringify([{ type: "BODY", text: `Hi {{1}} ${i}` }]),
        content: `Hi {{1}} ${i}`,
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

  const textOf = async (id: string) =>
    h.db.selectFrom("templates").select(["wire_text", "wire_text_key"]).where("id", "=", id).executeTakeFirstOrThrow();
  const list = (writer: TemplateWireWriter) =>
    h.core.templates.listWireText(t.principal, t.phoneNumberId, { limit: 10 }, writer);

  it("a page stores each template's text; another write of the row clears it, a write of the text keeps it", async () => {
    const page = await list(compact);
    expect(page.data).toHaveLength(4);
    const id = ids[0] as string;
    expect((await textOf(id)).wire_text).not.toBeNull();
    await h.db.updateTable("templates").set({ quality_score: "RED" }).where("id", "=", id).execute();
    expect(await textOf(id)).toEqual({ wire_text: null, wire_text_key: null });
    const again = await list(compact);
    expect(JSON.parse(again.data.find((text) => text.includes(id)) ?? "{}")).toMatchObject({ quality_score: "RED" });
    const stored = await textOf(id);
    await h.db
      .updateTable("templates")
      .set({ wire_text: `${stored.wire_text} ` })
      .where("id", "=", id)
      .execute();
    expect(await textOf(id)).toEqual({ wire_text: `${stored.wire_text} `, wire_text_key: stored.wire_text_key });
  });

  it("stores a text only over the row version it was written from", async () => {
    const read = await listTemplateRowsToWrite(h.db, {
      accountId,
      status: undefined,
      language: undefined,
      after: undefined,
      limit: 10,
    });
    // Under a key no page asks for, so the texts below are never answered.
    const key = wireTextKey("test-writer", read.listedAccountText);
    const changed = ids[1] as string;
    // Written after the read: the text the read would give is older than the row.
    await h.db.updateTable("templates").set({ quality_score: "YELLOW" }).where("id", "=", changed).execute();
    const stored = await storeTemplateWireTexts(
      h.db,
      key,
      read.rows.map((row) => ({ id: row.id, rowVersion: row.row_version, json: `{"id":"${row.id}"}` })),
    );
    expect(stored).toBe(3);
    expect(await textOf(changed)).toEqual({ wire_text: null, wire_text_key: null });
    expect((await textOf(ids[2] as string)).wire_text).toBe(`{"id":"${ids[2]}"}`);
  });

  it("keeps the same text stored under a new key (an account change that leaves a template's bytes alone)", async () => {
    const query = { accountId, status: undefined, language: undefined, after: undefined, limit: 10 };
    const id = ids[3] as string;
    const versionOf = async () =>
      (await listTemplateRowsToWrite(h.db, query)).rows.find((row) => row.id === id)?.row_version ?? "";
    expect(await storeTemplateWireTexts(h.db, "key-a", [{ id, rowVersion: await versionOf(), json: "{}" }])).toBe(1);
    expect(await storeTemplateWireTexts(h.db, "key-b", [{ id, rowVersion: await versionOf(), json: "{}" }])).toBe(1);
    expect(await textOf(id)).toEqual({ wire_text: "{}", wire_text_key: "key-b" });
  });

  it("answers each writer its own texts, and a text stored under another key is written again", async () => {
    const byCompact = await list(compact);
    expect(byCompact.data.every((text) => !text.includes("\n"))).toBe(true);
    const bySpaced = await list(spaced);
    expect(bySpaced.data.every((text) => text.includes("\n"))).toBe(true);
    expect(bySpaced.data.map((text) => JSON.parse(text) as unknown)).toEqual(
      byCompact.data.map((text) => JSON.parse(text) as unknown),
    );
    expect(wireTextFingerprint(spaced)).not.toBe(wireTextFingerprint(compact));
    expect((await list(compact)).data).toEqual(byCompact.data);
  });
});
