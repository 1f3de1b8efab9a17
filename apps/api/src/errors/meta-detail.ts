import type { DomainError } from "@kirim/core";
import { ZMetaErrorDetail } from "@kirim/schema";
import type { TMetaErrorDetail } from "@kirim/schema";

/**
 * Meta's own error, relayed as `error.meta` (REST) / `data.meta` (tRPC) when core recorded it in
 * `DomainError.details.meta` (shape of `ZMetaErrorDetail`). Nothing else from `details` is exposed: the rest
 * is diagnostic data for logs.
 */
export function metaDetailOf(error: DomainError): TMetaErrorDetail | undefined {
  const parsed = ZMetaErrorDetail.safeParse(error.details?.["meta"]);
  return parsed.success ? parsed.data : undefined;
}
