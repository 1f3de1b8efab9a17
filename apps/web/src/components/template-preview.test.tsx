import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { TemplatePreview } from "./template-preview.js";

afterEach(cleanup);

const preview = () => screen.getByRole("figure");
const buttonsOfType = (type: string) =>
  Array.from(preview().querySelectorAll<HTMLElement>(`[data-button-type="${type}"]`));

describe("TemplatePreview", () => {
  it("fills positional examples into {{n}} in header and body", () => {
    render(
      <TemplatePreview
        components={[
          { type: "HEADER", format: "TEXT", text: "Our {{1}} is on!", example: { header_text: ["Summer Sale"] } },
          {
            type: "BODY",
            text: "Shop now through {{1}} and use code {{2}} to get {{3}} off.",
            example: { body_text: [["the end of August", "25OFF", "25%"]] },
          },
          { type: "FOOTER", text: "Reply STOP to opt out" },
        ]}
      />,
    );
    expect(screen.getByTestId("preview-header").textContent).toBe("Our Summer Sale is on!");
    expect(screen.getByTestId("preview-body").textContent).toBe(
      "Shop now through the end of August and use code 25OFF to get 25% off.",
    );
    expect(screen.getByTestId("preview-footer").textContent).toBe("Reply STOP to opt out");
    // Substituted values are marked as examples.
    expect(within(screen.getByTestId("preview-body")).getByText("25OFF").tagName).toBe("MARK");
  });

  it("fills named parameters and keeps a placeholder without an example visible", () => {
    render(
      <TemplatePreview
        components={[
          {
            type: "BODY",
            text: "Hi {{first_name}}, order {{order_id}} ships {{when}}.",
            example: {
              body_text_named_params: [
                { param_name: "first_name", example: "Pablo" },
                { param_name: "order_id", example: "A-17" },
              ],
            },
          },
        ]}
      />,
    );
    const body = screen.getByTestId("preview-body");
    expect(body.textContent).toBe("Hi Pablo, order A-17 ships {{when}}.");
    expect(within(body).getByText("{{when}}").className).toContain("wa-var-missing");
  });

  it.each([
    ["IMAGE", "Image header"],
    ["VIDEO", "Video header"],
    ["DOCUMENT", "Document header"],
    ["LOCATION", "Location header"],
  ])("draws a %s header as a media placeholder", (format, label) => {
    render(
      <TemplatePreview
        components={[
          { type: "HEADER", format, example: { header_handle: ["4::aW1hZ2U="] } },
          { type: "BODY", text: "Hello" },
        ]}
      />,
    );
    expect(screen.getByRole("img", { name: label })).toBeTruthy();
    expect(screen.queryByTestId("preview-header")).toBeNull();
  });

  it("draws quick replies as pills under the bubble and call-to-action buttons as link rows with icons", () => {
    render(
      <TemplatePreview
        components={[
          { type: "BODY", text: "Your order shipped." },
          {
            type: "BUTTONS",
            buttons: [
              { type: "URL", text: "Track order", url: "https://example.com/track/{{1}}", example: ["A-17"] },
              { type: "PHONE_NUMBER", text: "Call us", phone_number: "+628111222333" },
              { type: "QUICK_REPLY", text: "Thanks!" },
            ],
          },
        ]}
      />,
    );
    const pills = within(screen.getByRole("list", { name: "Quick replies" })).getAllByRole("listitem");
    expect(pills.map((p) => p.textContent)).toEqual(["Thanks!"]);
    expect(pills[0]?.className).toBe("wa-pill");

    const cta = within(screen.getByRole("list", { name: "Call-to-action buttons" })).getAllByRole("listitem");
    expect(cta.map((b) => b.textContent)).toEqual(["Track order", "Call us"]);
    const [url, phone] = cta;
    expect(url?.getAttribute("title")).toBe("Opens https://example.com/track/A-17");
    expect(url?.querySelector("svg")).not.toBeNull();
    expect(phone?.getAttribute("title")).toBe("Calls +628111222333");
    expect(phone?.querySelector("svg")).not.toBeNull();
  });

  it("draws copy-code, voice-call and OTP buttons", () => {
    const { unmount } = render(
      <TemplatePreview
        components={[
          { type: "BODY", text: "Use the code at checkout." },
          {
            type: "BUTTONS",
            buttons: [
              { type: "COPY_CODE", example: ["SAVE25"] },
              { type: "VOICE_CALL", text: "Call now" },
            ],
          },
        ]}
      />,
    );
    expect(buttonsOfType("COPY_CODE")[0]?.textContent).toBe("Copy offer code");
    expect(buttonsOfType("COPY_CODE")[0]?.getAttribute("title")).toBe("Copies SAVE25");
    expect(buttonsOfType("VOICE_CALL")[0]?.textContent).toBe("Call now");
    unmount();

    render(
      <TemplatePreview
        components={[
          { type: "BODY", add_security_recommendation: true },
          { type: "FOOTER", code_expiration_minutes: 10 },
          {
            type: "BUTTONS",
            buttons: [{ type: "OTP", otp_type: "ONE_TAP", autofill_text: "Autofill code", supported_apps: [] }],
          },
        ]}
      />,
    );
    expect(screen.getByTestId("preview-body").textContent).toBe(
      "123456 is your verification code. For your security, do not share this code.",
    );
    expect(screen.getByTestId("preview-footer").textContent).toBe("This code expires in 10 minutes.");
    expect(buttonsOfType("OTP")[0]?.textContent).toBe("Autofill code");
  });

  it("reads an OTP button back from Meta as what it is (Meta returns it as type URL)", () => {
    render(
      <TemplatePreview
        components={[
          { type: "BODY", add_security_recommendation: false },
          {
            type: "BUTTONS",
            buttons: [
              {
                type: "URL",
                otp_type: "COPY_CODE",
                text: "Copy code",
                url: "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE",
              },
            ],
          },
        ]}
      />,
    );
    expect(buttonsOfType("OTP")[0]?.textContent).toBe("Copy code");
    expect(screen.getByTestId("preview-body").textContent).toBe("123456 is your verification code.");
  });

  it("shows the first two of more than three buttons plus “See all options”, and all of them on request", () => {
    render(
      <TemplatePreview
        components={[
          { type: "BODY", text: "Pick one" },
          { type: "BUTTONS", buttons: ["One", "Two", "Three", "Four"].map((text) => ({ type: "QUICK_REPLY", text })) },
        ]}
      />,
    );
    expect(buttonsOfType("QUICK_REPLY").map((b) => b.textContent)).toEqual(["One", "Two"]);
    fireEvent.click(screen.getByRole("button", { name: "See all options" }));
    expect(buttonsOfType("QUICK_REPLY").map((b) => b.textContent)).toEqual(["One", "Two", "Three", "Four"]);
  });

  it("says what to do when there is nothing to show yet", () => {
    render(<TemplatePreview components={[]} />);
    expect(preview().textContent).toContain("Start typing");
  });
});

