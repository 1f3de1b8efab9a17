import type { TWebhookDeliveryAttempt, TWebhookSubscription } from "@kirim/schema";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryClient } from "../lib/trpc.js";
import { stubTrpc, withQueryClient } from "../test-utils.js";
import WebhooksPage from "./webhooks.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function subscription(extra: Partial<TWebhookSubscription> = {}): TWebhookSubscription {
  return {
    id: "whs_01HXYZABCDEFGHJKMNPQRST001",
    object: "webhook_subscription",
    url: "https://hooks.example.com/kirim",
    events: ["template.status_updated"],
    phone_number_ids: null,
    description: "CRM",
    enabled: true,
    disabled_reason: null,
    disabled_at: null,
    consecutive_failures: 0,
    previous_secret_expires_at: null,
    created_at: "2026-11-01T10:00:00.000Z",
    updated_at: "2026-11-01T10:00:00.000Z",
    ...extra,
  };
}

let seq = 0;
function attempt(extra: Partial<TWebhookDeliveryAttempt> = {}): TWebhookDeliveryAttempt {
  seq += 1;
  return {
    id: `wda_01HXYZABCDEFGHJKMNPQRST${String(seq).padStart(3, "0")}`,
    object: "webhook_delivery_attempt",
    delivery_id: "whd_01HXYZABCDEFGHJKMNPQRST001",
    event_id: `evt_01HXYZABCDEFGHJKMNPQRST${String(seq).padStart(3, "0")}`,
    event_type: "template.status_updated",
    attempt: 1,
    attempted_at: "2026-11-01T10:00:00.000Z",
    status_code: 200,
    latency_ms: 42,
    error: null,
    outcome: "delivered",
    next_retry_at: null,
    ...extra,
  };
}

const page = (data: unknown[], next: string | null = null) => ({
  data: { data, has_more: next !== null, next_cursor: next },
});

