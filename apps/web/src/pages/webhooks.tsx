import type { TWebhookDeliveryAttempt, TWebhookEventType, TWebhookSubscription } from "@kirim/schema";
import { WEBHOOK_EVENT_TYPES } from "@kirim/schema";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import type { FormEvent } from "react";
import { Empty, ErrorBox, Loading } from "../components/states.js";
import { trpc } from "../lib/trpc.js";

/**
 * Outbound webhooks (issue 17): the organisation's subscriptions, each with its delivery log. A signing secret is
 * only ever in the answer of create and rotateSecret, so it is shown once, right after, and never again.
 */
const LIST_INPUT = { limit: 100 };
const LOG_PAGE = 20;

const DISABLED_WORDS: Record<string, string> = {
  endpoint_gone: "the endpoint answered 410 Gone",
  consecutive_failures: "too many deliveries in a row failed",
};

export default function WebhooksPage() {
  const subscriptions = useQuery(trpc.webhooks.list.queryOptions(LIST_INPUT));
  const [secret, setSecret] = useState<{ subscriptionId: string; secret: string; rotated: boolean } | null>(null);
  return (
    <>
      <div className="page-head">
        <h1>Webhooks</h1>
      </div>
      <p className="hint">
        We POST template events to these URLs, signed the Standard Webhooks way with each subscription’s secret.
      </p>
      {secret !== null && <SecretOnce {...secret} onDone={() => setSecret(null)} />}
      <CreateSubscription
        onCreated={(s) =>
          s.secret !== undefined && setSecret({ subscriptionId: s.id, secret: s.secret, rotated: false })
        }
      />
      <h2>Subscriptions</h2>
      {subscriptions.isPending && <Loading>Loading subscriptions…</Loading>}
      {subscriptions.isError && <ErrorBox error={subscriptions.error} onRetry={() => void subscriptions.refetch()} />}
      {subscriptions.isSuccess && subscriptions.data.data.length === 0 && (
        <Empty>No webhook subscription yet. Create one above.</Empty>
      )}
      {subscriptions.isSuccess && subscriptions.data.data.length > 0 && (
        <ul className="account-list" aria-label="Webhook subscriptions">
          {subscriptions.data.data.map((s) => (
            <SubscriptionCard
              key={s.id}
              subscription={s}
              onRotated={(secretValue) => setSecret({ subscriptionId: s.id, secret: secretValue, rotated: true })}
            />
          ))}
        </ul>
      )}
    </>
  );
}

/** The signing secret, once: there is no way to read it again, so the notice says to store it now. */
function SecretOnce({
  subscriptionId,
  secret,
  rotated,
  onDone,
}: {
  subscriptionId: string;
  secret: string;
  rotated: boolean;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(secret).then(
      () => setCopied("yes"),
      () => setCopied("no"),
    );
  };
  return (
    <section className="alert alert-success" aria-labelledby="secret-heading" data-testid="secret-once">
      <h2 id="secret-heading">{rotated ? "New signing secret" : "Signing secret"}</h2>
      <p>
        <strong>Store it now: it is shown only this once.</strong> Use it to verify the <code>webhook-signature</code>{" "}
        header of subscription <code>{subscriptionId}</code>.
      </p>
      {rotated && (
        <p>The old secret stays valid for 24 hours, so receivers can switch over without missing an event.</p>
      )}
      <p>
        <code data-testid="secret-value">{secret}</code>
      </p>
      <div className="actions">
        <button type="button" onClick={copy}>
          Copy secret
        </button>
        <button type="button" onClick={onDone}>
          I have stored it
        </button>
        <span role="status">
          {copied === "yes"
            ? "Copied."
            : copied === "no"
              ? "Could not copy: select the secret and copy it by hand."
              : ""}
        </span>
      </div>
    </section>
  );
}

function CreateSubscription({ onCreated }: { onCreated: (subscription: TWebhookSubscription) => void }) {
  const queryClient = useQueryClient();
  const formId = useId();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<TWebhookEventType[]>([]);
  const [phoneNumberIds, setPhoneNumberIds] = useState("");
  const [description, setDescription] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (subscription) => {
        setUrl("");
        setEvents([]);
        setPhoneNumberIds("");
        setDescription("");
        onCreated(subscription);
        void queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (events.length === 0) return setProblem("Pick at least one event.");
    setProblem(null);
    const ids = phoneNumberIds.split(/[\s,]+/).filter((id) => id !== "");
    create.mutate({
      url: url.trim(),
      events,
      phone_number_ids: ids.length > 0 ? ids : null,
      description: description.trim() === "" ? null : description.trim(),
    });
  };
  return (
    <section className="card" aria-labelledby={`${formId}-h`}>
      <h2 id={`${formId}-h`}>New subscription</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor={`${formId}-url`}>Endpoint URL</label>
        <input
          id={`${formId}-url`}
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.com/hooks/kirim"
        />
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="check">
              <input
                type="checkbox"
                checked={events.includes(type)}
                onChange={(e) =>
                  setEvents((now) => (e.target.checked ? [...now, type] : now.filter((t) => t !== type)))
                }
              />{" "}
              {type}
            </label>
          ))}
        </fieldset>
        <label htmlFor={`${formId}-pnids`}>Only these phone number IDs (optional, comma separated)</label>
        <input
          id={`${formId}-pnids`}
          value={phoneNumberIds}
          onChange={(e) => setPhoneNumberIds(e.target.value)}
          inputMode="numeric"
        />
        <label htmlFor={`${formId}-desc`}>Description (optional)</label>
        <input
          id={`${formId}-desc`}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          maxLength={500}
        />
        {problem !== null && (
          <p className="alert alert-error" role="alert">
            {problem}
          </p>
        )}
        {create.isError && <ErrorBox error={create.error} heading="The subscription was not created." />}
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create subscription"}
          </button>
        </div>
      </form>
    </section>
  );
}

