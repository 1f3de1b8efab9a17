import type { TCreateTemplateRequest } from "@kirim/schema";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TemplateForm, letterSuffix } from "./template-form.js";

afterEach(cleanup);

/** The error element rendered beside the field with this key (`name`, `body.text`, `button.b3.url`…). */
const errorBeside = (key: string) => document.querySelector<HTMLElement>(`[data-field="${key}"] > [data-error-for="${key}"]`);
const input = (label: string | RegExp) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string | RegExp, value: string) => fireEvent.change(input(label), { target: { value } });
const check = (label: string | RegExp) => fireEvent.click(screen.getByLabelText(label));
const submit = () => fireEvent.click(screen.getByRole("button", { name: "Submit to Meta for review" }));
const addButton = (type: string) => {
  fireEvent.change(screen.getByLabelText("Button type to add"), { target: { value: type } });
  fireEvent.click(screen.getByRole("button", { name: "Add button" }));
};
/** The key of the n-th (1-based) button editor, e.g. `button.b7`. */
const buttonKey = (n: number) => {
  const group = screen.getByRole("group", { name: new RegExp(`^Button ${n}:`) });
  return group.getAttribute("data-field") ?? "";
};

describe("TemplateForm validation (shared zod contract)", () => {
  it("shows each error beside its field on submit, focuses the first, and does not submit", () => {
    const onSubmit = vi.fn();
    render(<TemplateForm onSubmit={onSubmit} />);
    submit();
    expect(onSubmit).not.toHaveBeenCalled();
    expect(errorBeside("name")?.textContent).toMatch(/name must not be empty/);
    expect(document.activeElement).toBe(input("Name"));
    expect(input("Name").getAttribute("aria-invalid")).toBe("true");
    expect(input("Name").getAttribute("aria-describedby")).toContain("f-name-error");
  });

  it("shows an error while typing, before submit, and clears it once fixed", () => {
    render(<TemplateForm onSubmit={vi.fn()} />);
    type("Name", "Order Update");
    expect(errorBeside("name")?.textContent).toMatch(/lower-case letters, digits and underscores/);
    // Fields not touched yet stay quiet.
    expect(errorBeside("language")).toBeNull();
    type("Name", "order_update");
    expect(errorBeside("name")).toBeNull();

    type("Language", "english");
    expect(errorBeside("language")?.textContent).toMatch(/language must look like/);
    type("Language", "en_US");
    expect(errorBeside("language")).toBeNull();
  });

  it("puts button errors beside the right input of the right button", () => {
    render(<TemplateForm onSubmit={vi.fn()} />);
    addButton("QUICK_REPLY");
    addButton("URL");
    addButton("PHONE_NUMBER");
    const [quick, url, phone] = [buttonKey(1), buttonKey(2), buttonKey(3)];

    fireEvent.change(screen.getAllByLabelText("Button text")[0] as HTMLElement, { target: { value: "This label is far too long for WhatsApp" } });
    expect(errorBeside(`${quick}.text`)?.textContent).toMatch(/at most 25 characters/);

    type("Website URL", "not a url");
    expect(errorBeside(`${url}.url`)?.textContent).toMatch(/url must be an absolute URL/);
    expect(errorBeside(`${quick}.url`)).toBeNull();

    type("Phone number", "0812");
    expect(errorBeside(`${phone}.phoneNumber`)?.textContent).toMatch(/E\.164/);

    // Fixing each clears only its own message.
    type("Website URL", "https://example.com/orders/{{1}}");
    expect(errorBeside(`${url}.url`)).toBeNull();
    expect(errorBeside(`${phone}.phoneNumber`)).not.toBeNull();
    type("Phone number", "+628111222333");
    expect(errorBeside(`${phone}.phoneNumber`)).toBeNull();
    fireEvent.change(screen.getAllByLabelText("Button text")[0] as HTMLElement, { target: { value: "Thanks" } });
    expect(errorBeside(`${quick}.text`)).toBeNull();
  });

  it("applies Meta's pre-flight rules from the shared schema beside the body text and its examples", () => {
    const onSubmit = vi.fn();
    render(<TemplateForm onSubmit={onSubmit} />);
    type("Name", "welcome_back");
    type("Body text", "{{1}} welcome back to our store, we saved your cart.");
    expect(errorBeside("body.text")?.textContent).toMatch(/cannot start or end with a variable/);
    type("Body text", "Hi {{1}}, welcome back to our store, we saved your cart.");
    expect(errorBeside("body.text")).toBeNull();
    // The empty sample is reported on the examples block, and the submit is refused.
    submit();
    expect(onSubmit).not.toHaveBeenCalled();
    expect(errorBeside("body.examples")?.textContent).toMatch(/give one sample value/);
    type("Example for {{1}}", "Rina");
    expect(errorBeside("body.examples")).toBeNull();
    submit();
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it("validates the AUTHENTICATION code expiry beside its field", () => {
    render(<TemplateForm onSubmit={vi.fn()} />);
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "AUTHENTICATION" } });
    check("Show when the code expires");
    type("Code expires after (minutes)", "90");
    expect(errorBeside("footer.expiration")?.textContent).toMatch(/at most 60/);
    type("Code expires after (minutes)", "10");
    expect(errorBeside("footer.expiration")).toBeNull();
  });

  it("submits the request the API expects: header, body with two variables and examples, footer, buttons", () => {
    const onSubmit = vi.fn<(request: TCreateTemplateRequest) => void>();
    render(<TemplateForm onSubmit={onSubmit} />);
    type("Name", "order_ready");
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "MARKETING" } });
    check("Add a header");
    type("Header text", "Order {{1}}");
    type("Example for {{1}} in the header", "A-17");
    type("Body text", "Hi {{1}}, your order is ready for pickup at {{2}} today.");
    type("Example for {{1}}", "Pablo");
    type("Example for {{2}}", "Main Street");
    check("Add a footer");
    type("Footer text", "Thanks for shopping");
    addButton("URL");
    fireEvent.change(screen.getByLabelText("Button text"), { target: { value: "Track" } });
    type("Website URL", "https://example.com/t/{{1}}");
    type("Example of the full URL", "https://example.com/t/A-17");
    addButton("COPY_CODE");
    type("Example offer code", "SAVE25");

    // The preview follows as you type.
    expect(screen.getByTestId("preview-body").textContent).toBe("Hi Pablo, your order is ready for pickup at Main Street today.");
    expect(screen.getByTestId("preview-header").textContent).toBe("Order A-17");

    submit();
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      name: "order_ready",
      language: "en",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A-17"] } },
        { type: "BODY", text: "Hi {{1}}, your order is ready for pickup at {{2}} today.", example: { body_text: [["Pablo", "Main Street"]] } },
        { type: "FOOTER", text: "Thanks for shopping" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "URL", text: "Track", url: "https://example.com/t/{{1}}", example: ["https://example.com/t/A-17"] },
            { type: "COPY_CODE", example: ["SAVE25"] },
          ],
        },
      ],
    });
  });

  it("shows the API's refusal beside the field it names (409 on the name)", () => {
    const conflict = Object.assign(new Error("A template named order_ready already exists in en."), {
      data: { code: "template_already_exists", param: "name", httpStatus: 409 },
    });
    render(<TemplateForm onSubmit={vi.fn()} serverError={conflict} />);
    expect(errorBeside("name")?.textContent).toMatch(/already exists in this language/);
    expect(screen.getByTestId("submit-error").textContent).toContain("template_already_exists");
  });
});

describe("letterSuffix (named variables may not contain digits)", () => {
  it.each([
    [1, "a"],
    [2, "b"],
    [26, "z"],
    [27, "aa"],
    [28, "ab"],
    [52, "az"],
    [53, "ba"],
  ])("position %i → %s", (position, expected) => {
    expect(letterSuffix(position)).toBe(expected);
    expect(`variable_${letterSuffix(position)}`).toMatch(/^[a-z_]+$/);
  });
});
