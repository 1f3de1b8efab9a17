import type { TTemplate } from "@kirim/schema";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryClient } from "../lib/trpc.js";
import { stubTrpc, withQueryClient } from "../test-utils.js";
import TemplateDetailPage from "./template-detail.js";
import TemplateListPage from "./template-list.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
});

const PNID = "106540352242922";
let seq = 0;
function template(name: string, language: string, extra: Partial<TTemplate> = {}): TTemplate {
  seq += 1;
  return {
    id: `tmpl_01HXYZABCDEFGHJKMNPQRST${String(seq).padStart(3, "0")}`,
    object: "template",
    name,
    language,
    status: "approved",
    content: "Hi {{1}}, thanks!",
    variables: ["1"],
    components: [{ type: "BODY", text: "Hi {{1}}, thanks for your order.", example: { body_text: [["Ana"]] } }],
    whatsapp_account: { phone_number: "+628111222333", phone_number_id: PNID, customer: null },
    provider_template_id: "594425479261596",
    created_at: "2026-11-01T10:00:00.000Z",
    updated_at: "2026-11-01T10:00:00.000Z",
    category: "UTILITY",
    meta_status: "APPROVED",
    rejected_reason: null,
    quality_score: "GREEN",
    previous_category: null,
    last_synced_at: "2026-11-23T09:00:00.000Z",
    last_synced_via: "sync",
    rejection_info: null,
    status_info: null,
    pending_category_change: null,
    deleted_at: null,
    ...extra,
  };
}

describe("template list page", () => {
  it("groups languages under their name, filters the page by category, and pages with the cursor", async () => {
    const page1 = [template("order_update", "en"), template("order_update", "id"), template("promo_summer", "en", { category: "MARKETING", status: "pending" })];
    const page2 = [template("zz_last", "pt_BR", { status: "rejected", rejected_reason: "INVALID_FORMAT" })];
    const calls = stubTrpc((path, input) => {
      if (path !== "templates.list") throw new Error(path);
      return input?.cursor === "c2" ? { data: { data: page2, has_more: false, next_cursor: null } } : { data: { data: page1, has_more: true, next_cursor: "c2" } };
    });
    render(withQueryClient(<TemplateListPage phoneNumberId={PNID} />));

    const groups = await screen.findAllByTestId("template-group");
    expect(groups).toHaveLength(2);
    expect(within(groups[0] as HTMLElement).getAllByTestId("template-row")).toHaveLength(2);
    expect(groups[0]?.textContent).toContain("2 languages");
    expect(calls[0]).toEqual({ path: "templates.list", input: { phone_number_id: PNID, status: "all", limit: 25 } });

    // Category is filtered on the loaded page.
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "MARKETING" } });
    expect(screen.getAllByTestId("template-row").map((r) => r.textContent)).toEqual([expect.stringContaining("promo_summer")]);
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "" } });

    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(screen.getByTestId("page-status").textContent).toContain("Page 2 · templates 26–26"));
    expect(calls.at(-1)?.input).toEqual({ phone_number_id: PNID, status: "all", limit: 25, cursor: "c2" });
    expect(screen.getByRole("button", { name: "Next page" })).toHaveProperty("disabled", true);
    expect(within(screen.getByTestId("template-row")).getByText("Rejected")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Previous page" }));
    await waitFor(() => expect(screen.getByTestId("page-status").textContent).toContain("Page 1 · templates 1–3"));

    // A server-side filter starts again from page 1, without a cursor.
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "pending" } });
    await waitFor(() => expect(calls.at(-1)?.input).toEqual({ phone_number_id: PNID, status: "pending", limit: 25 }));
  });

  it("says so when there is nothing yet, and explains errors", async () => {
    stubTrpc(() => ({ data: { data: [], has_more: false, next_cursor: null } }));
    render(withQueryClient(<TemplateListPage phoneNumberId="222222222222" />));
    expect(await screen.findByText(/No templates yet/)).toBeTruthy();
    cleanup();
    queryClient.clear();

    stubTrpc(() => ({ error: { message: "The API key is malformed, unknown or revoked.", code: "invalid_api_key", httpStatus: 401 } }));
    render(withQueryClient(<TemplateListPage phoneNumberId="333333333333" />));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("That API key was not accepted");
    expect(within(alert).getByRole("button", { name: "Sign in again" })).toBeTruthy();
  });
});

describe("template detail page", () => {
  it("shows the preview, Meta's status and reason, the raw components and no invented history", async () => {
    const rejected = template("order_update", "id", {
      status: "rejected",
      meta_status: "REJECTED",
      rejected_reason: "INVALID_FORMAT",
      components: [{ type: "BODY", text: "Halo {{1}}, pesanan Anda siap.", example: { body_text: [["Budi"]] } }],
    });
    stubTrpc((path, input) => {
      expect(path).toBe("templates.get");
      expect(input).toEqual({ phone_number_id: PNID, name: "order_update" });
      return { data: [template("order_update", "en"), rejected] };
    });
    render(withQueryClient(<TemplateDetailPage phoneNumberId={PNID} name="order_update" language="id" />));
    expect((await screen.findByTestId("preview-body")).textContent).toBe("Halo Budi, pesanan Anda siap.");
    expect(screen.getByTestId("detail-status").textContent).toBe("Rejected");
    expect(screen.getByText("REJECTED")).toBeTruthy();
    expect(screen.getByText("Invalid format")).toBeTruthy();
    expect(screen.getByLabelText("Components as JSON").textContent).toContain("Halo {{1}}");
    expect(within(screen.getByRole("navigation", { name: "Languages" })).getByRole("link", { name: "id" }).getAttribute("aria-current")).toBe("page");
    expect(screen.getByText(/does not record status changes yet/)).toBeTruthy();
  });

  it("tells when the name does not exist", async () => {
    stubTrpc(() => ({ error: { message: "No template named nope.", code: "resource_not_found", httpStatus: 404 } }));
    render(withQueryClient(<TemplateDetailPage phoneNumberId={PNID} name="nope" language={undefined} />));
    expect(await screen.findByText(/There is no template called “nope”/)).toBeTruthy();
  });
});
