import { z } from "zod";
import { ZTemplateId } from "./ids.js";
import { TEMPLATE_CATEGORIES, ZTemplateLanguage } from "./template-request.js";

/** Kirimdev's lower-case template lifecycle: `pending` → `approved` | `rejected`. */
export const TEMPLATE_STATUSES = ["pending", "approved", "rejected"] as const;
export const ZTemplateStatus = z
  .enum(TEMPLATE_STATUSES)
  .describe("Kirim status: pending (in Meta review or paused), approved, rejected (also disabled/deleted on Meta).")
  .meta({ id: "TemplateStatus" });
export type TTemplateStatus = z.infer<typeof ZTemplateStatus>;

/** Statuses Meta documents for templates. `ZMetaTemplateStatus` accepts any string so a new Meta value never breaks a read. */
export const META_TEMPLATE_STATUSES = [
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
export type TKnownMetaTemplateStatus = (typeof META_TEMPLATE_STATUSES)[number];

export const ZMetaTemplateStatus = z
  .string()
  .describe(
    `Meta's own template status, verbatim. Known values: ${META_TEMPLATE_STATUSES.join(", ")}; others may appear.`,
  )
  .meta({ id: "MetaTemplateStatus", examples: [...META_TEMPLATE_STATUSES] });
export type TMetaTemplateStatus = z.infer<typeof ZMetaTemplateStatus>;

const isoTimestamp = (what: string) => z.iso.datetime({ offset: true }).describe(`${what} (ISO 8601, UTC).`);

/**
 * Tolerant READ schema of a stored/Meta-returned component: every field optional except `type`, unknown fields kept,
 * enums widened to strings. Meta returns fields we never send (e.g. OTP buttons read back as URL, CDN urls in
 * header_handle, new component types) and a read must never fail on them.
 */
export const ZTemplateComponentRead = z
  .looseObject({
    type: z.string().describe("HEADER, BODY, FOOTER, BUTTONS, or another type Meta returns."),
    format: z.string().optional(),
    text: z.string().optional(),
    example: z.looseObject({}).optional(),
    buttons: z.array(z.looseObject({ type: z.string() })).optional(),
    add_security_recommendation: z.boolean().optional(),
    code_expiration_minutes: z.number().optional(),
  })
  .describe("A template component as stored or returned by Meta; may carry fields not listed here.")
  .meta({ id: "TemplateComponent" });
export type TTemplateComponentRead = z.infer<typeof ZTemplateComponentRead>;

/** A button as stored or returned by Meta (tolerant read shape, like the components). */
export const ZTemplateButtonRead = z
  .looseObject({
    type: z.string().describe("URL, PHONE_NUMBER, QUICK_REPLY, COPY_CODE, OTP, or another type Meta returns."),
    text: z.string().optional(),
    url: z.string().optional(),
    phone_number: z.string().optional(),
  })
  .describe("A button of the BUTTONS component; may carry fields not listed here (otp_type, example, …).")
  .meta({ id: "TemplateButtonRead" });
export type TTemplateButtonRead = z.infer<typeof ZTemplateButtonRead>;

/**
 * The row fields Kirimdev's own client reads (`header_type`, `header_content`, `footer_content`, `has_variables`,
 * `buttons`). Derived from `components` whenever a template is read (`deriveTemplateFields`), never stored.
 */
export const ZTemplateDerivedFields = z.object({
  header_type: z
    .string()
    .nullable()
    .describe(
      "Read-only, from components: the HEADER's format (TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION); null without a header.",
    ),
  header_content: z
    .string()
    .nullable()
    .describe(
      "Read-only, from components: a TEXT header's text; for a media header the first sample (example.header_url, else example.header_handle); null otherwise.",
    ),
  footer_content: z.string().nullable().describe("Read-only, from components: the FOOTER's text; null without one."),
  has_variables: z
    .boolean()
    .describe(
      "Read-only, from components: true when a message of this template needs parameters — a variable in the HEADER or BODY text or in a URL button's url, or an OTP / COPY_CODE button.",
    ),
  buttons: z
    .array(ZTemplateButtonRead)
    .describe("Read-only, from components: the buttons of the BUTTONS component, in order; empty without one."),
});
export type TTemplateDerivedFields = z.infer<typeof ZTemplateDerivedFields>;

interface ComponentShape {
  type?: unknown;
  format?: unknown;
  text?: unknown;
  example?: unknown;
  buttons?: unknown;
}

const PLACEHOLDER_PATTERN = /\{\{\s*[A-Za-z0-9_]+\s*\}\}/;

function componentOf(components: readonly unknown[], type: string): ComponentShape | undefined {
  return components.find(
    (c): c is ComponentShape =>
      c !== null &&
      typeof c === "object" &&
      typeof (c as ComponentShape).type === "string" &&
      ((c as ComponentShape).type as string).toUpperCase() === type,
  );
}

function firstString(value: unknown): string | undefined {
  return Array.isArray(value) && typeof value[0] === "string" ? value[0] : undefined;
}

/** The derived read-only fields of a template, from its components (stored or Meta's; tolerant of any shape). */
export function deriveTemplateFields(components: readonly unknown[]): TTemplateDerivedFields {
  const header = componentOf(components, "HEADER");
  const body = componentOf(components, "BODY");
  const footer = componentOf(components, "FOOTER");
  const buttonList = componentOf(components, "BUTTONS")?.buttons;
  const buttons = (Array.isArray(buttonList) ? buttonList : []).filter(
    (b): b is TTemplateButtonRead =>
      b !== null && typeof b === "object" && typeof (b as { type?: unknown }).type === "string",
  );
  const headerType =
    typeof header?.format === "string" ? header.format.toUpperCase() : header !== undefined ? "TEXT" : null;
  const example =
    header?.example !== null && typeof header?.example === "object" ? (header.example as Record<string, unknown>) : {};
  const headerContent =
    header === undefined
      ? null
      : headerType === "TEXT"
        ? typeof header.text === "string"
          ? header.text
          : null
        : (firstString(example["header_url"]) ?? firstString(example["header_handle"]) ?? null);
  const hasPlaceholder = (text: unknown) => typeof text === "string" && PLACEHOLDER_PATTERN.test(text);
  const hasVariables =
    (headerType === "TEXT" && hasPlaceholder(header?.text)) ||
    hasPlaceholder(body?.text) ||
    buttons.some((b) => {
      const type = b.type.toUpperCase();
      return type === "OTP" || type === "COPY_CODE" || (type === "URL" && hasPlaceholder(b.url));
    });
  return {
    header_type: headerType,
    header_content: headerContent,
    footer_content: typeof footer?.text === "string" ? footer.text : null,
    has_variables: hasVariables,
    buttons,
  };
}

/** Owner of an account in multi-tenant platform mode. */
export const ZCustomerEmbedded = z
  .object({
    id: z.string().describe("Customer id (`cus_…`)."),
    name: z.string().describe("Customer display name."),
  })
  .describe("End-customer (multi-tenant platform mode) that owns the account. NULL for direct-org accounts.")
  .meta({ id: "CustomerEmbedded" });

/** The WhatsApp account a resource belongs to (Kirimdev's `WhatsappAccountEmbedded`). */
export const ZWhatsappAccountEmbedded = z
  .object({
    phone_number: z.string().nullable().describe("Display phone number in E.164, null while onboarding."),
    phone_number_id: z
      .string()
      .nullable()
      .describe(
        "Meta business_phone_number_id — use as the {phone_number_id} path segment in /v1/{phone_number_id}/... endpoints.",
      ),
    customer: ZCustomerEmbedded.nullable(),
  })
  .describe("The WhatsApp account that owns the resource.")
  .meta({ id: "WhatsappAccountEmbedded" });
export type TWhatsappAccountEmbedded = z.infer<typeof ZWhatsappAccountEmbedded>;

/** A template as returned by create / list / get (the seed's 201 `data` object plus our documented additions). */
export const ZTemplate = z
  .object({
    id: ZTemplateId,
    object: z.literal("template").describe("Always `template`."),
    name: z.string().describe("Template name."),
    language: z.string().describe("Template language code."),
    status: ZTemplateStatus,
    content: z
      .string()
      .describe("Text of the BODY component (empty for AUTHENTICATION templates, whose body Meta generates)."),
    variables: z.array(z.string()).describe("Variables of the body, in order: `1`, `2`… or named parameters."),
    components: z.array(ZTemplateComponentRead).describe("Components as last submitted to or synced from Meta."),
    whatsapp_account: ZWhatsappAccountEmbedded,
    provider_template_id: z
      .string()
      .nullable()
      .describe("Meta's template id; null until Meta accepted the submission."),
    created_at: isoTimestamp("Creation time"),
    updated_at: isoTimestamp("Last change"),
    // ── additions beyond Kirimdev's documented object (always present) ──
    category: z
      .string()
      .describe(
        "Current category as Meta reports it (MARKETING, UTILITY, AUTHENTICATION); string so new Meta values parse.",
      ),
    meta_status: ZMetaTemplateStatus,
    rejected_reason: z
      .string()
      .nullable()
      .describe("Meta's rejection reason (e.g. INVALID_FORMAT); null unless rejected."),
    quality_score: z
      .string()
      .nullable()
      .describe("Meta's quality rating (GREEN, YELLOW, RED, UNKNOWN); null when unknown."),
    previous_category: z
      .string()
      .nullable()
      .describe("Category before Meta recategorised the template; null if never."),
    last_synced_at: isoTimestamp("Last time Meta confirmed this row (see last_synced_via)").nullable(),
    // ── template lifecycle (webhooks, complete sync, history) ──
    last_synced_via: z
      .enum(["create", "sync", "webhook", "edit"])
      .nullable()
      .describe("Which road last confirmed this row from Meta: create (Meta's create answer), sync, webhook or edit."),
    rejection_info: z
      .object({ reason: z.string().nullable(), recommendation: z.string().nullable() })
      .nullable()
      .describe("Meta's explanation of a rejection (status webhook `rejection_info`), when Meta gave one."),
    status_info: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        "Meta's extra detail of the last status event: `other_info` {title, description} (pause/unpause), `disable_info` {disable_date}.",
      ),
    pending_category_change: z
      .object({ category: z.string(), effective_at: isoTimestamp("When Meta will apply it").nullable() })
      .nullable()
      .describe("A category change Meta announced (24-hour notice) but has not applied yet."),
    deleted_at: isoTimestamp(
      "When the template was found deleted on Meta (or deleted through this API); null while it exists",
    ).nullable(),
    library_template_name: z
      .string()
      .nullable()
      .describe(
        "The Template Library template it was created from (library_template_name of the create); null otherwise.",
      ),
    // ── read-only fields derived from `components` on every read (never stored; Kirimdev's row fields) ──
    ...ZTemplateDerivedFields.shape,
  })
  .describe("A WhatsApp message template of one account, in one language.")
  .meta({ id: "Template" });
