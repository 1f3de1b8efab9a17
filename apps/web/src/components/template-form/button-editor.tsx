import { META_TEMPLATE_LIMITS } from "@kirim/schema";
import type { ButtonDraft, ButtonType } from "../../lib/template-draft.js";
import { Field, SectionErrors, fieldId } from "./fields.js";
import { FlowButtonFields } from "./flow-button-fields.js";
import { OtpButtonFields } from "./otp-button-fields.js";

export const BUTTON_LABELS: Record<ButtonType, string> = {
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

/** One button: its type's fields, moving it up or down, removing it. */
export function ButtonEditor({
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
          <button
            type="button"
            onClick={() => onMove(-1)}
            disabled={index === 0}
            aria-label={`Move button ${index + 1} up`}
          >
            ↑
          </button>
          <button
            type="button"
            onClick={() => onMove(1)}
            disabled={index === count - 1}
            aria-label={`Move button ${index + 1} down`}
          >
            ↓
          </button>
          <button type="button" className="danger" onClick={onRemove} aria-label={`Remove button ${index + 1}`}>
            Remove
          </button>
        </div>
      </div>
      {button.type === "FLOW" && <FlowButtonFields button={button} onChange={onChange} />}
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
          <Field
            k={`${k}.url`}
            label="Website URL"
            hint="May end with one variable, e.g. https://example.com/orders/{{1}}"
            count={{ value: button.url, limit: 2000 }}
          >
            {(p) => (
              <input
                {...p}
                value={button.url}
                inputMode="url"
                onChange={(e) => onChange("url", { url: e.target.value })}
              />
            )}
          </Field>
          {hasUrlVariable && (
            <Field k={`${k}.urlExample`} label="Example of the full URL">
              {(p) => (
                <input
                  {...p}
                  value={button.urlExample}
                  inputMode="url"
                  onChange={(e) => onChange("urlExample", { urlExample: e.target.value })}
                />
              )}
            </Field>
          )}
        </>
      )}
      {button.type === "PHONE_NUMBER" && (
        <Field
          k={`${k}.phoneNumber`}
          label="Phone number"
          hint="With country code and a leading +, e.g. +628111222333."
        >
          {(p) => (
            <input
              {...p}
              value={button.phoneNumber}
              inputMode="tel"
              onChange={(e) => onChange("phoneNumber", { phoneNumber: e.target.value })}
            />
          )}
        </Field>
      )}
      {button.type === "COPY_CODE" && (
        <Field
          k={`${k}.code`}
          label="Example offer code"
          hint="The label is always “Copy offer code”."
          count={{ value: button.code, limit: META_TEMPLATE_LIMITS.copyCodeExampleLength }}
        >
          {(p) => <input {...p} value={button.code} onChange={(e) => onChange("code", { code: e.target.value })} />}
        </Field>
      )}
      {button.type === "OTP" && <OtpButtonFields button={button} onChange={onChange} />}
      <SectionErrors k={k} />
    </div>
  );
}
