import type {
  ButtonType,
  CardDraft,
  Category,
  FlowRef,
  HeaderFormat,
  OtpType,
  TemplateDraft,
} from "./template-draft.js";
import { emptyDraft, newButton, newCard, newId, variablesOf } from "./template-draft.js";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The fields of a stored template the form needs (a `TTemplate` has them all). */
export interface TemplateSource {
  name: string;
  language: string;
  category: string;
  components: unknown;
}

/**
 * A stored template back as a form draft, for edit, duplicate and add-language: the inverse of `buildRequest` for
 * everything the form can express (header text/media/location/product, body and its samples, footer, every button type,
 * a limited-time offer, media- and product-card carousels, a call permission request). `formCannotExpress` names the rest.
 */
export function draftFromTemplate(template: TemplateSource): TemplateDraft {
  const draft = emptyDraft();
  draft.name = template.name;
  draft.language = template.language;
  draft.category = template.category as Category;
  for (const raw of arr(template.components)) {
    const c = obj(raw);
    const type = str(c.type).toUpperCase();
    const example = obj(c.example);
    if (type === "HEADER") {
      const format = (str(c.format).toUpperCase() || "TEXT") as HeaderFormat;
      draft.header = { ...draft.header, enabled: true, format };
      if (format === "TEXT") {
        draft.header.text = str(c.text);
        const named = obj(arr(example.header_text_named_params)[0]);
        draft.header.example = str(arr(example.header_text)[0]) || str(named.example);
      } else if (format !== "LOCATION") {
        draft.header.mediaSample = str(arr(example.header_url)[0]) || str(arr(example.header_handle)[0]);
      }
    } else if (type === "BODY") {
      draft.body.text = str(c.text);
      if (c.add_security_recommendation !== undefined)
        draft.body.addSecurityRecommendation = c.add_security_recommendation === true;
      const keys = variablesOf(draft.body.text).keys;
      const positional = arr(arr(example.body_text)[0]).map(str);
      const named = arr(example.body_text_named_params).map(obj);
      keys.forEach((key, i) => {
        const value = named.find((p) => str(p.param_name) === key)?.example ?? positional[i];
        if (value !== undefined) draft.body.examples[key] = str(value);
      });
    } else if (type === "FOOTER") {
      draft.footer.enabled = true;
      draft.footer.text = str(c.text);
      draft.footer.codeExpirationMinutes = str(c.code_expiration_minutes);
    } else if (type === "BUTTONS") {
      draft.buttons = arr(c.buttons).map((rawButton) => {
        const b = obj(rawButton);
        const button = newButton(str(b.type).toUpperCase() as ButtonType);
        button.text = str(b.text);
        button.url = str(b.url);
        button.urlExample = str(arr(b.example)[0]);
        button.phoneNumber = str(b.phone_number);
        button.code = str(arr(b.example)[0]) || str(b.example);
        if (b.otp_type !== undefined) button.otpType = str(b.otp_type).toUpperCase() as OtpType;
        button.autofillText = str(b.autofill_text);
        button.zeroTapTermsAccepted = b.zero_tap_terms_accepted === true;
        const flowRef = (["flow_id", "flow_name", "flow_json"] as const).find((ref) => b[ref] !== undefined);
        if (flowRef !== undefined) {
          button.flowRef = flowRef satisfies FlowRef;
          button.flowValue = str(b[flowRef]);
        }
        if (str(b.flow_action).toLowerCase() === "data_exchange") button.flowAction = "data_exchange";
        button.navigateScreen = str(b.navigate_screen);
        button.supportedApps = arr(b.supported_apps).map((app) => ({
          id: newId("app"),
          packageName: str(obj(app).package_name),
          signatureHash: str(obj(app).signature_hash),
        }));
        return button;
      });
    } else if (type === "LIMITED_TIME_OFFER") {
      const offer = obj(c.limited_time_offer);
      draft.offer = { enabled: true, text: str(offer.text), hasExpiration: offer.has_expiration === true };
    } else if (type === "CAROUSEL") {
      draft.carousel = { enabled: true, cards: arr(c.cards).map((rawCard) => cardDraft(obj(rawCard))) };
    } else if (type === "CALL_PERMISSION_REQUEST") {
      draft.callPermission = true;
    }
  }
  return draft;
}

