import type { TTemplate } from "@kirim/schema";
import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryClient } from "../lib/trpc.js";
import { PNID, stubTrpc, template, withQueryClient } from "../test-utils.js";
import TemplateDetailPage, { PENDING_REFRESH_MS, refreshWhilePending } from "./template-detail.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
});

const NO_EVENTS = { data: { data: [], has_more: false, next_cursor: null } };

/** The detail page of one template, answering `get` with `answer()` (asked again on every call). */
function open(answer: () => TTemplate, props: { created?: boolean } = {}) {
  const calls = stubTrpc((path) =>
    path === "templates.events" ? NO_EVENTS : { data: { ...answer(), languages: ["en"] } },
  );
  render(
    withQueryClient(<TemplateDetailPage phoneNumberId={PNID} name="order_update" language={undefined} {...props} />),
  );
  return calls;
}

describe("detail page status banner", () => {
  it("a paused template: Meta's pause in plain words, Meta's description, and what to do", async () => {
    open(() =>
      template("order_update", "en", {
        status: "pending",
        meta_status: "PAUSED",
        status_info: { other_info: { title: "FIRST_PAUSE", description: "Your template was paused for 3 hours." } },
      }),
    );
    const banner = await screen.findByTestId("status-banner");
    expect(banner.textContent).toContain("Meta paused this template.");
    expect(banner.textContent).toContain("paused it for 3 hours (a first pause)");
    expect(banner.textContent).toContain("Your template was paused for 3 hours.");
    expect(within(banner).getByTestId("status-todo").textContent).toContain("Wait until the pause ends");
    expect(screen.getByTestId("detail-status").textContent).toBe("Paused");
    // The folded status integrators read stays visible.
    expect(screen.getByTestId("detail-api-status").textContent).toBe("Pending");
  });

  it("a rejected template: the reason, Meta's explanation and recommendation, edit or appeal", async () => {
    open(() =>
      template("order_update", "en", {
        status: "rejected",
        meta_status: "REJECTED",
        rejected_reason: "INVALID_FORMAT",
        rejection_info: {
          reason: "Parameters are next to each other.",
          recommendation: "Put text between {{1}} and {{2}}.",
        },
      }),
    );
    const banner = await screen.findByTestId("status-banner");
    expect(banner.textContent).toContain("Meta rejected this template.");
    expect(banner.textContent).toContain("The format is not valid");
    expect(banner.textContent).toContain("Parameters are next to each other. Put text between {{1}} and {{2}}.");
    expect(within(banner).getByTestId("status-todo").textContent).toMatch(/Edit it and submit again.*appeal/);
  });

  it("a disabled template: when, why, and that a new template is needed", async () => {
    open(() =>
      template("order_update", "en", {
        status: "rejected",
        meta_status: "DISABLED",
        status_info: { disable_info: { disable_date: 1_767_225_600 } },
      }),
    );
    const banner = await screen.findByTestId("status-banner");
    expect(banner.textContent).toContain("Meta disabled this template.");
    expect(banner.textContent).toContain("Disabled on ");
    expect(within(banner).getByTestId("status-todo").textContent).toContain("Create a new template");
    expect(screen.getByTestId("detail-status").textContent).toBe("Disabled");
  });

  it("an upcoming category change is announced, also on an approved template; none without one", async () => {
    open(() =>
      template("order_update", "en", {
        category: "UTILITY",
        pending_category_change: { category: "MARKETING", effective_at: "2026-12-01T00:00:00.000Z" },
      }),
    );
    const notice = await screen.findByTestId("category-change");
    expect(notice.textContent).toContain("Meta will change the category to Marketing on ");
    expect(screen.getByTestId("status-banner").textContent).not.toContain("Meta paused");
    cleanup();
    queryClient.clear();
    open(() => template("order_update", "en"));
    await screen.findByTestId("detail-status");
    expect(screen.queryByTestId("status-banner")).toBeNull();
    expect(screen.queryByTestId("category-change")).toBeNull();
  });

  it("a pending template refreshes by itself; once Meta decides, the pending notice goes and refreshing stops", async () => {
    let decided = false;
    const calls = open(
      () =>
        decided
          ? template("order_update", "en", { status: "approved", meta_status: "APPROVED" })
          : template("order_update", "en", { status: "pending", meta_status: "PENDING" }),
      {
        created: true,
      },
    );
    const gets = () => calls.filter((c) => c.path === "templates.get").length;
    await screen.findByTestId("created-notice");
    expect(screen.getByTestId("detail-status").textContent).toBe("Pending");
    const before = gets();
    decided = true;
    // No click: the page asks again on its own.
    await waitFor(() => expect(screen.getByTestId("detail-status").textContent).toBe("Approved"), {
      timeout: PENDING_REFRESH_MS * 4,
    });
    expect(gets()).toBeGreaterThan(before);
    expect(screen.queryByTestId("created-notice")).toBeNull();
  });

  it("polls only while Meta is still deciding", () => {
    const at = (meta_status: string) => refreshWhilePending({ state: { data: { meta_status } } });
    expect(at("PENDING")).toBe(PENDING_REFRESH_MS);
    expect(at("IN_APPEAL")).toBe(PENDING_REFRESH_MS);
    for (const decided of ["APPROVED", "REJECTED", "PAUSED", "DISABLED"]) expect(at(decided)).toBe(false);
  });
});
