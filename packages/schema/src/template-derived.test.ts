import { describe, expect, it } from "vitest";
import { deriveTemplateFields } from "./template.js";

describe("deriveTemplateFields (Kirimdev's read-only row fields)", () => {
  it("reads a TEXT header, the footer, and the buttons in order", () => {
    const buttons = [
      { type: "URL", text: "Track", url: "https://example.com/t/{{1}}", example: ["https://example.com/t/A1"] },
      { type: "QUICK_REPLY", text: "Stop" },
    ];
    expect(
      deriveTemplateFields([
        { type: "HEADER", format: "TEXT", text: "Order {{1}}" },
        { type: "BODY", text: "Thanks for your order." },
        { type: "FOOTER", text: "Shop Co" },
        { type: "BUTTONS", buttons },
      ]),
    ).toEqual({
      header_type: "TEXT",
      header_content: "Order {{1}}",
      footer_content: "Shop Co",
      has_variables: true,
      buttons,
    });
  });

  it("gives a media header its first sample: header_url before header_handle", () => {
    expect(
      deriveTemplateFields([
        {
          type: "HEADER",
          format: "VIDEO",
          example: { header_url: ["https://cdn.example.com/v.mp4"], header_handle: ["4::h"] },
        },
        { type: "BODY", text: "Hi" },
      ]),
    ).toMatchObject({
      header_type: "VIDEO",
      header_content: "https://cdn.example.com/v.mp4",
    });
    expect(
      deriveTemplateFields([{ type: "HEADER", format: "document", example: { header_handle: ["4::h"] } }]),
    ).toMatchObject({ header_type: "DOCUMENT", header_content: "4::h" });
    expect(deriveTemplateFields([{ type: "HEADER", format: "LOCATION" }])).toMatchObject({
      header_type: "LOCATION",
      header_content: null,
    });
  });

  it.each([
    ["a body variable", [{ type: "BODY", text: "Hi {{1}}" }], true],
    ["a named body variable", [{ type: "BODY", text: "Hi {{ first_name }}" }], true],
    [
      "a header variable",
      [
        { type: "HEADER", format: "TEXT", text: "Hi {{1}}" },
        { type: "BODY", text: "Hello" },
      ],
      true,
    ],
    [
      "a URL button variable",
      [
        { type: "BODY", text: "Hello" },
        { type: "BUTTONS", buttons: [{ type: "URL", text: "Go", url: "https://e.com/{{1}}" }] },
      ],
      true,
    ],
    [
      "an OTP button (the code)",
      [{ type: "BODY" }, { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE" }] }],
      true,
    ],
    [
      "a COPY_CODE button (the coupon)",
      [
        { type: "BODY", text: "Sale" },
        { type: "BUTTONS", buttons: [{ type: "COPY_CODE", example: "SAVE10" }] },
      ],
      true,
    ],
    [
      "no variable",
      [
        { type: "BODY", text: "Hello {there}" },
        { type: "BUTTONS", buttons: [{ type: "URL", text: "Go", url: "https://e.com/x" }] },
      ],
      false,
    ],
    [
      "braces in a media header's sample only",
      [
        { type: "HEADER", format: "IMAGE", text: "{{1}}" },
        { type: "BODY", text: "Hi" },
      ],
      false,
    ],
  ])("has_variables with %s → %s", (_what, components, expected) => {
    expect(deriveTemplateFields(components).has_variables).toBe(expected);
  });

  it("tolerates anything Meta or an old row holds: no components, junk entries, buttons without a type", () => {
    expect(deriveTemplateFields([])).toEqual({
      header_type: null,
      header_content: null,
      footer_content: null,
      has_variables: false,
      buttons: [],
    });
    expect(
      deriveTemplateFields([
        null,
        5,
        "x",
        { type: 3 },
        { type: "BUTTONS", buttons: [null, { text: "no type" }, { type: "URL", text: "ok" }] },
      ]),
    ).toEqual({
      header_type: null,
      header_content: null,
      footer_content: null,
      has_variables: false,
      buttons: [{ type: "URL", text: "ok" }],
    });
    // A header without a format is a TEXT header (Meta's default).
    expect(deriveTemplateFields([{ type: "header", text: "Hi" }])).toMatchObject({
      header_type: "TEXT",
      header_content: "Hi",
    });
  });
});
