import { useQuery } from "@tanstack/react-query";
import { Suspense, lazy, useEffect, useRef } from "react";
import { Empty, ErrorBox, Loading, signOut } from "./components/states.js";
import type { Route } from "./lib/router.js";
import { hrefFor, useRoute } from "./lib/router.js";
import { useApiKey } from "./lib/session.js";
import { trpc } from "./lib/trpc.js";
import { AccountsPage } from "./pages/accounts.js";
import { ACCOUNTS_INPUT, SignIn } from "./pages/sign-in.js";

// Each template page is its own chunk: sign-in and the account picker stay small (no zod), and the
// create form (the largest) loads only when opened.
const TemplateListPage = lazy(() => import("./pages/template-list.js"));
const TemplateDetailPage = lazy(() => import("./pages/template-detail.js"));
const CreateTemplatePage = lazy(() => import("./pages/create-template.js"));
const EditTemplatePage = lazy(() => import("./pages/edit-template.js"));
const WebhooksPage = lazy(() => import("./pages/webhooks.js"));
const TemplateLibraryPage = lazy(() => import("./pages/template-library.js"));

export function App() {
  const apiKey = useApiKey();
  const route = useRoute();
  if (apiKey === null) return <SignIn />;
  return <Shell route={route} />;
}

function Shell({ route }: { route: Route }) {
  const phoneNumberId =
    route.page === "list" ||
    route.page === "create" ||
    route.page === "detail" ||
    route.page === "edit" ||
    route.page === "library"
      ? route.phoneNumberId
      : undefined;
  const mainRef = useRef<HTMLElement>(null);
  const routeKey = hrefFor(route);

  // Move focus to the page on navigation so keyboard and screen-reader users start at the new content.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [routeKey]);

  return (
    <>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={hrefFor({ page: "accounts" })}>
          Kirim templates
        </a>
        <nav aria-label="Dashboard">
          <a href={hrefFor({ page: "accounts" })} aria-current={route.page === "accounts" ? "page" : undefined}>
            Accounts
          </a>{" "}
          <a href={hrefFor({ page: "webhooks" })} aria-current={route.page === "webhooks" ? "page" : undefined}>
            Webhooks
          </a>
        </nav>
        {phoneNumberId !== undefined && <CurrentAccount phoneNumberId={phoneNumberId} />}
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Page route={route} />
        </Suspense>
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "accounts":
      return <AccountsPage />;
    case "list":
      return <TemplateListPage key={route.phoneNumberId} phoneNumberId={route.phoneNumberId} />;
    case "create":
      return <CreateTemplatePage key={hrefFor(route)} phoneNumberId={route.phoneNumberId} from={route.from} />;
    case "edit":
      return (
        <EditTemplatePage
          key={hrefFor(route)}
          phoneNumberId={route.phoneNumberId}
          name={route.name}
          language={route.language}
        />
      );
    case "detail":
      return (
        <TemplateDetailPage
          key={`${route.phoneNumberId}/${route.name}`}
          phoneNumberId={route.phoneNumberId}
          name={route.name}
          language={route.language}
          created={route.created}
        />
      );
    case "webhooks":
      return <WebhooksPage />;
    case "library":
      return <TemplateLibraryPage phoneNumberId={route.phoneNumberId} />;
    case "not-found":
      return (
        <Empty>
          Nothing lives at <code>{route.path}</code>. <a href={hrefFor({ page: "accounts" })}>Go to the accounts</a>.
        </Empty>
      );
  }
}

/** The account picked, named in the top bar (and a way back to the picker). */
function CurrentAccount({ phoneNumberId }: { phoneNumberId: string }) {
  const accounts = useQuery(trpc.accounts.list.queryOptions(ACCOUNTS_INPUT));
  if (accounts.isError) return <ErrorBox error={accounts.error} />;
  const account = accounts.data?.find((a) => a.phone_number_id === phoneNumberId);
  return (
    <span className="account">
      {account === undefined
        ? phoneNumberId
        : `${account.name ?? "Account"} · ${account.phone_number ?? phoneNumberId}`}{" "}
      <a href={hrefFor({ page: "accounts" })}>(switch)</a>
    </span>
  );
}