describe("TemplatePreview: WhatsApp formatting and OTP buttons", () => {
  it("renders *bold*, _italic_, ~strike~ and ```mono```, also around a variable, and leaves 2*3*4 and snake_case alone", () => {
    render(
      <TemplatePreview
        components={[
          {
            type: "BODY",
            text: "Hi *{{1}}*, _today_ only ~was 10~ now ```CODE1``` for 2*3*4 in my_file_name.",
            example: { body_text: [["Ana"]] },
          },
        ]}
      />,
    );
    const body = screen.getByTestId("preview-body");
    expect(body.textContent).toBe("Hi Ana, today only was 10 now CODE1 for 2*3*4 in my_file_name.");
    expect(body.querySelector("strong > mark")?.textContent).toBe("Ana");
    expect(body.querySelector("em")?.textContent).toBe("today");
    expect(body.querySelector("s")?.textContent).toBe("was 10");
    expect(body.querySelector("code")?.textContent).toBe("CODE1");
    expect(body.querySelectorAll("strong, em, s, code")).toHaveLength(4);
  });

  it("shows an OTP button read back from Meta (a URL with otp_type) as copy-code, not as a link", () => {
    render(
      <TemplatePreview
        components={[
          { type: "BODY", add_security_recommendation: true },
          {
            type: "BUTTONS",
            buttons: [
              {
                type: "URL",
                text: "Copy code",
                url: "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&cta_display_name=Copy%20code",
              },
            ],
          },
        ]}
      />,
    );
    expect(buttonsOfType("URL")).toHaveLength(0);
    const [otp] = buttonsOfType("OTP");
    expect(otp?.getAttribute("data-otp-type")).toBe("COPY_CODE");
    expect(otp?.textContent).toBe("Copy code");
  });
});
