import type { TemplateDraft } from "../../lib/template-draft.js";
import type { Update } from "./fields.js";
import { Field } from "./fields.js";

/** Folded away: the message's time-to-live. */
export function DeliverySection({ draft, update }: { draft: TemplateDraft; update: Update }) {
  return (
    <details>
      <summary>Delivery settings</summary>
      <Field
        k="ttl"
        label="Message time-to-live (seconds)"
        hint="Optional. How long Meta keeps trying to deliver: 30 to 2592000."
      >
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={draft.ttlSeconds}
            onChange={(e) => update("ttl", (d) => ({ ...d, ttlSeconds: e.target.value }))}
          />
        )}
      </Field>
    </details>
  );
}
