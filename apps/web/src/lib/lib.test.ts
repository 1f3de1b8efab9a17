import { describe, expect, it } from "vitest";
import { explainError } from "./errors.js";
import { hrefFor, parseHash } from "./router.js";
import { assignIssues, buildRequest, emptyDraft, newButton, variablesOf } from "./template-draft.js";
import { validateDraft } from "./validate-draft.js";

describe("hash router", () => {
  it("parses every route and round-trips through hrefFor", () => {
    const routes = [
      parseHash(""),
      parseHash("#/accounts/106540352242922/templates"),
      parseHash("#/accounts/106540352242922/templates/new"),
      parseHash("#/accounts/106540352242922/templates/order_update?language=en_US&created=1"),
      parseHash("#/webhooks"),
    ];
    expect(routes.map((r) => r.page)).toEqual(["accounts", "list", "create", "detail", "webhooks"]);
    expect(routes[3]).toEqual({
      page: "detail",
      phoneNumberId: "106540352242922",
      name: "order_update",
      language: "en_US",
      created: true,
    });
    for (const route of routes) expect(parseHash(hrefFor(route))).toEqual(route);
    expect(parseHash("#/nope").page).toBe("not-found");
  });
});

describe("form → request", () => {
  it("orders components HEADER, BODY, FOOTER, BUTTONS and records each input's issue path", () => {
    const draft = emptyDraft();
    draft.header = { ...draft.header, enabled: true, text: "Hi" };
    draft.footer = { ...draft.footer, enabled: true, text: "Bye" };
    const button = newButton("URL");
    draft.buttons = [button];
    const { request, fields } = buildRequest(draft);
    expect(request.components.map((c) => c.type)).toEqual(["HEADER", "BODY", "FOOTER", "BUTTONS"]);
    const pathOf = (key: string) => fields.filter((f) => f.key === key).map((f) => f.path);
    expect(pathOf("body.text")).toEqual(["components[1].text"]);
    expect(pathOf(`button.${button.id}.url`)).toEqual(["components[3].buttons[0].url"]);
  });

  it("sends named variables as body_text_named_params with parameter_format NAMED", () => {
    const draft = emptyDraft();
    draft.body = {
      ...draft.body,
      text: "Hi {{first_name}}, see you {{day}} at the store.",
      examples: { first_name: "Ana", day: "Monday" },
    };
    const { request } = buildRequest(draft);
    expect(request.parameter_format).toBe("NAMED");
    expect(request.components[0]?.example).toEqual({
      body_text_named_params: [
        { param_name: "first_name", example: "Ana" },
        { param_name: "day", example: "Monday" },
      ],
    });
    expect(variablesOf("{{2}} and {{1}}")).toEqual({ keys: ["1", "2"], named: false });
  });

  it("gives each issue to the input with the longest matching path; the rest go to the form", () => {
    const fields = [
      { key: "buttons", path: "components[2].buttons" },
      { key: "button.b1.text", path: "components[2].buttons[0].text" },
      { key: "name", path: "name" },
    ];
    const errors = assignIssues(fields, [
      { path: "components[2].buttons[0].text", message: "too long" },
      { path: "components[2].buttons[1]", message: "grouping" },
      { path: "names", message: "not a prefix match" },
      { path: "", message: "root" },
    ]);
    expect(Object.fromEntries(errors)).toEqual({
      "button.b1.text": ["too long"],
      buttons: ["grouping"],
      form: ["not a prefix match", "root"],
    });
  });

  it("a complete draft passes the shared schema", () => {
    const draft = emptyDraft();
    draft.name = "welcome_back";
    draft.body = { ...draft.body, text: "Welcome back to the store, we missed you." };
    expect(validateDraft(draft).errors.size).toBe(0);
    expect(validateDraft(draft).request?.name).toBe("welcome_back");
  });
});

describe("explainError", () => {
  it("uses error.data.code for plain words and keeps param, request id and Meta's own message", () => {
    const error = Object.assign(new Error("Meta refused the template."), {
      data: {
        code: "meta_validation_failed",
        param: null,
        request_id: "req_01HXYZABCDEFGHJKMNPQRSTVWX",
        httpStatus: 400,
        meta: {
          code: 100,
          error_subcode: 2388299,
          error_user_title: "Leading or trailing parameters not allowed",
          error_user_msg: "Variables can't be at the start or end of the template.",
        },
      },
    });
    const explained = explainError(error);
    expect(explained.title).toMatch(/^Meta refused this template/);
    expect(explained.code).toBe("meta_validation_failed");
    expect(explained.param).toBeUndefined();
    expect(explained.requestId).toBe("req_01HXYZABCDEFGHJKMNPQRSTVWX");
    expect(explained.meta).toEqual({
      title: "Leading or trailing parameters not allowed",
      message: "Variables can't be at the start or end of the template.",
      code: 100,
      subcode: 2388299,
    });
    expect(explainError(Object.assign(new Error("x"), { data: { code: "whatsapp_upstream_error" } })).title).toMatch(
      /did not answer properly/,
    );
    expect(explainError(Object.assign(new Error("bad"), { data: { code: "invalid_api_key" } })).auth).toBe(true);
  });
});
