/**
 * Meta's webhook payloads through the intake's schemas: every real delivery in fixtures/meta-real/webhooks is read
 * into changes of a handled field, and the tolerance the intake has always had is kept (extra keys, wrongly typed
 * members, malformed entries next to good ones). The end-to-end apply is covered in apps/api (lifecycle-webhooks,
 * webhook-quality-shape, meta-real-corpus), through POST /webhooks/meta.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mergeFlattenedComponents } from "./handlers/index.js";
import {
  changesOf,
  effectiveField,
  isTemplateWebhookField,
  ZCategoryUpdateValue,
  ZComponentsUpdateValue,
  ZQualityUpdateValue,
  ZStatusUpdateValue,
} from "./webhook-payload.schema.js";

const FOLDER = new URL("../../../../fixtures/meta-real/webhooks/", import.meta.url);
const fixtures = readdirSync(FOLDER)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => ({
    file,
    payload: (JSON.parse(readFileSync(new URL(file, FOLDER), "utf8")) as { payload: unknown }).payload,
  }));

function onlyChange(payload: unknown) {
  const changes = changesOf(payload);
  expect(changes).toHaveLength(1);
  return changes[0] as NonNullable<(typeof changes)[0]>;
}

const fixture = (file: string) => fixtures.find((f) => f.file === file)?.payload;

describe("real Meta webhook deliveries", () => {
  it.each(fixtures)("$file is one change of a handled field, its value kept as sent", ({ payload }) => {
    const change = onlyChange(payload);
    expect(isTemplateWebhookField(change.field)).toBe(true);
    expect(change.wabaId).toMatch(/^\d+$/);
    expect(Number.isInteger(change.time)).toBe(true);
    // The very object Meta sent (a copy could reorder keys and change the dedupe hash of a redelivery).
    const entry = (payload as { entry: Array<{ changes: Array<{ value: unknown }> }> }).entry[0];
    expect(change.value).toBe(entry?.changes[0]?.value);
  });

  it("a status event reads its event, reason and details; numeric ids read as text", () => {
    const value = ZStatusUpdateValue.parse(onlyChange(fixture("status_rejected_invalid_format.json")).value);
    expect(value).toMatchObject({
      event: "REJECTED",
      reason: "INVALID_FORMAT",
      message_template_id: "1689556908129835",
      message_template_language: "en",
    });
    expect(value.rejection_info).toMatchObject({ reason: expect.stringContaining("parameters") });
    expect(
      ZStatusUpdateValue.parse(onlyChange(fixture("status_paused_other_info.json")).value).other_info,
    ).toMatchObject({ title: "FIRST_PAUSE" });
  });

  it("a category notice reads the coming category and its time", () => {
    const value = ZCategoryUpdateValue.parse(onlyChange(fixture("category_impending.json")).value);
    expect(value).toMatchObject({
      new_category: "UTILITY",
      correct_category: "MARKETING",
      category_update_timestamp: 1746169200,
      previous_category: null,
    });
  });

  it("Meta's quality example under the status field is a quality change", () => {
    const change = onlyChange(fixture("quality_documented_under_status_field.json"));
    expect(effectiveField(change.field, change.value)).toBe("message_template_quality_update");
    expect(ZQualityUpdateValue.parse(change.value)).toMatchObject({
      previous_quality_score: "GREEN",
      new_quality_score: "YELLOW",
    });
  });

  it("a components edit merges into the stored components, keeping what it does not carry", () => {
    const value = ZComponentsUpdateValue.parse(onlyChange(fixture("components_update.json")).value);
    const stored = [
      { type: "HEADER", format: "TEXT", text: "old title" },
      { type: "BODY", text: "old body", example: { body_text: [["a", "b"]] } },
      {
        type: "BUTTONS",
        buttons: [
          { type: "QUICK_REPLY", text: "Stop" },
          { type: "URL", text: "old", url: "https://old.example/" },
        ],
      },
    ];
    expect(mergeFlattenedComponents(stored, value)).toEqual([
      { type: "HEADER", format: "TEXT", text: "Your order is confirmed!" },
      { type: "BODY", text: expect.stringContaining("Thank you for your order"), example: { body_text: [["a", "b"]] } },
      {
        type: "BUTTONS",
        buttons: [
          { type: "QUICK_REPLY", text: "Stop" },
          { type: "URL", text: "Email support", url: "https://www.luckyshrub.com/support" },
          { type: "PHONE_NUMBER", text: "Phone support", phone_number: "+15550783881" },
        ],
      },
      { type: "FOOTER", text: "Lucky Shrub: the Succulent Specialists!" },
    ]);
  });
});

describe("tolerance", () => {
  const envelope = (entry: unknown[]) => ({ object: "whatsapp_business_account", entry });
  const value = {
    event: "APPROVED",
    message_template_id: 1,
    message_template_name: "n",
    message_template_language: "en_US",
  };

  it("accepts extra keys at every level and keeps them in the stored value", () => {
    const changes = changesOf({
      ...envelope([
        {
          id: "1",
          time: 5,
          extra: true,
          changes: [{ field: "message_template_status_update", value: { ...value, new_key: { x: 1 } }, also: 1 }],
        },
      ]),
      unknown_top_level: [1],
    });
    expect(changes).toEqual([
      { wabaId: "1", time: 5, field: "message_template_status_update", value: { ...value, new_key: { x: 1 } } },
    ]);
  });

  it("skips malformed entries and changes, keeps the good ones next to them", () => {
    const good = { field: "message_template_status_update", value };
    const changes = changesOf(
      envelope([
        null,
        { id: "", time: 5, changes: [good] },
        { id: "1", time: -1, changes: [good] },
        { id: "1", time: " ", changes: [good] },
        { id: "1", time: 253_402_300_800, changes: [good] },
        { id: "1", time: 5, changes: "no" },
        {
          id: 7,
          time: "6",
          changes: [
            good,
            { field: 1, value },
            { field: "x", value: [] },
            { field: "x", value: { bad: "\u0000" } },
            null,
          ],
        },
      ]),
    );
    expect(changes).toEqual([{ wabaId: "7", time: 6, field: "message_template_status_update", value }]);
    expect(changesOf({ object: "page", entry: [] })).toEqual([]);
    expect(changesOf([envelope([])])).toEqual([]);
  });

  it("reads a member of the wrong type as absent instead of refusing the change", () => {
    expect(
      ZStatusUpdateValue.parse({
        event: ["APPROVED"],
        reason: 3,
        rejection_info: "text",
        message_template_name: { a: 1 },
      }),
    ).toEqual({
      event: null,
      reason: "3",
      rejection_info: null,
      other_info: null,
      disable_info: null,
      message_template_id: null,
      message_template_name: null,
      message_template_language: null,
    });
    expect(
      ZCategoryUpdateValue.parse({ category_update_timestamp: "1746169200" }).category_update_timestamp,
    ).toBeNull();
    expect(
      ZComponentsUpdateValue.parse({ message_template_buttons: [null, 1, { message_template_button_type: "URL" }] })
        .message_template_buttons,
    ).toEqual([
      {
        message_template_button_type: "URL",
        message_template_button_text: null,
        message_template_button_url: null,
        message_template_button_phone_number: null,
      },
    ]);
  });
});