describe("webhooks page", () => {
  it("creates a subscription with the picked events and shows its secret once, with a store-it-now notice", async () => {
    const created = subscription({ secret: "whsec_c2VjcmV0LXNob3duLW9uY2UtMDEyMzQ1Njc4OQ==" });
    let listed: TWebhookSubscription[] = [];
    const calls = stubTrpc((path) => {
      if (path === "webhooks.list") return page(listed);
      if (path === "webhooks.deliveries") return page([]);
      if (path === "webhooks.create") {
        listed = [subscription()];
        return { data: created };
      }
      throw new Error(path);
    });
    render(withQueryClient(<WebhooksPage />));
    await screen.findByText(/No webhook subscription yet/);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Webhooks");

    fireEvent.change(screen.getByLabelText("Endpoint URL"), { target: { value: " https://hooks.example.com/kirim " } });
    fireEvent.click(screen.getByRole("button", { name: "Create subscription" }));
    expect(screen.getByRole("alert").textContent).toBe("Pick at least one event.");
    expect(calls.some((c) => c.path === "webhooks.create")).toBe(false);

    fireEvent.click(screen.getByLabelText("template.status_updated"));
    fireEvent.change(screen.getByLabelText(/Only these phone number IDs/), {
      target: { value: "106540352242922, 106540352242923" },
    });
    fireEvent.change(screen.getByLabelText("Description (optional)"), { target: { value: "CRM" } });
    fireEvent.click(screen.getByRole("button", { name: "Create subscription" }));

    const secretBox = await screen.findByTestId("secret-once");
    expect(secretBox.textContent).toContain("Store it now: it is shown only this once.");
    expect(screen.getByTestId("secret-value").textContent).toBe(created.secret);
    expect(calls.find((c) => c.path === "webhooks.create")?.input).toEqual({
      url: "https://hooks.example.com/kirim",
      events: ["template.status_updated"],
      phone_number_ids: ["106540352242922", "106540352242923"],
      description: "CRM",
    });
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    fireEvent.click(within(secretBox).getByRole("button", { name: "Copy secret" }));
    await within(secretBox).findByText("Copied.");
    expect(writeText).toHaveBeenCalledWith(created.secret);

    await screen.findByRole("heading", { name: "CRM", level: 3 });
    fireEvent.click(screen.getByRole("button", { name: "I have stored it" }));
    expect(screen.queryByTestId("secret-once")).toBeNull();
    expect(document.body.textContent).not.toContain(created.secret);
  });

  it("shows why a subscription is disabled, enables it, and explains an API error in plain words", async () => {
    const calls = stubTrpc((path) => {
      if (path === "webhooks.list")
        return page([
          subscription({ enabled: false, disabled_reason: "endpoint_gone", disabled_at: "2026-11-02T10:00:00.000Z" }),
        ]);
      if (path === "webhooks.deliveries") return page([]);
      if (path === "webhooks.update") return { data: subscription() };
      if (path === "webhooks.sendTest")
        return {
          error: {
            message: "The subscription is disabled; enable it (PATCH enabled: true) before sending a test.",
            code: "invalid_field_value",
            httpStatus: 400,
            param: "enabled",
          },
        };
      throw new Error(path);
    });
    render(withQueryClient(<WebhooksPage />));
    expect((await screen.findByTestId("webhook-state")).textContent).toBe("Disabled: the endpoint answered 410 Gone");
    fireEvent.click(screen.getByRole("button", { name: /^Send test\s*to CRM$/ }));
    expect((await screen.findByRole("alert")).textContent).toContain("enable it");
    fireEvent.click(screen.getByRole("button", { name: /^Enable\s*CRM$/ }));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "webhooks.update")?.input).toEqual({
        id: "whs_01HXYZABCDEFGHJKMNPQRST001",
        update: { enabled: true },
      }),
    );
  });

  it("rotates the secret (new one once; the old stays valid 24 h) and deletes only after confirming", async () => {
    const calls = stubTrpc((path) => {
      if (path === "webhooks.list") return page([subscription()]);
      if (path === "webhooks.deliveries") return page([]);
      if (path === "webhooks.rotateSecret")
        return {
          data: subscription({
            secret: "whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5MDEyMzQ1",
            previous_secret_expires_at: "2026-11-03T10:00:00.000Z",
          }),
        };
      if (path === "webhooks.delete")
        return { data: { id: "whs_01HXYZABCDEFGHJKMNPQRST001", object: "webhook_subscription", deleted: true } };
      throw new Error(path);
    });
    render(withQueryClient(<WebhooksPage />));
    fireEvent.click(await screen.findByRole("button", { name: /^Rotate secret\s*of CRM$/ }));
    const secretBox = await screen.findByTestId("secret-once");
    expect(secretBox.textContent).toContain("The old secret stays valid for 24 hours");
    expect(screen.getByTestId("secret-value").textContent).toBe("whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5MDEyMzQ1");

    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    fireEvent.click(screen.getByRole("button", { name: /^Delete\s*CRM$/ }));
    expect(calls.some((c) => c.path === "webhooks.delete")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: /^Delete\s*CRM$/ }));
    await waitFor(() =>
      expect(calls.find((c) => c.path === "webhooks.delete")?.input).toEqual({ id: "whs_01HXYZABCDEFGHJKMNPQRST001" }),
    );
    expect(confirm).toHaveBeenCalledTimes(2);
  });

  it("pages the delivery log with the cursor and redelivers one failed event or all failed since a time", async () => {
    const failed = attempt({ outcome: "failed", status_code: 500, error: "HTTP 500", attempt: 14 });
    const retrying = attempt({
      outcome: "retrying",
      status_code: null,
      error: "connect ECONNREFUSED",
      next_retry_at: "2026-11-01T10:05:00.000Z",
      attempt: 2,
    });
    const older = attempt({ event_type: "template.created" });
    const calls = stubTrpc((path, input) => {
      if (path === "webhooks.list") return page([subscription()]);
      if (path === "webhooks.deliveries")
        return input?.cursor === "c2" ? page([older]) : page([failed, retrying], "c2");
      if (path === "webhooks.redeliver") {
        const body = input?.redeliver as { event_id?: string; since?: string };
        return {
          data: {
            object: "webhook_redelivery",
            queued: body.event_id !== undefined ? 1 : 3,
            event_ids: body.event_id !== undefined ? [body.event_id] : ["a", "b", "c"],
          },
        };
      }
      throw new Error(path);
    });
    render(withQueryClient(<WebhooksPage />));
    const rows = await screen.findAllByTestId("delivery-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("HTTP 500");
    expect(rows[1]?.textContent).toContain("connect ECONNREFUSED");
    expect(within(rows[1] as HTMLElement).getByTestId("delivery-status").textContent).toBe("no answer");
    expect(within(rows[1] as HTMLElement).queryByRole("button")).toBeNull();

    fireEvent.click(
      within(rows[0] as HTMLElement).getByRole("button", {
        name: new RegExp(`^Redeliver\\s*event ${failed.event_id}$`),
      }),
    );
    await screen.findByText("1 event queued for redelivery.");
    expect(calls.find((c) => c.path === "webhooks.redeliver")?.input).toEqual({
      id: "whs_01HXYZABCDEFGHJKMNPQRST001",
      redeliver: { event_id: failed.event_id },
    });

    fireEvent.change(screen.getByLabelText("Redeliver all failed since"), { target: { value: "2026-11-01T09:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Redeliver all failed" }));
    await screen.findByText("3 events queued for redelivery.");
    expect(calls.filter((c) => c.path === "webhooks.redeliver").at(-1)?.input).toEqual({
      id: "whs_01HXYZABCDEFGHJKMNPQRST001",
      redeliver: { since: new Date("2026-11-01T09:00").toISOString() },
    });

    fireEvent.click(screen.getByRole("button", { name: "Older deliveries" }));
    await waitFor(() => expect(screen.getAllByTestId("delivery-row")[0]?.textContent).toContain("template.created"));
    expect(calls.filter((c) => c.path === "webhooks.deliveries").some((c) => c.input?.cursor === "c2")).toBe(true);
    expect(screen.getByRole("button", { name: "Older deliveries" })).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByRole("button", { name: "Newer deliveries" }));
    await waitFor(() => expect(screen.getAllByTestId("delivery-row")).toHaveLength(2));
  });
});
