import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { CopyButton, LifecycleActions, createCurl } from "../components/lifecycle-actions.js";
import { MetaStatusBadge, QualityBadge, StatusBadge } from "../components/status-badge.js";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { StatusBanner } from "../components/status-banner.js";
import { TemplateHistory } from "../components/template-history.js";
import { TemplatePreview } from "../components/template-preview.js";
import { TryParameters } from "../components/try-parameters.js";
import { errorCodeOf } from "../lib/errors.js";
import { formatDateTime, titleCase } from "../lib/format.js";
import { hrefFor } from "../lib/router.js";
import { trpc } from "../lib/trpc.js";

/** While Meta is still deciding (in review or appeal) the page asks again every few seconds; then it stops. */
export const PENDING_REFRESH_MS = 5_000;
export const refreshWhilePending = (query: {
  state: { data?: { meta_status: string } | undefined };
}): number | false => {
  const status = query.state.data?.meta_status;
  return status === "PENDING" || status === "IN_APPEAL" ? PENDING_REFRESH_MS : false;
};

export interface TemplateDetailProps {
  phoneNumberId: string;
  name: string;
  language: string | undefined;
  created?: boolean;
}

/** One template name: a tab per language, WhatsApp preview, Meta's status and reason, raw components, history. */
export default function TemplateDetailPage({ phoneNumberId, name, language, created = false }: TemplateDetailProps) {
  const queryClient = useQueryClient();
  // The API answers one language: the one asked for, else the name's default (its only or earliest created).
  const asked = useQuery({
    ...trpc.templates.get.queryOptions({
      phone_number_id: phoneNumberId,
      name,
      ...(language === undefined ? {} : { language }),
    }),
    refetchInterval: refreshWhilePending,
  });
  // A link to a language the name does not have (any more): show the default one and say so.
  const missingLanguage = language !== undefined && asked.isError && errorCodeOf(asked.error) === "resource_not_found";
  const fallback = useQuery({
    ...trpc.templates.get.queryOptions({ phone_number_id: phoneNumberId, name }),
    enabled: missingLanguage,
    refetchInterval: refreshWhilePending,
  });
  const query = missingLanguage ? fallback : asked;
  const refresh = () => {
    void query.refetch();
    void queryClient.invalidateQueries(trpc.templates.events.pathFilter());
  };
  const template = query.data;
  // When a refresh brings a new status, the history has a new entry too.
  const seenStatus = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (template === undefined) return;
    if (seenStatus.current !== undefined && seenStatus.current !== template.meta_status)
      void queryClient.invalidateQueries(trpc.templates.events.pathFilter());
    seenStatus.current = template.meta_status;
  }, [template, queryClient]);
  const notFound = query.isError && errorCodeOf(query.error) === "resource_not_found";

  return (
    <>
      <p className="breadcrumb">
        <a href={hrefFor({ page: "accounts" })}>Accounts</a> /{" "}
        <a href={hrefFor({ page: "list", phoneNumberId })}>Templates</a> / {name}
      </p>
      <div className="page-head">
        <h1>{name}</h1>
        <div className="actions">
          <CopyButton text={name} label="Copy the template name" />
          <button type="button" onClick={refresh} disabled={query.isFetching}>
            {query.isFetching && !query.isPending ? "Refreshing…" : "Refresh"}
          </button>
        </div>
      </div>
      {query.isPending && <Loading>Loading template…</Loading>}
      {notFound && <Empty>There is no template called “{name}” on this account.</Empty>}
      {query.isError && !notFound && <ErrorBox error={query.error} onRetry={() => void query.refetch()} />}
      {created && template !== undefined && template.meta_status === "PENDING" && (
        <div className="alert alert-ok" role="status" data-testid="created-notice">
          Submitted to Meta. The template stays <strong>pending</strong> until Meta’s review ends; this page refreshes
          by itself until then.
        </div>
      )}
      {template !== undefined && (
        <>
          {template.languages.length > 1 && (
            <nav className="tabs" aria-label="Languages">
              {template.languages.map((code) => (
                <a
                  key={code}
                  className="button"
                  href={hrefFor({ page: "detail", phoneNumberId, name, language: code })}
                  aria-current={code === template.language ? "page" : undefined}
                >
                  {code}
                </a>
              ))}
            </nav>
          )}
          <StatusBanner template={template} />
          {language !== undefined && template.language !== language && (
            <p className="alert alert-error" role="alert">
              “{name}” has no {language} version; showing {template.language}.
            </p>
          )}
          <div className="split">
            <div>
              <section className="card" aria-labelledby="status-heading">
                <h2 id="status-heading">Status</h2>
                <dl className="facts">
                  <dt>Status</dt>
                  <dd data-testid="detail-status">
                    <MetaStatusBadge metaStatus={template.meta_status} />
                  </dd>
                  {template.library_template_name !== null && (
                    <>
                      <dt>From the library</dt>
                      <dd data-testid="detail-library">
                        <code>{template.library_template_name}</code>
                      </dd>
                    </>
                  )}
                  <dt>Meta’s status</dt>
                  <dd>
                    <code>{template.meta_status}</code>
                  </dd>
                  <dt>API status</dt>
                  <dd
                    data-testid="detail-api-status"
                    title="The folded `status` Kirimdev integrations read: pending, approved or rejected"
                  >
                    <StatusBadge status={template.status} />
                  </dd>
                  <dt>Meta’s reason</dt>
                  <dd>
                    {template.rejected_reason === null || template.rejected_reason === "NONE"
                      ? "—"
                      : titleCase(template.rejected_reason)}
                  </dd>
                  <dt>Quality</dt>
                  <dd>
                    <QualityBadge score={template.quality_score} />
                  </dd>
                  <dt>Language</dt>
                  <dd>{template.language}</dd>
                  <dt>Category</dt>
                  <dd>
                    {titleCase(template.category)}
                    {template.previous_category !== null && (
                      <span className="hint"> (was {titleCase(template.previous_category)})</span>
                    )}
                  </dd>
                  <dt>Last confirmed by Meta</dt>
                  <dd>
                    {template.last_synced_at === null ? "Not yet synced" : formatDateTime(template.last_synced_at)}
                  </dd>
                  <dt>Created</dt>
                  <dd>{formatDateTime(template.created_at)}</dd>
                  <dt>Updated</dt>
                  <dd>{formatDateTime(template.updated_at)}</dd>
                  <dt>Meta template ID</dt>
                  <dd className="copy-row">
                    <code>{template.provider_template_id ?? "—"}</code>
                    {template.provider_template_id !== null && (
                      <CopyButton text={template.provider_template_id} label="Copy Meta’s template ID" />
                    )}
                  </dd>
                  <dt>ID</dt>
                  <dd className="copy-row">
                    <code>{template.id}</code>
                    <CopyButton text={template.id} label="Copy the template ID" />
                  </dd>
                </dl>
              </section>
              <LifecycleActions
                key={`${template.id}/${template.meta_status}`}
                phoneNumberId={phoneNumberId}
                template={template}
              />
              <section className="card" aria-labelledby="api-heading">
                <h2 id="api-heading">Use it from the API</h2>
                <p>
                  The create request for this template, ready for a terminal (set <code>KIRIM_API_KEY</code> first).
                  Every route is in the <a href="/docs">API reference</a>.
                </p>
                <div className="copy-row">
                  <CopyButton
                    text={createCurl(window.location.origin, phoneNumberId, template)}
                    label="Copy the create request as curl"
                  />
                </div>
                <pre className="curl" data-testid="create-curl" tabIndex={0} aria-label="Create request as curl">
                  {createCurl(window.location.origin, phoneNumberId, template)}
                </pre>
              </section>
              <details className="card json-card">
                <summary>
                  <h2>Components (JSON)</h2>
                </summary>
                <pre className="json" tabIndex={0} aria-label="Components as JSON">
                  {JSON.stringify(template.components, null, 2)}
                </pre>
              </details>
              <TemplateHistory
                key={template.id}
                phoneNumberId={phoneNumberId}
                name={name}
                language={template.language}
              />
            </div>
            <aside className="sticky" aria-label="Preview">
              <h2>Preview</h2>
              <TemplatePreview
                components={template.components}
                label={`Preview of ${template.name} (${template.language})`}
              />
              <p className="hint">Variables show the examples submitted to Meta.</p>
              <TryParameters
                key={template.id}
                phoneNumberId={phoneNumberId}
                name={name}
                language={template.language}
                components={template.components}
              />
            </aside>
          </div>
        </>
      )}
    </>
  );
}
