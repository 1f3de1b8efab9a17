/// <reference types="node" />
/**
 * Outbound webhooks in the dashboard against the real API (issue 17): sign in, open Webhooks from the navigation,
 * create a subscription to a loopback receiver this test runs, see its secret once, send a test whose signature
 * verifies with `standardwebhooks`, see it in the delivery log with its 200, see a 410 disable the subscription
 * (with the reason), re-enable it and redeliver the failed event, rotate the secret and delete the subscription.
 * Then the template detail's "Try parameters" panel: a template with parameters rendered, and a wrong parameter named.
 */
import { mkdir } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard, RunningApi } from "./harness.js";
import {
  haveChromium,
  openDashboard,
  requireChromiumInCi,
  screenshotsDir as screenshots,
  signInThroughForm,
} from "./harness.js";

requireChromiumInCi("the webhooks end-to-end test");

describe.runIf(haveChromium)("webhooks page end to end (real API, loopback receiver, Debian chromium)", () => {
  let dashboard: Dashboard | undefined;
  let api: RunningApi | undefined;
  let page: Page;
  let problems: string[] = [];
  const receiver = startReceiver();

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    await receiver.listening;
    dashboard = await openDashboard({
      // The receiver is on loopback over plain http, which only an operator's setting allows.
      apiEnv: { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" },
      timeoutMs: 20_000,
      // The browser logs every non-2xx answer: the 400 of the wrong render parameter is expected.
      consoleErrors: { except: /status of 400/ },
    });
    ({ api, page, problems } = dashboard);
  });

  afterAll(async () => {
    await dashboard?.close();
    await receiver.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });

  it("signs in and opens Webhooks from the navigation", async () => {
    if (dashboard === undefined || api === undefined) throw new Error("not started");
    await signInThroughForm(page, dashboard.url(), api.apiKey);
    // Signed in (a one-account organisation lands on its templates, not the account picker).
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
  });

  it("creates a subscription to a loopback receiver: secret once, signed test delivery in the log, 410, redeliver, rotate, delete", async () => {
    await page.getByText("No webhook subscription yet").waitFor();

    // Create: a URL and no event is refused in the page, then with events it is created.
    await page.getByLabel("Endpoint URL").fill(receiver.url());
    await page.getByRole("button", { name: "Create subscription" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("Pick at least one event");
    await page.getByLabel("template.status_updated").check();
    await page.getByLabel("template.created").check();
    await page.getByLabel("Description (optional)").fill("E2E receiver");
    await page.getByRole("button", { name: "Create subscription" }).click();

    const secretBox = page.getByTestId("secret-once");
    await secretBox.waitFor();
    expect(await secretBox.textContent()).toContain("Store it now: it is shown only this once.");
    const secret = (await page.getByTestId("secret-value").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await secretBox.getByRole("button", { name: "Copy secret" }).waitFor();
    const card = page.getByTestId("webhook-subscription");
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.getByRole("heading", { name: "E2E receiver" }).count()).toBe(1);
    expect(await card.getByTestId("webhook-state").textContent()).toBe("Enabled");
    expect(await card.textContent()).toContain("template.status_updated, template.created");
    await shot("webhooks-created");
    // Once: after "stored", and after a reload, the secret is nowhere on the page.
    await page.getByRole("button", { name: "I have stored it" }).click();
    await page.reload();
    await card.waitFor();
    expect(await page.content()).not.toContain(secret);

    // Send test: the receiver gets it signed with that secret, and the log shows the 200.
    await card.getByRole("button", { name: /^Send test/ }).click();
    const row = card.getByTestId("delivery-row");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId("delivery-status").textContent()).toBe("200");
    expect(await row.textContent()).toContain("webhook.test");
    expect(receiver.received).toHaveLength(1);
    const delivered = receiver.received[0];
    const verified = new Webhook(secret).verify(
      delivered?.body ?? "",
      delivered?.headers as Record<string, string>,
    ) as { type: string };
    expect(verified.type).toBe("webhook.test");
    const firstEventId = delivered?.headers["webhook-id"];
    expect(await row.textContent()).toContain(String(firstEventId));
    expect(() =>
      new Webhook(`whsec_${Buffer.from("not the secret at all 0123").toString("base64")}`).verify(
        delivered?.body ?? "",
        delivered?.headers as Record<string, string>,
      ),
    ).toThrow();
    await shot("webhooks-test-delivered");

    // The receiver answers 410 Gone: the subscription is disabled, saying why, and the failed event can be sent again.
    receiver.answer = 410;
    await card.getByRole("button", { name: /^Send test/ }).click();
    await expect
      .poll(() => card.getByTestId("webhook-state").textContent())
      .toBe("Disabled: the endpoint answered 410 Gone");
    await expect.poll(() => row.count()).toBe(2);
    expect(await row.first().getByTestId("delivery-status").textContent()).toBe("410");
    const delivered410 = () => receiver.received.at(-1)?.headers["webhook-id"];
    await shot("webhooks-disabled");
    expect(await row.first().textContent()).toContain("Held: sent again when the subscription is enabled.");
    const heldEventId = delivered410();
    await shot("webhooks-disabled");

    // Enabled again, the held event goes out by itself; then it is redelivered by hand, once more.
    receiver.answer = 200;
    await card.getByRole("button", { name: /^Enable/ }).click();
    await expect.poll(() => card.getByTestId("webhook-state").textContent()).toBe("Enabled");
    await expect.poll(() => row.count()).toBe(3);
    expect(await row.first().getByTestId("delivery-status").textContent()).toBe("200");
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([firstEventId, heldEventId, heldEventId]);
    await row
      .first()
      .getByRole("button", { name: `Redeliver event ${String(heldEventId)}` })
      .click();
    await expect.poll(() => card.getByRole("status").allTextContents()).toContain("1 event queued for redelivery.");
    await expect.poll(() => row.count()).toBe(4);
    expect(await row.first().getByTestId("delivery-status").textContent()).toBe("200");
    expect(receiver.received.map((r) => r.headers["webhook-id"])).toEqual([
      firstEventId,
      heldEventId,
      heldEventId,
      heldEventId,
    ]);
    // Nothing has run out of retries, so "all failed since" finds nothing to send.
    await card.getByLabel("Redeliver all failed since").fill("2020-01-01T00:00");
    await card.getByRole("button", { name: "Redeliver all failed" }).click();
    await expect.poll(() => card.getByRole("status").allTextContents()).toContain("No failed event to send again.");

    // Rotate: a new secret, once, and the old one still signs for 24 h.
    await card.getByRole("button", { name: /^Rotate secret/ }).click();
    await secretBox.waitFor();
    expect(await secretBox.textContent()).toContain("The old secret stays valid for 24 hours");
    const rotated = (await page.getByTestId("secret-value").textContent()) ?? "";
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole("button", { name: "I have stored it" }).click();

    // Delete, after confirming.
    page.once("dialog", (dialog) => void dialog.accept());
    await card.getByRole("button", { name: /^Delete/ }).click();
    await page.getByText("No webhook subscription yet").waitFor();
    expect(problems, problems.join("\n")).toEqual([]);
  });
  it("renders a template with parameters in Try parameters and names a wrong parameter", async () => {
    if (dashboard === undefined || api === undefined) throw new Error("not started");
    const headers = { authorization: `Bearer ${api.apiKey}`, "content-type": "application/json" };
    const accounts = (await (await fetch(`${api.url}/v1/accounts`, { headers })).json()) as {
      data: Array<{ phone_number_id: string | null }>;
    };
    const phoneNumberId = accounts.data.find((a) => a.phone_number_id !== null)?.phone_number_id ?? "";
    const created = await fetch(`${api.url}/v1/${phoneNumberId}/templates`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        name: "e2e_try_parameters",
        category: "UTILITY",
        language: "en",
        components: [
          {
            type: "BODY",
            text: "Hi {{1}}, your order {{2}} is confirmed and ships today.",
            example: { body_text: [["Budi", "A123"]] },
          },
        ],
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    await page.goto(dashboard.url(`#/accounts/${phoneNumberId}/templates/e2e_try_parameters?language=en`));
    const panel = page.getByTestId("try-parameters");
    await panel.getByRole("heading", { name: "Try parameters" }).waitFor();
    await panel.getByLabel("Send components (JSON)").fill(
      JSON.stringify([
        {
          type: "body",
          parameters: [
            { type: "text", text: "Maria" },
            { type: "text", text: "B-77" },
          ],
        },
      ]),
    );
    await panel.getByRole("button", { name: "Render" }).click();
    await expect
      .poll(() => panel.getByTestId("rendered-message").textContent())
      .toContain("Hi Maria, your order B-77 is confirmed and ships today.");
    await shot("try-parameters-rendered");

    // One parameter short: Meta would refuse the send; the panel says so and names the parameter.
    await panel
      .getByLabel("Send components (JSON)")
      .fill(JSON.stringify([{ type: "body", parameters: [{ type: "text", text: "Maria" }] }]));
    await panel.getByRole("button", { name: "Render" }).click();
    await expect.poll(() => panel.getByRole("alert").textContent()).toContain("Meta would refuse this send");
    expect(await panel.getByRole("alert").textContent()).toContain("template_parameter_invalid");
    expect(await panel.getByTestId("wrong-parameter").textContent()).toMatch(/^Wrong parameter: /);
    expect(await panel.getByTestId("rendered-message").count()).toBe(0);
    await shot("try-parameters-wrong");
    expect(problems, problems.join("\n")).toEqual([]);
  });
});

/** An HTTP receiver on loopback that records what it is sent and answers `answer` (200 unless the test changes it). */
function startReceiver() {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  const state = { answer: 200 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(state.answer).end();
    });
  });
  const listening = new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    received,
    listening,
    get answer() {
      return state.answer;
    },
    set answer(code: number) {
      state.answer = code;
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
