import type { TCreateTemplateRequest } from "@kirim/schema";
import { BUTTON_TYPES } from "@kirim/schema";
import { useRef, useState } from "react";
import type { ButtonType, Category, TemplateDraft } from "../../lib/template-draft.js";
import { buttonTypesFor } from "../../lib/template-draft.js";
import type { LocalMedia } from "../media-sample.js";
import { ErrorBox } from "../states.js";
import { TemplatePreview } from "../template-preview.js";
import { BodySection } from "./body-section.js";
import { ButtonsSection } from "./buttons-section.js";
import { CarouselSection } from "./carousel-section.js";
import { DeliverySection } from "./delivery-section.js";
import { ErrorSummary } from "./error-summary.js";
import { FieldContext, SectionErrors } from "./fields.js";
import { FooterSection } from "./footer-section.js";
import { HeaderSection } from "./header-section.js";
import { IdentitySection } from "./identity-section.js";
import { OfferSection } from "./offer-section.js";
import { useTemplateDraft } from "./use-template-draft.js";

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

/** The create / edit form: its sections beside a live preview; the state lives in `useTemplateDraft`. */
export function TemplateForm({
  onSubmit,
  submitting = false,
  serverError,
  onEdit,
  initialDraft,
  draftKey,
  locked = [],
  submitLabel,
  formLabel,
  uploadSample,
}: TemplateFormProps) {
  const form = useTemplateDraft({ onSubmit, submitting, serverError, onEdit, initialDraft, draftKey });
  const { draft, update } = form;
  const [localMedia, setLocalMedia] = useState<LocalMedia | undefined>(undefined);
  const [newButtonType, setNewButtonType] = useState<ButtonType>("QUICK_REPLY");
  const previewRef = useRef<HTMLElement>(null);

  return (
    <FieldContext.Provider value={form.fields}>
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
        <form ref={form.formRef} onSubmit={form.submit} noValidate aria-label={formLabel ?? "Create template"}>
          <ErrorSummary summary={form.summary} summaryRef={form.summaryRef} onPick={form.focusField} />
          <IdentitySection
            draft={draft}
            update={update}
            locked={locked}
            onCategoryChanged={(category: Category) =>
              setNewButtonType(buttonTypesFor(category, BUTTON_TYPES)[0] ?? "QUICK_REPLY")
            }
          />
          <HeaderSection draft={draft} update={update} uploadSample={uploadSample} onUploaded={setLocalMedia} />
          <BodySection draft={draft} update={update} />
          {/* Issue 16: a limited-time offer and carousel cards, MARKETING only as Meta allows. */}
          {draft.category === "MARKETING" && (
            <>
              <OfferSection draft={draft} update={update} />
              <CarouselSection draft={draft} update={update} />
            </>
          )}
          <FooterSection draft={draft} update={update} />
          <ButtonsSection
            draft={draft}
            update={update}
            newButtonType={newButtonType}
            setNewButtonType={setNewButtonType}
          />
          <DeliverySection draft={draft} update={update} />

          <SectionErrors k="components" />
          {form.formErrors.length > 0 && (
            <div className="alert alert-error" role="alert" data-error-for="form">
              {form.formErrors.map((m) => (
                <p key={m}>{m}</p>
              ))}
            </div>
          )}
          {form.server !== undefined && (
            <div data-testid="submit-error">
              <ErrorBox error={serverError} heading="The template was not created" />
            </div>
          )}
          <div className="actions spaced-above">
            <button type="submit" className="primary" disabled={submitting} aria-busy={submitting}>
              {submitting ? "Submitting…" : (submitLabel ?? "Submit to Meta for review")}
            </button>
            {form.dirty && draftKey !== undefined && (
              <button
                type="button"
                onClick={() => {
                  if (!window.confirm("Discard this draft?")) return;
                  form.discard();
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
            components={form.previewComponents}
            label="Preview of the template being created"
            media={
              localMedia !== undefined && localMedia.handle === draft.header.mediaSample.trim() ? localMedia : undefined
            }
          />
        </aside>
      </div>
    </FieldContext.Provider>
  );
}
