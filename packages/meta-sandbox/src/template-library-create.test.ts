// Issue 16: a create with library_template_name (Meta's "Template Library" page, M-LIB) over real HTTP — Meta builds
// the components from its library entry with the button inputs applied; an unknown library name is code 100.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_ACCESS_TOKEN, startMetaSandbox } from "./index.js";
import type { MetaSandbox } from "./index.js";
import { call, templatesUrl } from "./testing/http.js";

let sandbox: MetaSandbox;
beforeAll(async () => {
  sandbox = await startMetaSandbox({ reviewDelayMs: null, demoTemplateCount: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

const create = (payload: Record<string, unknown>) =>
  call(templatesUrl(sandbox), { token: DEMO_ACCESS_TOKEN, json: payload });

describe("create from the Template Library", () => {
  it("Meta's own example (button inputs as a single-quoted JSON string) builds the entry's components", async () => {
    const res = await create({
      name: "my_delivery_update",
      language: "en_US",
      category: "UTILITY",
      library_template_name: "delivery_update_1",
      library_template_button_inputs:
        "[{'type':'URL','url':{'base_url':'https://www.example.com/{{1}}','url_suffix_example':'https://www.example.com/order_update'}}]",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: expect.any(String), category: "UTILITY" });
    const got = await call(`${sandbox.graphUrl}/${String(res.body.id)}`, { token: DEMO_ACCESS_TOKEN });
    expect(got.body.components).toEqual([
      expect.objectContaining({
        type: "BODY",
        text: "Good news! Your order {{1}} is on its way and should arrive by {{2}}.",
      }),
      expect.objectContaining({
        type: "BUTTONS",
        buttons: [expect.objectContaining({ type: "URL", text: "Track order", url: "https://www.example.com/{{1}}" })],
      }),
    ]);
  });

  it("applies the URL input to another entry's button", async () => {
    const res = await create({
      name: "lib_order_confirmed",
      language: "en_US",
      category: "UTILITY",
      library_template_name: "order_confirmation_1",
      library_template_button_inputs: [
        {
          type: "URL",
          url: { base_url: "https://shop.example.com/o/{{1}}", url_suffix_example: "https://shop.example.com/o/1" },
        },
      ],
    });
    expect(res.status).toBe(200);
    const got = await call(`${sandbox.graphUrl}/${String(res.body.id)}`, { token: DEMO_ACCESS_TOKEN });
    expect(JSON.stringify(got.body.components)).toContain("https://shop.example.com/o/{{1}}");
  });

  it("Meta's own wording is not held to the authoring rules, and the answer is APPROVED as Meta's page shows", async () => {
    // low_balance_warning_1's body ends in {{8}}: an authored body may not (M-CMP), a library entry is Meta's own.
    const res = await create({
      name: "lib_low_balance",
      language: "en_US",
      category: "UTILITY",
      library_template_name: "low_balance_warning_1",
      library_template_button_inputs: [
        { type: "URL", url: { base_url: "https://bank.example.com/deposit" } },
        { type: "PHONE_NUMBER", phone_number: "+15550001111" },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: "APPROVED", category: "UTILITY" });
    const got = await call(`${sandbox.graphUrl}/${String(res.body.id)}`, { token: DEMO_ACCESS_TOKEN });
    expect(got.body.status).toBe("APPROVED");
    expect(JSON.stringify(got.body.components)).toContain("{{8}}");
    expect(JSON.stringify(got.body.components)).toContain("+15550001111");
    // The same body written by hand is refused: the relaxation is the library's only.
    const authored = await create({
      name: "authored_low_balance",
      language: "en_US",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Your balance is below {{1}}", example: { body_text: [["$75.00"]] } }],
    });
    expect(authored.status).toBe(400);
  });

  it("an unknown library name or a missing URL input is a code 100 invalid parameter", async () => {
    const unknown = await create({
      name: "lib_unknown",
      language: "en_US",
      category: "UTILITY",
      library_template_name: "no_such_entry",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 100, message: expect.stringContaining("library_template_name") });
    const noInput = await create({
      name: "lib_no_input",
      language: "en_US",
      category: "UTILITY",
      library_template_name: "delivery_update_1",
    });
    expect(noInput.status).toBe(400);
    expect(noInput.body.error).toMatchObject({
      code: 100,
      message: expect.stringContaining("library_template_button_inputs"),
    });
  });
});
