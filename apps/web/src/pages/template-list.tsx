import type { TTemplate, TTemplateCategory } from "@kirim/schema";
import { MAX_TEMPLATE_SEARCH_LENGTH, TEMPLATE_CATEGORIES, TEMPLATE_LANGUAGE_PATTERN, TEMPLATE_STATUS_FILTERS } from "@kirim/schema";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { QualityBadge, StatusBadge } from "../components/status-badge.js";
import { SyncButton } from "../components/sync-button.js";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { SEARCH_DEBOUNCE_MS, useDebouncedValue } from "../lib/debounce.js";
import { formatDateTime, titleCase } from "../lib/format.js";
import { usePersistentState } from "../lib/persistent-state.js";
import { hrefFor } from "../lib/router.js";
import { trpc } from "../lib/trpc.js";

type StatusFilter = (typeof TEMPLATE_STATUS_FILTERS)[number];
const PAGE_SIZES = [25, 50, 100] as const;

interface ListState {
  status: StatusFilter;
  language: string;
  category: TTemplateCategory | "";
  /** The search box as typed; the server gets it trimmed, once typing pauses. */
  search: string;
  limit: (typeof PAGE_SIZES)[number];
  /** Cursors of the pages before the current one; the last is the current page's cursor. */
  cursors: string[];
  /** The filters the cursors were issued for (the server refuses a cursor used with other filters). */
  cursorsFor: string;
}

const initialState = (): ListState => ({ status: "all", language: "", category: "", search: "", limit: 25, cursors: [], cursorsFor: "" });

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
  const [state, setState] = usePersistentState<ListState>(`list:${phoneNumberId}`, initialState);
  const languageValid = state.language === "" || TEMPLATE_LANGUAGE_PATTERN.test(state.language);
  const search = useDebouncedValue(state.search.trim(), SEARCH_DEBOUNCE_MS);
  // Every filter is applied by the server, over all of the account's templates (not just the page shown).
  const filters = {
    status: state.status,
    limit: state.limit,
    ...(state.category !== "" ? { category: state.category } : {}),
    ...(state.language !== "" && languageValid ? { language: state.language } : {}),
    ...(search !== "" ? { search } : {}),
  };
  const filtersKey = JSON.stringify(filters);
  // Cursors kept for other filters (a page turned while the search was still settling) are not sent.
  const cursors = state.cursorsFor === filtersKey ? state.cursors : [];
  const cursor = cursors.at(-1);
  const input = { phone_number_id: phoneNumberId, ...filters, ...(cursor !== undefined ? { cursor } : {}) };
  const list = useQuery({ ...trpc.templates.list.queryOptions(input), placeholderData: keepPreviousData });

  const rows = list.data?.data ?? [];
  const groups = groupByName(rows);
  const page = cursors.length + 1;
  const first = cursors.length * state.limit + 1;
  const loaded = rows.length;
  const filtered = state.status !== "all" || state.category !== "" || "language" in filters || search !== "";

  // Changing a filter starts again at page 1 (cursors are bound to their filters).
  const setFilter = (change: Partial<ListState>) => setState((s) => ({ ...s, ...change, cursors: [] }));

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
              onChange={(e) => setFilter({ search: e.target.value })}
              aria-describedby="filter-search-hint"
              autoComplete="off"
            />
            <p className="hint" id="filter-search-hint">
              Any part of the name.
            </p>
          </div>
          <div>
            <label htmlFor="filter-status">Status</label>
            <select id="filter-status" value={state.status} onChange={(e) => setFilter({ status: e.target.value as StatusFilter })}>
              {TEMPLATE_STATUS_FILTERS.map((s) => (
                <option key={s} value={s}>
                  {s === "all" ? "All statuses" : titleCase(s)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="filter-category">Category</label>
            <select id="filter-category" value={state.category} onChange={(e) => setFilter({ category: e.target.value as ListState["category"] })}>
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
              onChange={(e) => setFilter({ language: e.target.value.trim() })}
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
            <label htmlFor="filter-limit">Per page</label>
            <select id="filter-limit" value={state.limit} onChange={(e) => setFilter({ limit: Number(e.target.value) as ListState["limit"] })}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        </div>
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
        <div className="table-wrap" aria-busy={list.isFetching}>
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
                          <a href={hrefFor({ page: "detail", phoneNumberId, name: t.name, language: undefined })}>{t.name}</a>
                          {group.rows.length > 1 && <span className="hint"> · {group.rows.length} languages</span>}
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
                      <StatusBadge status={t.status} />
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
            <button type="button" onClick={() => setState((s) => ({ ...s, cursors: cursors.slice(0, -1), cursorsFor: filtersKey }))} disabled={cursors.length === 0 || list.isFetching}>
              Previous page
            </button>
            <button
              type="button"
              onClick={() => {
                const next = list.data?.next_cursor;
                if (next) setState((s) => ({ ...s, cursors: [...cursors, next], cursorsFor: filtersKey }));
              }}
              disabled={!list.data.has_more || list.isPlaceholderData || list.isFetching}
            >
              Next page
            </button>
          </div>
        </nav>
      )}
    </>
  );
}
