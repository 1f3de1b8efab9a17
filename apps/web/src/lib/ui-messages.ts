/**
 * The shared contract's messages name wire fields and enum values (`example.header_url`, `parameter_format is
 * NAMED`, `A COPY_CODE button`) because API clients read them; the form says the same in the words on its screen.
 */
const BUTTON_WORDS: Record<string, string> = {
  QUICK_REPLY: "quick-reply",
  URL: "website",
  PHONE_NUMBER: "call",
  COPY_CODE: "copy-code",
  OTP: "one-time password",
  VOICE_CALL: "WhatsApp call",
};
const FORMAT_WORDS: Record<string, string> = {
  TEXT: "text",
  IMAGE: "image",
  VIDEO: "video",
  DOCUMENT: "document",
  LOCATION: "location",
};
const article = (word: string) => (/^[aeiou]/i.test(word) ? "An" : "A");

const REWRITES: [RegExp, string | ((...groups: string[]) => string)][] = [
  [
    /^A (IMAGE|VIDEO|DOCUMENT) header needs a sample.*$/,
    (_m, f = "") =>
      `${article(FORMAT_WORDS[f] ?? f)} ${FORMAT_WORDS[f]} header needs a sample: a public https:// URL or a Meta media handle.`,
  ],
  [
    /\bA (TEXT|IMAGE|VIDEO|DOCUMENT|LOCATION) header\b/g,
    (_m, f = "") => `${article(FORMAT_WORDS[f] ?? f)} ${FORMAT_WORDS[f]} header`,
  ],
  [
    /^A (QUICK_REPLY|URL|PHONE_NUMBER|VOICE_CALL|COPY_CODE|OTP) button needs a text \(its label\)\.$/,
    "Every button needs a text (its label).",
  ],
  [/^A PHONE_NUMBER button needs a phone_number\.$/, "A call button needs a phone number."],
  [/^A COPY_CODE button needs example.*$/, "A copy-code button needs a sample offer code."],
  [/^The COPY_CODE sample/, "The sample offer code"],
  [/^A URL button needs a url\.$/, "A website button needs a URL."],
  [/^A URL button's url/, "A website button's URL"],
  [/^The url has a variable: give example.*$/, "The URL has a variable: give an example of the full URL."],
  [/^The url /, "The URL "],
  [/^url must be/, "The URL must be"],
  [
    /^example\.body_text must hold exactly one array of (\d+) sample value\(s\)\.$/,
    (_m, n = "") => `Give ${n} sample value(s), one for each body variable.`,
  ],
  [/is positional but parameter_format is NAMED: use/, "is numbered, but this template uses named variables: use"],
  [
    /is a named variable: set parameter_format to NAMED, or use/,
    "is a named variable: name every variable, or number them all:",
  ],
  [
    /^(ONE_TAP|ZERO_TAP) buttons need supported_apps.*$/,
    (_m, t = "") =>
      `${t === "ONE_TAP" ? "One-tap autofill" : "Zero-tap"} needs at least one Android app (package name and signature hash).`,
  ],
  [/^ZERO_TAP buttons need zero_tap_terms_accepted: true\.$/, "Zero-tap needs Meta's zero-tap terms accepted."],
  [/^At most (\d+) supported_apps/, (_m, n = "") => `At most ${n} Android apps`],
  [/^autofill_text must/, "The autofill button text must"],
  [
    /^(messageSendTtlSeconds|message_send_ttl_seconds) for (\w+) templates must be/,
    (_m, _f, c = "") => `Message time-to-live for ${c.toLowerCase()} templates must be`,
  ],
  [/^(messageSendTtlSeconds|message_send_ttl_seconds) must/, "Message time-to-live must"],
  [/^code_expiration_minutes must/, "The code expiry must"],
  [/^package_name must/, "The package name must"],
  [/^signature_hash must/, "The signature hash must"],
  [/^phone_number must be E\.164,/, "The phone number needs the country code,"],
  [/^header_url items must be absolute URLs\./, "The sample must be a full https:// URL."],
  [
    /^(name|language|button text) must/,
    (_m, field = "") => `${field === "button text" ? "The button text" : `The ${field}`} must`,
  ],
  [/^(name|language) may/, (_m, field = "") => `The ${field} may`],
  [/^The BODY needs a non-empty text\.$/, "The body needs a text."],
  [/^The FOOTER needs a non-empty text\.$/, "The footer needs a text."],
  [/\bexample\b/g, "sample"],
];

/** Enum words left after the specific rewrites (`QUICK_REPLY`, `BODY`, `MARKETING`) as the form shows them. */
function plainWords(message: string): string {
  return message
    .replace(/\b(QUICK_REPLY|PHONE_NUMBER|COPY_CODE|VOICE_CALL|OTP)\b(?= button)/g, (w) => BUTTON_WORDS[w] ?? w)
    .replace(/\b(QUICK_REPLY|PHONE_NUMBER|COPY_CODE|VOICE_CALL)\b/g, (w) => BUTTON_WORDS[w] ?? w)
    .replace(/\b(HEADER|BODY|FOOTER|BUTTONS)\b/g, (w) => w.toLowerCase())
    .replace(/\b(AUTHENTICATION|MARKETING|UTILITY)\b/g, (w) => w.charAt(0) + w.slice(1).toLowerCase())
    .replace(/\b(ONE_TAP|ZERO_TAP)\b/g, (w) => (w === "ONE_TAP" ? "one-tap" : "zero-tap"));
}

export function uiMessage(message: string): string {
  let out = message;
  for (const [pattern, replacement] of REWRITES) {
    out = typeof replacement === "string" ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return plainWords(out);
}
