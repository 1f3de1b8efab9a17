import type { CardDraft, TemplateDraft } from "../../lib/template-draft.js";
import { newCard } from "../../lib/template-draft.js";
import type { Update } from "./fields.js";
import { Field, SectionErrors, fieldId } from "./fields.js";

/** Issue 16: carousel cards, media or product (MARKETING only, as Meta allows). */
export function CarouselSection({ draft, update }: { draft: TemplateDraft; update: Update }) {
  const carousel = draft.carousel ?? { enabled: false, cards: [] };
  const product = carousel.cards[0]?.format === "PRODUCT";
  const setCards = (key: string, cards: (list: CardDraft[]) => CardDraft[]) =>
    update(key, (d) => ({ ...d, carousel: { enabled: true, cards: cards(d.carousel?.cards ?? []) } }));
  const setCard = (id: string, key: string, change: Partial<CardDraft>) =>
    setCards(`card.${id}.${key}`, (list) => list.map((c) => (c.id === id ? { ...c, ...change } : c)));
  return (
    <fieldset data-field="carousel" id={fieldId("carousel")} tabIndex={-1}>
      <legend>Carousel cards</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={carousel.enabled}
          onChange={(e) =>
            update("carousel", (d) => ({
              ...d,
              carousel: {
                enabled: e.target.checked,
                cards: d.carousel?.cards.length ? d.carousel.cards : [newCard(), newCard()],
              },
            }))
          }
        />
        Add carousel cards (2–10 cards with the same buttons; no header, footer or buttons on the message)
      </label>
      {carousel.enabled && (
        <>
          <Field
            k="carousel.kind"
            label="Card kind"
            hint="Meta: every card has the same header kind. Product cards show a catalog product chosen when sending."
          >
            {(p) => (
              <select
                {...p}
                value={product ? "PRODUCT" : "MEDIA"}
                onChange={(e) =>
                  setCards("carousel", (list) =>
                    list.map((c) => ({ ...c, format: e.target.value === "PRODUCT" ? "PRODUCT" : "IMAGE" })),
                  )
                }
              >
                <option value="MEDIA">Media cards</option>
                <option value="PRODUCT">Product cards</option>
              </select>
            )}
          </Field>
          {product && (
            <Field
              k="carousel.productButton"
              label="Card button"
              hint="Product cards have one button, the same type on every card."
            >
              {(p) => (
                <select
                  {...p}
                  value={carousel.cards[0]?.productButton ?? "SPM"}
                  onChange={(e) =>
                    setCards("carousel", (list) =>
                      list.map((c) => ({ ...c, productButton: e.target.value === "URL" ? "URL" : "SPM" })),
                    )
                  }
                >
                  <option value="SPM">View product (SPM)</option>
                  <option value="URL">Visit website (URL)</option>
                </select>
              )}
            </Field>
          )}
        </>
      )}
      {carousel.enabled &&
        carousel.cards.map((card, i) => (
          <div key={card.id} className="button-draft" data-card={i} role="group" aria-label={`Card ${i + 1}`}>
            <p className="hint">Card {i + 1}</p>
            {card.format !== "PRODUCT" && (
              <>
                <Field k={`card.${card.id}.format`} label={`Card ${i + 1} media`}>
                  {(p) => (
                    <select
                      {...p}
                      value={card.format}
                      onChange={(e) => setCard(card.id, "format", { format: e.target.value as CardDraft["format"] })}
                    >
                      <option value="IMAGE">Image</option>
                      <option value="VIDEO">Video</option>
                    </select>
                  )}
                </Field>
                <Field
                  k={`card.${card.id}.handle`}
                  label={`Card ${i + 1} media handle`}
                  hint="A Meta media handle from the Resumable Upload API."
                >
                  {(p) => (
                    <input
                      {...p}
                      value={card.handle}
                      onChange={(e) => setCard(card.id, "handle", { handle: e.target.value })}
                    />
                  )}
                </Field>
              </>
            )}
            <Field
              k={`card.${card.id}.body`}
              label={`Card ${i + 1} text`}
              hint="Optional, up to 160 characters (on every card or none)."
            >
              {(p) => (
                <input {...p} value={card.body} onChange={(e) => setCard(card.id, "body", { body: e.target.value })} />
              )}
            </Field>
            {card.format !== "PRODUCT" && (
              <Field k={`card.${card.id}.quickReply`} label={`Card ${i + 1} quick reply`}>
                {(p) => (
                  <input
                    {...p}
                    value={card.quickReply}
                    onChange={(e) => setCard(card.id, "quickReply", { quickReply: e.target.value })}
                  />
                )}
              </Field>
            )}
            {card.format === "PRODUCT" && card.productButton === "SPM" && (
              <Field
                k={`card.${card.id}.spmText`}
                label={`Card ${i + 1} button text`}
                hint="Meta's product cards use View."
              >
                {(p) => (
                  <input
                    {...p}
                    value={card.spmText}
                    onChange={(e) => setCard(card.id, "spmText", { spmText: e.target.value })}
                  />
                )}
              </Field>
            )}
            {(card.format !== "PRODUCT" || card.productButton === "URL") && (
              <>
                <Field k={`card.${card.id}.urlText`} label={`Card ${i + 1} URL button text`}>
                  {(p) => (
                    <input
                      {...p}
                      value={card.urlText}
                      onChange={(e) => setCard(card.id, "urlText", { urlText: e.target.value })}
                    />
                  )}
                </Field>
                <Field k={`card.${card.id}.url`} label={`Card ${i + 1} URL`}>
                  {(p) => (
                    <input {...p} value={card.url} onChange={(e) => setCard(card.id, "url", { url: e.target.value })} />
                  )}
                </Field>
              </>
            )}
            <SectionErrors k={`card.${card.id}`} />
            {carousel.cards.length > 2 && (
              <button
                type="button"
                className="link-button"
                onClick={() => setCards("carousel", (list) => list.filter((c) => c.id !== card.id))}
              >
                Remove card {i + 1}
              </button>
            )}
          </div>
        ))}
      {carousel.enabled && carousel.cards.length < 10 && (
        <div className="actions">
          <button
            type="button"
            onClick={() =>
              setCards("carousel", (list) => [
                ...list,
                { ...newCard(), format: list[0]?.format ?? "IMAGE", productButton: list[0]?.productButton ?? "SPM" },
              ])
            }
          >
            Add card
          </button>
        </div>
      )}
      <SectionErrors k="carousel" />
    </fieldset>
  );
}
