/** The human-readable start banner: base URL, demo key and the seed's two requests, ready to paste. */

export interface BannerInput {
  baseUrl: string;
  database: string;
  meta: string;
  phoneNumberId: string | null;
  apiKey: string | null;
  keyNote: string;
}

/** The seed's create sample, made valid (the seed's own sample has no BODY component). */
export const SAMPLE_CREATE_BODY = {
  name: "order_confirmation",
  category: "UTILITY",
  language: "en",
  components: [
    { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A123"] } },
    { type: "BODY", text: "Hi {{1}}, your order {{2}} is confirmed.", example: { body_text: [["Budi", "A123"]] } },
    { type: "FOOTER", text: "Thank you for shopping with us" },
    { type: "BUTTONS", buttons: [{ type: "URL", text: "Track order", url: "https://example.com/track/{{1}}", example: ["https://example.com/track/A123"] }] },
  ],
};

export function banner(input: BannerInput): string {
  const token = input.apiKey ?? "<your API key>";
  const pid = input.phoneNumberId ?? "<phone_number_id>";
  const lines = [
    "",
    `Kirim template API listening on ${input.baseUrl}`,
    `  REST      ${input.baseUrl}/v1      tRPC ${input.baseUrl}/trpc      health ${input.baseUrl}/v1/health`,
    `  Dashboard ${input.baseUrl}/   (sign in with the key printed below)`,
    `  Database  ${input.database}`,
    `  Meta      ${input.meta}`,
    `  API key   ${input.apiKey ?? "(none)"}   (${input.keyNote})`,
    `  Account   phone_number_id ${pid}`,
    "",
    "Create a template:",
    `curl --request POST --url ${input.baseUrl}/v1/${pid}/templates --header 'Authorization: Bearer ${token}' --header 'Content-Type: application/json' --data '${JSON.stringify(SAMPLE_CREATE_BODY)}'`,
    "",
    "Sync templates from Meta:",
    `curl --request POST --url ${input.baseUrl}/v1/${pid}/templates/sync --header 'Authorization: Bearer ${token}'`,
    "",
    "List them:",
    `curl --url '${input.baseUrl}/v1/${pid}/templates?status=all&limit=25' --header 'Authorization: Bearer ${token}'`,
    "",
  ];
  return `${lines.join("\n")}\n`;
}
