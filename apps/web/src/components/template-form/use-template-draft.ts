import type { TCreateTemplateRequest } from "@kirim/schema";
import type { FormEvent } from "react";
import { useEffect, useMemo, useRef, useState } from "react";
import { explainError } from "../../lib/errors.js";
import type { TemplateDraft } from "../../lib/template-draft.js";
import { assignIssues, buildRequest, emptyDraft } from "../../lib/template-draft.js";
import { clearSavedDraft, loadSavedDraft, saveDraft } from "../../lib/saved-draft.js";
import { validateDraft } from "../../lib/validate-draft.js";
import type { FieldState, Update } from "./fields.js";
import { fieldId } from "./fields.js";

/** Typing pause after which the form is validated (a keystroke only updates the draft and the preview). */
export const VALIDATE_DEBOUNCE_MS = 250;

export interface TemplateDraftOptions {
  onSubmit: (request: TCreateTemplateRequest) => void;
  submitting: boolean;
  serverError?: unknown;
  onEdit?: () => void;
  initialDraft?: TemplateDraft;
  draftKey?: string;
}

/**
 * The form's state: the draft (restored from and saved to localStorage under `draftKey`), validation after a pause
 * in typing, which errors show (touched fields, everything after a submit, the server's `param`), submit and discard.
 */
export function useTemplateDraft({
  onSubmit,
  submitting,
  serverError,
  onEdit,
  initialDraft,
  draftKey,
}: TemplateDraftOptions) {
  const [start] = useState<TemplateDraft>(() => initialDraft ?? emptyDraft());
  const [draft, setDraft] = useState<TemplateDraft>(
    () => (draftKey !== undefined ? loadSavedDraft(draftKey) : undefined) ?? start,
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [failedSubmits, setFailedSubmits] = useState(0);

  // Validation (and saving the draft) waits for a pause in typing; a submit validates at once.
  // A field first shows its errors once they are about what it holds (after the pause), never a stale "empty".
  const [validated, setValidated] = useState(draft);
  const [shownTouched, setShownTouched] = useState(touched);
  useEffect(() => {
    if (validated === draft) {
      if (shownTouched !== touched) setShownTouched(touched);
      return;
    }
    const timer = setTimeout(() => {
      setValidated(draft);
      setShownTouched(touched);
    }, VALIDATE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, validated, touched, shownTouched]);
  const validation = useMemo(() => validateDraft(validated), [validated]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(start);
  useEffect(() => {
    if (draftKey === undefined) return;
    if (JSON.stringify(validated) === JSON.stringify(start)) clearSavedDraft(draftKey);
    else saveDraft(draftKey, validated);
  }, [draftKey, validated, start]);
  useEffect(() => {
    if (!dirty || submitting) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, submitting]);
  useEffect(() => {
    if (failedSubmits > 0) summaryRef.current?.focus();
  }, [failedSubmits]);
  const previewComponents = useMemo(() => buildRequest(draft, { keepEmptyExamples: true }).request.components, [draft]);
  const server = serverError !== undefined && serverError !== null ? explainError(serverError) : undefined;
  const serverErrors = useMemo(
    () =>
      server?.param !== undefined
        ? assignIssues(validation.fields, [{ path: server.param, message: server.title }])
        : new Map<string, string[]>(),
    [server?.param, server?.title, validation.fields],
  );

  const isShown = (key: string) => submitted || [...shownTouched].some((t) => t === key || t.startsWith(`${key}.`));
  const errorsFor = (key: string): string[] => [
    ...(isShown(key) ? (validation.errors.get(key) ?? []) : []),
    ...(serverErrors.get(key) ?? []),
  ];
  const touch = (key: string) =>
    setTouched((prev) => {
      if (prev.has(key)) return prev;
      const next = new Set(prev);
      next.add(key);
      return next;
    });

  const update: Update = (key, change) => {
    setDraft(change);
    touch(key);
    onEdit?.();
  };
  const formErrors = submitted ? (validation.errors.get("form") ?? []) : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setValidated(draft);
    const now = validateDraft(draft);
    if (now.request !== undefined) {
      onSubmit(now.request);
      return;
    }
    setFailedSubmits((n) => n + 1);
  };
  const focusField = (key: string) => {
    const target =
      formRef.current?.querySelector<HTMLElement>(`#${fieldId(key)}`) ??
      formRef.current?.querySelector<HTMLElement>(`[data-field="${key}"]`);
    target?.focus();
  };
  // Every problem, in form order, for the summary shown after a failed submit.
  const summary = submitted
    ? [...new Set([...validation.fields.map((f) => f.key), ...validation.errors.keys()])].flatMap((key) =>
        (validation.errors.get(key) ?? []).map((message) => ({ key, message })),
      )
    : [];

  /** Back to the starting draft, forgetting the saved copy, what was touched and the submit. */
  const discard = () => {
    if (draftKey !== undefined) clearSavedDraft(draftKey);
    setDraft(start);
    setValidated(start);
    setTouched(new Set());
    setSubmitted(false);
  };

  const fields: FieldState = { errorsFor, touch };
  return {
    draft,
    dirty,
    fields,
    update,
    submitted,
    summary,
    formErrors,
    server,
    previewComponents,
    submit,
    focusField,
    discard,
    formRef,
    summaryRef,
  };
}