export type TTemplate = z.infer<typeof ZTemplate>;

/**
 * `GET /v1/{phone_number_id}/templates/{name}`: one template (one language) plus the languages the name exists in,
 * so a client can fetch the others with `?language=`.
 */
export const ZTemplateByName = ZTemplate.extend({
  languages: z
    .array(z.string())
    .describe(
      "Every language this name exists in on the account (this one included), earliest created first; deleted ones only with include_deleted=true. Fetch another with `?language=`.",
    ),
})
  .describe("A template in one language, with the other languages of its name.")
  .meta({ id: "TemplateByName" });
export type TTemplateByName = z.infer<typeof ZTemplateByName>;

/** Result of `POST /v1/{phone_number_id}/templates/sync`. Invariant: synced = created + updated + unchanged. */
export const ZTemplateSyncResult = z
  .object({
    object: z.literal("template_sync_result").describe("Always `template_sync_result`."),
    synced: z.number().int().nonnegative().describe("Templates read from Meta; always created + updated + unchanged."),
    created: z.number().int().nonnegative().describe("Templates that were new locally."),
    updated: z.number().int().nonnegative().describe("Local templates whose content, status or category changed."),
    unchanged: z.number().int().nonnegative().describe("Local templates already identical to Meta's copy."),
    removed: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Local templates Meta no longer returns, now marked deleted (kept, hidden from lists). Not part of `synced`.",
      ),
  })
  .describe("Counts of a template sync from Meta.")
  .meta({ id: "TemplateSyncResult" });
