import type { TMediaUpload } from "@kirim/schema";
import { getApiKey } from "./session.js";

/** Meta's sample types and caps per header format (the server checks the same; see POST /v1/{pid}/uploads). */
export const SAMPLE_TYPES: Readonly<
  Record<"IMAGE" | "VIDEO" | "DOCUMENT", { types: readonly string[]; maxBytes: number; words: string }>
> = {
  IMAGE: { types: ["image/jpeg", "image/png"], maxBytes: 5 * 1024 * 1024, words: "a JPEG or PNG image up to 5 MB" },
  VIDEO: { types: ["video/mp4"], maxBytes: 16 * 1024 * 1024, words: "an MP4 video up to 16 MB" },
  DOCUMENT: { types: ["application/pdf"], maxBytes: 100 * 1024 * 1024, words: "a PDF up to 100 MB" },
};

/**
 * Sends a header sample to `POST /v1/{pid}/uploads` with the session's key. REST, not tRPC: the file goes as its raw
 * bytes (tRPC's JSON would need base64, a third larger, and the 256 kB JSON limit). Throws the envelope's message.
 */
export async function uploadHeaderSample(phoneNumberId: string, file: File): Promise<TMediaUpload> {
  const key = getApiKey();
  const response = await fetch(
    `/v1/${encodeURIComponent(phoneNumberId)}/uploads?file_name=${encodeURIComponent(file.name.slice(0, 255) || "sample")}`,
    {
      method: "POST",
      headers: {
        ...(key === null ? {} : { Authorization: `Bearer ${key}` }),
        "Content-Type": file.type || "application/octet-stream",
      },
      body: file,
    },
  );
  const body = (await response.json().catch(() => undefined)) as
    { data?: TMediaUpload; error?: { message?: string } } | undefined;
  if (!response.ok || body?.data === undefined)
    throw new Error(body?.error?.message ?? `The upload failed (HTTP ${response.status}).`);
  return body.data;
}
