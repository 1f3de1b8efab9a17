import type { TTemplate, TTemplateCategory } from "@kirim/schema";
import {
  MAX_TEMPLATE_SEARCH_LENGTH,
  META_TEMPLATE_STATUSES,
  TEMPLATE_CATEGORIES,
  TEMPLATE_LANGUAGE_PATTERN,
} from "@kirim/schema";
import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { MetaStatusBadge, QualityBadge, metaStatusLabel } from "../components/status-badge.js";
import { SyncButton } from "../components/sync-button.js";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { SEARCH_DEBOUNCE_MS, useDebouncedValue } from "../lib/debounce.js";
import { formatDateTime, titleCase } from "../lib/format.js";
import { useHashQuery } from "../lib/hash-query.js";
import { hrefFor } from "../lib/router.js";
import { trpc } from "../lib/trpc.js";

type MetaStatus = (typeof META_TEMPLATE_STATUSES)[number];
const PAGE_SIZES = [25, 50, 100] as const;
/** Meta's statuses offered as filters (DELETED ones are hidden from the list anyway). */
const STATUS_OPTIONS = META_TEMPLATE_STATUSES.filter((s) => s !== "DELETED");

/** The list's state, all of it in the URL (`#/accounts/{pnid}/templates?meta_status=PAUSED&c=…`). */
interface ListState {
  metaStatus: MetaStatus | "";
  language: string;
  category: TTemplateCategory | "";
  /** The search box as typed; the server gets it trimmed, once typing pauses. */
  search: string;
  limit: (typeof PAGE_SIZES)[number];
  sort: Sort | "";
  /** Cursors of the pages before the current one; the last is the current page's cursor. */
  cursors: string[];
}

const FILTER_PARAMS = ["meta_status", "category", "language", "search"] as const;
const SORTS = [
  ["", "Newest first"],
  ["name_asc", "Name A–Z"],
  ["name_desc", "Name Z–A"],
  ["updated_desc", "Last change, newest"],
  ["updated_asc", "Last change, oldest"],
] as const;
type Sort = Exclude<(typeof SORTS)[number][0], "">;

function readState(params: URLSearchParams): ListState {
  const metaStatus = params.get("meta_status") ?? "";
  const category = params.get("category") ?? "";
  const limit = Number(params.get("limit"));
  return {
    metaStatus: (STATUS_OPTIONS as readonly string[]).includes(metaStatus) ? (metaStatus as MetaStatus) : "",
    category: (TEMPLATE_CATEGORIES as readonly string[]).includes(category) ? (category as TTemplateCategory) : "",
    language: params.get("language") ?? "",
    search: params.get("search") ?? "",
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? (limit as ListState["limit"]) : 25,
    sort: SORTS.some(([value]) => value !== "" && value === params.get("sort")) ? (params.get("sort") as Sort) : "",
    cursors: params.getAll("c"),
  };
}

/** Rows of the page grouped by name, in the order names first appear. */
export function groupByName(rows: readonly TTemplate[]): { name: string; rows: TTemplate[] }[] {
  const groups = new Map<string, TTemplate[]>();
  for (const row of rows) {
    const list = groups.get(row.name) ?? [];
    list.push(row);
    groups.set(row.name, list);
  }
  return [...groups].map(([name, list]) => ({ name, rows: list }));
}