export type TTemplateSyncResult = z.infer<typeof ZTemplateSyncResult>;

// ── queries ──────────────────────────────────────────────────────────────────────────────────────────

export const TEMPLATE_STATUS_FILTERS = ["approved", "pending", "rejected", "all"] as const;

/** Maximum length of an opaque cursor; longer values are refused as `invalid_cursor` before being decoded. */
export const MAX_CURSOR_LENGTH = 2048;

const statusFilter = z
  .enum(TEMPLATE_STATUS_FILTERS, {
    error: (issue) =>
      typeof issue.input === "string" &&
      (TEMPLATE_STATUS_FILTERS as readonly string[]).includes(issue.input.toLowerCase())
        ? `status must be lower-case: use "${issue.input.toLowerCase()}", not "${issue.input}".`
        : "status must be one of approved, pending, rejected, all (lower-case).",
  })
  .default("all")
  .describe("Filter by Kirim status (lower-case). Default all.");

const categoryFilter = z
  .enum(TEMPLATE_CATEGORIES, {
    error: (issue) =>
      typeof issue.input === "string" && (TEMPLATE_CATEGORIES as readonly string[]).includes(issue.input.toUpperCase())
        ? `category must be upper-case: use "${issue.input.toUpperCase()}", not "${issue.input}".`
        : "category must be one of MARKETING, UTILITY, AUTHENTICATION (upper-case).",
  })
  .describe("Only templates of this category (upper-case, as Meta writes it). Default: every category.");

