import { useState } from "react";
import type { PreviewButton, PreviewCard, PreviewModel, Segment } from "../lib/preview-model.js";
import { toPreviewModel } from "../lib/preview-model.js";
import type { Formatted } from "../lib/wa-format.js";
import { formatSegments } from "../lib/wa-format.js";
import type { IconName } from "./icons.js";
import { Icon } from "./icons.js";

/**
 * A WhatsApp-style rendering of a template: header (text or a media placeholder), body with the example
 * values filled in, footer, and buttons the way WhatsApp draws them — call-to-action buttons (URL, phone,
 * copy code, OTP, voice call) as link rows inside the bubble, quick replies as pills beneath it, and with
 * more than three buttons the first two plus "See all options".
 */
/** A media sample on this device (an object URL), drawn in the header instead of the placeholder. */
export interface PreviewMedia {
  url: string;
  mimeType: string;
  fileName: string;
}

export function TemplatePreview({
  components,
  label = "WhatsApp preview",
  media,
}: {
  components: unknown;
  label?: string;
  media?: PreviewMedia | undefined;
}) {
  const model = toPreviewModel(components);
  return <PreviewBubble model={model} label={label} media={media} />;
}

/** The real thumbnail: the image, a video's first frame where the browser decodes it (else the icon), a PDF's icon and name. */
function MediaThumbnail({ format, media }: { format: string; media: PreviewMedia }) {
  const [failed, setFailed] = useState(false);
  if (format === "IMAGE" && media.mimeType.startsWith("image/")) {
    return (
      <img
        className="wa-media wa-media-thumb"
        src={media.url}
        alt={`Image header: ${media.fileName}`}
        data-testid="preview-media-thumbnail"
      />
    );
  }
  if (format === "VIDEO" && media.mimeType.startsWith("video/") && !failed) {
    return (
      <video
        className="wa-media wa-media-thumb"
        src={`${media.url}#t=0.001`}
        muted
        playsInline
        preload="auto"
        aria-label={`Video header: ${media.fileName}`}
        data-testid="preview-media-thumbnail"
        onError={() => setFailed(true)}
      />
    );
  }
  return (
    <div
      className={`wa-media wa-media-${format.toLowerCase()}`}
      data-testid="preview-media"
      role="img"
      aria-label={`${mediaLabel(format)} header: ${media.fileName}`}
    >
      <Icon name={mediaIcon(format)} size={40} />
      <span>{media.fileName}</span>
    </div>
  );
}

