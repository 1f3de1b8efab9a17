import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryClient } from "../lib/trpc.js";
import { stubTrpc, withQueryClient } from "../test-utils.js";
import { sendComponentsFor, TryParameters } from "./try-parameters.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
});

const PNID = "106540352242922";
const components = [
  { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A123"] } },
  { type: "BODY", text: "Hi {{1}}, order {{2}}.", example: { body_text: [["Budi", "A123"]] } },
  { type: "BUTTONS", buttons: [{ type: "URL", text: "Track", url: "https://example.com/t/{{1}}" }] },
];

describe("try parameters", () => {
  it("starts from the template's examples in Meta's send shape", () => {
    expect(sendComponentsFor(components)).toEqual([
      { type: "header", parameters: [{ type: "text", text: "A123" }] },
      {
        type: "body",
        parameters: [
          { type: "text", text: "Budi" },
          { type: "text", text: "A123" },
        ],
      },
      { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "suffix" }] },
    ]);
  });

  it("renders through templates.render and shows the message, or the parameter Meta would refuse", async () => {
    const calls = stubTrpc((path, input) => {
      expect(path).toBe("templates.render");
      const template = input?.template as { components: Array<{ parameters: unknown[] }> };
      if (template.components[1]?.parameters.length !== 2) {
        return {
          error: {
            message: "body: number of localizable_params (1) does not match the expected number of params (2).",
            code: "template_parameter_invalid",
            httpStatus: 400,
            param: "components[1].parameters",
          },
        };
      }
      return {
        data: {
          object: "rendered_template",
          name: "order_update",
          language: "en",
          status: "approved",
          sendable: true,
          not_sendable_reason: null,
          header: { format: "TEXT", text: "Order A123" },
          body: "Hi Budi, order A123.",
          footer: null,
          buttons: [{ type: "URL", text: "Track", url: "https://example.com/t/suffix" }],
        },
      };
    });
    render(
      withQueryClient(<TryParameters phoneNumberId={PNID} name="order_update" language="en" components={components} />),
    );
    fireEvent.click(screen.getByRole("button", { name: "Render" }));
    const message = await screen.findByTestId("rendered-message");
    expect(message.textContent).toContain("Hi Budi, order A123.");
    expect(message.textContent).toContain("Track → https://example.com/t/suffix");
    expect(calls[0]?.input).toMatchObject({
      phone_number_id: PNID,
      name: "order_update",
      template: { language: "en" },
    });

    const editor = screen.getByLabelText("Send components (JSON)");
    const edited = sendComponentsFor(components) as Array<{ parameters: unknown[] }>;
    edited[1]?.parameters.pop();
    fireEvent.change(editor, { target: { value: JSON.stringify(edited) } });
    fireEvent.click(screen.getByRole("button", { name: "Render" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Meta would refuse this send");
    expect(screen.getByTestId("wrong-parameter").textContent).toBe("Wrong parameter: components[1].parameters");

    fireEvent.change(editor, { target: { value: "{not json" } });
    fireEvent.click(screen.getByRole("button", { name: "Render" }));
    expect((await screen.findByRole("alert")).textContent).toContain("not valid JSON");
  });
});