function SubscriptionCard({
  subscription: s,
  onRotated,
}: {
  subscription: TWebhookSubscription;
  onRotated: (secret: string) => void;
}) {
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey() });
  };
  const [notice, setNotice] = useState<string | null>(null);
  const [testEventId, setTestEventId] = useState<string | null>(null);
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh }));
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: (answer) => {
        if (answer.secret !== undefined) onRotated(answer.secret);
        refresh();
      },
    }),
  );
  const sendTest = useMutation(
    trpc.webhooks.sendTest.mutationOptions({
      onSuccess: (answer) => {
        setNotice(`Test event ${answer.event_id} queued; it appears in the delivery log once sent.`);
        setTestEventId(answer.event_id);
        refresh();
      },
    }),
  );
  const failed = [update, remove, rotate, sendTest].find((m) => m.isError);
  const label = s.description ?? s.url;
  const onDelete = () => {
    if (window.confirm(`Delete the subscription to ${s.url}? Events stop at once and its delivery log is gone.`))
      remove.mutate({ id: s.id });
  };
  return (
    <li className="card" data-testid="webhook-subscription">
      <h3>{label}</h3>
      <dl className="facts">
        <dt>URL</dt>
        <dd>
          <code>{s.url}</code>
        </dd>
        <dt>Events</dt>
        <dd>{s.events.join(", ")}</dd>
        <dt>State</dt>
        <dd data-testid="webhook-state">
          {s.enabled
            ? "Enabled"
            : `Disabled${s.disabled_reason !== null ? `: ${DISABLED_WORDS[s.disabled_reason] ?? s.disabled_reason}` : ""}`}
        </dd>
        {s.phone_number_ids !== null && (
          <>
            <dt>Phone number IDs</dt>
            <dd>{s.phone_number_ids.join(", ")}</dd>
          </>
        )}
        <dt>Description</dt>
        <dd>{s.description ?? "—"}</dd>
        <dt>ID</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
      </dl>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => sendTest.mutate({ id: s.id })}
          disabled={sendTest.isPending}
        >
          Send test<span className="visually-hidden"> to {label}</span>
        </button>
        <button
          type="button"
          onClick={() => update.mutate({ id: s.id, update: { enabled: !s.enabled } })}
          disabled={update.isPending}
        >
          {s.enabled ? "Disable" : "Enable"}
          <span className="visually-hidden"> {label}</span>
        </button>
        <button type="button" onClick={() => rotate.mutate({ id: s.id })} disabled={rotate.isPending}>
          Rotate secret<span className="visually-hidden"> of {label}</span>
        </button>
        <button type="button" className="danger" onClick={onDelete} disabled={remove.isPending}>
          Delete<span className="visually-hidden"> {label}</span>
        </button>
      </div>
      {notice !== null && <p role="status">{notice}</p>}
      {failed !== undefined && <ErrorBox error={failed.error} />}
      <DeliveryLog subscriptionId={s.id} enabled={s.enabled} awaitedEventId={testEventId} />
    </li>
  );
}

const fmtTime = (iso: string) => new Date(iso).toLocaleString();