export function PreviewBubble({
  model,
  label,
  media,
}: {
  model: PreviewModel;
  label: string;
  media?: PreviewMedia | undefined;
}) {
  const [expanded, setExpanded] = useState(false);
  const collapsed = model.buttons.length > 3 && !expanded;
  const visible = collapsed ? model.buttons.slice(0, 2) : model.buttons;
  const inBubble = visible.filter((b) => b.type !== "QUICK_REPLY");
  const pills = visible.filter((b) => b.type === "QUICK_REPLY");
  const empty =
    model.header === undefined &&
    model.body.length === 0 &&
    model.footer === undefined &&
    model.buttons.length === 0 &&
    !model.callPermission;

  return (
    <figure className="wa-chat" aria-label={label}>
      <div className="wa-bubble">
        {model.header?.kind === "text" && (
          <p className="wa-header" data-testid="preview-header">
            <Segments segments={model.header.segments} />
          </p>
        )}
        {model.header?.kind === "media" && media !== undefined && (
          <MediaThumbnail format={model.header.format} media={media} />
        )}
        {model.header?.kind === "media" && media === undefined && (
          <div
            className={`wa-media wa-media-${model.header.format.toLowerCase()}`}
            data-testid="preview-media"
            role="img"
            aria-label={`${mediaLabel(model.header.format)} header`}
          >
            <Icon name={mediaIcon(model.header.format)} size={40} />
            <span>{mediaLabel(model.header.format)}</span>
          </div>
        )}
        {model.header?.kind === "product" && (
          <div
            className="wa-media wa-media-product"
            data-testid="preview-product"
            role="img"
            aria-label="Product header"
          >
            <Icon name="image" size={40} />
            <span>Product from your catalog</span>
          </div>
        )}
        {model.offer !== undefined && <OfferBlock offer={model.offer} />}
        {model.body.length > 0 ? (
          <p className="wa-body" data-testid="preview-body">
            <Segments segments={model.body} />
          </p>
        ) : (
          empty && <p className="wa-body wa-empty">Start typing to see the message.</p>
        )}
        {model.footer !== undefined && (
          <p className="wa-footer" data-testid="preview-footer">
            {model.footer}
          </p>
        )}
        <span className="wa-time" aria-hidden="true">
          12:00
        </span>
        {inBubble.length > 0 && (
          <ul className="wa-cta" aria-label="Call-to-action buttons">
            {inBubble.map((button, i) => (
              <li
                key={i}
                className="wa-cta-button"
                data-button-type={button.type}
                data-otp-type={button.type === "OTP" ? button.otpType : undefined}
                title={buttonTitle(button)}
              >
                <Icon name={buttonIcon(button)} />
                <span>{button.text}</span>
              </li>
            ))}
          </ul>
        )}
        {model.callPermission && (
          <div
            className="wa-call-permission"
            data-testid="preview-call-permission"
            aria-label="Call permission request"
          >
            <p>
              <Icon name="phone" /> <span>Allow this business to call you on WhatsApp?</span>
            </p>
            <ul className="wa-cta">
              <li className="wa-cta-button" data-button-type="CALL_PERMISSION_ALLOW">
                <span>Allow calls</span>
              </li>
              <li className="wa-cta-button" data-button-type="CALL_PERMISSION_DENY">
                <span>Not now</span>
              </li>
            </ul>
          </div>
        )}
        {collapsed && (
          <button type="button" className="wa-cta-button wa-see-all" onClick={() => setExpanded(true)}>
            <Icon name="list" />
            <span>See all options</span>
          </button>
        )}
      </div>
      {model.cards !== undefined && model.cards.length > 0 && (
        <ul className="wa-carousel" aria-label="Carousel cards" data-testid="preview-carousel">
          {model.cards.map((card, i) => (
            <CarouselCard key={i} card={card} index={i} />
          ))}
        </ul>
      )}
      {pills.length > 0 && (
        <ul className="wa-pills" aria-label="Quick replies">
          {pills.map((button, i) => (
            <li key={i} className="wa-pill" data-button-type="QUICK_REPLY">
              <Icon name="reply" />
              <span>{button.text}</span>
            </li>
          ))}
        </ul>
      )}
      {expanded && model.buttons.length > 3 && (
        <button type="button" className="link-button wa-collapse" onClick={() => setExpanded(false)}>
          Show as WhatsApp does (2 + “See all options”)
        </button>
      )}
    </figure>
  );
}

/** The offer line of a limited-time offer and, when it expires, WhatsApp's countdown (its time is set at send). */
function OfferBlock({ offer }: { offer: NonNullable<PreviewModel["offer"]> }) {
  return (
    <div className="wa-offer" data-testid="preview-offer">
      <Icon name="copy" />
      <div>
        <strong>{offer.text}</strong>
        {offer.hasExpiration && (
          <span className="wa-offer-expiry" data-testid="preview-offer-expiry">
            Ends in 2 days · expiry set when sent
          </span>
        )}
      </div>
    </div>
  );
}

