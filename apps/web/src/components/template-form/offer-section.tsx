import type { TemplateDraft } from "../../lib/template-draft.js";
import type { Update } from "./fields.js";
import { Field, SectionErrors, fieldId } from "./fields.js";

/** Issue 16: a limited-time offer (MARKETING only, as Meta allows). */
export function OfferSection({ draft, update }: { draft: TemplateDraft; update: Update }) {
  const offer = draft.offer ?? { enabled: false, text: "", hasExpiration: true };
  const setOffer = (key: string, change: Partial<typeof offer>) =>
    update(key, (d) => ({ ...d, offer: { ...offer, ...d.offer, ...change } }));
  return (
    <fieldset data-field="offer" id={fieldId("offer")} tabIndex={-1}>
      <legend>Limited-time offer</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={offer.enabled}
          onChange={(e) => setOffer("offer", { enabled: e.target.checked })}
        />
        Make this a limited-time offer (needs a copy-code and a URL button, no footer)
      </label>
      {offer.enabled && (
        <>
          <Field k="offer.text" label="Offer text" hint="Up to 16 characters, e.g. Expiring offer!">
            {(p) => (
              <input {...p} value={offer.text} onChange={(e) => setOffer("offer.text", { text: e.target.value })} />
            )}
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={offer.hasExpiration}
              onChange={(e) => setOffer("offer", { hasExpiration: e.target.checked })}
            />
            Show the expiry countdown (the time is given when sending)
          </label>
        </>
      )}
      <SectionErrors k="offer" />
    </fieldset>
  );
}
