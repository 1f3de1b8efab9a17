// Demo WABA contents: a dozen hand-written templates (several from Meta's own examples) plus generated ones,
// all deterministic from a seed. Every entry is a create-syntax body that passes the sandbox's own rules;
// the store runs it through them, so reads look exactly like templates created over the API.
import { createPrng } from "./prng.js";
import type { Prng } from "./prng.js";
import type { QualityScore, RejectionReason, TemplateStatus } from "./model.js";

export const DEMO_WABA_ID = "102290129340398"; // the WABA id in Meta's own examples
export const DEMO_ACCESS_TOKEN = "sandbox-demo-token";
export const DEMO_APP_ID = "1234567890123456";
export const DEMO_APP_SECRET = "sandbox-demo-app-secret";
export const DEMO_WABA_NAME = "Kirim Demo Store";
/** The demo WABA's business phone number (the format of Meta's `display_phone_number` examples). */
export const DEMO_PHONE_NUMBER_ID = "106540352242922";
export const DEMO_DISPLAY_PHONE_NUMBER = "+62 811-1222-333";
/** Names the demo data must leave free (the service README creates `order_confirmation` in `en`). */
export const RESERVED_DEMO_NAMES: readonly string[] = ["order_confirmation"];

export interface DemoTemplate {
  body: Record<string, unknown>;
  status: TemplateStatus;
  rejectedReason?: RejectionReason;
  rejectionInfo?: { reason: string; recommendation: string };
  quality: QualityScore;
  previousCategory?: string;
}

/** Handles the demo data uses for media headers; the store registers them as finished uploads. */
export const DEMO_MEDIA_HANDLES = {
  IMAGE: "4::aW1hZ2UvanBlZw==:ARZdemoImageSample:e:1767225600:1234567890123456:102290129340398:ARa1",
  VIDEO: "4::dmlkZW8vbXA0:ARZdemoVideoSample:e:1767225600:1234567890123456:102290129340398:ARa2",
  DOCUMENT: "4::YXBwbGljYXRpb24vcGRm:ARZdemoDocumentSample:e:1767225600:1234567890123456:102290129340398:ARa3",
} as const;

