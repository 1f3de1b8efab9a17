import type { TCreateTemplateRequest } from "@kirim/schema";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TemplateForm, VALIDATE_DEBOUNCE_MS, letterSuffix } from "./index.js";

// Validation waits for a pause in typing: every helper below lets that pause pass.
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  localStorage.clear();
});
const pause = () => act(() => void vi.advanceTimersByTime(VALIDATE_DEBOUNCE_MS + 1));

/** The error element rendered beside the field with this key (`name`, `body.text`, `button.b3.url`…). */
const errorBeside = (key: string) =>
  document.querySelector<HTMLElement>(`[data-field="${key}"] > [data-error-for="${key}"]`);
const input = (label: string | RegExp) => screen.getByLabelText<HTMLInputElement>(label);
const type = (label: string | RegExp, value: string) => {
  fireEvent.change(input(label), { target: { value } });
  pause();
};
const check = (label: string | RegExp) => {
  fireEvent.click(screen.getByLabelText(label));
  pause();
};
const submit = () => fireEvent.click(screen.getByRole("button", { name: "Submit to Meta for review" }));
const addButton = (type: string) => {
  fireEvent.change(screen.getByLabelText("Button type to add"), { target: { value: type } });
  fireEvent.click(screen.getByRole("button", { name: "Add button" }));
  pause();
};
/** The key of the n-th (1-based) button editor, e.g. `button.b7`. */
const buttonKey = (n: number) => {
  const group = screen.getByRole("group", { name: new RegExp(`^Button ${n}:`) });
  return group.getAttribute("data-field") ?? "";
};

describe("TemplateForm validation (shared zod contract)", () => {
  it("shows each error beside its field on submit, focuses the error summary (a link per problem), and does not submit", () => {
    const onSubmit = vi.fn();
    render(<TemplateForm onSubmit={onSubmit} />);
    submit();
    expect(onSubmit).not.toHaveBeenCalled();
    expect(errorBeside("name")?.textContent).toMatch(/name must not be empty/);
    const summary = screen.getByTestId("error-summary");
    expect(document.activeElement).toBe(summary);
    expect(summary.textContent).toMatch(/name must not be empty/);
    fireEvent.click(screen.getByRole("button", { name: "The name must not be empty." }));
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

    fireEvent.change(screen.getAllByLabelText("Button text")[0] as HTMLElement, {
      target: { value: "This label is far too long for WhatsApp" },
    });
    pause();
    expect(errorBeside(`${quick}.text`)?.textContent).toMatch(/at most 25 characters/);

    type("Website URL", "not a url");
    expect(errorBeside(`${url}.url`)?.textContent).toMatch(/URL must be an absolute URL/i);
    expect(errorBeside(`${quick}.url`)).toBeNull();

    type("Phone number", "0812");
    expect(errorBeside(`${phone}.phoneNumber`)?.textContent).toMatch(/country code/);

    // Fixing each clears only its own message.
    type("Website URL", "https://example.com/orders/{{1}}");
    expect(errorBeside(`${url}.url`)).toBeNull();
    expect(errorBeside(`${phone}.phoneNumber`)).not.toBeNull();
    type("Phone number", "+628111222333");
    expect(errorBeside(`${phone}.phoneNumber`)).toBeNull();
    fireEvent.change(screen.getAllByLabelText("Button text")[0] as HTMLElement, { target: { value: "Thanks" } });
    pause();
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
    expect(screen.getByTestId("preview-body").textContent).toBe(
      "Hi Pablo, your order is ready for pickup at Main Street today.",
    );
    expect(screen.getByTestId("preview-header").textContent).toBe("Order A-17");

    submit();
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      name: "order_ready",
      language: "en",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A-17"] } },
        {
          type: "BODY",
          text: "Hi {{1}}, your order is ready for pickup at {{2}} today.",
          example: { body_text: [["Pablo", "Main Street"]] },
        },
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

describe("TemplateForm: every problem at once, in the form's words", () => {
  it("a malformed name and an empty button text do not hide the pre-flight problems; the summary lists them all", () => {
    render(<TemplateForm onSubmit={vi.fn()} />);
    type("Name", "Bad Name");
    check("Add a header");
    fireEvent.change(screen.getByLabelText("Header type"), { target: { value: "IMAGE" } });
    type("Body text", "{{1}} is your order, thanks.");
    check("Add a footer");
    type("Footer text", "x".repeat(61));
    addButton("QUICK_REPLY");
    addButton("QUICK_REPLY");
    addButton("QUICK_REPLY");
    const texts = screen.getAllByLabelText("Button text");
    fireEvent.change(texts[1] as HTMLElement, { target: { value: "Yes" } });
    fireEvent.change(texts[2] as HTMLElement, { target: { value: "yes " } });
    submit();
    const summary = screen.getByTestId("error-summary");
    expect(document.activeElement).toBe(summary);
    const items = [...summary.querySelectorAll("li")].map((li) => li.textContent ?? "");
    // wire schema (name, empty button text) and pre-flight rules (media sample, variable at the start, footer length,
    // missing example) together, plus the form's own duplicate check
    for (const expected of [
      /name may contain only lower-case/,
      /button text must not be empty/,
      /An image header needs a sample/,
      /cannot start or end with a variable/,
      /Footer text must be at most 60/,
      /same text/,
    ]) {
      expect(
        items.some((item) => expected.test(item)),
        `${expected} in ${JSON.stringify(items)}`,
      ).toBe(true);
    }
    // UI words: no wire field paths or enum names
    for (const item of items) {
      expect(item).not.toMatch(
        /\b[a-z]+_[a-z_]+\b|components\[|\b(IMAGE|QUICK_REPLY|BODY|FOOTER|HEADER|NAMED)\b|parameter_format|example\./,
      );
    }
  });

  it("counts characters on limited texts and flags the count over the limit", () => {
    render(<TemplateForm onSubmit={vi.fn()} />);
    check("Add a footer");
    fireEvent.change(input("Footer text"), { target: { value: "é".repeat(61) } });
    const counter = screen.getByTestId("count-footer.text");
    expect(counter.textContent).toBe("61/60");
    expect(counter.getAttribute("data-over")).toBe("true");
    expect(screen.getByTestId("count-name").textContent).toBe("0/512");
    expect(screen.getByTestId("count-body.text").textContent).toBe("0/1024");
    addButton("QUICK_REPLY");
    expect(screen.getAllByText("0/25").length).toBe(1);
  });

  it("validates after a pause in typing, not on each keystroke", () => {
    render(<TemplateForm onSubmit={vi.fn()} />);
    // no stale "must not be empty" on the first keystroke either
    fireEvent.change(input("Name"), { target: { value: "Bad" } });
    expect(errorBeside("name")).toBeNull();
    type("Name", "good_name");
    expect(errorBeside("name")).toBeNull();
    fireEvent.change(input("Name"), { target: { value: "Bad Name" } });
    expect(errorBeside("name")).toBeNull();
    pause();
    expect(errorBeside("name")?.textContent).toMatch(/lower-case/);
  });

  it("keeps the draft across a remount (a reload) under its key, and warns before unload while it is unsaved work", () => {
    const first = render(<TemplateForm onSubmit={vi.fn()} draftKey="test-draft" />);
    type("Name", "kept_draft");
    type("Body text", "Hello there, your order shipped.");
    const event = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    first.unmount();
    render(<TemplateForm onSubmit={vi.fn()} draftKey="test-draft" />);
    expect(input("Name").value).toBe("kept_draft");
    expect(screen.getByLabelText<HTMLTextAreaElement>("Body text").value).toBe("Hello there, your order shipped.");
  });
});
