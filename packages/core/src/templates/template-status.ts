import type { TemplateStatus } from "./template.table.js";

/**
 * Meta template status → our three-value status. The one place this decision lives (README: "Status mapping").
 * - APPROVED → approved (the only sendable state);
 * - PENDING, IN_APPEAL → pending (under review);
 * - PAUSED, LIMIT_EXCEEDED, ARCHIVED → pending: not sendable now but can come back without a new template;
 * - REJECTED → rejected; DISABLED, PENDING_DELETION, DELETED → rejected: will not come back;
 * - anything unknown → pending (not sendable; a later sync can correct it). Meta's value is kept in meta_status.
 */
export function mapMetaStatus(metaStatus: string): TemplateStatus {
  switch (metaStatus.toUpperCase()) {
    case "APPROVED":
      return "approved";
    case "REJECTED":
    case "DISABLED":
    case "PENDING_DELETION":
    case "DELETED":
      return "rejected";
    case "PENDING":
    case "IN_APPEAL":
    case "PAUSED":
    case "LIMIT_EXCEEDED":
    case "ARCHIVED":
    default:
      return "pending";
  }
}
