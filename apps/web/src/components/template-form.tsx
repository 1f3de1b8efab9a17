import type { TCreateTemplateRequest } from "@kirim/schema";
import { BUTTON_TYPES, HEADER_FORMATS, META_TEMPLATE_LIMITS, OTP_TYPES, TEMPLATE_CATEGORIES } from "@kirim/schema";
import type { FormEvent, ReactNode } from "react";
import { createContext, useContext, useEffect, useMemo, useRef, useState } from "react";
import { explainError } from "../lib/errors.js";
import type { ButtonDraft, ButtonType, CardDraft, Category, FlowRef, HeaderFormat, OtpType, TemplateDraft } from "../lib/template-draft.js";
import { assignIssues, buildRequest, buttonTypesFor, emptyDraft, newButton, newCard, newId, variablesOf } from "../lib/template-draft.js";
import { clearSavedDraft, loadSavedDraft, saveDraft } from "../lib/saved-draft.js";
import { validateDraft } from "../lib/validate-draft.js";
import { MediaPicker } from "./media-sample.js";
import type { LocalMedia } from "./media-sample.js";
import { ErrorBox } from "./states.js";
import { TemplatePreview } from "./template-preview.js";

export interface TemplateFormProps {
  onSubmit: (request: TCreateTemplateRequest) => void;
  submitting?: boolean;
  /** The last failed submit (a TRPCClientError); its `param` is shown beside the field it names. */
  serverError?: unknown;
  /** Called on every edit (the page clears a stale server error with it). */
  onEdit?: () => void;
  initialDraft?: TemplateDraft;
  /** Where the draft is kept across reloads (localStorage); unset → not kept. */
  draftKey?: string;
  /** Fields the mode fixes (edit: name, language, maybe category; add language: name, category). */
  locked?: readonly ("name" | "language" | "category")[];
  submitLabel?: string;
  formLabel?: string;
  /** Uploads a media header's sample file and answers Meta's handle; without it there is no file picker. */
  uploadSample?: (file: File) => Promise<{ handle: string }>;
}

/** Typing pause after which the form is validated (a keystroke only updates the draft and the preview). */
export const VALIDATE_DEBOUNCE_MS = 250;

const BUTTON_LABELS: Record<ButtonType, string> = {
  QUICK_REPLY: "Quick reply",
  URL: "Visit website (URL)",
  PHONE_NUMBER: "Call phone number",
  COPY_CODE: "Copy offer code",
  OTP: "One-time password",
  VOICE_CALL: "Call on WhatsApp",
  FLOW: "Open a WhatsApp Flow",
  CATALOG: "View catalog",
  MPM: "View items (multi-product)",
  SPM: "View product (single product)",
};
const HEADER_LABELS: Record<HeaderFormat, string> = {
  TEXT: "Text",
  IMAGE: "Image",
  VIDEO: "Video",
  DOCUMENT: "Document",
  LOCATION: "Location",
  PRODUCT: "Product (single-product message)",
};
const OTP_LABELS: Record<OtpType, string> = { COPY_CODE: "Copy code", ONE_TAP: "One-tap autofill", ZERO_TAP: "Zero-tap" };

