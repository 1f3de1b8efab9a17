import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryClient } from "../lib/trpc.js";
import { PNID, stubTrpc, template, templateEvent as event, withQueryClient } from "../test-utils.js";
import TemplateDetailPage from "./template-detail.js";
import TemplateListPage from "./template-list.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
  window.history.replaceState(null, "", "#/");
});

const NO_RUNS = { data: { data: [], has_more: false, next_cursor: null } };
const COUNTS = {
  data: {
    object: "template_counts",
    total: 9,
    by_meta_status: { APPROVED: 6, PAUSED: 2, DISABLED: 1 },
    by_status: { approved: 6, pending: 2, rejected: 1 },
  },
};
/** The list page also asks for the totals per status. */
const listStub = (handler: Parameters<typeof stubTrpc>[0], get?: Parameters<typeof stubTrpc>[0]) =>
  stubTrpc((path, input) => {
    if (path === "templates.counts") return COUNTS;
    if (path === "templates.get")
      return get !== undefined
        ? get(path, input)
        : { error: { message: "No template.", code: "resource_not_found", httpStatus: 404 } };
    return handler(path, input);
  });

describe("template list page", () => {
  it("groups languages under their name and pages with the cursor", async () => {
    const page1 = [
      template("order_update", "en"),
      template("order_update", "id"),
      template("promo_summer", "en", { category: "MARKETING", status: "pending" }),
    ];
    const page2 = [
      template("zz_last", "pt_BR", { status: "rejected", meta_status: "REJECTED", rejected_reason: "INVALID_FORMAT" }),
    ];
    const calls = listStub((path, input) => {
      if (path === "templates.syncRuns") return NO_RUNS;
      if (path !== "templates.list") throw new Error(path);
      return input?.cursor === "c2"
        ? { data: { data: page2, has_more: false, next_cursor: null } }
        : { data: { data: page1, has_more: true, next_cursor: "c2" } };
    });
    const listCalls = () => calls.filter((c) => c.path === "templates.list");
    render(withQueryClient(<TemplateListPage phoneNumberId={PNID} />));

    const groups = await screen.findAllByTestId("template-group");
    expect(groups).toHaveLength(2);
    expect(within(groups[0] as HTMLElement).getAllByTestId("template-row")).toHaveLength(2);
    expect(groups[0]?.textContent).toContain("2 languages");
    expect(listCalls()[0]).toEqual({ path: "templates.list", input: { phone_number_id: PNID, limit: 25 } });

    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(screen.getByTestId("page-status").textContent).toContain("Page 2 · templates 26–26"));
    expect(listCalls().at(-1)?.input).toEqual({ phone_number_id: PNID, limit: 25, cursor: "c2" });
    expect(screen.getByRole("button", { name: "Next page" })).toHaveProperty("disabled", true);
    expect(within(screen.getByTestId("template-row")).getByText("Rejected")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Previous page" }));
    await waitFor(() => expect(screen.getByTestId("page-status").textContent).toContain("Page 1 · templates 1–3"));

    // A filter starts again from page 1, without a cursor.
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "PAUSED" } });
    await waitFor(() =>
      expect(listCalls().at(-1)?.input).toEqual({ phone_number_id: PNID, meta_status: "PAUSED", limit: 25 }),
    );
  });

  it("filters by category and searches names on the server, from page 1, one request per pause in typing", async () => {
    const everything = [
      template("order_update", "en"),
      template("order_update", "id"),
      template("promo_summer", "en", { category: "MARKETING" }),
    ];
    const promos = [
      template("promo_autumn", "en", { category: "MARKETING" }),
      template("promo_autumn", "id", { category: "MARKETING" }),
    ];
    const calls = listStub((path, input) => {
      if (path === "templates.syncRuns") return NO_RUNS;
      if (input?.search === "promo") return { data: { data: promos, has_more: false, next_cursor: null } };
      if (input?.cursor === "c2")
        return { data: { data: [template("older", "en")], has_more: false, next_cursor: null } };
      return { data: { data: everything, has_more: true, next_cursor: "c2" } };
    });
    const listCalls = () => calls.filter((c) => c.path === "templates.list");
    render(withQueryClient(<TemplateListPage phoneNumberId="444444444444" />));
    await screen.findAllByTestId("template-group");
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(screen.getByTestId("page-status").textContent).toContain("Page 2"));

    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "MARKETING" } });
    await waitFor(() =>
      expect(listCalls().at(-1)?.input).toEqual({ phone_number_id: "444444444444", limit: 25, category: "MARKETING" }),
    );

    // Three changes in one go: the server hears the last one only, trimmed.
    const box = screen.getByLabelText("Search by name");
    for (const text of ["p", "pro", "  promo "]) fireEvent.change(box, { target: { value: text } });
    await waitFor(() =>
      expect(listCalls().at(-1)?.input).toEqual({
        phone_number_id: "444444444444",
        limit: 25,
        category: "MARKETING",
        search: "promo",
      }),
    );
    expect(
      listCalls()
        .filter((c) => c.input?.search !== undefined)
        .map((c) => c.input?.search),
    ).toEqual(["promo"]);
    // The server's answer is what is shown, languages still grouped under their name.
    await waitFor(() =>
      expect(screen.getAllByTestId("template-row").map((r) => r.textContent)).toEqual([
        expect.stringContaining("promo_autumn"),
        expect.stringContaining("id"),
      ]),
    );
    expect(screen.getAllByTestId("template-group")).toHaveLength(1);
    expect(screen.getByTestId("page-status").textContent).toContain("Page 1 · templates 1–2");

    // Cleared: the unfiltered first page again (from the cache: it was asked for before).
    fireEvent.change(box, { target: { value: "" } });
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "" } });
    await waitFor(() =>
      expect(screen.getAllByTestId("template-group").map((g) => g.textContent)).toEqual([
        expect.stringContaining("order_update"),
        expect.stringContaining("promo_summer"),
      ]),
    );
    expect(screen.getByTestId("page-status").textContent).toContain("Page 1 · templates 1–3");
  });

  it("shows Meta's status as the badge, keeps filters and page in the URL, clears filters, dims stale rows", async () => {
    const paused = [
      template("promo_paused", "en", { status: "pending", meta_status: "PAUSED" }),
      template("old_disabled", "en", { status: "rejected", meta_status: "DISABLED" }),
    ];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = listStub(async (path, input) => {
      if (path === "templates.syncRuns") return NO_RUNS;
      if (input?.cursor === "c2") {
        await gate;
        return { data: { data: [template("page_two", "en")], has_more: false, next_cursor: null } };
      }
      return { data: { data: paused, has_more: true, next_cursor: "c2" } };
    });
    const listCalls = () => calls.filter((c) => c.path === "templates.list");
    window.history.replaceState(null, "", `#/accounts/${PNID}/templates`);
    render(withQueryClient(<TemplateListPage phoneNumberId={PNID} />));
    const rows = await screen.findAllByTestId("template-row");
    expect(rows.map((r) => within(r).getByText(/Paused|Disabled|Pending|Rejected/).textContent)).toEqual([
      "Paused",
      "Disabled",
    ]);
    // Totals per status, in the filter and above the list.
    await waitFor(() =>
      expect(screen.getByTestId("status-totals").textContent).toBe("9 templates: 6 approved, 2 paused, 1 disabled"),
    );
    expect(within(screen.getByLabelText("Status")).getByRole("option", { name: "Paused (2)" })).toBeTruthy();
    expect(within(screen.getByLabelText("Status")).getByRole("option", { name: "In appeal (0)" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Sort by"), { target: { value: "name_asc" } });
    await waitFor(() =>
      expect(listCalls().at(-1)?.input).toEqual({ phone_number_id: PNID, limit: 25, sort: "name_asc" }),
    );

    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "PAUSED" } });
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "MARKETING" } });
    await waitFor(() =>
      expect(window.location.hash).toBe(
        `#/accounts/${PNID}/templates?sort=name_asc&meta_status=PAUSED&category=MARKETING`,
      ),
    );
    await waitFor(() => expect(screen.getByRole("button", { name: "Next page" })).toHaveProperty("disabled", false));

    // The next page is slow: the rows shown meanwhile are the previous page's, marked stale (dimmed).
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(screen.getByTestId("template-table").getAttribute("data-stale")).toBe("true"));
    expect(screen.getAllByTestId("template-row")[0]?.textContent).toContain("promo_paused");
    release();
    await screen.findByText("page_two");
    expect(screen.getByTestId("template-table").getAttribute("data-stale")).toBe("false");
    expect(window.location.hash).toBe(
      `#/accounts/${PNID}/templates?sort=name_asc&meta_status=PAUSED&category=MARKETING&c=c2`,
    );

    // A reload (a new page from the same URL) comes back to the same filters and page.
    cleanup();
    render(withQueryClient(<TemplateListPage phoneNumberId={PNID} />));
    await waitFor(() => expect(screen.getByTestId("page-status").textContent).toContain("Page 2"));
    expect(screen.getByLabelText<HTMLSelectElement>("Status").value).toBe("PAUSED");
    expect(screen.getByLabelText<HTMLSelectElement>("Category").value).toBe("MARKETING");
    expect(screen.getByLabelText<HTMLSelectElement>("Sort by").value).toBe("name_asc");
    expect(listCalls().at(-1)?.input).toEqual({
      phone_number_id: PNID,
      limit: 25,
      sort: "name_asc",
      meta_status: "PAUSED",
      category: "MARKETING",
      cursor: "c2",
    });

    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    // Filters go; the order chosen stays.
    await waitFor(() => expect(window.location.hash).toBe(`#/accounts/${PNID}/templates?sort=name_asc`));
    await waitFor(() => expect(screen.getByTestId("page-status").textContent).toContain("Page 1"));
    expect(screen.getByLabelText<HTMLSelectElement>("Status").value).toBe("");
    expect(screen.queryByRole("button", { name: "Clear filters" })).toBeNull();
  });

  it("counts every language of a name whose languages straddle the page boundary", async () => {
    // By name: page 1 ends with promo_x/en; its id and pt_BR rows are on page 2.
    const page1 = [
      template("alpha", "en"),
      template("order_update", "en"),
      template("order_update", "id"),
      template("promo_x", "en"),
    ];
    const languages: Record<string, string[]> = { alpha: ["en"], promo_x: ["en", "id", "pt_BR"] };
    const calls = listStub(
      (path) =>
        path === "templates.syncRuns" ? NO_RUNS : { data: { data: page1, has_more: true, next_cursor: "c2" } },
      (_path, input) => ({
        data: { ...template(String(input?.name), "en"), languages: languages[String(input?.name)] },
      }),
    );
    window.history.replaceState(null, "", `#/accounts/${PNID}/templates?sort=name_asc`);
    render(withQueryClient(<TemplateListPage phoneNumberId={PNID} />));
    const groups = await screen.findAllByTestId("template-group");
    await waitFor(() => expect(groups[2]?.textContent).toContain("3 languages (1 on this page)"));
    expect(groups[1]?.textContent).toContain("2 languages");
    expect(within(groups[0] as HTMLElement).queryByTestId("language-count")).toBeNull();
    // By name, only the first and last names can be cut: those two are asked, not the middle one.
    expect(
      calls
        .filter((c) => c.path === "templates.get")
        .map((c) => c.input?.name)
        .sort(),
    ).toEqual(["alpha", "promo_x"]);
  });

  it("says when no template matches the filters", async () => {
    listStub(() => ({ data: { data: [], has_more: false, next_cursor: null } }));
    render(withQueryClient(<TemplateListPage phoneNumberId="555555555555" />));
    await screen.findByText(/No templates yet/);
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "AUTHENTICATION" } });
    expect(await screen.findByText("No template matches these filters.")).toBeTruthy();
  });

  it("says so when there is nothing yet, and explains errors", async () => {
    listStub(() => ({ data: { data: [], has_more: false, next_cursor: null } }));
    render(withQueryClient(<TemplateListPage phoneNumberId="222222222222" />));
    expect(await screen.findByText(/No templates yet/)).toBeTruthy();
    cleanup();
    queryClient.clear();

    listStub(() => ({
      error: { message: "The API key is malformed, unknown or revoked.", code: "invalid_api_key", httpStatus: 401 },
    }));
    render(withQueryClient(<TemplateListPage phoneNumberId="333333333333" />));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("That API key was not accepted");
    expect(within(alert).getByRole("button", { name: "Sign in again" })).toBeTruthy();
  });
});

