import { useEffect, useState } from "react";

/**
 * A tiny hash router. Routes:
 *   #/                                        account picker
 *   #/accounts/{pnid}/templates               template list
 *   #/accounts/{pnid}/templates/new           create form
 *   #/accounts/{pnid}/template_library        Meta's Template Library (issue 16)
 *   #/accounts/{pnid}/templates/{name}?language=xx   detail
 *   #/accounts/{pnid}/templates/{name}/edit?language=xx   edit one language
 *   #/accounts/{pnid}/templates/new?from={name}&language=xx&as=duplicate|language   create from a template
 *   #/webhooks                                outbound webhook subscriptions and their delivery log
 * Hash routing needs no server rewrite rules, so `dist/` can be served as plain files.
 */
export type Route =
  | { page: "accounts" }
  | { page: "list"; phoneNumberId: string }
  | {
      page: "create";
      phoneNumberId: string;
      from?: { name: string; language: string | undefined; as: "duplicate" | "language" } | undefined;
    }
  | { page: "edit"; phoneNumberId: string; name: string; language: string | undefined }
  | { page: "library"; phoneNumberId: string }
  | { page: "detail"; phoneNumberId: string; name: string; language: string | undefined; created?: boolean }
  | { page: "webhooks" }
  | { page: "not-found"; path: string };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [pathPart = "", queryPart = ""] = raw.split("?", 2);
  const segments = pathPart
    .split("/")
    .filter((s) => s !== "")
    .map((s) => safeDecode(s));
  const query = new URLSearchParams(queryPart);
  if (segments.length === 0) return { page: "accounts" };
  if (segments.length === 1 && segments[0] === "webhooks") return { page: "webhooks" };
  const [first, pnid, third, fourth, ...rest] = segments;
  if (first === "accounts" && pnid !== undefined && third === "template_library" && fourth === undefined)
    return { page: "library", phoneNumberId: pnid };
  if (first === "accounts" && pnid !== undefined && third === "templates" && rest.length === 0) {
    if (fourth === undefined) return { page: "list", phoneNumberId: pnid };
    if (fourth === "new") {
      const from = query.get("from");
      const as = query.get("as") === "language" ? "language" : "duplicate";
      return from === null
        ? { page: "create", phoneNumberId: pnid }
        : {
            page: "create",
            phoneNumberId: pnid,
            from: { name: from, language: query.get("language") ?? undefined, as },
          };
    }
    return {
      page: "detail",
      phoneNumberId: pnid,
      name: fourth,
      language: query.get("language") ?? undefined,
      created: query.get("created") === "1",
    };
  }
  if (
    first === "accounts" &&
    pnid !== undefined &&
    third === "templates" &&
    fourth !== undefined &&
    rest.length === 1 &&
    rest[0] === "edit"
  ) {
    return { page: "edit", phoneNumberId: pnid, name: fourth, language: query.get("language") ?? undefined };
  }
  return { page: "not-found", path: `/${segments.join("/")}` };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case "accounts":
      return "#/";
    case "list":
      return `#/accounts/${encodeURIComponent(route.phoneNumberId)}/templates`;
    case "create": {
      const base = `#/accounts/${encodeURIComponent(route.phoneNumberId)}/templates/new`;
      if (route.from === undefined) return base;
      const query = new URLSearchParams({ from: route.from.name, as: route.from.as });
      if (route.from.language !== undefined) query.set("language", route.from.language);
      return `${base}?${query.toString()}`;
    }
    case "edit": {
      const base = `#/accounts/${encodeURIComponent(route.phoneNumberId)}/templates/${encodeURIComponent(route.name)}/edit`;
      return route.language === undefined ? base : `${base}?language=${encodeURIComponent(route.language)}`;
    }
    case "library":
      return `#/accounts/${encodeURIComponent(route.phoneNumberId)}/template_library`;
    case "detail": {
      const base = `#/accounts/${encodeURIComponent(route.phoneNumberId)}/templates/${encodeURIComponent(route.name)}`;
      const query = new URLSearchParams();
      if (route.language !== undefined) query.set("language", route.language);
      if (route.created === true) query.set("created", "1");
      const qs = query.toString();
      return qs === "" ? base : `${base}?${qs}`;
    }
    case "webhooks":
      return "#/webhooks";
    case "not-found":
      return `#${route.path}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