export const fieldId = (key: string): string => `f-${key.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

interface FieldState {
  errorsFor: (key: string) => string[];
  touch: (key: string) => void;
}
const FieldContext = createContext<FieldState>({ errorsFor: () => [], touch: () => undefined });

interface InputProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
  onBlur: () => void;
}

/** A labelled input with its errors right beneath it (announced and linked with aria-describedby). */
function Field({
  k,
  label,
  hint,
  count,
  children,
}: {
  k: string;
  label: string;
  hint?: string;
  /** A limited text: its value and limit, counted as Meta counts (code points). */
  count?: { value: string; limit: number };
  children: (props: InputProps) => ReactNode;
}) {
  const { errorsFor, touch } = useContext(FieldContext);
  const errors = errorsFor(k);
  const id = fieldId(k);
  const describedBy = [hint !== undefined ? `${id}-hint` : undefined, count !== undefined ? `${id}-count` : undefined, errors.length > 0 ? `${id}-error` : undefined]
    .filter(Boolean)
    .join(" ");
  const used = count === undefined ? 0 : [...count.value].length;
  return (
    <div className="field" data-invalid={errors.length > 0} data-field={k}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": errors.length > 0, "aria-describedby": describedBy || undefined, onBlur: () => touch(k) })}
      {(hint !== undefined || count !== undefined) && (
        <div className="field-foot">
          {hint !== undefined && (
            <p className="hint" id={`${id}-hint`}>
              {hint}
            </p>
          )}
          {count !== undefined && (
            <span className="counter" id={`${id}-count`} data-testid={`count-${k}`} data-over={used > count.limit} aria-label={`${used} of ${count.limit} characters`}>
              {used}/{count.limit}
            </span>
          )}
        </div>
      )}
      <FieldErrors k={k} errors={errors} />
    </div>
  );
}

function FieldErrors({ k, errors }: { k: string; errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <div className="field-error" id={`${fieldId(k)}-error`} data-error-for={k} role="alert">
      {errors.map((message) => (
        <p key={message}>
          {message}
        </p>
      ))}
    </div>
  );
}

/** Errors that belong to a whole section (e.g. "exactly one BODY", a missing example) rather than one input. */
function SectionErrors({ k }: { k: string }) {
  const { errorsFor } = useContext(FieldContext);
  return <FieldErrors k={k} errors={errorsFor(k)} />;
}

export function TemplateForm({ onSubmit, submitting = false, serverError, onEdit, initialDraft, draftKey, locked = [], submitLabel, formLabel, uploadSample }: TemplateFormProps) {
  const [start] = useState<TemplateDraft>(() => initialDraft ?? emptyDraft());
  const [draft, setDraft] = useState<TemplateDraft>(() => (draftKey !== undefined ? loadSavedDraft(draftKey) : undefined) ?? start);
  const [localMedia, setLocalMedia] = useState<LocalMedia | undefined>(undefined);
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [newButtonType, setNewButtonType] = useState<ButtonType>("QUICK_REPLY");
  const formRef = useRef<HTMLFormElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const previewRef = useRef<HTMLElement>(null);
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
    () => (server?.param !== undefined ? assignIssues(validation.fields, [{ path: server.param, message: server.title }]) : new Map<string, string[]>()),
    [server?.param, server?.title, validation.fields],
  );

  const isShown = (key: string) => submitted || [...shownTouched].some((t) => t === key || t.startsWith(`${key}.`));
  const errorsFor = (key: string): string[] => [...(isShown(key) ? (validation.errors.get(key) ?? []) : []), ...(serverErrors.get(key) ?? [])];
  const touch = (key: string) =>
    setTouched((prev) => {
      if (prev.has(key)) return prev;
      const next = new Set(prev);
      next.add(key);
      return next;
    });

  const update = (key: string, change: (d: TemplateDraft) => TemplateDraft) => {
    setDraft(change);
    touch(key);
    onEdit?.();
  };
  const updateButton = (id: string, key: string, change: Partial<ButtonDraft>) =>
    update(`button.${id}.${key}`, (d) => ({ ...d, buttons: d.buttons.map((b) => (b.id === id ? { ...b, ...change } : b)) }));

  const allowedButtons = buttonTypesFor(draft.category, BUTTON_TYPES);
  const auth = draft.category === "AUTHENTICATION";
  const bodyVars = variablesOf(draft.body.text);
  const headerVars = draft.header.format === "TEXT" ? variablesOf(draft.header.text) : { keys: [], named: false };
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
    const target = formRef.current?.querySelector<HTMLElement>(`#${fieldId(key)}`) ?? formRef.current?.querySelector<HTMLElement>(`[data-field="${key}"]`);
    target?.focus();
  };
  // Every problem, in form order, for the summary shown after a failed submit.
  const summary = submitted
    ? [...new Set([...validation.fields.map((f) => f.key), ...validation.errors.keys()])].flatMap((key) => (validation.errors.get(key) ?? []).map((message) => ({ key, message })))
    : [];

  const addVariable = () =>
    update("body.text", (d) => {
      const { keys, named } = variablesOf(d.body.text);
      const next = named ? `{{variable_${letterSuffix(keys.length + 1)}}}` : `{{${keys.length + 1}}}`;
      return { ...d, body: { ...d.body, text: `${d.body.text}${d.body.text.endsWith(" ") || d.body.text === "" ? "" : " "}${next}` } };
    });

  const moveButton = (index: number, by: -1 | 1) =>
    update("buttons", (d) => {
      const buttons = [...d.buttons];
      const [moved] = buttons.splice(index, 1);
      if (moved !== undefined) buttons.splice(index + by, 0, moved);
      return { ...d, buttons };
    });

  return (
    <FieldContext.Provider value={{ errorsFor, touch }}>
      <div className="split split-form">
        {/* Phones: the preview sits below the form, one tap away. */}
        <button
          type="button"
          className="preview-jump"
          onClick={() => {
            previewRef.current?.scrollIntoView({ block: "start" });
            previewRef.current?.focus({ preventScroll: true });
          }}
        >
          Show preview
        </button>
        <form ref={formRef} onSubmit={submit} noValidate aria-label={formLabel ?? "Create template"}>
          {summary.length > 0 && (
            <div className="alert alert-error error-summary" ref={summaryRef} tabIndex={-1} role="alert" aria-labelledby="error-summary-title" data-testid="error-summary">
              <h2 id="error-summary-title">
                {summary.length === 1 ? "1 problem to fix" : `${summary.length} problems to fix`} before submitting
              </h2>
              <ul>
                {summary.map(({ key, message }) => (
                  <li key={`${key}:${message}`}>
                    <button type="button" className="link-button" onClick={() => focusField(key)}>
                      {message}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <fieldset>
            <legend>Template</legend>
            <Field k="name" label="Name" hint="Lower-case letters, digits and underscores, e.g. order_update." count={{ value: draft.name, limit: 512 }}>
              {(p) => <input {...p} value={draft.name} readOnly={locked.includes("name")} autoComplete="off" spellCheck={false} onChange={(e) => update("name", (d) => ({ ...d, name: e.target.value }))} />}
            </Field>
            <div className="row">
              <Field k="language" label="Language" hint="e.g. en, id, en_US">
                {(p) => (
                  <>
                    <input {...p} value={draft.language} readOnly={locked.includes("language")} list="language-codes" autoComplete="off" onChange={(e) => update("language", (d) => ({ ...d, language: e.target.value }))} />
                    <datalist id="language-codes">
                      {["en", "en_US", "en_GB", "id", "ms", "pt_BR", "es", "es_MX", "fr", "de", "it", "nl", "ar", "hi", "th", "vi", "fil"].map((code) => (
                        <option key={code} value={code} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <Field k="category" label="Category">
                {(p) => (
                  <select
                    {...p}
                    value={draft.category}
                    disabled={locked.includes("category")}
                    onChange={(e) => {
                      const category = e.target.value as Category;
                      update("category", (d) => ({
                        ...d,
                        category,
                        // Keep only the buttons that exist in the new category.
                        buttons: d.buttons.filter((b) => buttonTypesFor(category, BUTTON_TYPES).includes(b.type)),
                      }));
                      setNewButtonType(buttonTypesFor(category, BUTTON_TYPES)[0] ?? "QUICK_REPLY");
                    }}
                  >
                    {TEMPLATE_CATEGORIES.map((c) => (
                      <option key={c} value={c}>
                        {c.charAt(0) + c.slice(1).toLowerCase()}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          </fieldset>

          <fieldset data-field="header" id={fieldId("header")} tabIndex={-1}>
            <legend>Header</legend>
            {auth ? (
              <p className="hint">Authentication templates have no header.</p>
            ) : (
              <>
                <label className="check">
                  <input type="checkbox" checked={draft.header.enabled} onChange={(e) => update("header", (d) => ({ ...d, header: { ...d.header, enabled: e.target.checked } }))} />
                  Add a header
                </label>
                {draft.header.enabled && (
                  <>
                    <Field k="header.format" label="Header type">
                      {(p) => (
                        <select {...p} value={draft.header.format} onChange={(e) => update("header.format", (d) => ({ ...d, header: { ...d.header, format: e.target.value as HeaderFormat } }))}>
                          {HEADER_FORMATS.map((f) => (
                            <option key={f} value={f}>
                              {HEADER_LABELS[f]}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    {draft.header.format === "TEXT" && (
                      <>
                        <Field k="header.text" label="Header text" hint="At most one variable, e.g. Order {{1}}." count={{ value: draft.header.text, limit: META_TEMPLATE_LIMITS.headerTextLength }}>
                          {(p) => <input {...p} value={draft.header.text} onChange={(e) => update("header.text", (d) => ({ ...d, header: { ...d.header, text: e.target.value } }))} />}
                        </Field>
                        {headerVars.keys[0] !== undefined && (
                          <Field k="header.example" label={`Example for {{${headerVars.keys[0]}}} in the header`}>
                            {(p) => <input {...p} value={draft.header.example} onChange={(e) => update("header.example", (d) => ({ ...d, header: { ...d.header, example: e.target.value } }))} />}
                          </Field>
                        )}
                      </>
                    )}
                    {(draft.header.format === "IMAGE" || draft.header.format === "VIDEO" || draft.header.format === "DOCUMENT") && (
                      <Field k="header.media" label={`Sample ${HEADER_LABELS[draft.header.format].toLowerCase()}: public https:// URL or Meta media handle`} hint="The server downloads the URL and uploads it to Meta for the review.">
                        {(p) => <input {...p} value={draft.header.mediaSample} inputMode="url" onChange={(e) => update("header.media", (d) => ({ ...d, header: { ...d.header, mediaSample: e.target.value } }))} />}
                      </Field>
                    )}
                    {uploadSample !== undefined && (draft.header.format === "IMAGE" || draft.header.format === "VIDEO" || draft.header.format === "DOCUMENT") && (
                      <MediaPicker
                        key={draft.header.format}
                        format={draft.header.format}
                        upload={uploadSample}
                        onUploaded={(media) => {
                          setLocalMedia(media);
                          update("header.media", (d) => ({ ...d, header: { ...d.header, mediaSample: media.handle } }));
                        }}
                      />
                    )}
                    {draft.header.format === "LOCATION" && <p className="hint">The location is chosen when the message is sent.</p>}
                    {draft.header.format === "PRODUCT" && <p className="hint">The product (image, title, price) is chosen from your catalog when the message is sent; add a “View product” button.</p>}
                  </>
                )}
              </>
            )}
            <SectionErrors k="header" />
          </fieldset>

          <fieldset data-field="body" id={fieldId("body")} tabIndex={-1}>
            <legend>Body</legend>
            {auth ? (
              <>
                <p className="hint">WhatsApp writes the body of an authentication template: “&lt;code&gt; is your verification code.”</p>
                <Field k="body.security" label="Security recommendation">
                  {(p) => (
                    <label className="check">
                      <input {...p} type="checkbox" checked={draft.body.addSecurityRecommendation} onChange={(e) => update("body.security", (d) => ({ ...d, body: { ...d.body, addSecurityRecommendation: e.target.checked } }))} />
                      Add “For your security, do not share this code.”
                    </label>
                  )}
                </Field>
              </>
            ) : (
              <>
                <Field
                  k="body.text"
                  label="Body text"
                  hint="Variables: {{1}}, {{2}}… in order, or named ones like {{first_name}}. *bold*, _italic_, ~strike~, ```mono```."
                  count={{ value: draft.body.text, limit: META_TEMPLATE_LIMITS.bodyTextLength }}
                >
                  {(p) => <textarea {...p} value={draft.body.text} onChange={(e) => update("body.text", (d) => ({ ...d, body: { ...d.body, text: e.target.value } }))} />}
                </Field>
                <div className="actions spaced-below">
                  <button type="button" onClick={addVariable}>
                    Add variable
                  </button>
                </div>
                {bodyVars.keys.length > 0 && (
                  <div data-field="body.examples" id={fieldId("body.examples")} tabIndex={-1}>
                    <h2 className="sub-heading">Examples for Meta’s review</h2>
                    <div className="row">
                      {bodyVars.keys.map((key) => (
                        <Field key={key} k={`body.example.${key}`} label={`Example for {{${key}}}`}>
                          {(p) => (
                            <input
                              {...p}
                              value={draft.body.examples[key] ?? ""}
                              onChange={(e) => update(`body.example.${key}`, (d) => ({ ...d, body: { ...d.body, examples: { ...d.body.examples, [key]: e.target.value } } }))}
                            />
                          )}
                        </Field>
                      ))}
                    </div>
                    <SectionErrors k="body.examples" />
                  </div>
                )}
              </>
            )}
            <SectionErrors k="body" />
          </fieldset>

          {draft.category === "MARKETING" && (
            <KindsFields draft={draft} update={update} />
          )}

          <fieldset data-field="footer" id={fieldId("footer")} tabIndex={-1}>
            <legend>Footer</legend>
            <label className="check">
              <input type="checkbox" checked={draft.footer.enabled} onChange={(e) => update("footer", (d) => ({ ...d, footer: { ...d.footer, enabled: e.target.checked } }))} />
              {auth ? "Show when the code expires" : "Add a footer"}
            </label>
            {draft.footer.enabled &&
              (auth ? (
                <Field k="footer.expiration" label="Code expires after (minutes)" hint="1 to 60 minutes.">
                  {(p) => <input {...p} inputMode="numeric" value={draft.footer.codeExpirationMinutes} onChange={(e) => update("footer.expiration", (d) => ({ ...d, footer: { ...d.footer, codeExpirationMinutes: e.target.value } }))} />}
                </Field>
              ) : (
                <Field k="footer.text" label="Footer text" hint="No variables." count={{ value: draft.footer.text, limit: META_TEMPLATE_LIMITS.footerTextLength }}>
                  {(p) => <input {...p} value={draft.footer.text} onChange={(e) => update("footer.text", (d) => ({ ...d, footer: { ...d.footer, text: e.target.value } }))} />}
                </Field>
              ))}
            <SectionErrors k="footer" />
          </fieldset>

          <fieldset data-field="buttons" id={fieldId("buttons")} tabIndex={-1}>
            <legend>Buttons</legend>
            {draft.buttons.length === 0 && <p className="hint">No buttons. Quick replies and call-to-action buttons are optional.</p>}
            {draft.buttons.map((button, index) => (
              <ButtonEditor
                key={button.id}
                button={button}
                index={index}
                count={draft.buttons.length}
                onChange={(key, change) => updateButton(button.id, key, change)}
                onMove={(by) => moveButton(index, by)}
                onRemove={() => update("buttons", (d) => ({ ...d, buttons: d.buttons.filter((b) => b.id !== button.id) }))}
              />
            ))}
            <div className="actions">
              <label htmlFor="new-button-type" className="visually-hidden">
                Button type to add
              </label>
              <select id="new-button-type" value={newButtonType} onChange={(e) => setNewButtonType(e.target.value as ButtonType)} className="auto-width">
                {allowedButtons.map((t) => (
                  <option key={t} value={t}>
                    {BUTTON_LABELS[t]}
                  </option>
                ))}
              </select>
              <button type="button" onClick={() => update("buttons", (d) => ({ ...d, buttons: [...d.buttons, newButton(allowedButtons.includes(newButtonType) ? newButtonType : (allowedButtons[0] ?? "QUICK_REPLY"))] }))}>
                Add button
              </button>
            </div>
            <SectionErrors k="buttons" />
            {!auth && (
              <label className="check" data-field="callPermission">
                <input type="checkbox" checked={draft.callPermission} onChange={(e) => update("callPermission", (d) => ({ ...d, callPermission: e.target.checked }))} />
                Ask permission to call (call permission request)
              </label>
            )}
            <SectionErrors k="callPermission" />
          </fieldset>

          <details>
            <summary>Delivery settings</summary>
            <Field k="ttl" label="Message time-to-live (seconds)" hint="Optional. How long Meta keeps trying to deliver: 30 to 2592000.">
              {(p) => <input {...p} inputMode="numeric" value={draft.ttlSeconds} onChange={(e) => update("ttl", (d) => ({ ...d, ttlSeconds: e.target.value }))} />}
            </Field>
          </details>

          <SectionErrors k="components" />
          {formErrors.length > 0 && (
            <div className="alert alert-error" role="alert" data-error-for="form">
              {formErrors.map((m) => (
                <p key={m}>{m}</p>
              ))}
            </div>
          )}
          {server !== undefined && (
            <div data-testid="submit-error">
              <ErrorBox error={serverError} heading="The template was not created" />
            </div>
          )}
          <div className="actions spaced-above">
            <button type="submit" className="primary" disabled={submitting} aria-busy={submitting}>
              {submitting ? "Submitting…" : (submitLabel ?? "Submit to Meta for review")}
            </button>
            {dirty && draftKey !== undefined && (
              <button
                type="button"
                onClick={() => {
                  if (!window.confirm("Discard this draft?")) return;
                  clearSavedDraft(draftKey);
                  setDraft(start);
                  setValidated(start);
                  setTouched(new Set());
                  setSubmitted(false);
                }}
              >
                Discard draft
              </button>
            )}
          </div>
        </form>
        <aside className="sticky" aria-label="Preview" ref={previewRef} tabIndex={-1}>
          <h2>Preview</h2>
          <TemplatePreview
            components={previewComponents}
            label="Preview of the template being created"
            media={localMedia !== undefined && localMedia.handle === draft.header.mediaSample.trim() ? localMedia : undefined}
          />
        </aside>
      </div>
    </FieldContext.Provider>
  );
}

function ButtonEditor({
  button,
  index,
  count,
  onChange,
  onMove,
  onRemove,
}: {
  button: ButtonDraft;
  index: number;
  count: number;
  onChange: (key: string, change: Partial<ButtonDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const k = `button.${button.id}`;
  const hasUrlVariable = /\{\{\s*[A-Za-z0-9_]+\s*\}\}/.test(button.url);
  const title = `Button ${index + 1}: ${BUTTON_LABELS[button.type]}`;
  return (
    <div className="button-draft" data-field={k} id={fieldId(k)} tabIndex={-1} role="group" aria-label={title}>
      <div className="button-draft-head">
        <h2 className="sub-heading">{title}</h2>
        <div className="actions">
          <button type="button" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move button ${index + 1} up`}>
            ↑
          </button>
          <button type="button" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move button ${index + 1} down`}>
            ↓
          </button>
          <button type="button" className="danger" onClick={onRemove} aria-label={`Remove button ${index + 1}`}>
            Remove
          </button>
        </div>
      </div>
      {button.type === "FLOW" && (
        <div className="row">
          <Field k={`${k}.flowRef`} label="Flow given by">
            {(p) => (
              <select {...p} value={button.flowRef} onChange={(e) => onChange("flow", { flowRef: e.target.value as FlowRef })}>
                <option value="flow_id">Flow ID</option>
                <option value="flow_name">Flow name</option>
                <option value="flow_json">Flow JSON</option>
              </select>
            )}
          </Field>
          <Field k={`${k}.flow`} label={button.flowRef === "flow_id" ? "Flow ID" : button.flowRef === "flow_name" ? "Flow name" : "Flow JSON"}>
            {(p) =>
              button.flowRef === "flow_json" ? (
                <textarea {...p} value={button.flowValue} onChange={(e) => onChange("flow", { flowValue: e.target.value })} />
              ) : (
                <input {...p} value={button.flowValue} onChange={(e) => onChange("flow", { flowValue: e.target.value })} />
              )
            }
          </Field>
          <Field k={`${k}.flowAction`} label="Flow action">
            {(p) => (
              <select {...p} value={button.flowAction} onChange={(e) => onChange("flowAction", { flowAction: e.target.value as ButtonDraft["flowAction"] })}>
                <option value="navigate">navigate</option>
                <option value="data_exchange">data_exchange</option>
              </select>
            )}
          </Field>
          <Field k={`${k}.navigateScreen`} label="First screen (optional)">
            {(p) => <input {...p} value={button.navigateScreen} onChange={(e) => onChange("navigateScreen", { navigateScreen: e.target.value })} />}
          </Field>
        </div>
      )}
      {(button.type === "QUICK_REPLY" ||
        button.type === "URL" ||
        button.type === "PHONE_NUMBER" ||
        button.type === "VOICE_CALL" ||
        button.type === "FLOW" ||
        button.type === "CATALOG" ||
        button.type === "MPM" ||
        button.type === "SPM") && (
        <Field k={`${k}.text`} label="Button text" count={{ value: button.text, limit: 25 }}>
          {(p) => <input {...p} value={button.text} onChange={(e) => onChange("text", { text: e.target.value })} />}
        </Field>
      )}
      {button.type === "URL" && (
        <>
          <Field k={`${k}.url`} label="Website URL" hint="May end with one variable, e.g. https://example.com/orders/{{1}}" count={{ value: button.url, limit: 2000 }}>
            {(p) => <input {...p} value={button.url} inputMode="url" onChange={(e) => onChange("url", { url: e.target.value })} />}
          </Field>
          {hasUrlVariable && (
            <Field k={`${k}.urlExample`} label="Example of the full URL">
              {(p) => <input {...p} value={button.urlExample} inputMode="url" onChange={(e) => onChange("urlExample", { urlExample: e.target.value })} />}
            </Field>
          )}
        </>
      )}
      {button.type === "PHONE_NUMBER" && (
        <Field k={`${k}.phoneNumber`} label="Phone number" hint="With country code and a leading +, e.g. +628111222333.">
          {(p) => <input {...p} value={button.phoneNumber} inputMode="tel" onChange={(e) => onChange("phoneNumber", { phoneNumber: e.target.value })} />}
        </Field>
      )}
      {button.type === "COPY_CODE" && (
        <Field k={`${k}.code`} label="Example offer code" hint="The label is always “Copy offer code”." count={{ value: button.code, limit: META_TEMPLATE_LIMITS.copyCodeExampleLength }}>
          {(p) => <input {...p} value={button.code} onChange={(e) => onChange("code", { code: e.target.value })} />}
        </Field>
      )}
      {button.type === "OTP" && (
        <>
          <Field k={`${k}.otpType`} label="Code delivery">
            {(p) => (
              <select {...p} value={button.otpType} onChange={(e) => onChange("otpType", { otpType: e.target.value as OtpType })}>
                {OTP_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {OTP_LABELS[t]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field k={`${k}.text`} label="Copy button text (optional)" hint="Default “Copy code”." count={{ value: button.text, limit: 25 }}>
            {(p) => <input {...p} value={button.text} onChange={(e) => onChange("text", { text: e.target.value })} />}
          </Field>
          {button.otpType !== "COPY_CODE" && (
            <>
              <Field k={`${k}.autofillText`} label="Autofill button text (optional)" hint="Default “Autofill”." count={{ value: button.autofillText, limit: META_TEMPLATE_LIMITS.otpAutofillTextLength }}>
                {(p) => <input {...p} value={button.autofillText} onChange={(e) => onChange("autofillText", { autofillText: e.target.value })} />}
              </Field>
              <div data-field={`${k}.apps`} id={fieldId(`${k}.apps`)} tabIndex={-1}>
                <h2 className="sub-heading">Android apps that may receive the code</h2>
                {button.supportedApps.map((app, n) => (
                  <div className="row" key={app.id}>
                    <Field k={`${k}.app.${app.id}.package`} label={`App ${n + 1} package name`}>
                      {(p) => (
                        <input
                          {...p}
                          value={app.packageName}
                          onChange={(e) => onChange("apps", { supportedApps: button.supportedApps.map((a) => (a.id === app.id ? { ...a, packageName: e.target.value } : a)) })}
                        />
                      )}
                    </Field>
                    <Field k={`${k}.app.${app.id}.hash`} label={`App ${n + 1} signature hash`}>
                      {(p) => (
                        <input
                          {...p}
                          value={app.signatureHash}
                          onChange={(e) => onChange("apps", { supportedApps: button.supportedApps.map((a) => (a.id === app.id ? { ...a, signatureHash: e.target.value } : a)) })}
                        />
                      )}
                    </Field>
                  </div>
                ))}
                <div className="actions">
                  <button type="button" onClick={() => onChange("apps", { supportedApps: [...button.supportedApps, { id: newId("app"), packageName: "", signatureHash: "" }] })}>
                    Add app
                  </button>
                  {button.supportedApps.length > 0 && (
                    <button type="button" onClick={() => onChange("apps", { supportedApps: button.supportedApps.slice(0, -1) })}>
                      Remove last app
                    </button>
                  )}
                </div>
                <SectionErrors k={`${k}.apps`} />
              </div>
            </>
          )}
          {button.otpType === "ZERO_TAP" && (
            <Field k={`${k}.zeroTap`} label="Zero-tap terms">
              {(p) => (
                <label className="check">
                  <input {...p} type="checkbox" checked={button.zeroTapTermsAccepted} onChange={(e) => onChange("zeroTap", { zeroTapTermsAccepted: e.target.checked })} />
                  I accept Meta’s zero-tap terms
                </label>
              )}
            </Field>
          )}
        </>
      )}
      <SectionErrors k={k} />
    </div>
  );
}

/**
 * Meta's named parameters are lower-case letters and underscores only (no digits), so the n-th new variable
 * is `variable_a`, `variable_b`, … `variable_z`, `variable_aa`.
 */
export function letterSuffix(position: number): string {
  let n = position;
  let suffix = "";
  while (n > 0) {
    const remainder = (n - 1) % 26;
    suffix = String.fromCharCode(97 + remainder) + suffix;
    n = Math.floor((n - 1) / 26);
  }
  return suffix;
}

// ── issue 16: limited-time offer and carousel cards (MARKETING only, as Meta allows) ──

type Update = (key: string, change: (d: TemplateDraft) => TemplateDraft) => void;

function KindsFields({ draft, update }: { draft: TemplateDraft; update: Update }) {
  const offer = draft.offer ?? { enabled: false, text: "", hasExpiration: true };
  const carousel = draft.carousel ?? { enabled: false, cards: [] };
  const product = carousel.cards[0]?.format === "PRODUCT";
  const setOffer = (key: string, change: Partial<typeof offer>) => update(key, (d) => ({ ...d, offer: { ...offer, ...d.offer, ...change } }));
  const setCards = (key: string, cards: (list: CardDraft[]) => CardDraft[]) =>
    update(key, (d) => ({ ...d, carousel: { enabled: true, cards: cards(d.carousel?.cards ?? []) } }));
  const setCard = (id: string, key: string, change: Partial<CardDraft>) => setCards(`card.${id}.${key}`, (list) => list.map((c) => (c.id === id ? { ...c, ...change } : c)));
  return (
    <>
      <fieldset data-field="offer" id={fieldId("offer")} tabIndex={-1}>
        <legend>Limited-time offer</legend>
        <label className="check">
          <input type="checkbox" checked={offer.enabled} onChange={(e) => setOffer("offer", { enabled: e.target.checked })} />
          Make this a limited-time offer (needs a copy-code and a URL button, no footer)
        </label>
        {offer.enabled && (
          <>
            <Field k="offer.text" label="Offer text" hint="Up to 16 characters, e.g. Expiring offer!">
              {(p) => <input {...p} value={offer.text} onChange={(e) => setOffer("offer.text", { text: e.target.value })} />}
            </Field>
            <label className="check">
              <input type="checkbox" checked={offer.hasExpiration} onChange={(e) => setOffer("offer", { hasExpiration: e.target.checked })} />
              Show the expiry countdown (the time is given when sending)
            </label>
          </>
        )}
        <SectionErrors k="offer" />
      </fieldset>

      <fieldset data-field="carousel" id={fieldId("carousel")} tabIndex={-1}>
        <legend>Carousel cards</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={carousel.enabled}
            onChange={(e) => update("carousel", (d) => ({ ...d, carousel: { enabled: e.target.checked, cards: d.carousel?.cards.length ? d.carousel.cards : [newCard(), newCard()] } }))}
          />
          Add carousel cards (2–10 cards with the same buttons; no header, footer or buttons on the message)
        </label>
        {carousel.enabled && (
          <>
            <Field k="carousel.kind" label="Card kind" hint="Meta: every card has the same header kind. Product cards show a catalog product chosen when sending.">
              {(p) => (
                <select
                  {...p}
                  value={product ? "PRODUCT" : "MEDIA"}
                  onChange={(e) => setCards("carousel", (list) => list.map((c) => ({ ...c, format: e.target.value === "PRODUCT" ? "PRODUCT" : "IMAGE" })))}
                >
                  <option value="MEDIA">Media cards</option>
                  <option value="PRODUCT">Product cards</option>
                </select>
              )}
            </Field>
            {product && (
              <Field k="carousel.productButton" label="Card button" hint="Product cards have one button, the same type on every card.">
                {(p) => (
                  <select
                    {...p}
                    value={carousel.cards[0]?.productButton ?? "SPM"}
                    onChange={(e) => setCards("carousel", (list) => list.map((c) => ({ ...c, productButton: e.target.value === "URL" ? "URL" : "SPM" })))}
                  >
                    <option value="SPM">View product (SPM)</option>
                    <option value="URL">Visit website (URL)</option>
                  </select>
                )}
              </Field>
            )}
          </>
        )}
        {carousel.enabled &&
          carousel.cards.map((card, i) => (
            <div key={card.id} className="button-draft" data-card={i} role="group" aria-label={`Card ${i + 1}`}>
              <p className="hint">Card {i + 1}</p>
              {card.format !== "PRODUCT" && (
              <>
              <Field k={`card.${card.id}.format`} label={`Card ${i + 1} media`}>
                {(p) => (
                  <select {...p} value={card.format} onChange={(e) => setCard(card.id, "format", { format: e.target.value as CardDraft["format"] })}>
                    <option value="IMAGE">Image</option>
                    <option value="VIDEO">Video</option>
                  </select>
                )}
              </Field>
              <Field k={`card.${card.id}.handle`} label={`Card ${i + 1} media handle`} hint="A Meta media handle from the Resumable Upload API.">
                {(p) => <input {...p} value={card.handle} onChange={(e) => setCard(card.id, "handle", { handle: e.target.value })} />}
              </Field>
              </>
              )}
              <Field k={`card.${card.id}.body`} label={`Card ${i + 1} text`} hint="Optional, up to 160 characters (on every card or none).">
                {(p) => <input {...p} value={card.body} onChange={(e) => setCard(card.id, "body", { body: e.target.value })} />}
              </Field>
              {card.format !== "PRODUCT" && (
                <Field k={`card.${card.id}.quickReply`} label={`Card ${i + 1} quick reply`}>
                  {(p) => <input {...p} value={card.quickReply} onChange={(e) => setCard(card.id, "quickReply", { quickReply: e.target.value })} />}
                </Field>
              )}
              {card.format === "PRODUCT" && card.productButton === "SPM" && (
                <Field k={`card.${card.id}.spmText`} label={`Card ${i + 1} button text`} hint="Meta's product cards use View.">
                  {(p) => <input {...p} value={card.spmText} onChange={(e) => setCard(card.id, "spmText", { spmText: e.target.value })} />}
                </Field>
              )}
              {(card.format !== "PRODUCT" || card.productButton === "URL") && (
              <>
              <Field k={`card.${card.id}.urlText`} label={`Card ${i + 1} URL button text`}>
                {(p) => <input {...p} value={card.urlText} onChange={(e) => setCard(card.id, "urlText", { urlText: e.target.value })} />}
              </Field>
              <Field k={`card.${card.id}.url`} label={`Card ${i + 1} URL`}>
                {(p) => <input {...p} value={card.url} onChange={(e) => setCard(card.id, "url", { url: e.target.value })} />}
              </Field>
              </>
              )}
              <SectionErrors k={`card.${card.id}`} />
              {carousel.cards.length > 2 && (
                <button type="button" className="link-button" onClick={() => setCards("carousel", (list) => list.filter((c) => c.id !== card.id))}>
                  Remove card {i + 1}
                </button>
              )}
            </div>
          ))}
        {carousel.enabled && carousel.cards.length < 10 && (
          <div className="actions">
            <button type="button" onClick={() => setCards("carousel", (list) => [...list, { ...newCard(), format: list[0]?.format ?? "IMAGE", productButton: list[0]?.productButton ?? "SPM" }])}>
              Add card
            </button>
          </div>
        )}
        <SectionErrors k="carousel" />
      </fieldset>
    </>
  );
}