describe("template detail page", () => {
  it("shows the preview, Meta's status and reason, the raw components and the language's history", async () => {
    const rejected = template("order_update", "id", {
      status: "rejected",
      meta_status: "REJECTED",
      rejected_reason: "INVALID_FORMAT",
      components: [{ type: "BODY", text: "Halo {{1}}, pesanan Anda siap.", example: { body_text: [["Budi"]] } }],
    });
    const calls = stubTrpc((path, input) => {
      if (path === "templates.events")
        return {
          data: {
            data: [event({ template_id: rejected.id, language: "id", from: null, to: "PENDING" })],
            has_more: false,
            next_cursor: null,
          },
        };
      expect(path).toBe("templates.get");
      // The API answers one language: the page asks for the one in its URL.
      expect(input).toEqual({ phone_number_id: PNID, name: "order_update", language: "id" });
      return { data: { ...rejected, languages: ["en", "id"] } };
    });
    render(withQueryClient(<TemplateDetailPage phoneNumberId={PNID} name="order_update" language="id" />));
    expect((await screen.findByTestId("preview-body")).textContent).toBe("Halo Budi, pesanan Anda siap.");
    expect(screen.getByTestId("detail-status").textContent).toBe("Rejected");
    expect(screen.getByText("REJECTED")).toBeTruthy();
    expect(screen.getByText("Invalid format")).toBeTruthy();
    expect(screen.getByLabelText("Components as JSON").textContent).toContain("Halo {{1}}");
    expect(
      within(screen.getByRole("navigation", { name: "Languages" }))
        .getByRole("link", { name: "id" })
        .getAttribute("aria-current"),
    ).toBe("page");
    expect((await screen.findByTestId("history-event")).textContent).toContain("Submitted to Meta: Pending");
    // The history pages by 20 (the actions card reads up to 100 events to count the edits left).
    expect(
      calls.find((c) => c.path === "templates.events" && (c.input as { limit?: number }).limit === 20)?.input,
    ).toMatchObject({ phone_number_id: PNID, name: "order_update", language: "id" });
  });

  it("without a language shows the API's default one; a language the name lacks falls back to it and says so", async () => {
    const english = template("order_update", "en");
    const calls = stubTrpc((path, input) => {
      if (path === "templates.events") return { data: { data: [], has_more: false, next_cursor: null } };
      if ((input as { language?: string }).language === "fr")
        return { error: { message: "No template.", code: "resource_not_found", httpStatus: 404 } };
      return { data: { ...english, languages: ["en", "id"] } };
    });
    render(withQueryClient(<TemplateDetailPage phoneNumberId={PNID} name="order_update" language={undefined} />));
    const tabs = await screen.findByRole("navigation", { name: "Languages" });
    expect(within(tabs).getByRole("link", { name: "en" }).getAttribute("aria-current")).toBe("page");
    expect(within(tabs).getByRole("link", { name: "id" }).getAttribute("aria-current")).toBeNull();
    cleanup();

    render(withQueryClient(<TemplateDetailPage phoneNumberId={PNID} name="order_update" language="fr" />));
    expect((await screen.findByRole("alert")).textContent).toContain("has no fr version; showing en");
    const gets = calls.filter((c) => c.path === "templates.get").map((c) => c.input);
    expect(gets).toContainEqual({ phone_number_id: PNID, name: "order_update", language: "fr" });
    expect(gets).toContainEqual({ phone_number_id: PNID, name: "order_update" });
  });

  it("tells when the name does not exist", async () => {
    stubTrpc(() => ({ error: { message: "No template named nope.", code: "resource_not_found", httpStatus: 404 } }));
    render(withQueryClient(<TemplateDetailPage phoneNumberId={PNID} name="nope" language={undefined} />));
    expect(await screen.findByText(/There is no template called “nope”/)).toBeTruthy();
  });
});
