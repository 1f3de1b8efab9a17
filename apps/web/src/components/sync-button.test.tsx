import type { TTemplateSyncResult, TTemplateSyncRun } from "@kirim/schema";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryClient } from "../lib/trpc.js";
import type { Answer } from "../test-utils.js";
import { stubTrpc, withQueryClient } from "../test-utils.js";
import { SyncButton } from "./sync-button.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
});

const PNID = "106540352242922";

function run(extra: Partial<TTemplateSyncRun> = {}): TTemplateSyncRun {
  return {
    id: "tsr_01HXYZABCDEFGHJKMNPQRSTVWX",
    object: "template_sync_run",
    phone_number_id: PNID,
    trigger: "trpc",
    status: "succeeded",
    started_at: "2026-11-23T09:00:00.000Z",
    finished_at: "2026-11-23T09:00:04.000Z",
    pages: 2,
    synced: 150,
    created: 0,
    updated: 0,
    unchanged: 150,
    removed: 0,
    error: null,
    ...extra,
  };
}

const runs = (...list: TTemplateSyncRun[]): Answer => ({ data: { data: list, has_more: false, next_cursor: null } });

describe("sync button", () => {
  it("polls the running run for its progress while the sync runs, then shows the summary", async () => {
    let finishSync: (result: TTemplateSyncResult) => void = () => undefined;
    let latestRun = run();
    const calls = stubTrpc((path) => {
      if (path === "templates.syncRuns") return runs(latestRun);
      if (path === "templates.sync") {
        return new Promise<Answer>((resolve) => {
          finishSync = (result) => resolve({ data: result });
        });
      }
      throw new Error(path);
    });
    render(withQueryClient(<SyncButton phoneNumberId={PNID} />));

    // Before: how the last sync went.
    expect((await screen.findByTestId("last-sync")).textContent).toContain(
      "150 templates (0 created, 0 updated, 150 unchanged, 0 removed)",
    );

    fireEvent.click(screen.getByRole("button", { name: "Sync from Meta" }));
    expect((await screen.findByTestId("sync-progress")).textContent).toContain("Starting the sync");
    expect(screen.getByRole("button", { name: "Syncing…" })).toHaveProperty("disabled", true);
    // The run appears and moves on: each poll shows what the server has recorded so far.
    latestRun = run({
      id: "tsr_01HXYZABCDEFGHJKMNPQRSTVW2",
      status: "running",
      finished_at: null,
      pages: 0,
      synced: 0,
      unchanged: 0,
    });
    await waitFor(() => expect(screen.getByTestId("sync-progress").textContent).toContain("Reading the first page"));
    latestRun = { ...latestRun, pages: 1, synced: 100, created: 3, updated: 2, unchanged: 95 };
    await waitFor(() =>
      expect(screen.getByTestId("sync-progress").textContent).toContain(
        "1 page read, 100 templates so far (3 created, 2 updated, 95 unchanged)",
      ),
    );
    expect(
      calls
        .filter((c) => c.path === "templates.syncRuns")
        .every((c) => JSON.stringify(c.input) === JSON.stringify({ phone_number_id: PNID, limit: 1 })),
    ).toBe(true);
    expect(calls.filter((c) => c.path === "templates.sync")).toEqual([
      { path: "templates.sync", input: { phone_number_id: PNID } },
    ]);

    latestRun = {
      ...latestRun,
      status: "succeeded",
      finished_at: "2026-11-23T10:00:04.000Z",
      pages: 2,
      synced: 152,
      unchanged: 146,
      removed: 1,
    };
    finishSync({ object: "template_sync_result", synced: 152, created: 3, updated: 2, unchanged: 147, removed: 1 });
    expect((await screen.findByTestId("sync-summary")).textContent).toBe(
      "Synced 152: 3 created, 2 updated, 147 unchanged, 1 removed.",
    );
    await waitFor(() => expect(screen.queryByTestId("sync-progress")).toBeNull());
    expect(screen.getByRole("button", { name: "Sync from Meta" })).toHaveProperty("disabled", false);
  });

  it("says when the account was never synced, and why the last sync failed", async () => {
    stubTrpc(() => runs());
    render(withQueryClient(<SyncButton phoneNumberId="222222222222" />));
    expect((await screen.findByTestId("last-sync")).textContent).toBe("Never synced from Meta.");
    cleanup();
    queryClient.clear();

    const failed = run({
      status: "failed",
      pages: 1,
      synced: 100,
      error: { code: "whatsapp_upstream_error", message: "Meta answered 503." },
    });
    stubTrpc(() => runs(failed));
    render(withQueryClient(<SyncButton phoneNumberId="333333333333" />));
    expect((await screen.findByTestId("last-sync")).textContent).toContain("failed after 1 page: Meta answered 503.");
  });

  it("shows the progress of a run already under way (started elsewhere) without a click", async () => {
    stubTrpc(() =>
      runs(
        run({
          status: "running",
          finished_at: null,
          trigger: "schedule",
          pages: 3,
          synced: 300,
          created: 1,
          updated: 0,
          unchanged: 299,
        }),
      ),
    );
    render(withQueryClient(<SyncButton phoneNumberId="444444444444" />));
    expect((await screen.findByTestId("sync-progress")).textContent).toContain(
      "3 pages read, 300 templates so far (1 created, 0 updated, 299 unchanged)",
    );
    expect(screen.queryByTestId("last-sync")).toBeNull();
  });
});