const HAND_WRITTEN: DemoTemplate[] = [
  {
    // FB-OAS list example.
    body: {
      name: "hello_world",
      language: "en_US",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "TEXT", text: "Hello World" },
        {
          type: "BODY",
          text: "Welcome and congratulations!! This message demonstrates your ability to send a message notification from WhatsApp Business Platform’s Cloud API. Thank you for taking the time to test with us.",
        },
        { type: "FOOTER", text: "WhatsApp Business API Team" },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
    previousCategory: "ACCOUNT_UPDATE",
  },
  {
    // FB-OAS list example (REJECTED there).
    body: {
      name: "2023_april_promo",
      language: "en_US",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "TEXT", text: "Fall Sale" },
        {
          type: "BODY",
          text: "Hi {{1}}, our Fall Sale is on! Use promo code {{2}} Get an extra 25% off every order above $350!",
          example: { body_text: [["Mark", "FALL25"]] },
        },
        { type: "FOOTER", text: "Not interested in any of our sales? Tap Stop Promotions" },
        { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Stop promotions" }] },
      ],
    },
    status: "REJECTED",
    rejectedReason: "TAG_CONTENT_MISMATCH",
    quality: "UNKNOWN",
  },
  {
    // M-CMP full example.
    body: {
      name: "seasonal_promotion",
      language: "en_US",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "TEXT", text: "Our {{1}} is on!", example: { header_text: ["Summer Sale"] } },
        {
          type: "BODY",
          text: "Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.",
          example: { body_text: [["the end of August", "25OFF", "25%"]] },
        },
        { type: "FOOTER", text: "Use the buttons below to manage your marketing subscriptions" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "QUICK_REPLY", text: "Unsubscribe from Promos" },
            { type: "QUICK_REPLY", text: "Unsubscribe from All" },
          ],
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    // §8.2 webhook example: rejected for adjacent parameters.
    body: {
      name: "abandoned_cart",
      language: "en",
      category: "MARKETING",
      components: [
        {
          type: "BODY",
          text: "Hello {{1}}, you left {{2}}{{3}} in your cart. Complete your purchase today and we will ship it right away.",
          example: { body_text: [["Ana", "2", " items"]] },
        },
      ],
    },
    status: "REJECTED",
    rejectedReason: "INVALID_FORMAT",
    rejectionInfo: {
      reason:
        "Your template has parameters placed next to each other (like {{1}}{{2}}) without text or punctuation between them.",
      recommendation: "Separate parameters with descriptive text and ensure each parameter is clearly contextualized.",
    },
    quality: "UNKNOWN",
  },
  {
    // §8.3 quality example.
    body: {
      name: "welcome_template",
      language: "en_US",
      category: "UTILITY",
      components: [
        {
          type: "BODY",
          text: "Hi {{1}}, welcome to Kirim Demo Store. Your account is ready and you can reply here any time if you need help.",
          example: { body_text: [["Maria"]] },
        },
      ],
    },
    status: "APPROVED",
    quality: "YELLOW",
  },
  {
    body: {
      name: "authentication_code_copy_code_button",
      language: "en_US",
      category: "AUTHENTICATION",
      components: [
        { type: "BODY", add_security_recommendation: true },
        { type: "FOOTER", code_expiration_minutes: 10 },
        { type: "BUTTONS", buttons: [{ type: "OTP", otp_type: "COPY_CODE", text: "Copy code" }] },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "login_one_tap",
      language: "id",
      category: "AUTHENTICATION",
      message_send_ttl_seconds: 600,
      components: [
        { type: "BODY", add_security_recommendation: true },
        { type: "FOOTER", code_expiration_minutes: 5 },
        {
          type: "BUTTONS",
          buttons: [
            {
              type: "OTP",
              otp_type: "ONE_TAP",
              text: "Salin kode",
              autofill_text: "Isi otomatis",
              supported_apps: [{ package_name: "dev.kirim.demo", signature_hash: "K8a/AINcGX7" }],
            },
          ],
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "delivery_tracking",
      language: "pt_BR",
      category: "UTILITY",
      components: [
        {
          type: "BODY",
          text: "Olá {{1}}, seu pedido {{2}} saiu para entrega e deve chegar hoje até as 18h.",
          example: { body_text: [["João", "#48213"]] },
        },
        {
          type: "BUTTONS",
          buttons: [
            { type: "URL", text: "Rastrear pedido", url: "https://demo.kirim.dev/track/{{1}}", example: ["48213"] },
          ],
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "payment_due_reminder",
      language: "es",
      category: "UTILITY",
      components: [
        { type: "HEADER", format: "TEXT", text: "Recordatorio de pago" },
        {
          type: "BODY",
          text: "Hola {{1}}, tu factura {{2}} por {{3}} vence el {{4}}. Si ya pagaste, puedes ignorar este mensaje.",
          example: { body_text: [["Lucía", "F-2291", "$45.00", "15 de marzo"]] },
        },
        { type: "FOOTER", text: "Kirim Demo Store" },
        {
          type: "BUTTONS",
          buttons: [{ type: "PHONE_NUMBER", text: "Llamar a soporte", phone_number: "+5215512345678" }],
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "weekend_coupon",
      language: "en_US",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "IMAGE", example: { header_handle: [DEMO_MEDIA_HANDLES.IMAGE] } },
        {
          type: "BODY",
          text: "Hi {{1}}, this weekend only you get 20% off everything in store. Copy the code below and use it at checkout before Sunday night.",
          example: { body_text: [["Sam"]] },
        },
        { type: "FOOTER", text: "Reply STOP to opt out" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "COPY_CODE", example: "WEEKEND20" },
            { type: "URL", text: "Shop now", url: "https://demo.kirim.dev/shop" },
          ],
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "invoice_available",
      language: "en",
      category: "UTILITY",
      components: [
        { type: "HEADER", format: "DOCUMENT", example: { header_handle: [DEMO_MEDIA_HANDLES.DOCUMENT] } },
        {
          type: "BODY",
          text: "Hi {{1}}, your invoice {{2}} is attached to this message. Please keep it for your records.",
          example: { body_text: [["Priya", "INV-1042"]] },
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "pickup_point_location",
      language: "en",
      category: "UTILITY",
      components: [
        { type: "HEADER", format: "LOCATION" },
        {
          type: "BODY",
          text: "Your parcel {{1}} is waiting at the pickup point shown above. Bring your ID and the code from this message.",
          example: { body_text: [["PX-7781"]] },
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "product_launch_video",
      language: "en_US",
      category: "MARKETING",
      components: [
        { type: "HEADER", format: "VIDEO", example: { header_handle: [DEMO_MEDIA_HANDLES.VIDEO] } },
        {
          type: "BODY",
          text: "Meet the new Kirim Smart Lamp, {{1}}. Watch the video to see what it can do, then pre-order before {{2}} for early delivery.",
          example: { body_text: [["Alex", "June 30"]] },
        },
        { type: "BUTTONS", buttons: [{ type: "URL", text: "Pre-order", url: "https://demo.kirim.dev/lamp" }] },
      ],
    },
    status: "PENDING",
    quality: "UNKNOWN",
  },
  {
    // Chatwoot's CSAT pattern (§9): URL button with a variable and an example.
    body: {
      name: "customer_satisfaction_survey",
      language: "en",
      category: "UTILITY",
      components: [
        {
          type: "BODY",
          text: "Thanks for chatting with us today. How did we do? Tap below to rate the conversation.",
          example: undefined,
        },
        {
          type: "BUTTONS",
          buttons: [{ type: "URL", text: "Rate us", url: "https://demo.kirim.dev/survey/{{1}}", example: ["12345"] }],
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "welcome_named",
      language: "en",
      category: "MARKETING",
      parameter_format: "NAMED",
      components: [
        {
          type: "HEADER",
          format: "TEXT",
          text: "Welcome, {{first_name}}!",
          example: { header_text_named_params: [{ param_name: "first_name", example: "Pablo" }] },
        },
        {
          type: "BODY",
          text: "Thanks for joining, {{first_name}}. Your member number is {{member_id}} and your first reward is already waiting in the app.",
          example: {
            body_text_named_params: [
              { param_name: "first_name", example: "Pablo" },
              { param_name: "member_id", example: "M-99812" },
            ],
          },
        },
      ],
    },
    status: "APPROVED",
    quality: "GREEN",
  },
  {
    body: {
      name: "account_suspended_notice",
      language: "en",
      category: "UTILITY",
      components: [
        {
          type: "BODY",
          text: "Hi {{1}}, we noticed unusual activity and paused your account. Reply here to talk to our support team.",
          example: { body_text: [["Tom"]] },
        },
      ],
    },
    status: "DISABLED",
    quality: "RED",
  },
];

// ---------------------------------------------------------------------------------------------
// Generated templates

type LanguageKey = "en" | "id" | "pt" | "es";

interface Topic {
  stem: string;
  category: "MARKETING" | "UTILITY" | "AUTHENTICATION";
  /** Body per language (en is used for en and en_US). Missing languages are simply not generated. */
  texts: Partial<Record<LanguageKey, string>>;
  examples: string[];
}

const TOPICS: Topic[] = [
  {
    stem: "shipping_update",
    category: "UTILITY",
    texts: {
      en: "Hi {{1}}, your package {{2}} has shipped and should arrive by {{3}}. You can track it from your account page.",
      id: "Halo {{1}}, paket {{2}} sudah dikirim dan akan tiba paling lambat {{3}}. Lacak paket dari halaman akun Anda.",
      pt: "Olá {{1}}, seu pacote {{2}} foi enviado e deve chegar até {{3}}. Acompanhe pela página da sua conta.",
      es: "Hola {{1}}, tu paquete {{2}} fue enviado y debería llegar antes del {{3}}. Puedes rastrearlo desde tu cuenta.",
    },
    examples: ["Dewi", "PKG-2231", "Friday"],
  },
  {
    stem: "appointment_reminder",
    category: "UTILITY",
    texts: {
      en: "Reminder: {{1}}, your appointment with {{2}} is on {{3}}. Reply YES to confirm or call us to reschedule.",
      id: "Pengingat: {{1}}, janji temu Anda dengan {{2}} pada {{3}}. Balas YA untuk konfirmasi atau hubungi kami.",
      es: "Recordatorio: {{1}}, tu cita con {{2}} es el {{3}}. Responde SÍ para confirmar o llámanos para cambiarla.",
    },
    examples: ["Budi", "Dr. Rina", "12 May at 10:00"],
  },
  {
    stem: "payment_received",
    category: "UTILITY",
    texts: {
      en: "Thank you {{1}}, we received your payment of {{2}} for invoice {{3}}. No further action is needed.",
      pt: "Obrigado {{1}}, recebemos seu pagamento de {{2}} referente à fatura {{3}}. Nenhuma ação é necessária.",
      es: "Gracias {{1}}, recibimos tu pago de {{2}} de la factura {{3}}. No necesitas hacer nada más.",
    },
    examples: ["Ana", "R$ 120,00", "INV-771"],
  },
  {
    stem: "booking_confirmed",
    category: "UTILITY",
    texts: {
      en: "Your booking {{1}} is confirmed for {{2}}. Show this message at the front desk when you arrive.",
      id: "Pemesanan {{1}} Anda sudah dikonfirmasi untuk {{2}}. Tunjukkan pesan ini di meja depan saat tiba.",
    },
    examples: ["BK-5521", "3 June"],
  },
  {
    stem: "refund_processed",
    category: "UTILITY",
    texts: {
      en: "Hi {{1}}, your refund of {{2}} has been processed and should appear in your account within 5 business days.",
      es: "Hola {{1}}, tu reembolso de {{2}} fue procesado y aparecerá en tu cuenta en un máximo de 5 días hábiles.",
    },
    examples: ["Carlos", "$18.50"],
  },
  {
    stem: "subscription_renewal",
    category: "UTILITY",
    texts: {
      en: "Hi {{1}}, your subscription will renew on {{2}}. You can change or cancel your plan from your account settings.",
      pt: "Olá {{1}}, sua assinatura será renovada em {{2}}. Você pode alterar ou cancelar o plano nas configurações.",
    },
    examples: ["Lia", "1 July"],
  },
  {
    stem: "delivery_rescheduled",
    category: "UTILITY",
    texts: {
      en: "Hello {{1}}, the delivery of order {{2}} was moved to {{3}} because of weather delays. We are sorry for the wait.",
      id: "Halo {{1}}, pengiriman pesanan {{2}} dipindahkan ke {{3}} karena cuaca buruk. Mohon maaf atas keterlambatan ini.",
    },
    examples: ["Sari", "ORD-9912", "Monday"],
  },
  {
    stem: "new_arrivals",
    category: "MARKETING",
    texts: {
      en: "Hi {{1}}, fresh styles just landed in our {{2}} collection. Be the first to see them before they sell out.",
      id: "Hai {{1}}, gaya terbaru baru saja tiba di koleksi {{2}} kami. Jadilah yang pertama melihatnya sebelum habis.",
      pt: "Oi {{1}}, novidades acabaram de chegar na coleção {{2}}. Seja o primeiro a ver antes que esgotem.",
      es: "Hola {{1}}, acaban de llegar nuevos estilos a nuestra colección {{2}}. Sé el primero en verlos antes de que se agoten.",
    },
    examples: ["Rani", "summer"],
  },
  {
    stem: "loyalty_points",
    category: "MARKETING",
    texts: {
      en: "Good news {{1}}! You have {{2}} loyalty points waiting. Redeem them on your next visit for a free treat.",
      pt: "Boa notícia {{1}}! Você tem {{2}} pontos de fidelidade esperando. Troque na próxima visita por um mimo.",
    },
    examples: ["Marco", "350"],
  },
  {
    stem: "flash_discount",
    category: "MARKETING",
    texts: {
      en: "Only today, {{1}}: take {{2}} off selected items in our app. The offer ends at midnight, so do not wait too long.",
      es: "Solo hoy, {{1}}: obtén {{2}} de descuento en artículos seleccionados de la app. La oferta termina a medianoche.",
      id: "Hanya hari ini, {{1}}: dapatkan potongan {{2}} untuk produk pilihan di aplikasi. Penawaran berakhir tengah malam.",
    },
    examples: ["Nina", "30%"],
  },
  {
    stem: "referral_bonus",
    category: "MARKETING",
    texts: {
      en: "Invite a friend to Kirim Demo Store, {{1}}, and you both get {{2}} in credit when they place their first order.",
    },
    examples: ["Eva", "$10"],
  },
  {
    stem: "event_invitation",
    category: "MARKETING",
    texts: {
      en: "You are invited, {{1}}! Join us at {{2}} on {{3}} for live music, tastings and early access to new products.",
      pt: "Você está convidado, {{1}}! Venha para {{2}} em {{3}} para música ao vivo, degustações e lançamentos.",
    },
    examples: ["Rafa", "our Jakarta store", "Saturday"],
  },
  {
    stem: "back_in_stock",
    category: "MARKETING",
    texts: {
      en: "Hi {{1}}, the {{2}} you asked about is back in stock. Quantities are limited, so order soon if you still want it.",
      es: "Hola {{1}}, el {{2}} que buscabas volvió a estar disponible. Las unidades son limitadas, así que pide pronto.",
    },
    examples: ["Iris", "linen jacket"],
  },
  { stem: "login_code", category: "AUTHENTICATION", texts: { en: "", id: "", pt: "", es: "" }, examples: [] },
  { stem: "verify_phone", category: "AUTHENTICATION", texts: { en: "", id: "", pt: "", es: "" }, examples: [] },
  { stem: "password_reset_code", category: "AUTHENTICATION", texts: { en: "", es: "" }, examples: [] },
];

const LANGUAGES: Array<{ code: string; key: LanguageKey }> = [
  { code: "en", key: "en" },
  { code: "en_US", key: "en" },
  { code: "id", key: "id" },
  { code: "pt_BR", key: "pt" },
  { code: "es", key: "es" },
];

const NAME_SUFFIXES = [
  "",
  "_v2",
  "_v3",
  "_2025",
  "_2026",
  "_alt",
  "_short",
  "_app",
  "_store",
  "_web",
  "_q1",
  "_q2",
  "_q3",
  "_q4",
];

const FOOTERS: Record<LanguageKey, string> = {
  en: "Kirim Demo Store",
  id: "Toko Demo Kirim",
  pt: "Loja Demo Kirim",
  es: "Tienda Demo Kirim",
};

const BUTTON_LABELS: Record<LanguageKey, { view: string; call: string; yes: string; no: string; stop: string }> = {
  en: { view: "View details", call: "Call us", yes: "Yes", no: "No", stop: "Stop promotions" },
  id: { view: "Lihat detail", call: "Hubungi kami", yes: "Ya", no: "Tidak", stop: "Berhenti promo" },
  pt: { view: "Ver detalhes", call: "Ligar", yes: "Sim", no: "Não", stop: "Parar promoções" },
  es: { view: "Ver detalles", call: "Llamar", yes: "Sí", no: "No", stop: "Detener promociones" },
};

function pickStatus(prng: Prng): { status: TemplateStatus; rejectedReason?: RejectionReason; quality: QualityScore } {
  const roll = prng.next();
  if (roll < 0.68)
    return { status: "APPROVED", quality: prng.pick(["GREEN", "GREEN", "GREEN", "YELLOW", "UNKNOWN"] as const) };
  if (roll < 0.8) return { status: "PENDING", quality: "UNKNOWN" };
  if (roll < 0.92) {
    return {
      status: "REJECTED",
      rejectedReason: prng.pick([
        "INVALID_FORMAT",
        "PROMOTIONAL",
        "TAG_CONTENT_MISMATCH",
        "INCORRECT_CATEGORY",
        "SCAM",
      ] as const),
      quality: "UNKNOWN",
    };
  }
  if (roll < 0.96) return { status: "PAUSED", quality: "RED" };
  if (roll < 0.98) return { status: "DISABLED", quality: "RED" };
  return { status: "IN_APPEAL", quality: "UNKNOWN" };
}

function generatedBody(
  topic: Topic,
  name: string,
  language: { code: string; key: LanguageKey },
  prng: Prng,
): Record<string, unknown> {
  if (topic.category === "AUTHENTICATION") {
    const otpType = prng.pick(["COPY_CODE", "COPY_CODE", "ONE_TAP"] as const);
    const button: Record<string, unknown> = { type: "OTP", otp_type: otpType };
    if (otpType === "ONE_TAP")
      button.supported_apps = [{ package_name: "dev.kirim.demo", signature_hash: "K8a/AINcGX7" }];
    return {
      name,
      language: language.code,
      category: "AUTHENTICATION",
      components: [
        { type: "BODY", add_security_recommendation: prng.chance(0.7) },
        ...(prng.chance(0.8) ? [{ type: "FOOTER", code_expiration_minutes: prng.pick([5, 10, 15, 30]) }] : []),
        { type: "BUTTONS", buttons: [button] },
      ],
    };
  }
  const text = topic.texts[language.key] ?? "";
  const labels = BUTTON_LABELS[language.key];
  const components: Array<Record<string, unknown>> = [];
  const headerKind = prng.pick([
    "none",
    "none",
    "text",
    "IMAGE",
    "VIDEO",
    "DOCUMENT",
    ...(topic.category === "UTILITY" ? ["LOCATION"] : []),
  ]);
  if (headerKind === "text") {
    components.push({ type: "HEADER", format: "TEXT", text: FOOTERS[language.key] });
  } else if (headerKind === "LOCATION") {
    components.push({ type: "HEADER", format: "LOCATION" });
  } else if (headerKind !== "none") {
    components.push({
      type: "HEADER",
      format: headerKind,
      example: { header_handle: [DEMO_MEDIA_HANDLES[headerKind as keyof typeof DEMO_MEDIA_HANDLES]] },
    });
  }
  const variables = (text.match(/\{\{\d+\}\}/g) ?? []).length;
  components.push({ type: "BODY", text, example: { body_text: [topic.examples.slice(0, variables)] } });
  if (prng.chance(0.5))
    components.push({
      type: "FOOTER",
      text: topic.category === "MARKETING" ? "Reply STOP to opt out" : FOOTERS[language.key],
    });
  const buttonKind = prng.pick([
    "none",
    "quick_replies",
    "url_static",
    "url_dynamic",
    "phone",
    "mixed",
    ...(topic.category === "MARKETING" ? ["copy_code", "stop"] : []),
  ]);
  const buttons: Array<Record<string, unknown>> = [];
  switch (buttonKind) {
    case "quick_replies":
      buttons.push({ type: "QUICK_REPLY", text: labels.yes }, { type: "QUICK_REPLY", text: labels.no });
      break;
    case "url_static":
      buttons.push({ type: "URL", text: labels.view, url: "https://demo.kirim.dev/account" });
      break;
    case "url_dynamic":
      buttons.push({ type: "URL", text: labels.view, url: "https://demo.kirim.dev/o/{{1}}", example: ["ORD-1001"] });
      break;
    case "phone":
      buttons.push({ type: "PHONE_NUMBER", text: labels.call, phone_number: "+6281234567890" });
      break;
    case "mixed":
      buttons.push(
        { type: "QUICK_REPLY", text: labels.yes },
        { type: "QUICK_REPLY", text: labels.no },
        { type: "URL", text: labels.view, url: "https://demo.kirim.dev/o/{{1}}", example: ["ORD-1001"] },
        { type: "PHONE_NUMBER", text: labels.call, phone_number: "+6281234567890" },
      );
      break;
    case "copy_code":
      buttons.push(
        { type: "COPY_CODE", example: "SAVE15" },
        { type: "URL", text: labels.view, url: "https://demo.kirim.dev/shop" },
      );
      break;
    case "stop":
      buttons.push({ type: "QUICK_REPLY", text: labels.stop });
      break;
    default:
      break;
  }
  if (buttons.length > 0) components.push({ type: "BUTTONS", buttons });
  return { name, language: language.code, category: topic.category, components };
}

/**
 * The demo WABA's templates: the hand-written ones first, then generated (name, language) pairs until
 * `count` templates exist in total. Deterministic for a given seed.
 */
export function buildDemoTemplates(count: number, seed: number): DemoTemplate[] {
  const prng = createPrng(seed);
  const result: DemoTemplate[] = HAND_WRITTEN.slice(0, count);
  const used = new Set(result.map((template) => `${String(template.body.name)}:${String(template.body.language)}`));
  for (let round = 0; result.length < count; round += 1) {
    const suffix = round < NAME_SUFFIXES.length ? NAME_SUFFIXES[round] : `_${round}`;
    for (const topic of TOPICS) {
      if (result.length >= count) break;
      const name = `${topic.stem}${suffix ?? ""}`;
      if (RESERVED_DEMO_NAMES.includes(name)) continue;
      const available = LANGUAGES.filter((language) => topic.texts[language.key] !== undefined);
      // 1–3 languages per name, always in the same category (Meta requires it across languages).
      const languageCount = Math.min(available.length, prng.int(1, 3));
      const start = prng.int(0, available.length - 1);
      for (let offset = 0; offset < languageCount && result.length < count; offset += 1) {
        const language = available[(start + offset) % available.length];
        if (!language || used.has(`${name}:${language.code}`)) continue;
        used.add(`${name}:${language.code}`);
        const verdict = pickStatus(prng);
        result.push({
          body: generatedBody(topic, name, language, prng),
          status: verdict.status,
          ...(verdict.rejectedReason ? { rejectedReason: verdict.rejectedReason } : {}),
          quality: verdict.quality,
        });
      }
    }
  }
  return result;
}
