import type { TRenderedTemplate } from "@kirim/schema";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { explainError } from "../lib/errors.js";
import { trpc } from "../lib/trpc.js";
import { ErrorBox } from "./states.js";

interface StoredComponent {
  type?: unknown;
  format?: unknown;
  text?: unknown;
  example?: { header_text?: unknown; body_text?: unknown; body_text_named_params?: unknown };
  buttons?: Array<{ type?: unknown; url?: unknown; example?: unknown }>;
  cards?: unknown;
  limited_time_offer?: { has_expiration?: unknown };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
/** A stored field as text for a keyword comparison: strings as they are, absent ones as `fallback`. */
const textOf = (value: unknown, fallback: string): string =>
  value === undefined || value === null ? fallback : typeof value === "string" ? value : JSON.stringify(value);
const names = (text: unknown) =>
  typeof text === "string" ? [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""))] : [];

/**
 * A starting point for the send's `components`: one text parameter per variable, filled with the template's examples,
 * in Meta's send shape (named templates by `parameter_name`, URL buttons by index).
 */
export function sendComponentsFor(components: unknown, now: number = Date.now()): unknown[] {
  const list = (Array.isArray(components) ? components : []) as StoredComponent[];
  const out: unknown[] = [];
  for (const component of list) {
    const kind = textOf(component.type, "").toUpperCase();
    // Issue 16: the offer's expiry (a week from now) and every carousel card by its card_index.
    if (kind === "LIMITED_TIME_OFFER") {
      if (component.limited_time_offer?.has_expiration === true) {
        out.push({
          type: "limited_time_offer",
          parameters: [
            { type: "limited_time_offer", limited_time_offer: { expiration_time_ms: now + 7 * 24 * 3600 * 1000 } },
          ],
        });
      }
      continue;
    }
    if (kind === "CAROUSEL") {
      const cards = Array.isArray(component.cards) ? (component.cards as Array<{ components?: unknown }>) : [];
      out.push({
        type: "carousel",
        cards: cards.map((card, cardIndex) => ({
          card_index: cardIndex,
          components: cardComponentsFor(card.components, cardIndex),
        })),
      });
      continue;
    }
    const type = textOf(component.type, "").toUpperCase();
    const vars = names(component.text);
    if (type === "HEADER" && textOf(component.format, "TEXT").toUpperCase() === "TEXT" && vars.length > 0) {
      const examples = Array.isArray(component.example?.header_text) ? (component.example.header_text as string[]) : [];
      out.push({ type: "header", parameters: vars.map((name, i) => ({ type: "text", text: examples[i] ?? name })) });
    } else if (type === "HEADER" && ["IMAGE", "VIDEO", "DOCUMENT"].includes(String(component.format).toUpperCase())) {
      const kind = String(component.format).toLowerCase();
      out.push({
        type: "header",
        parameters: [
          {
            type: kind,
            [kind]: {
              link: `https://example.com/sample.${kind === "image" ? "jpg" : kind === "video" ? "mp4" : "pdf"}`,
            },
          },
        ],
      });
    } else if (type === "BODY" && vars.length > 0) {
      const positional = vars.every((v) => /^\d+$/.test(v));
      const rows = component.example?.body_text;
      const examples = Array.isArray(rows) && Array.isArray(rows[0]) ? (rows[0] as string[]) : [];
      out.push({
        type: "body",
        parameters: vars.map((name, i) =>
          positional
            ? { type: "text", text: examples[i] ?? `value ${name}` }
            : { type: "text", parameter_name: name, text: name },
        ),
      });
    } else if (type === "BUTTONS") {
      (component.buttons ?? []).forEach((button, index) => {
        if (String(button.type).toUpperCase() === "URL" && names(button.url).length > 0) {
          out.push({
            type: "button",
            sub_type: "url",
            index: String(index),
            parameters: [{ type: "text", text: "suffix" }],
          });
        }
        if (String(button.type).toUpperCase() === "COPY_CODE") {
          const code: unknown = Array.isArray(button.example) ? button.example[0] : button.example;
          out.push({
            type: "button",
            sub_type: "copy_code",
            index,
            parameters: [{ type: "coupon_code", coupon_code: typeof code === "string" ? code : "CODE" }],
          });
        }
      });
    }
  }
  return out;
}

