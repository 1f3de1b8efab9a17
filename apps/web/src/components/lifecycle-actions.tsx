import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { TTemplateByName } from "@kirim/schema";
import { useRef, useState } from "react";
import { editRulesFor } from "../lib/edit-rules.js";
import type { EditRules } from "../lib/edit-rules.js";
import { explainError } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { hrefFor, navigate } from "../lib/router.js";
import { trpc } from "../lib/trpc.js";

/** Meta's rules for an edit, said before the user starts: whether it can be edited, what is fixed, edits left. */
export function EditRulesNotice({ rules }: { rules: EditRules }) {
  return (
    <div className={`alert${rules.editable ? "" : " alert-error"}`} data-testid="edit-rules">
      <p>{rules.summary}</p>
      {rules.quota !== undefined && (
        <p data-testid="edits-left">
          Edits left: <strong>{rules.quota.left}</strong> now, {rules.quota.leftIn30Days} of 10 in the last 30 days
          {rules.quota.nextAt !== undefined && (
            <> — the next edit is possible from {formatDateTime(rules.quota.nextAt.toISOString())}</>
          )}
          .
        </p>
      )}
    </div>
  );
}

/** Copies `text`; says so for screen readers and sighted users alike. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      className="small"
      aria-label={label}
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}
    </button>
  );
}

/** A single-quoted shell word (`'` → `'\''`). */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The create request of this template as a ready curl (the key from the environment, never the session's). */
export function createCurl(
  origin: string,
  phoneNumberId: string,
  template: Pick<TTemplateByName, "name" | "language" | "category" | "components">,
): string {
  const body = {
    name: template.name,
    language: template.language,
    category: template.category,
    components: template.components,
  };
  return [
    `curl -X POST ${shellQuote(`${origin}/v1/${phoneNumberId}/templates`)} \\`,
    `  -H "Authorization: Bearer $KIRIM_API_KEY" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify(body, null, 2))}`,
  ].join("\n");
}

/** Edit, duplicate, add language and delete for one language version, with Meta's rules said up front. */
export function LifecycleActions({ phoneNumberId, template }: { phoneNumberId: string; template: TTemplateByName }) {
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [scope, setScope] = useState<"language" | "all">(template.languages.length > 1 ? "language" : "all");
  const events = useQuery(
    trpc.templates.events.queryOptions({
      phone_number_id: phoneNumberId,
      name: template.name,
      language: template.language,
      limit: 100,
    }),
  );
  const rules = events.data === undefined ? undefined : editRulesFor(template.meta_status, events.data.data);
  const remove = useMutation(
    trpc.templates.delete.mutationOptions({
      onSuccess: async () => {
        dialog.current?.close();
        await queryClient.invalidateQueries(trpc.templates.pathFilter());
        const left = scope === "language" ? template.languages.filter((l) => l !== template.language) : [];
        navigate(
          left[0] === undefined
            ? { page: "list", phoneNumberId }
            : { page: "detail", phoneNumberId, name: template.name, language: left[0] },
        );
      },
    }),
  );
  const approved = template.meta_status === "APPROVED";
  const failure = remove.error === null ? undefined : explainError(remove.error);

  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <div className="detail-actions">
        {rules?.editable === false ? (
          <button type="button" disabled aria-describedby="edit-rules-summary">
            Edit
          </button>
        ) : (
          <a
            className="button"
            href={hrefFor({ page: "edit", phoneNumberId, name: template.name, language: template.language })}
          >
            Edit
          </a>
        )}
        <a
          className="button"
          href={hrefFor({
            page: "create",
            phoneNumberId,
            from: { name: template.name, language: template.language, as: "duplicate" },
          })}
        >
          Duplicate
        </a>
        <a
          className="button"
          href={hrefFor({
            page: "create",
            phoneNumberId,
            from: { name: template.name, language: template.language, as: "language" },
          })}
        >
          Add language
        </a>
        <button
          type="button"
          className="danger"
          onClick={() => {
            remove.reset();
            dialog.current?.showModal();
          }}
        >
          Delete…
        </button>
      </div>
      <div id="edit-rules-summary">{rules !== undefined && <EditRulesNotice rules={rules} />}</div>
      <dialog ref={dialog} className="confirm" aria-labelledby="delete-heading" data-testid="delete-dialog">
        <h2 id="delete-heading">Delete {template.name}?</h2>
        {template.languages.length > 1 && (
          <fieldset>
            <legend>What to delete</legend>
            <label className="check">
              <input
                type="radio"
                name="delete-scope"
                checked={scope === "language"}
                onChange={() => setScope("language")}
              />
              Only the {template.language} version
            </label>
            <label className="check">
              <input type="radio" name="delete-scope" checked={scope === "all"} onChange={() => setScope("all")} />
              Every language ({template.languages.join(", ")})
            </label>
          </fieldset>
        )}
        <p>Meta deletes it for good; messages using it can no longer be sent.</p>
        {approved && (
          <p className="alert alert-error" data-testid="name-lock-warning">
            This template is approved: Meta will not let you create <strong>{template.name}</strong> in{" "}
            {template.language} again for 30 days.
          </p>
        )}
        {failure !== undefined && (
          <p className="alert alert-error" role="alert">
            {failure.title}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() =>
              remove.mutate({
                phone_number_id: phoneNumberId,
                name: template.name,
                ...(scope === "language" ? { language: template.language } : {}),
              })
            }
          >
            {remove.isPending ? "Deleting…" : "Delete"}
          </button>
        </div>
      </dialog>
    </section>
  );
}