const metaStatusFilter = z
  .enum(META_TEMPLATE_STATUSES, {
    error: (issue) =>
      typeof issue.input === "string" &&
      (META_TEMPLATE_STATUSES as readonly string[]).includes(issue.input.toUpperCase())
        ? `meta_status must be upper-case: use "${issue.input.toUpperCase()}", not "${issue.input}".`
        : `meta_status must be one of ${META_TEMPLATE_STATUSES.join(", ")} (upper-case, as Meta writes it).`,
  })
  .describe(
    "Only templates with this Meta status (upper-case, as Meta writes it: PAUSED, DISABLED, IN_APPEAL… which `status` folds into pending/rejected). Default: every Meta status.",
  );

/** Orders of the template list: newest first (default), by name (a name's languages stay together), or by last change. */
export const TEMPLATE_LIST_SORTS = ["created_desc", "name_asc", "name_desc", "updated_desc", "updated_asc"] as const;
export type TTemplateListSort = (typeof TEMPLATE_LIST_SORTS)[number];

/** Longest `search` value: a template name is at most 512 characters, so a longer needle can never match. */
export const MAX_TEMPLATE_SEARCH_LENGTH = 512;

const searchMessage = `search must be text of 1 to ${MAX_TEMPLATE_SEARCH_LENGTH} characters.`;
const nameSearch = z
  .string({ error: searchMessage })
  .min(1, { error: searchMessage })
  .max(MAX_TEMPLATE_SEARCH_LENGTH, { error: searchMessage })
  // No name can hold it, and PostgreSQL refuses it in any text parameter.
  .refine((text) => !text.includes("\u0000"), { error: "search must not contain the NUL character (U+0000)." })
  .describe(
    "Only templates whose name contains this text, ignoring case. Matched literally: `%`, `_` and `\\` are not wildcards.",
  );

/**
 * `limit` from a query string: a decimal integer 1–100, default 25. Accepts numbers too (tRPC). Any failure is
 * reported at path `limit`, which `firstIssue` maps to the `invalid_limit` code.
 */
