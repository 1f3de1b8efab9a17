import { META_TEMPLATE_LIMITS, OTP_TYPES } from "@kirim/schema";
import type { ButtonDraft, OtpType } from "../../lib/template-draft.js";
import { newId } from "../../lib/template-draft.js";
import { Field, SectionErrors, fieldId } from "./fields.js";

const OTP_LABELS: Record<OtpType, string> = {
  COPY_CODE: "Copy code",
  ONE_TAP: "One-tap autofill",
  ZERO_TAP: "Zero-tap",
};

/** An authentication template's OTP button: code delivery, button texts, the Android apps, zero-tap terms. */
export function OtpButtonFields({
  button,
  onChange,
}: {
  button: ButtonDraft;
  onChange: (key: string, change: Partial<ButtonDraft>) => void;
}) {
  const k = `button.${button.id}`;
  return (
    <>
      <Field k={`${k}.otpType`} label="Code delivery">
        {(p) => (
          <select
            {...p}
            value={button.otpType}
            onChange={(e) => onChange("otpType", { otpType: e.target.value as OtpType })}
          >
            {OTP_TYPES.map((t) => (
              <option key={t} value={t}>
                {OTP_LABELS[t]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        k={`${k}.text`}
        label="Copy button text (optional)"
        hint="Default “Copy code”."
        count={{ value: button.text, limit: 25 }}
      >
        {(p) => <input {...p} value={button.text} onChange={(e) => onChange("text", { text: e.target.value })} />}
      </Field>
      {button.otpType !== "COPY_CODE" && (
        <>
          <Field
            k={`${k}.autofillText`}
            label="Autofill button text (optional)"
            hint="Default “Autofill”."
            count={{ value: button.autofillText, limit: META_TEMPLATE_LIMITS.otpAutofillTextLength }}
          >
            {(p) => (
              <input
                {...p}
                value={button.autofillText}
                onChange={(e) => onChange("autofillText", { autofillText: e.target.value })}
              />
            )}
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
                      onChange={(e) =>
                        onChange("apps", {
                          supportedApps: button.supportedApps.map((a) =>
                            a.id === app.id ? { ...a, packageName: e.target.value } : a,
                          ),
                        })
                      }
                    />
                  )}
                </Field>
                <Field k={`${k}.app.${app.id}.hash`} label={`App ${n + 1} signature hash`}>
                  {(p) => (
                    <input
                      {...p}
                      value={app.signatureHash}
                      onChange={(e) =>
                        onChange("apps", {
                          supportedApps: button.supportedApps.map((a) =>
                            a.id === app.id ? { ...a, signatureHash: e.target.value } : a,
                          ),
                        })
                      }
                    />
                  )}
                </Field>
              </div>
            ))}
            <div className="actions">
              <button
                type="button"
                onClick={() =>
                  onChange("apps", {
                    supportedApps: [...button.supportedApps, { id: newId("app"), packageName: "", signatureHash: "" }],
                  })
                }
              >
                Add app
              </button>
              {button.supportedApps.length > 0 && (
                <button
                  type="button"
                  onClick={() => onChange("apps", { supportedApps: button.supportedApps.slice(0, -1) })}
                >
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
              <input
                {...p}
                type="checkbox"
                checked={button.zeroTapTermsAccepted}
                onChange={(e) => onChange("zeroTap", { zeroTapTermsAccepted: e.target.checked })}
              />
              I accept Meta’s zero-tap terms
            </label>
          )}
        </Field>
      )}
    </>
  );
}
