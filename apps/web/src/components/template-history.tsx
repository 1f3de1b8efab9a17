import type { TTemplateEvent } from "@kirim/schema";
import { useInfiniteQuery } from "@tanstack/react-query";
import { formatDateTime, titleCase } from "../lib/format.js";
import { trpc } from "../lib/trpc.js";
import { Empty, ErrorBox, Loading } from "./states.js";

export const HISTORY_PAGE_SIZE = 20;

const SOURCE_LABELS: Record<TTemplateEvent["source"], string> = {
  create: "created here",
  sync: "sync from Meta",
  webhook: "Meta webhook",
  edit: "edited here",
  delete: "deleted here",
};

/** Meta's UPPER_SNAKE values (INVALID_FORMAT, MARKETING) in words; anything else (our sentences) as written. */
function words(value: string | null): string {
  if (value === null || value === "") return "—";
  return /^[A-Z0-9_]+$/.test(value) ? titleCase(value) : value;
}

/** What changed, in one line. */
export function describeEvent(event: TTemplateEvent): string {
  const change = `${words(event.from)} → ${words(event.to)}`;
  switch (event.kind) {
    case "status":
      if (event.from === null)
        return event.source === "create" ? `Submitted to Meta: ${words(event.to)}` : `Status: ${words(event.to)}`;
      return `Status: ${change}`;
    case "category":
      return `Category: ${change}`;
    case "category_notice":
      return `Meta announced a category change: ${change}`;
    case "quality":
      return `Quality: ${change}`;
    case "components":
      return "Content changed";
  }
}

function EventDetail({ event }: { event: TTemplateEvent }) {
  const detail = event.detail ?? {};
  const recommendation = (detail.rejection_info as { recommendation?: unknown } | undefined)?.recommendation;
  const effectiveAt =
    event.kind === "category_notice" && typeof detail.effective_at === "string" ? detail.effective_at : undefined;
  // A components event carries every component; its new body text (in `to`) says enough here.
  const rest =
    event.kind === "components"
      ? {}
      : Object.fromEntries(Object.entries(detail).filter(([key]) => key !== "effective_at"));
  return (
    <>
      {event.kind === "components" && event.to !== null && event.to !== "" && (
        <blockquote className="history-body">{event.to}</blockquote>
      )}
      {event.reason !== null && event.reason !== "" && <p className="hint">Reason: {words(event.reason)}</p>}
      {effectiveAt !== undefined && <p className="hint">Takes effect {formatDateTime(effectiveAt)}</p>}
      {typeof recommendation === "string" && recommendation !== "" && (
        <p className="hint">Meta recommends: {recommendation}</p>
      )}
      {Object.keys(rest).length > 0 && (
        <details>
          <summary>Meta’s details</summary>
          <pre className="json">{JSON.stringify(rest, null, 2)}</pre>
        </details>
      )}
    </>
  );
}

/** Every recorded change of one language of a template, newest first, a page at a time. */
export function TemplateHistory({
  phoneNumberId,
  name,
  language,
}: {
  phoneNumberId: string;
  name: string;
  language: string;
}) {
  const history = useInfiniteQuery(
    trpc.templates.events.infiniteQueryOptions(
      { phone_number_id: phoneNumberId, name, language, limit: HISTORY_PAGE_SIZE },
      { getNextPageParam: (page) => page.next_cursor ?? undefined },
    ),
  );
  const events = history.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history.isPending && <Loading>Loading history…</Loading>}
      {history.isError && !history.isFetchNextPageError && (
        <ErrorBox
          error={history.error}
          heading="The history could not be loaded"
          onRetry={() => void history.refetch()}
        />
      )}
      {history.isSuccess && events.length === 0 && <Empty>No changes recorded yet.</Empty>}
      {events.length > 0 && (
        <ol className="history" aria-label={`Changes of ${name} (${language}), newest first`}>
          {events.map((event) => (
            <li key={event.id} data-testid="history-event">
              <p className="history-head">
                <time dateTime={event.occurred_at} title={event.occurred_at}>
                  {formatDateTime(event.occurred_at)}
                </time>
                <span className="hint"> · {SOURCE_LABELS[event.source]}</span>
              </p>
              <p className="history-change">{describeEvent(event)}</p>
              <EventDetail event={event} />
            </li>
          ))}
        </ol>
      )}
      {history.isFetchNextPageError && (
        <ErrorBox
          error={history.error}
          heading="Older changes could not be loaded"
          onRetry={() => void history.fetchNextPage()}
        />
      )}
      {history.hasNextPage && !history.isFetchNextPageError && (
        <div className="actions spaced-above">
          <button type="button" onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
            {history.isFetchingNextPage ? "Loading older changes…" : "Load older changes"}
          </button>
        </div>
      )}
    </section>
  );
}