/** One carousel card's send components: its media (or product) header, body variables and URL suffixes. */
function cardComponentsFor(components: unknown, cardIndex: number): unknown[] {
  const list = (Array.isArray(components) ? components : []) as StoredComponent[];
  const out: unknown[] = [];
  for (const component of list) {
    const type = textOf(component.type, "").toUpperCase();
    const format = textOf(component.format, "").toUpperCase();
    if (type === "HEADER" && format === "PRODUCT") {
      out.push({
        type: "header",
        parameters: [
          { type: "product", product: { product_retailer_id: `sku-${cardIndex + 1}`, catalog_id: "catalog-id" } },
        ],
      });
    } else if (type === "HEADER") {
      const kind = format === "VIDEO" ? "video" : "image";
      out.push({
        type: "header",
        parameters: [
          {
            type: kind,
            [kind]: { link: `https://example.com/card-${cardIndex + 1}.${kind === "video" ? "mp4" : "jpg"}` },
          },
        ],
      });
    } else if (type === "BODY" && names(component.text).length > 0) {
      out.push({
        type: "body",
        parameters: names(component.text).map((name) => ({ type: "text", text: `value ${name}` })),
      });
    } else if (type === "BUTTONS") {
      (component.buttons ?? []).forEach((button, index) => {
        if (String(button.type).toUpperCase() === "URL" && names(button.url).length > 0) {
          out.push({
            type: "button",
            sub_type: "url",
            index,
            parameters: [{ type: "text", text: `card${cardIndex + 1}` }],
          });
        }
      });
    }
  }
  return out;
}

/**
 * "Try parameters": edit the `components` of Meta's send request and see the message as the recipient would — or
 * which parameter Meta would refuse and with which error (tRPC `templates.render`, the REST render-and-check).
 */
export function TryParameters({
  phoneNumberId,
  name,
  language,
  components,
}: {
  phoneNumberId: string;
  name: string;
  language: string;
  components: unknown;
}) {
  const [text, setText] = useState(() => JSON.stringify(sendComponentsFor(components), null, 2));
  const [parseError, setParseError] = useState<string | undefined>();
  const render = useMutation(trpc.templates.render.mutationOptions());
  const submit = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      setParseError("The components are not valid JSON.");
      return;
    }
    if (!Array.isArray(parsed)) {
      setParseError("The components must be a JSON array, as in Meta's send request.");
      return;
    }
    setParseError(undefined);
    render.mutate({ phone_number_id: phoneNumberId, name, template: { language, components: parsed as never } });
  };

  return (
    <section className="card" aria-labelledby="try-parameters-heading" data-testid="try-parameters">
      <h2 id="try-parameters-heading">Try parameters</h2>
      <p className="hint">
        The <code>components</code> of Meta's send request; nothing is sent.
      </p>
      <label htmlFor="try-parameters-json">Send components (JSON)</label>
      <textarea
        id="try-parameters-json"
        rows={10}
        value={text}
        onChange={(event) => setText(event.target.value)}
        spellCheck={false}
      />
      <button type="button" onClick={submit} disabled={render.isPending} aria-busy={render.isPending}>
        {render.isPending ? "Rendering…" : "Render"}
      </button>
      {parseError !== undefined && (
        <p className="alert alert-error" role="alert">
          {parseError}
        </p>
      )}
      {parseError === undefined && render.isError && (
        <>
          <ErrorBox error={render.error} heading="Meta would refuse this send" />
          {explainError(render.error).param !== undefined && (
            <p data-testid="wrong-parameter">
              Wrong parameter: <code>{explainError(render.error).param}</code>
            </p>
          )}
        </>
      )}
      {parseError === undefined && render.isSuccess && <RenderedMessage message={render.data} />}
    </section>
  );
}

function RenderedMessage({ message }: { message: TRenderedTemplate }) {
  return (
    <div className="rendered" role="status" data-testid="rendered-message">
      {!message.sendable && message.not_sendable_reason !== null && (
        <p className="alert">
          Meta would refuse any send of this template now: {message.not_sendable_reason.code} (
          {message.not_sendable_reason.title}).
        </p>
      )}
      {message.header !== null && (
        <p className="rendered-header">
          {message.header.text ?? `[${message.header.format}] ${message.header.link ?? message.header.media_id ?? ""}`}
        </p>
      )}
      <p className="rendered-body">{message.body}</p>
      {message.footer !== null && <p className="rendered-footer">{message.footer}</p>}
      {message.buttons.length > 0 && (
        <ul className="rendered-buttons">
          {message.buttons.map((button, index) => (
            <li key={index}>
              {button.text}
              {button.url !== undefined && ` → ${button.url}`}
              {button.payload !== undefined && ` (payload ${button.payload})`}
              {button.coupon_code !== undefined && ` (code ${button.coupon_code})`}
            </li>
          ))}
        </ul>
      )}
      {message.limited_time_offer !== undefined && (
        <p className="rendered-offer" data-testid="rendered-offer">
          {message.limited_time_offer.text}
          {message.limited_time_offer.expiration_time_ms !== undefined &&
            ` · expires ${new Date(message.limited_time_offer.expiration_time_ms).toISOString()}`}
        </p>
      )}
      {message.cards !== undefined && (
        <ol className="rendered-cards" data-testid="rendered-cards">
          {message.cards.map((card) => (
            <li key={card.card_index}>
              [{card.header.format}] {card.header.link ?? card.header.media_id ?? card.header.product_retailer_id ?? ""}
              {card.body !== null && ` · ${card.body}`}
              {card.buttons
                .map((button) => ` · ${button.text}${button.url !== undefined ? ` → ${button.url}` : ""}`)
                .join("")}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
