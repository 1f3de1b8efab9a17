import { BUTTON_TYPES } from "@kirim/schema";
import type { ButtonDraft, ButtonType, TemplateDraft } from "../../lib/template-draft.js";
import { buttonTypesFor, newButton } from "../../lib/template-draft.js";
import { BUTTON_LABELS, ButtonEditor } from "./button-editor.js";
import type { Update } from "./fields.js";
import { SectionErrors, fieldId } from "./fields.js";

/** The buttons in order (each in its editor), the type of the next one to add, and the call permission request. */
export function ButtonsSection({
  draft,
  update,
  newButtonType,
  setNewButtonType,
}: {
  draft: TemplateDraft;
  update: Update;
  newButtonType: ButtonType;
  setNewButtonType: (type: ButtonType) => void;
}) {
  const updateButton = (id: string, key: string, change: Partial<ButtonDraft>) =>
    update(`button.${id}.${key}`, (d) => ({
      ...d,
      buttons: d.buttons.map((b) => (b.id === id ? { ...b, ...change } : b)),
    }));
  const allowedButtons = buttonTypesFor(draft.category, BUTTON_TYPES);
  const auth = draft.category === "AUTHENTICATION";

  const moveButton = (index: number, by: -1 | 1) =>
    update("buttons", (d) => {
      const buttons = [...d.buttons];
      const [moved] = buttons.splice(index, 1);
      if (moved !== undefined) buttons.splice(index + by, 0, moved);
      return { ...d, buttons };
    });

  return (
    <fieldset data-field="buttons" id={fieldId("buttons")} tabIndex={-1}>
      <legend>Buttons</legend>
      {draft.buttons.length === 0 && (
        <p className="hint">No buttons. Quick replies and call-to-action buttons are optional.</p>
      )}
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
        <select
          id="new-button-type"
          value={newButtonType}
          onChange={(e) => setNewButtonType(e.target.value as ButtonType)}
          className="auto-width"
        >
          {allowedButtons.map((t) => (
            <option key={t} value={t}>
              {BUTTON_LABELS[t]}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() =>
            update("buttons", (d) => ({
              ...d,
              buttons: [
                ...d.buttons,
                newButton(
                  allowedButtons.includes(newButtonType) ? newButtonType : (allowedButtons[0] ?? "QUICK_REPLY"),
                ),
              ],
            }))
          }
        >
          Add button
        </button>
      </div>
      <SectionErrors k="buttons" />
      {!auth && (
        <label className="check" data-field="callPermission">
          <input
            type="checkbox"
            checked={draft.callPermission}
            onChange={(e) => update("callPermission", (d) => ({ ...d, callPermission: e.target.checked }))}
          />
          Ask permission to call (call permission request)
        </label>
      )}
      <SectionErrors k="callPermission" />
    </fieldset>
  );
}
