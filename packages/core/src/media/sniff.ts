import type { MediaMimeType } from "./limits.js";

/** Bytes needed before `sniffMediaType` can give a final answer. */
export const SNIFF_BYTES = 16;

/** A detected type; `video/3gpp` is recognised so it can be refused with a precise message. */
export type SniffedType = MediaMimeType | "video/3gpp";

// ISO base media file format (ftyp box) major brands we treat as MP4. Anything else in an ftyp box
// (QuickTime `qt  `, audio `M4A `, HEIF/AVIF images …) is refused.
const MP4_BRANDS = new Set([
  "isom",
  "iso2",
  "iso3",
  "iso4",
  "iso5",
  "iso6",
  "mp41",
  "mp42",
  "avc1",
  "M4V ",
  "M4VH",
  "M4VP",
  "mmp4",
  "dash",
  "msnv",
  "MSNV",
  "f4v ",
]);

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/**
 * Judges the file by its magic bytes. Returns `null` for anything that is not one of the header
 * sample types (HTML, GIF, WebP, text …). Needs at least `SNIFF_BYTES` bytes for a definite answer.
 */
export function sniffMediaType(bytes: Uint8Array): SniffedType | null {
  // JPEG: SOI marker FF D8 followed by another marker FF xx.
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  // PNG: the full 8-byte signature, then the IHDR chunk.
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && ascii(bytes, 12, 16) === "IHDR")
    return "image/png";
  // PDF: "%PDF-" at offset 0 (we do not accept the leading junk some readers tolerate).
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf";
  // ISO BMFF: box size (4 bytes) then "ftyp", then the major brand.
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === "ftyp") {
    const size = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
    if (size < 16) return null;
    const brand = ascii(bytes, 8, 12);
    if (brand.startsWith("3gp") || brand.startsWith("3g2")) return "video/3gpp";
    if (MP4_BRANDS.has(brand)) return "video/mp4";
  }
  return null;
}

const GENERIC_TYPES = new Set([
  "",
  "application/octet-stream",
  "binary/octet-stream",
  "application/binary",
  "application/unknown",
]);

const ALIASES: Readonly<Record<string, string>> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "image/x-png": "image/png",
  "application/x-pdf": "application/pdf",
  "video/3gp": "video/3gpp",
};

/**
 * The essence of a Content-Type header (`image/png; charset=x` → `image/png`), aliases folded;
 * `null` when the header is absent or generic (octet-stream), i.e. it tells us nothing.
 */
export function declaredMediaType(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (GENERIC_TYPES.has(essence)) return null;
  return ALIASES[essence] ?? essence;
}
