import { BUTTON_TYPES, TEMPLATE_CATEGORIES } from "@kirim/schema";
import type { Category, TemplateDraft } from "../../lib/template-draft.js";
import { buttonTypesFor } from "../../lib/template-draft.js";
import type { Update } from "./fields.js";
import { Field } from "./fields.js";

/** Name, language and category; `locked` are fixed by the mode (edit, add language). */
export function IdentitySection({
  draft,
  update,
  locked,
  onCategoryChanged,
}: {
  draft: TemplateDraft;
  update: Update;
  locked: readonly ("name" | "language" | "category")[];
  /** After a category change (the button type to add resets to one the category allows). */
  onCategoryChanged: (category: Category) => void;
}) {
  return (
    <fieldset>
      <legend>Template</legend>
      <Field
        k="name"
        label="Name"
        hint="Lower-case letters, digits and underscores, e.g. order_update."
        count={{ value: draft.name, limit: 512 }}
      >
        {(p) => (
          <input
            {...p}
            value={draft.name}
            readOnly={locked.includes("name")}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => update("name", (d) => ({ ...d, name: e.target.value }))}
          />
        )}
      </Field>
      <div className="row">
        <Field k="language" label="Language" hint="e.g. en, id, en_US">
          {(p) => (
            <>
              <input
                {...p}
                value={draft.language}
                readOnly={locked.includes("language")}
                list="language-codes"
                autoComplete="off"
                onChange={(e) => update("language", (d) => ({ ...d, language: e.target.value }))}
              />
              <datalist id="language-codes">
                {[
                  "en",
                  "en_US",
                  "en_GB",
                  "id",
                  "ms",
                  "pt_BR",
                  "es",
                  "es_MX",
                  "fr",
                  "de",
                  "it",
                  "nl",
                  "ar",
                  "hi",
                  "th",
                  "vi",
                  "fil",
                ].map((code) => (
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
                onCategoryChanged(category);
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
  );
}
