import { META_TEMPLATE_LIMITS } from "@kirim/schema";
import type { TemplateDraft } from "../../lib/template-draft.js";
import { variablesOf } from "../../lib/template-draft.js";
import type { Update } from "./fields.js";
import { Field, SectionErrors, fieldId } from "./fields.js";

export function BodySection({ draft, update }: { draft: TemplateDraft; update: Update }) {
  const auth = draft.category === "AUTHENTICATION";
  const bodyVars = variablesOf(draft.body.text);

  const addVariable = () =>
    update("body.text", (d) => {
      const { keys, named } = variablesOf(d.body.text);
      const next = named ? `{{variable_${letterSuffix(keys.length + 1)}}}` : `{{${keys.length + 1}}}`;
      return {
        ...d,
        body: { ...d.body, text: `${d.body.text}${d.body.text.endsWith(" ") || d.body.text === "" ? "" : " "}${next}` },
      };
    });

  return (
    <fieldset data-field="body" id={fieldId("body")} tabIndex={-1}>
      <legend>Body</legend>
      {auth ? (
        <>
          <p className="hint">
            WhatsApp writes the body of an authentication template: “&lt;code&gt; is your verification code.”
          </p>
          <Field k="body.security" label="Security recommendation">
            {(p) => (
              <label className="check">
                <input
                  {...p}
                  type="checkbox"
                  checked={draft.body.addSecurityRecommendation}
                  onChange={(e) =>
                    update("body.security", (d) => ({
                      ...d,
                      body: { ...d.body, addSecurityRecommendation: e.target.checked },
                    }))
                  }
                />
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
            {(p) => (
              <textarea
                {...p}
                value={draft.body.text}
                onChange={(e) => update("body.text", (d) => ({ ...d, body: { ...d.body, text: e.target.value } }))}
              />
            )}
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
                        onChange={(e) =>
                          update(`body.example.${key}`, (d) => ({
                            ...d,
                            body: { ...d.body, examples: { ...d.body.examples, [key]: e.target.value } },
                          }))
                        }
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
