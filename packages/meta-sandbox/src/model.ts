// The sandbox's in-memory model of Meta's template objects (§3.3, §4 of docs/reference/meta-templates.md).

export const TEMPLATE_CATEGORIES = ["AUTHENTICATION", "MARKETING", "UTILITY"] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** `WhatsAppBusinessHSMStatus` [V M-API]. */
export const TEMPLATE_STATUSES = [
  "APPROVED",
  "ARCHIVED",
  "DELETED",
  "DISABLED",
  "IN_APPEAL",
  "LIMIT_EXCEEDED",
  "PAUSED",
  "PENDING",
  "PENDING_DELETION",
  "REJECTED",
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** `WhatsAppBusinessHSMRejectionReason` [V M-API]. */
export const REJECTION_REASONS = [
  "ABUSIVE_CONTENT",
  "CATEGORY_NOT_AVAILABLE",
  "INCORRECT_CATEGORY",
  "INVALID_FORMAT",
  "NONE",
  "PROMOTIONAL",
  "SCAM",
  "TAG_CONTENT_MISMATCH",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const QUALITY_SCORES = ["GREEN", "YELLOW", "RED", "UNKNOWN"] as const;
export type QualityScore = (typeof QUALITY_SCORES)[number];

export type ParameterFormat = "POSITIONAL" | "NAMED";

/** A component as Meta returns it on reads (OTP already shown as URL, header samples as CDN URLs). */
export type ReadComponent = Record<string, unknown> & { type: string };

export interface StoredTemplate {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  previousCategory: string | undefined;
  correctCategory: string | undefined;
  subCategory: string | undefined;
  status: TemplateStatus;
  rejectedReason: RejectionReason;
  /** Only for REJECTED + INVALID_FORMAT (§8.2). */
  rejectionInfo: { reason: string; recommendation: string } | undefined;
  parameterFormat: ParameterFormat;
  components: ReadComponent[];
  messageSendTtlSeconds: number | undefined;
  ctaUrlLinkTrackingOptedOut: boolean | undefined;
  qualityScore: { score: QualityScore; date: number };
  /** Unix seconds. */
  createdTime: number;
  lastUpdatedTime: number;
  /** Unix ms of edits made while APPROVED, for the 1/24 h and 10/30 d quota (§5.1). */
  approvedEditTimes: number[];
  /** Bodies submitted through the API are reviewed; seeded and imported ones are not. */
  source: "seed" | "api" | "import";
  /** An imported template's `quality_score` exactly as Meta's read showed it (e.g. with `reasons`). */
  importedQualityScore?: Record<string, unknown>;
}

export interface Waba {
  id: string;
  name: string;
  /** Token → this WABA is reachable with it. */
  accessTokens: Set<string>;
  /** 250, or 6,000 for a verified portfolio (§2.7). */
  templateLimit: number;
  /** Unix ms of accepted creates, for the 100/hour rule (§2.7). */
  createTimes: number[];
  /** `name\u0000language` → unix ms until which the name+language cannot be reused (§2.1, 2388023). */
  deletedNameLocks: Map<string, number>;
  /** The business phone numbers registered to this WABA, in registration order (a number belongs to one WABA). */
  phoneNumbers: Map<string, PhoneNumber>;
}

/** A WhatsApp business phone number: the default fields of `GET /{Phone-Number-ID}` (M-API "Phone Numbers"). */
export interface PhoneNumber {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: "GREEN" | "YELLOW" | "RED" | "UNKNOWN";
}

/** Locales Meta supports for templates, with the English name Meta uses in error messages. */
export const SUPPORTED_LANGUAGES: Readonly<Record<string, string>> = {
  af: "Afrikaans",
  sq: "Albanian",
  ar: "Arabic",
  az: "Azerbaijani",
  bn: "Bengali",
  bg: "Bulgarian",
  ca: "Catalan",
  zh_CN: "Chinese (CHN)",
  zh_HK: "Chinese (HKG)",
  zh_TW: "Chinese (TAI)",
  hr: "Croatian",
  cs: "Czech",
  da: "Danish",
  nl: "Dutch",
  en: "English",
  en_GB: "English (UK)",
  en_US: "English (US)",
  et: "Estonian",
  fil: "Filipino",
  fi: "Finnish",
  fr: "French",
  ka: "Georgian",
  de: "German",
  el: "Greek",
  gu: "Gujarati",
  ha: "Hausa",
  he: "Hebrew",
  hi: "Hindi",
  hu: "Hungarian",
  id: "Indonesian",
  ga: "Irish",
  it: "Italian",
  ja: "Japanese",
  kn: "Kannada",
  kk: "Kazakh",
  rw_RW: "Kinyarwanda",
  ko: "Korean",
  ky_KG: "Kyrgyz (Kyrgyzstan)",
  lo: "Lao",
  lv: "Latvian",
  lt: "Lithuanian",
  mk: "Macedonian",
  ms: "Malay",
  ml: "Malayalam",
  mr: "Marathi",
  nb: "Norwegian",
  fa: "Persian",
  pl: "Polish",
  pt_BR: "Portuguese (BR)",
  pt_PT: "Portuguese (POR)",
  pa: "Punjabi",
  ro: "Romanian",
  ru: "Russian",
  sr: "Serbian",
  sk: "Slovak",
  sl: "Slovenian",
  es: "Spanish",
  es_AR: "Spanish (ARG)",
  es_ES: "Spanish (SPA)",
  es_MX: "Spanish (MEX)",
  sw: "Swahili",
  sv: "Swedish",
  ta: "Tamil",
  te: "Telugu",
  th: "Thai",
  tr: "Turkish",
  uk: "Ukrainian",
  ur: "Urdu",
  uz: "Uzbek",
  vi: "Vietnamese",
  zu: "Zulu",
};

export function languageDisplayName(language: string): string {
  return SUPPORTED_LANGUAGES[language] ?? language;
}

export const nameLanguageKey = (name: string, language: string): string => `${name}\u0000${language}`;
