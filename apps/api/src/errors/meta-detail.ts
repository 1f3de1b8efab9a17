import type { DomainError } from "@kirim/core";
import { ZErrorDetails, ZMetaErrorDetail } from "@kirim/schema";
import type { TErrorDetails, TMetaErrorDetail } from "@kirim/schema";

/**
 * Meta's own error, relayed as `error.meta` (REST) / `data.meta` (tRPC) when core recorded it in
 * `DomainError.details.meta` (shape of `ZMetaErrorDetail`). Besides it only the fields of `ZErrorDetails` are
 * exposed (`publicDetailsOf`); the rest is diagnostic data for logs.
 */
export function metaDetailOf(error: DomainError): TMetaErrorDetail | undefined {
  const parsed = ZMetaErrorDetail.safeParse(error.details?.["meta"]);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The documented structured detail (`ZErrorDetails`: meta_status, retry_at, disabled_languages), relayed as
 * `error.details` (REST) / `data.details` (tRPC); undefined when the error carries none of those fields.
 */
export function publicDetailsOf(error: DomainError): TErrorDetails | undefined {
  const parsed = ZErrorDetails.safeParse(error.details ?? {});
  if (!parsed.success) return undefined;
  const fields = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return Object.keys(fields).length === 0 ? undefined : fields;
}