function DeliveryLog({
  subscriptionId,
  enabled,
  awaitedEventId,
}: {
  subscriptionId: string;
  enabled: boolean;
  awaitedEventId: string | null;
}) {
  const queryClient = useQueryClient();
  // Cursors of the pages seen so far: index 0 is the first page (no cursor).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const input = { id: subscriptionId, limit: LOG_PAGE, ...(cursor !== undefined ? { cursor } : {}) };
  // A redelivered event already has attempts: only an attempt not on the page when it was requeued counts. (Not a
  // time cut-off: the browser's clock is not the server's, and the previous attempt may be a moment old.)
  const [redelivered, setRedelivered] = useState<{ eventIds: string[]; seenAttemptIds: ReadonlySet<string> }>({
    eventIds: [],
    seenAttemptIds: new Set(),
  });
  const awaited = [...(awaitedEventId !== null ? [awaitedEventId] : []), ...redelivered.eventIds];
  const log = useQuery({
    ...trpc.webhooks.deliveries.queryOptions(input),
    // Tests and redeliveries are sent in the background: on the first page, look again (every second) until each
    // queued event has an attempt newer than the request.
    refetchInterval: (query) => {
      const rows = query.state.data?.data ?? [];
      if (cursor !== undefined) return false;
      const waiting = awaited.some(
        (eventId) => !rows.some((a) => a.event_id === eventId && !redelivered.seenAttemptIds.has(a.id)),
      );
      // Enabled again, the event held by the disabling attempt goes out by itself.
      const held = enabled && rows[0]?.outcome === "subscription_disabled";
      return waiting || held || rows.some((a) => a.outcome === "retrying") ? 1_000 : false;
    },
  });
  const [since, setSince] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: (answer) => {
        setRedelivered({
          eventIds: answer.event_ids,
          seenAttemptIds: new Set((log.data?.data ?? []).map((a) => a.id)),
        });
        setResult(
          answer.queued === 0
            ? "No failed event to send again."
            : `${answer.queued} event${answer.queued === 1 ? "" : "s"} queued for redelivery.`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey() });
      },
    }),
  );
  const sinceId = useId();
  const headingId = useId();
  const rows = log.data?.data ?? [];
  // A delivery can change the subscription (a 410 or too many failures disable it): reload it on each new attempt.
  const newestAttemptId = cursor === undefined ? rows[0]?.id : undefined;
  useEffect(() => {
    if (newestAttemptId !== undefined) void queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  }, [newestAttemptId, queryClient]);
  return (
    <section aria-labelledby={headingId}>
      <h4 id={headingId}>Delivery log</h4>
      {log.isPending && <Loading>Loading deliveries…</Loading>}
      {log.isError && <ErrorBox error={log.error} onRetry={() => void log.refetch()} />}
      {log.isSuccess && rows.length === 0 && (
        <Empty>Nothing delivered yet. Press “Send test” to try the endpoint.</Empty>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="delivery-log">
            <caption className="visually-hidden">Delivery attempts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">Error</th>
                <th scope="col">Next retry</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <AttemptRow
                  key={a.id}
                  attempt={a}
                  onRedeliver={() => redeliver.mutate({ id: subscriptionId, redeliver: { event_id: a.event_id } })}
                  busy={redeliver.isPending}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))} disabled={cursors.length === 1}>
          Newer deliveries
        </button>
        <button
          type="button"
          onClick={() => {
            const next = log.data?.next_cursor;
            if (next != null) setCursors((c) => [...c, next]);
          }}
          disabled={log.data?.has_more !== true}
        >
          Older deliveries
        </button>
      </div>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (since === "") return;
          redeliver.mutate({ id: subscriptionId, redeliver: { since: new Date(since).toISOString() } });
        }}
      >
        <label htmlFor={sinceId}>Redeliver all failed since</label>
        <input id={sinceId} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required />
        <button type="submit" disabled={since === "" || redeliver.isPending}>
          Redeliver all failed
        </button>
      </form>
      {result !== null && <p role="status">{result}</p>}
      {redeliver.isError && <ErrorBox error={redeliver.error} heading="Nothing was redelivered." />}
    </section>
  );
}

/**
 * Failed (out of retries) and delivered events may be sent again; a retrying one is still queued, and the attempt
 * that disabled the subscription is held and goes out again by itself once the subscription is enabled.
 */
function AttemptRow({
  attempt: a,
  onRedeliver,
  busy,
}: {
  attempt: TWebhookDeliveryAttempt;
  onRedeliver: () => void;
  busy: boolean;
}) {
  const redeliverable = a.outcome === "failed" || a.outcome === "delivered";
  return (
    <tr data-testid="delivery-row" data-outcome={a.outcome}>
      <td data-label="Event">
        <code>{a.event_type}</code>
        <br />
        <span className="hint">{a.event_id}</span>
      </td>
      <td data-label="Attempt">{a.attempt}</td>
      <td data-label="Time">{fmtTime(a.attempted_at)}</td>
      <td data-label="Status" data-testid="delivery-status">
        {a.status_code ?? "no answer"}
      </td>
      <td data-label="Latency">{a.latency_ms} ms</td>
      <td data-label="Error">{a.error ?? "—"}</td>
      <td data-label="Next retry">{a.next_retry_at !== null ? fmtTime(a.next_retry_at) : "—"}</td>
      <td>
        {redeliverable && (
          <button type="button" onClick={onRedeliver} disabled={busy}>
            Redeliver<span className="visually-hidden"> event {a.event_id}</span>
          </button>
        )}
        {a.outcome === "subscription_disabled" && (
          <span className="hint">Held: sent again when the subscription is enabled.</span>
        )}
        {a.outcome === "retrying" && <span className="hint">Retrying</span>}
      </td>
    </tr>
  );
}