/** One carousel card; the cards sit side by side and scroll horizontally, as WhatsApp draws them. */
function CarouselCard({ card, index }: { card: PreviewCard; index: number }) {
  return (
    <li className="wa-card" data-testid="preview-card" aria-label={`Card ${index + 1}`}>
      {card.header.kind === "product" ? (
        <div className="wa-media" role="img" aria-label="Product header">
          <Icon name="image" size={32} />
          <span>Product</span>
        </div>
      ) : (
        <div
          className={`wa-media wa-media-${card.header.format.toLowerCase()}`}
          role="img"
          aria-label={`${mediaLabel(card.header.format)} header`}
        >
          <Icon name={mediaIcon(card.header.format)} size={32} />
          <span>{mediaLabel(card.header.format)}</span>
        </div>
      )}
      {card.body.length > 0 && (
        <p className="wa-body">
          <Segments segments={card.body} />
        </p>
      )}
      {card.buttons.length > 0 && (
        <ul className="wa-cta">
          {card.buttons.map((button, i) => (
            <li key={i} className="wa-cta-button" data-button-type={button.type} title={buttonTitle(button)}>
              <Icon name={buttonIcon(button)} />
              <span>{button.text}</span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function Segments({ segments }: { segments: Segment[] }) {
  return <FormattedNodes nodes={formatSegments(segments)} />;
}

function FormattedNodes({ nodes }: { nodes: Formatted[] }) {
  return (
    <>
      {nodes.map((node, i) => {
        switch (node.kind) {
          case "text":
            return <span key={i}>{node.text}</span>;
          case "var":
            return (
              <mark
                key={i}
                className={node.segment.kind === "value" ? "wa-var" : "wa-var wa-var-missing"}
                title={node.segment.kind === "missing" ? "No example value yet" : "Example value"}
              >
                {node.segment.text}
              </mark>
            );
          case "bold":
            return (
              <strong key={i}>
                <FormattedNodes nodes={node.children} />
              </strong>
            );
          case "italic":
            return (
              <em key={i}>
                <FormattedNodes nodes={node.children} />
              </em>
            );
          case "strike":
            return (
              <s key={i}>
                <FormattedNodes nodes={node.children} />
              </s>
            );
          case "mono":
            return (
              <code key={i} className="wa-mono">
                <FormattedNodes nodes={node.children} />
              </code>
            );
        }
      })}
    </>
  );
}

function mediaIcon(format: string): IconName {
  switch (format) {
    case "IMAGE":
      return "image";
    case "VIDEO":
    case "GIF":
      return "video";
    case "LOCATION":
      return "location";
    default:
      return "document";
  }
}

function mediaLabel(format: string): string {
  switch (format) {
    case "IMAGE":
      return "Image";
    case "VIDEO":
      return "Video";
    case "GIF":
      return "GIF";
    case "LOCATION":
      return "Location";
    default:
      return "Document";
  }
}

function buttonIcon(button: PreviewButton): IconName {
  switch (button.type) {
    case "URL":
      return "link";
    case "PHONE_NUMBER":
    case "VOICE_CALL":
      return "phone";
    case "COPY_CODE":
      return "copy";
    case "OTP":
      return button.otpType === "COPY_CODE" ? "copy" : "key";
    case "QUICK_REPLY":
      return "reply";
    case "FLOW":
    case "CATALOG":
    case "MPM":
      return "list";
    case "SPM":
      return "image";
    default:
      return "link";
  }
}

function buttonTitle(button: PreviewButton): string {
  switch (button.type) {
    case "URL":
      return `Opens ${button.url}`;
    case "PHONE_NUMBER":
      return `Calls ${button.phoneNumber}`;
    case "COPY_CODE":
      return `Copies ${button.code}`;
    case "OTP":
      return `One-time password (${button.otpType.toLowerCase().replace("_", " ")})`;
    case "VOICE_CALL":
      return "Starts a WhatsApp call";
    case "FLOW":
      return button.flow === "" ? "Opens a WhatsApp Flow" : `Opens the Flow ${button.flow}`;
    case "CATALOG":
      return "Opens your product catalog";
    case "MPM":
      return "Shows the products of the message";
    case "SPM":
      return "Shows the product";
    case "OTHER":
      return `${button.rawType} button`;
    default:
      return button.text;
  }
}