function cardDraft(card: Json): CardDraft {
  const draft = newCard();
  for (const raw of arr(card.components)) {
    const c = obj(raw);
    const type = str(c.type).toUpperCase();
    if (type === "HEADER") {
      const format = str(c.format).toUpperCase();
      draft.format = format === "VIDEO" || format === "PRODUCT" ? format : "IMAGE";
      draft.handle = str(arr(obj(c.example).header_handle)[0]);
    } else if (type === "BODY") {
      draft.body = str(c.text);
    } else if (type === "BUTTONS") {
      for (const rawButton of arr(c.buttons)) {
        const b = obj(rawButton);
        if (str(b.type).toUpperCase() === "QUICK_REPLY") draft.quickReply = str(b.text);
        else if (str(b.type).toUpperCase() === "SPM") {
          draft.productButton = "SPM";
          draft.spmText = str(b.text);
        } else if (str(b.type).toUpperCase() === "URL") {
          draft.productButton = "URL";
          draft.urlText = str(b.text);
          draft.url = str(b.url);
          draft.urlExample = str(arr(b.example)[0]);
        }
      }
    }
  }
  return draft;
}

const FORM_COMPONENTS = new Set([
  "HEADER",
  "BODY",
  "FOOTER",
  "BUTTONS",
  "LIMITED_TIME_OFFER",
  "CAROUSEL",
  "CALL_PERMISSION_REQUEST",
]);

/**
 * The parts of a stored template the form has no input for, in words; empty when the form can carry it whole.
 * Edit, duplicate and add-language refuse such a template rather than submit it without those parts.
 */
export function formCannotExpress(components: unknown): string[] {
  const parts: string[] = [];
  for (const raw of arr(components)) {
    const c = obj(raw);
    const type = str(c.type).toUpperCase();
    if (!FORM_COMPONENTS.has(type)) parts.push(`a ${type || "typeless"} component`);
    if (type !== "CAROUSEL") continue;
    for (const rawCard of arr(c.cards)) {
      const cardComponents = arr(obj(rawCard).components).map(obj);
      const product = cardComponents.some(
        (cc) => str(cc.type).toUpperCase() === "HEADER" && str(cc.format).toUpperCase() === "PRODUCT",
      );
      for (const cc of cardComponents) {
        const ccType = str(cc.type).toUpperCase();
        const format = str(cc.format).toUpperCase();
        const buttons = arr(cc.buttons).map((b) => str(obj(b).type).toUpperCase());
        if (ccType === "HEADER" && format !== "IMAGE" && format !== "VIDEO" && format !== "PRODUCT")
          parts.push(`${format || "formatless"} card headers`);
        else if (
          product &&
          ccType === "BUTTONS" &&
          (buttons.length > 1 || buttons.some((t) => t !== "SPM" && t !== "URL"))
        ) {
          parts.push("product card buttons other than one SPM or one URL");
        } else if (
          !product &&
          ccType === "BUTTONS" &&
          (buttons.filter((t) => t === "QUICK_REPLY").length > 1 ||
            buttons.filter((t) => t === "URL").length > 1 ||
            buttons.some((t) => t !== "QUICK_REPLY" && t !== "URL"))
        ) {
          parts.push("card buttons other than one quick reply and one URL");
        } else if (ccType !== "HEADER" && ccType !== "BODY" && ccType !== "BUTTONS")
          parts.push(`a card ${ccType || "typeless"} component`);
      }
    }
  }
  return [...new Set(parts)];
}

/** A free name derived from `name` for a duplicate: `name_copy`, else `name_copy_2`, … (Meta's names: ≤ 512, [a-z0-9_]). */
export function duplicateName(name: string, taken: ReadonlySet<string> = new Set()): string {
  const base = `${name.slice(0, 500)}_copy`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}