export default function TemplateListPage({ phoneNumberId }: { phoneNumberId: string }) {
  const [params, updateParams] = useHashQuery();
  const state = readState(params);
  const languageValid = state.language === "" || TEMPLATE_LANGUAGE_PATTERN.test(state.language);
  const search = useDebouncedValue(state.search.trim(), SEARCH_DEBOUNCE_MS);
  const searchSettled = search === state.search.trim();
  // Every filter is applied by the server, over all of the account's templates (not just the page shown).
  const filters = {
    limit: state.limit,
    ...(state.sort !== "" ? { sort: state.sort } : {}),
    ...(state.metaStatus !== "" ? { meta_status: state.metaStatus } : {}),
    ...(state.category !== "" ? { category: state.category } : {}),
    ...(state.language !== "" && languageValid ? { language: state.language } : {}),
    ...(search !== "" ? { search } : {}),
  };
  // A cursor is bound to its filters: none is sent while the search is still settling (it was issued for the old one).
  const cursors = searchSettled ? state.cursors : [];
  const cursor = cursors.at(-1);
  const input = { phone_number_id: phoneNumberId, ...filters, ...(cursor !== undefined ? { cursor } : {}) };
  const list = useQuery({ ...trpc.templates.list.queryOptions(input), placeholderData: keepPreviousData });
  const counts = useQuery(trpc.templates.counts.queryOptions({ phone_number_id: phoneNumberId }));
  const countOf = (metaStatus: string) => counts.data?.by_meta_status[metaStatus] ?? 0;

  const rows = list.data?.data ?? [];
  const groups = groupByName(rows);
  // A name's languages can fall on two pages: by name, only the first and last group can be cut; in other orders any
  // can. Those names are asked for their full language list (templates.get's `languages`), so the count is right.
  const byName = state.sort === "name_asc" || state.sort === "name_desc";
  // While the next answer loads, the dimmed rows are the previous answer's: they keep the names (and cached counts)
  // asked for then, so a count does not fall back to "on this page" for the moment of loading.
  const askedBefore = useRef<string[]>([]);
  const maybeCut = list.isPlaceholderData
    ? askedBefore.current
    : byName
      ? [...new Set([groups[0]?.name, groups.at(-1)?.name])].filter((n) => n !== undefined)
      : groups.map((g) => g.name);
  askedBefore.current = maybeCut;
  const languageLists = useQueries({
    queries: maybeCut.map((name) => trpc.templates.get.queryOptions({ phone_number_id: phoneNumberId, name })),
  });
  const languagesOf = new Map(maybeCut.map((name, i) => [name, languageLists[i]?.data?.languages.length]));
  const page = cursors.length + 1;
  const first = cursors.length * state.limit + 1;
  const loaded = rows.length;
  const filtered =
    state.metaStatus !== "" || state.category !== "" || state.language !== "" || state.search.trim() !== "";
  // Rows of the previous page or filters, shown while the next answer loads.
  const stale = list.isPlaceholderData;

  // Changing a filter starts again at page 1 (cursors are bound to their filters).
  const setFilter = (name: (typeof FILTER_PARAMS)[number] | "limit" | "sort", value: string) =>
    updateParams((p) => {
      if (value === "") p.delete(name);
      else p.set(name, value);
      p.delete("c");
    });
  const clearFilters = () =>
    updateParams((p) => {
      for (const name of FILTER_PARAMS) p.delete(name);
      p.delete("c");
    });
  const setCursors = (next: string[]) =>
    updateParams((p) => {
      p.delete("c");
      for (const c of next) p.append("c", c);
    });

  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor({ page: "accounts" })}>Accounts</a> / Templates
      </p>
      <div className="page-head">
        <h1>Templates</h1>
        <div className="actions">
          <a className="button primary" href={hrefFor({ page: "create", phoneNumberId })}>
            New template
          </a>
          <a className="button" href={hrefFor({ page: "library", phoneNumberId })}>
            Template library
          </a>
          <SyncButton phoneNumberId={phoneNumberId} />
        </div>
      </div>

      <section className="card" aria-label="Filters">
        <div className="filters">
          <div>
            <label htmlFor="filter-search">Search by name</label>
            <input
              id="filter-search"
              type="search"
              value={state.search}
              maxLength={MAX_TEMPLATE_SEARCH_LENGTH}
              onChange={(e) => setFilter("search", e.target.value)}
              aria-describedby="filter-search-hint"
              autoComplete="off"
            />
            <p className="hint" id="filter-search-hint">
              Any part of the name.
            </p>
          </div>
          <div>
            <label htmlFor="filter-status">Status</label>
            <select
              id="filter-status"
              value={state.metaStatus}
              onChange={(e) => setFilter("meta_status", e.target.value)}
            >
              <option value="">All statuses{counts.data !== undefined ? ` (${counts.data.total})` : ""}</option>
              {STATUS_OPTIONS.map((s) => (
                <option key={s} value={s}>
                  {metaStatusLabel(s)}
                  {counts.data !== undefined ? ` (${countOf(s)})` : ""}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="filter-category">Category</label>
            <select id="filter-category" value={state.category} onChange={(e) => setFilter("category", e.target.value)}>
              <option value="">All categories</option>
              {TEMPLATE_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {titleCase(c)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="filter-language">Language</label>
            <input
              id="filter-language"
              value={state.language}
              placeholder="e.g. en_US"
              onChange={(e) => setFilter("language", e.target.value.trim())}
              aria-invalid={!languageValid}
              aria-describedby={languageValid ? undefined : "filter-language-error"}
              autoComplete="off"
            />
            {!languageValid && (
              <p className="field-error" id="filter-language-error">
                Use a code like en, id or en_US.
              </p>
            )}
          </div>
          <div>
            <label htmlFor="filter-sort">Sort by</label>
            <select id="filter-sort" value={state.sort} onChange={(e) => setFilter("sort", e.target.value)}>
              {SORTS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="filter-limit">Per page</label>
            <select
              id="filter-limit"
              value={state.limit}
              onChange={(e) => setFilter("limit", e.target.value === "25" ? "" : e.target.value)}
            >
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        </div>
        {counts.data !== undefined && counts.data.total > 0 && (
          <p className="hint" data-testid="status-totals">
            {counts.data.total} templates:{" "}
            {Object.entries(counts.data.by_meta_status)
              .map(([s, n]) => `${n} ${metaStatusLabel(s).toLowerCase()}`)
              .join(", ")}
          </p>
        )}
        {filtered && (
          <p className="actions">
            <button type="button" onClick={clearFilters}>
              Clear filters
            </button>
          </p>
        )}
      </section>

      {list.isPending && <Loading>Loading templates…</Loading>}
      {list.isError && <ErrorBox error={list.error} onRetry={() => void list.refetch()} />}
      {list.isSuccess && loaded === 0 && (
        <Empty>
          {page > 1
            ? "No more templates."
            : filtered
              ? "No template matches these filters."
              : "No templates yet. Sync from Meta to import them, or create one."}
        </Empty>
      )}
      {list.isSuccess && groups.length > 0 && (
        <div className="table-wrap" aria-busy={list.isFetching} data-stale={stale} data-testid="template-table">
          <table className="responsive">
            <caption className="visually-hidden">Templates, grouped by name</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Language</th>
                <th scope="col">Category</th>
                <th scope="col">Status</th>
                <th scope="col">Quality</th>
                <th scope="col">Last confirmed by Meta</th>
              </tr>
            </thead>
            {groups.map((group) => (
              <tbody key={group.name} className="group" data-testid="template-group">
                {group.rows.map((t, i) => (
                  <tr key={t.id} data-testid="template-row">
                    <td className="name-cell" data-label="Name" data-continued={i > 0}>
                      {i === 0 ? (
                        <>
                          <a href={hrefFor({ page: "detail", phoneNumberId, name: t.name, language: undefined })}>
                            {t.name}
                          </a>
                          <LanguageCount onPage={group.rows.length} total={languagesOf.get(group.name)} />
                        </>
                      ) : (
                        <span className="visually-hidden">{t.name}</span>
                      )}
                    </td>
                    <td data-label="Language">
                      <a href={hrefFor({ page: "detail", phoneNumberId, name: t.name, language: t.language })}>
                        <span className="visually-hidden">{t.name} in </span>
                        {t.language}
                      </a>
                    </td>
                    <td data-label="Category">{titleCase(t.category)}</td>
                    <td data-label="Status">
                      <MetaStatusBadge metaStatus={t.meta_status} status={t.status} />
                    </td>
                    <td data-label="Quality">
                      <QualityBadge score={t.quality_score} />
                    </td>
                    <td data-label="Last confirmed by Meta">
                      <time dateTime={t.last_synced_at ?? undefined} title={t.last_synced_at ?? "Never synced"}>
                        {t.last_synced_at === null ? "Not yet" : formatDateTime(t.last_synced_at)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
      {list.data !== undefined && (loaded > 0 || page > 1) && (
        <nav className="pager" aria-label="Pages">
          <p className="hint" role="status" data-testid="page-status">
            Page {page} · templates {loaded === 0 ? 0 : first}–{first + loaded - 1}
          </p>
          <div className="actions">
            <button
              type="button"
              onClick={() => setCursors(cursors.slice(0, -1))}
              disabled={cursors.length === 0 || list.isFetching}
            >
              Previous page
            </button>
            <button
              type="button"
              onClick={() => {
                const next = list.data?.next_cursor;
                if (next) setCursors([...cursors, next]);
              }}
              disabled={!list.data.has_more || list.isPlaceholderData || list.isFetching || !searchSettled}
            >
              Next page
            </button>
          </div>
        </nav>
      )}
    </>
  );
}

/** "· 3 languages", and how many of them this page shows when the others are on another page. */
function LanguageCount({ onPage, total }: { onPage: number; total: number | undefined }) {
  const all = Math.max(onPage, total ?? 0);
  if (all < 2) return null;
  return (
    <span className="hint" data-testid="language-count">
      {" "}
      · {all} languages{all > onPage ? ` (${onPage} on this page)` : ""}
    </span>
  );
}
