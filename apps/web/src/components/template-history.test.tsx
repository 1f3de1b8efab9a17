import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryClient } from "../lib/trpc.js";
import { stubTrpc, templateEvent as event, withQueryClient } from "../test-utils.js";
import { describeEvent, TemplateHistory } from "./template-history.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
});

const PNID = "106540352242922";

describe("template history", () => {
  it("lists the changes newest first and loads older ones with the cursor", async () => {
    const newest = [
      event({
        kind: "status",
        from: "PENDING",
        to: "REJECTED",
        reason: "INVALID_FORMAT",
        source: "webhook",
        detail: { rejection_info: { reason: "x", recommendation: "Remove the link shortener." } },
      }),
      event({ kind: "category", from: "UTILITY", to: "MARKETING", reason: "changed by Meta", source: "webhook" }),
    ];
    const oldest = [event({ kind: "status", from: null, to: "PENDING", source: "create" })];
    const calls = stubTrpc((path, input) => {
      expect(path).toBe("templates.events");
      return input?.cursor === "e2"
        ? { data: { data: oldest, has_more: false, next_cursor: null } }
        : { data: { data: newest, has_more: true, next_cursor: "e2" } };
    });
    render(withQueryClient(<TemplateHistory phoneNumberId={PNID} name="order_update" language="en" />));

    expect(screen.getByText("Loading history…")).toBeTruthy();
    const items = await screen.findAllByTestId("history-event");
    expect(items.map((i) => within(i).getByText(/→|Submitted/).textContent)).toEqual([
      "Status: Pending → Rejected",
      "Category: Utility → Marketing",
    ]);
    expect(items[0]?.textContent).toContain("Reason: Invalid format");
    expect(items[0]?.textContent).toContain("Meta recommends: Remove the link shortener.");
    expect(items[0]?.textContent).toContain("Meta webhook");
    expect(items[1]?.textContent).toContain("Reason: changed by Meta");
    expect(calls[0]?.input).toMatchObject({ phone_number_id: PNID, name: "order_update", language: "en", limit: 20 });
    expect(calls[0]?.input?.cursor).toBeUndefined();

    fireEvent.click(screen.getByRole("button", { name: "Load older changes" }));
    await waitFor(() => expect(screen.getAllByTestId("history-event")).toHaveLength(3));
    expect(calls.at(-1)?.input).toMatchObject({
      phone_number_id: PNID,
      name: "order_update",
      language: "en",
      limit: 20,
      cursor: "e2",
    });
    expect(screen.getAllByTestId("history-event")[2]?.textContent).toContain("Submitted to Meta: Pending");
    expect(screen.queryByRole("button", { name: "Load older changes" })).toBeNull();
  });

  it("says when nothing was recorded, and explains a failure with a retry", async () => {
    stubTrpc(() => ({ data: { data: [], has_more: false, next_cursor: null } }));
    render(withQueryClient(<TemplateHistory phoneNumberId={PNID} name="quiet" language="en" />));
    expect(await screen.findByText("No changes recorded yet.")).toBeTruthy();
    cleanup();
    queryClient.clear();

    let fail = true;
    stubTrpc(() =>
      fail
        ? { error: { message: "No template named gone.", code: "resource_not_found", httpStatus: 404 } }
        : { data: { data: [event()], has_more: false, next_cursor: null } },
    );
    render(withQueryClient(<TemplateHistory phoneNumberId={PNID} name="gone" language="en" />));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("The history could not be loaded");
    fail = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect((await screen.findByTestId("history-event")).textContent).toContain("Submitted to Meta: Pending");
  });

  it("describes every kind of change", () => {
    expect(describeEvent(event({ kind: "status", from: null, to: "APPROVED", source: "sync" }))).toBe(
      "Status: Approved",
    );
    expect(describeEvent(event({ kind: "quality", from: "GREEN", to: "YELLOW" }))).toBe("Quality: Green → Yellow");
    expect(describeEvent(event({ kind: "quality", from: null, to: "GREEN" }))).toBe("Quality: — → Green");
    expect(describeEvent(event({ kind: "category_notice", from: "UTILITY", to: "MARKETING" }))).toBe(
      "Meta announced a category change: Utility → Marketing",
    );
    expect(describeEvent(event({ kind: "components", from: "Hi", to: "Hello" }))).toBe("Content changed");
  });
});
