/**
 * Media pipeline for template header samples (issue 4): SSRF-safe download of `header_url`,
 * magic-byte type check, per-format caps, and Meta's Resumable Upload API.
 */
export { MediaError, isMediaError, MEDIA_ERROR_CODES, MEDIA_ERROR_HTTP } from "./errors.js";
export type { MediaErrorCode, MediaErrorOptions } from "./errors.js";
export { MEDIA_LIMITS, MEDIA_FILE_EXTENSIONS, isMediaHeaderFormat } from "./limits.js";
export type { MediaHeaderFormat, MediaMimeType } from "./limits.js";
export { DEFAULT_MEDIA_FETCH_POLICY, MAX_REDIRECTS_CEILING, createMediaFetchPolicy, maxBytesFor } from "./policy.js";
export type { MediaFetchPolicy } from "./policy.js";
export { classifyAddress, checkUrl, checkUrlSyntax, systemResolver } from "./address-guard.js";
export type { AddressClass, CheckedTarget, MediaResolver, ResolvedAddress } from "./address-guard.js";
export { sniffMediaType, declaredMediaType } from "./sniff.js";
export type { SniffedType } from "./sniff.js";
export { fetchMedia, defaultMediaConnector, fileNameFor } from "./fetch-media.js";
export type { FetchMediaOptions, FetchedMedia, MediaConnector, MediaRequestTarget } from "./fetch-media.js";
export { uploadMediaToMeta } from "./upload.js";
export type { UploadMediaOptions } from "./upload.js";
export { prepareMediaHeader, normaliseMediaFormat, isMediaHeaderComponent, withMetaHeaderHandle } from "./prepare.js";
export type { MediaHeaderComponentInput, PrepareMediaHeaderOptions, PreparedMediaHeader } from "./prepare.js";
export { mediaErrorToDomainError } from "./domain.js";
export { toMetaComponentsWithMedia, uploadTarget } from "./core-media.js";
export type { CoreMediaOptions } from "./core-media.js";
export { createMediaService, acceptedUploadType, uploadLimitFor, ACCEPTED_UPLOAD_TYPES } from "./media.service.js";
export type { MediaService, UploadSampleInput, UploadedSample } from "./media.service.js";
