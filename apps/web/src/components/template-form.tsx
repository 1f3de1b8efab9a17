import type { TCreateTemplateRequest } from "@kirim/schema";
import { BUTTON_TYPES, HEADER_FORMATS, OTP_TYPES, TEMPLATE_CATEGORIES } from "@kirim/schema";
import type { FormEvent, ReactNode } from "react";
import { createContext, useContext, useMemo, useRef, useState } from "react";
import { explainError } from "../lib/errors.js";
import type { ButtonDraft, ButtonType, Category, FlowRef, HeaderFormat, OtpType, TemplateDraft } from "../lib/template-draft.js";
import { assignIssues, buildRequest, buttonTypesFor, emptyDraft, newButton, newId, variablesOf } from "../lib/template-draft.js";
import { validateDraft } from "../lib/validate-draft.js";
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
}

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
function Field({ k, label, hint, children }: { k: string; label: string; hint?: string; children: (props: InputProps) => ReactNode }) {
  const { errorsFor, touch } = useContext(FieldContext);
  const errors = errorsFor(k);
  const id = fieldId(k);
  const describedBy = [hint !== undefined ? `${id}-hint` : undefined, errors.length > 0 ? `${id}-error` : undefined].filter(Boolean).join(" ");
  return (
    <div className="field" data-invalid={errors.length > 0} data-field={k}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": errors.length > 0, "aria-describedby": describedBy || undefined, onBlur: () => touch(k) })}
      {hint !== undefined && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
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

export function TemplateForm({ onSubmit, submitting = false, serverError, onEdit, initialDraft }: TemplateFormProps) {
  const [draft, setDraft] = useState<TemplateDraft>(() => initialDraft ?? emptyDraft());
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [newButtonType, setNewButtonType] = useState<ButtonType>("QUICK_REPLY");
  const formRef = useRef<HTMLFormElement>(null);

  const validation = useMemo(() => validateDraft(draft), [draft]);
  const previewComponents = useMemo(() => buildRequest(draft, { keepEmptyExamples: true }).request.components, [draft]);
  const server = serverError !== undefined && serverError !== null ? explainError(serverError) : undefined;
  const serverErrors = useMemo(
    () => (server?.param !== undefined ? assignIssues(validation.fields, [{ path: server.param, message: server.title }]) : new Map<string, string[]>()),
    [server?.param, server?.title, validation.fields],
  );

  const isShown = (key: string) => submitted || [...touched].some((t) => t === key || t.startsWith(`${key}.`));
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
    if (validation.request !== undefined) {
      onSubmit(validation.request);
      return;
    }
    // Focus the first field (in form order) that has an error.
    const firstKey = validation.fields.map((f) => f.key).find((key) => validation.errors.has(key)) ?? "form";
    const target = formRef.current?.querySelector<HTMLElement>(`#${fieldId(firstKey)}`) ?? formRef.current?.querySelector<HTMLElement>(`[data-field="${firstKey}"]`);
    target?.focus();
  };

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
      <div className="split">
        <form ref={formRef} onSubmit={submit} noValidate aria-label="Create template">
          <fieldset>
            <legend>Template</legend>
            <Field k="name" label="Name" hint="Lower-case letters, digits and underscores, e.g. order_update.">
              {(p) => <input {...p} value={draft.name} autoComplete="off" spellCheck={false} onChange={(e) => update("name", (d) => ({ ...d, name: e.target.value }))} />}
            </Field>
            <div className="row">
              <Field k="language" label="Language" hint="e.g. en, id, en_US">
                {(p) => (
                  <>
                    <input {...p} value={draft.language} list="language-codes" autoComplete="off" onChange={(e) => update("language", (d) => ({ ...d, language: e.target.value }))} />
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
                        <Field k="header.text" label="Header text" hint="Up to 60 characters and at most one variable, e.g. Order {{1}}.">
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
                <Field k="body.text" label="Body text" hint="Up to 1024 characters. Variables: {{1}}, {{2}}… in order, or named ones like {{first_name}}.">
                  {(p) => <textarea {...p} value={draft.body.text} onChange={(e) => update("body.text", (d) => ({ ...d, body: { ...d.body, text: e.target.value } }))} />}
                </Field>
                <div className="actions spaced-below">
                  <button type="button" onClick={addVariable}>
                    Add variable
                  </button>
                </div>
                {bodyVars.keys.length > 0 && (
                  <div data-field="body.examples" id={fieldId("body.examples")} tabIndex={-1}>
                    <h3>Examples for Meta’s review</h3>
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
                <Field k="footer.text" label="Footer text" hint="Up to 60 characters, no variables.">
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
          {submitted && validation.errors.size > 0 && (
            <p className="field-error" role="status">
              Fix the {validation.errors.size === 1 ? "marked field" : `${validation.errors.size} marked fields`} before submitting.
            </p>
          )}
          {server !== undefined && (
            <div data-testid="submit-error">
              <ErrorBox error={serverError} heading="The template was not created" />
            </div>
          )}
          <div className="actions spaced-above">
            <button type="submit" className="primary" disabled={submitting} aria-busy={submitting}>
              {submitting ? "Submitting…" : "Submit to Meta for review"}
            </button>
          </div>
        </form>
        <aside className="sticky" aria-label="Preview">
          <h2>Preview</h2>
          <TemplatePreview components={previewComponents} label="Preview of the template being created" />
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
        <h3>{title}</h3>
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
        <Field k={`${k}.text`} label="Button text" hint="Up to 25 characters.">
          {(p) => <input {...p} value={button.text} onChange={(e) => onChange("text", { text: e.target.value })} />}
        </Field>
      )}
      {button.type === "URL" && (
        <>
          <Field k={`${k}.url`} label="Website URL" hint="May end with one variable, e.g. https://example.com/orders/{{1}}">
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
        <Field k={`${k}.code`} label="Example offer code" hint="The label is always “Copy offer code”.">
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
          <Field k={`${k}.text`} label="Copy button text (optional)" hint="Default “Copy code”. Up to 25 characters.">
            {(p) => <input {...p} value={button.text} onChange={(e) => onChange("text", { text: e.target.value })} />}
          </Field>
          {button.otpType !== "COPY_CODE" && (
            <>
              <Field k={`${k}.autofillText`} label="Autofill button text (optional)" hint="Default “Autofill”.">
                {(p) => <input {...p} value={button.autofillText} onChange={(e) => onChange("autofillText", { autofillText: e.target.value })} />}
              </Field>
              <div data-field={`${k}.apps`} id={fieldId(`${k}.apps`)} tabIndex={-1}>
                <h3>Android apps that may receive the code</h3>
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
