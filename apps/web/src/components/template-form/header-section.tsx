import { HEADER_FORMATS, META_TEMPLATE_LIMITS } from "@kirim/schema";
import type { HeaderFormat, TemplateDraft } from "../../lib/template-draft.js";
import { variablesOf } from "../../lib/template-draft.js";
import { MediaPicker } from "../media-sample.js";
import type { LocalMedia } from "../media-sample.js";
import type { Update } from "./fields.js";
import { Field, SectionErrors, fieldId } from "./fields.js";

const HEADER_LABELS: Record<HeaderFormat, string> = {
  TEXT: "Text",
  IMAGE: "Image",
  VIDEO: "Video",
  DOCUMENT: "Document",
  LOCATION: "Location",
  PRODUCT: "Product (single-product message)",
};

export function HeaderSection({
  draft,
  update,
  uploadSample,
  onUploaded,
}: {
  draft: TemplateDraft;
  update: Update;
  /** Uploads a media header's sample file and answers Meta's handle; without it there is no file picker. */
  uploadSample: ((file: File) => Promise<{ handle: string }>) | undefined;
  /** A file picked and uploaded: the preview shows it while the handle is the sample. */
  onUploaded: (media: LocalMedia) => void;
}) {
  const auth = draft.category === "AUTHENTICATION";
  const headerVars = draft.header.format === "TEXT" ? variablesOf(draft.header.text) : { keys: [], named: false };
  return (
    <fieldset data-field="header" id={fieldId("header")} tabIndex={-1}>
      <legend>Header</legend>
      {auth ? (
        <p className="hint">Authentication templates have no header.</p>
      ) : (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.header.enabled}
              onChange={(e) => update("header", (d) => ({ ...d, header: { ...d.header, enabled: e.target.checked } }))}
            />
            Add a header
          </label>
          {draft.header.enabled && (
            <>
              <Field k="header.format" label="Header type">
                {(p) => (
                  <select
                    {...p}
                    value={draft.header.format}
                    onChange={(e) =>
                      update("header.format", (d) => ({
                        ...d,
                        header: { ...d.header, format: e.target.value as HeaderFormat },
                      }))
                    }
                  >
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
                  <Field
                    k="header.text"
                    label="Header text"
                    hint="At most one variable, e.g. Order {{1}}."
                    count={{ value: draft.header.text, limit: META_TEMPLATE_LIMITS.headerTextLength }}
                  >
                    {(p) => (
                      <input
                        {...p}
                        value={draft.header.text}
                        onChange={(e) =>
                          update("header.text", (d) => ({ ...d, header: { ...d.header, text: e.target.value } }))
                        }
                      />
                    )}
                  </Field>
                  {headerVars.keys[0] !== undefined && (
                    <Field k="header.example" label={`Example for {{${headerVars.keys[0]}}} in the header`}>
                      {(p) => (
                        <input
                          {...p}
                          value={draft.header.example}
                          onChange={(e) =>
                            update("header.example", (d) => ({
                              ...d,
                              header: { ...d.header, example: e.target.value },
                            }))
                          }
                        />
                      )}
                    </Field>
                  )}
                </>
              )}
              {(draft.header.format === "IMAGE" ||
                draft.header.format === "VIDEO" ||
                draft.header.format === "DOCUMENT") && (
                <Field
                  k="header.media"
                  label={`Sample ${HEADER_LABELS[draft.header.format].toLowerCase()}: public https:// URL or Meta media handle`}
                  hint="The server downloads the URL and uploads it to Meta for the review."
                >
                  {(p) => (
                    <input
                      {...p}
                      value={draft.header.mediaSample}
                      inputMode="url"
                      onChange={(e) =>
                        update("header.media", (d) => ({ ...d, header: { ...d.header, mediaSample: e.target.value } }))
                      }
                    />
                  )}
                </Field>
              )}
              {uploadSample !== undefined &&
                (draft.header.format === "IMAGE" ||
                  draft.header.format === "VIDEO" ||
                  draft.header.format === "DOCUMENT") && (
                  <MediaPicker
                    key={draft.header.format}
                    format={draft.header.format}
                    upload={uploadSample}
                    onUploaded={(media) => {
                      onUploaded(media);
                      update("header.media", (d) => ({ ...d, header: { ...d.header, mediaSample: media.handle } }));
                    }}
                  />
                )}
              {draft.header.format === "LOCATION" && (
                <p className="hint">The location is chosen when the message is sent.</p>
              )}
              {draft.header.format === "PRODUCT" && (
                <p className="hint">
                  The product (image, title, price) is chosen from your catalog when the message is sent; add a “View
                  product” button.
                </p>
              )}
            </>
          )}
        </>
      )}
      <SectionErrors k="header" />
    </fieldset>
  );
}
