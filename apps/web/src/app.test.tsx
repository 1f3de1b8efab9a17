import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./app.js";
import { getApiKey, setApiKey } from "./lib/session.js";
import { queryClient } from "./lib/trpc.js";
import { stubTrpc, withQueryClient } from "./test-utils.js";

afterEach(() => {
  cleanup();
  queryClient.clear();
  vi.unstubAllGlobals();
  setApiKey(null);
  window.sessionStorage.clear();
  window.history.replaceState(null, "", "#/");
});

describe("a key that stops working while signed in", () => {
  it.each([
    {
      what: "expired",
      code: "expired_api_key",
      message: "This API key has expired.",
      words: "Your API key has expired.",
    },
    {
      what: "revoked",
      code: "invalid_api_key",
      message: "The API key is malformed, unknown or revoked.",
      words: "it was revoked or deleted",
    },
  ])("$what: back to sign-in with the reason, not an error inside the page", async ({ code, message, words }) => {
    stubTrpc(() => ({ error: { message, code, httpStatus: 401 } }));
    setApiKey("kirim_live_key_that_worked_before_0000");
    window.history.replaceState(null, "", "#/accounts/106540352242922/templates");
    render(withQueryClient(<App />));
    const reason = await screen.findByTestId("signed-out-reason");
    expect(reason.textContent).toContain("You were signed out.");
    expect(reason.textContent).toContain(words);
    expect(screen.getByLabelText("API key")).toBeTruthy();
    expect(getApiKey()).toBeNull();
    // The page asked for stays in the address, to come back to after signing in.
    expect(window.location.hash).toBe("#/accounts/106540352242922/templates");
    // No error box inside a header bar: the shell is gone.
    await waitFor(() => expect(screen.queryByRole("button", { name: "Sign out" })).toBeNull());
  });

  it("signing out by choice shows no reason", async () => {
    stubTrpc(() => ({ data: [] }));
    setApiKey("kirim_live_key_that_works_000000000000");
    render(withQueryClient(<App />));
    (await screen.findByRole("button", { name: "Sign out" })).click();
    await screen.findByLabelText("API key");
    expect(screen.queryByTestId("signed-out-reason")).toBeNull();
  });

  describe("signing in", () => {
    const account = (pnid: string | null) => ({ phone_number_id: pnid });
    it("an organisation with one account lands on its templates; with two, on the account picker", async () => {
      stubTrpc((path) =>
        path === "accounts.list"
          ? { data: [account("106540352242922")] }
          : { data: { data: [], has_more: false, next_cursor: null } },
      );
      render(withQueryClient(<App />));
      fireEvent.change(screen.getByLabelText("API key"), { target: { value: "kirim_key_one_account_000000000000" } });
      fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
      await screen.findByRole("heading", { name: "Templates" });
      expect(window.location.hash).toBe("#/accounts/106540352242922/templates");
      cleanup();
      queryClient.clear();
      setApiKey(null);
      window.history.replaceState(null, "", "#/");

      stubTrpc((path) =>
        path === "accounts.list" ? { data: [account("106540352242922"), account("109876543210987")] } : { data: [] },
      );
      render(withQueryClient(<App />));
      fireEvent.change(screen.getByLabelText("API key"), { target: { value: "kirim_key_two_accounts_00000000000" } });
      fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
      await screen.findByRole("heading", { name: "WhatsApp accounts" });
      expect(window.location.hash).toBe("#/");
    });
  });
});
