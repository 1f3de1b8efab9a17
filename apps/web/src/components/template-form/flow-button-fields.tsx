import type { ButtonDraft, FlowRef } from "../../lib/template-draft.js";
import { Field } from "./fields.js";

/** A FLOW button: which flow (id, name or inline JSON), its action and first screen. */
export function FlowButtonFields({
  button,
  onChange,
}: {
  button: ButtonDraft;
  onChange: (key: string, change: Partial<ButtonDraft>) => void;
}) {
  const k = `button.${button.id}`;
  return (
    <div className="row">
      <Field k={`${k}.flowRef`} label="Flow given by">
        {(p) => (
          <select
            {...p}
            value={button.flowRef}
            onChange={(e) => onChange("flow", { flowRef: e.target.value as FlowRef })}
          >
            <option value="flow_id">Flow ID</option>
            <option value="flow_name">Flow name</option>
            <option value="flow_json">Flow JSON</option>
          </select>
        )}
      </Field>
      <Field
        k={`${k}.flow`}
        label={button.flowRef === "flow_id" ? "Flow ID" : button.flowRef === "flow_name" ? "Flow name" : "Flow JSON"}
      >
        {(p) =>
          button.flowRef === "flow_json" ? (
            <textarea
              {...p}
              value={button.flowValue}
              onChange={(e) => onChange("flow", { flowValue: e.target.value })}
            />
          ) : (
            <input {...p} value={button.flowValue} onChange={(e) => onChange("flow", { flowValue: e.target.value })} />
          )
        }
      </Field>
      <Field k={`${k}.flowAction`} label="Flow action">
        {(p) => (
          <select
            {...p}
            value={button.flowAction}
            onChange={(e) => onChange("flowAction", { flowAction: e.target.value as ButtonDraft["flowAction"] })}
          >
            <option value="navigate">navigate</option>
            <option value="data_exchange">data_exchange</option>
          </select>
        )}
      </Field>
      <Field k={`${k}.navigateScreen`} label="First screen (optional)">
        {(p) => (
          <input
            {...p}
            value={button.navigateScreen}
            onChange={(e) => onChange("navigateScreen", { navigateScreen: e.target.value })}
          />
        )}
      </Field>
    </div>
  );
}