export const ZListLimit = z
  .union(
    [z.number(), z.string().regex(/^\d+$/, { error: "limit must be an integer from 1 to 100." }).transform(Number)],
    {
      error: "limit must be an integer from 1 to 100.",
    },
  )
  .pipe(
    z
      .number()
      .int({ error: "limit must be an integer from 1 to 100." })
      .min(1, { error: "limit must be an integer from 1 to 100." })
      .max(100, { error: "limit must be an integer from 1 to 100." }),
  )
  .default(25)
  .describe("Page size, 1–100. Default 25.");

export const ZListCursor = z
  .string()
  .min(1, { error: "cursor must not be empty." })
  .max(MAX_CURSOR_LENGTH, { error: `cursor must be at most ${MAX_CURSOR_LENGTH} characters.` })
  .describe("Opaque cursor from a previous page's next_cursor. Bound to the filters it was issued with.");

/** `true` / `false` in a query string, or a boolean (tRPC). */
const queryBoolean = (name: string) =>
  z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")], {
    error: `${name} must be true or false.`,
  });

/** Query of `GET /v1/{phone_number_id}/templates`. An unknown query parameter is refused (`unknown_parameter`). */
export const ZListTemplatesQuery = z
  .strictObject({
    status: statusFilter,
    language: ZTemplateLanguage.optional().describe("Only templates in this language."),
    category: categoryFilter.optional(),
    meta_status: metaStatusFilter.optional(),
    sort: z
      .enum(TEMPLATE_LIST_SORTS, { error: `sort must be one of ${TEMPLATE_LIST_SORTS.join(", ")}.` })
      .optional()
      .describe(
        "Order: created_desc (newest first, default), name_asc / name_desc (by name; a name's languages next to each other), updated_desc / updated_asc (by last change).",
      ),
    search: nameSearch.optional(),
    limit: ZListLimit,
    cursor: ZListCursor.optional(),
    include_deleted: queryBoolean("include_deleted")
      .optional()
      .describe("Also list templates deleted on Meta (deleted_at set). Default false."),
  })
  .describe("Query parameters of the template list.")
  .meta({ id: "ListTemplatesQuery" });
export type TListTemplatesQuery = z.infer<typeof ZListTemplatesQuery>;
export type TListTemplatesQueryInput = z.input<typeof ZListTemplatesQuery>;

/**
 * Query of `GET /v1/{phone_number_id}/templates/{name}`. The answer is ONE template: the one in `language`, else —
 * the name's only language, or when it has several the earliest created (ties: smallest id). Deleted templates
 * answer 404 unless `include_deleted=true`, as the list hides them.
 */
export const ZGetTemplateQuery = z
  .strictObject({
    language: ZTemplateLanguage.optional().describe(
      "The language to return. Default: the name's only language, or the earliest created of its languages.",
    ),
    include_deleted: queryBoolean("include_deleted")
      .optional()
      .describe("Also find a template deleted on Meta or through this API (deleted_at set). Default false: 404."),
  })
  .describe("Query parameters of get-template-by-name.")
  .meta({ id: "GetTemplateQuery" });
export type TGetTemplateQuery = z.infer<typeof ZGetTemplateQuery>;

/** `GET /v1/{phone_number_id}/template_counts`: how many live templates (one per language) the account has per status. */
export const ZTemplateCounts = z
  .object({
    object: z.literal("template_counts").describe("Always `template_counts`."),
    total: z.number().int().nonnegative().describe("Templates (one per name and language) not deleted."),
    by_meta_status: z
      .record(z.string(), z.number().int().nonnegative())
      .describe("Per Meta status (APPROVED, PAUSED, …); statuses with no template are left out."),
    by_status: z
      .object({
        approved: z.number().int().nonnegative(),
        pending: z.number().int().nonnegative(),
        rejected: z.number().int().nonnegative(),
      })
      .describe("Per folded Kirim status."),
  })
  .describe("Totals of an account's templates per status.")
  .meta({ id: "TemplateCounts" });
export type TTemplateCounts = z.infer<typeof ZTemplateCounts>;

/** `GET /v1/{phone_number_id}/template_counts` takes no query parameters. */
export const ZTemplateCountsQuery = z
  .strictObject({})
  .describe("Template counts take no parameters.")
  .meta({ id: "TemplateCountsQuery" });
