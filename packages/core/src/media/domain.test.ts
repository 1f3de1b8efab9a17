import { describe, expect, it } from "vitest";
import { mediaErrorToDomainError } from "./domain.js";
import { MEDIA_ERROR_CODES, MEDIA_ERROR_HTTP, MediaError } from "./errors.js";

describe("mediaErrorToDomainError", () => {
  it.each(["media_url_forbidden", "media_download_failed", "media_too_large", "media_type_unsupported"] as const)(
    "%s keeps its code, status and param",
    (code) => {
      const domain = mediaErrorToDomainError(
        new MediaError(code, "components[0].example.header_url[0]", "x", { details: { a: 1 } }),
      );
      expect(domain).toMatchObject({
        code,
        param: "components[0].example.header_url[0]",
        details: { a: 1 },
        status: MEDIA_ERROR_HTTP[code].status,
      });
    },
  );
  it("upload failures become whatsapp_upstream_error (502), or reauthorization on Graph code 190", () => {
    expect(
      mediaErrorToDomainError(new MediaError("media_upload_failed", "p", "x", { details: { status: 500 } })),
    ).toMatchObject({ code: "whatsapp_upstream_error", status: 502 });
    expect(
      mediaErrorToDomainError(new MediaError("media_upload_failed", "p", "x", { details: { code: 190 } })),
    ).toMatchObject({
      code: "whatsapp_account_reauthorization_required",
      status: 502,
    });
  });
  it("Meta's error on an upload is relayed as details.meta (the API's error.meta)", () => {
    const domain = mediaErrorToDomainError(
      new MediaError("media_upload_failed", "components[0].example.header_url[0]", "x", {
        details: { step: "start", status: 400, code: 100, error_subcode: 33, fbtrace_id: "Atrace" },
      }),
    );
    expect(domain.details?.["meta"]).toEqual({ code: 100, error_subcode: 33, fbtrace_id: "Atrace" });
    expect(domain.param).toBe("components[0].example.header_url[0]");
    expect(
      mediaErrorToDomainError(new MediaError("media_upload_failed", "p", "x", { details: { step: "transfer" } }))
        .details?.["meta"],
    ).toBeUndefined();
  });
  it("a missing app id is a server configuration error (500)", () => {
    expect(
      mediaErrorToDomainError(
        new MediaError("media_upload_failed", "p", "x", { details: { reason: "not_configured" } }),
      ),
    ).toMatchObject({ code: "internal_error", status: 500 });
  });
  it("the code list is exactly the five strings", () => {
    expect([...MEDIA_ERROR_CODES]).toEqual([
      "media_url_forbidden",
      "media_download_failed",
      "media_too_large",
      "media_type_unsupported",
      "media_upload_failed",
    ]);
  });
});
