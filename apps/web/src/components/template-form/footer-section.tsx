import { META_TEMPLATE_LIMITS } from "@kirim/schema";
import type { TemplateDraft } from "../../lib/template-draft.js";
import type { Update } from "./fields.js";
import { Field, SectionErrors, fieldId } from "./fields.js";

/** A text footer, or for an authentication template the code's expiry. */
export function FooterSection({ draft, update }: { draft: TemplateDraft; update: Update }) {
  const auth = draft.category === "AUTHENTICATION";
  return (
    <fieldset data-field="footer" id={fieldId("footer")} tabIndex={-1}>
      <legend>Footer</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.footer.enabled}
          onChange={(e) => update("footer", (d) => ({ ...d, footer: { ...d.footer, enabled: e.target.checked } }))}
        />
        {auth ? "Show when the code expires" : "Add a footer"}
      </label>
      {draft.footer.enabled &&
        (auth ? (
          <Field k="footer.expiration" label="Code expires after (minutes)" hint="1 to 60 minutes.">
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={draft.footer.codeExpirationMinutes}
                onChange={(e) =>
                  update("footer.expiration", (d) => ({
                    ...d,
                    footer: { ...d.footer, codeExpirationMinutes: e.target.value },
                  }))
                }
              />
            )}
          </Field>
        ) : (
          <Field
            k="footer.text"
            label="Footer text"
            hint="No variables."
            count={{ value: draft.footer.text, limit: META_TEMPLATE_LIMITS.footerTextLength }}
          >
            {(p) => (
              <input
                {...p}
                value={draft.footer.text}
                onChange={(e) =>
                  update("footer.text", (d) => ({ ...d, footer: { ...d.footer, text: e.target.value } }))
                }
              />
            )}
          </Field>
        ))}
      <SectionErrors k="footer" />
    </fieldset>
  );
}
