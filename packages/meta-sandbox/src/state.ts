// The sandbox's world: WABAs, tokens, templates, uploads, the request log. All Meta rules that depend on
// a WABA's state (duplicates, cooldowns, limits, rates, edits, deletes, review) live here.
import { createHash, randomBytes } from "node:crypto";

import {
  buildDemoTemplates,
  DEMO_ACCESS_TOKEN,
  DEMO_APP_ID,
  DEMO_APP_SECRET,
  DEMO_DISPLAY_PHONE_NUMBER,
  DEMO_MEDIA_HANDLES,
  DEMO_PHONE_NUMBER_ID,
  DEMO_WABA_ID,
  DEMO_WABA_NAME,
} from "./demo-data.js";
import { SUBCODE, badParam, invalidTemplate, unsupportedRequest, wabaRateLimited } from "./graph-error.js";
import type { GraphError } from "./graph-error.js";
import {
  QUALITY_SCORES,
  REJECTION_REASONS,
  TEMPLATE_CATEGORIES,
  TEMPLATE_STATUSES,
  languageDisplayName,
  nameLanguageKey,
} from "./model.js";
import type {
  QualityScore,
  ReadComponent,
  RejectionReason,
  StoredTemplate,
  TemplateCategory,
  TemplateStatus,
  PhoneNumber,
  Waba,
} from "./model.js";
import { createPrng } from "./prng.js";
import type { Prng } from "./prng.js";
import { judgeCategory, reviewTemplate, textOf } from "./review.js";
import { checkTemplateSubmission, sampleCdnUrl } from "./template-rules.js";
import { expandLibraryCreate } from "./template-library.js";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_TEMPLATE_LIMIT = 250;
export const VERIFIED_TEMPLATE_LIMIT = 6000;
export const CREATES_PER_HOUR = 100;
export const NAME_LOCK_MS = 30 * DAY_MS;

/** A template webhook change (`entry[].changes[]` item), before it is wrapped in the envelope. */
export interface TemplateWebhookChange {
  wabaId: string;
  field:
    | "message_template_status_update"
    | "message_template_quality_update"
    | "template_category_update"
    | "message_template_components_update";
  value: Record<string, unknown>;
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  wabaId: string | undefined;
  templateId: string | undefined;
  status: number;
}

export interface UploadSession {
  id: string;
  appId: string;
  fileName: string;
  fileLength: number;
  fileType: string;
  received: Buffer[];
  offset: number;
  handle: string | undefined;
}

export interface StateOptions {
  seed: number;
  demoTemplateCount: number;
  demoTemplateLimit: number | undefined;
  reviewDelayMs: number | null;
  now: () => number;
  emit: (change: TemplateWebhookChange) => void;
}

export interface StatusChange {
  status: TemplateStatus;
  reason?: RejectionReason;
  rejectionInfo?: { reason: string; recommendation: string };
  /** For pause/unpause/lock webhooks (§8.2 other_info). */
  otherInfo?: { title: string; description: string };
  /** Webhook `event` when it differs from the status (e.g. FLAGGED, REINSTATED, UNARCHIVED). */
  event?: string;
}

export class SandboxState {
  readonly wabas = new Map<string, Waba>();
  readonly templates = new Map<string, StoredTemplate>();
  /** Per-WABA index in insertion order, which is ascending id order because ids only grow. */
  private readonly templatesByWaba = new Map<string, Map<string, StoredTemplate>>();
  readonly uploads = new Map<string, UploadSession>();
  /** Upload handle → CDN URL of the sample. */
  readonly mediaHandles = new Map<string, string>();
  readonly apps = new Map<string, { secret: string }>();
  readonly requestLog: RequestLogEntry[] = [];
  private readonly reviewTimers = new Map<string, NodeJS.Timeout>();
  private idPrng: Prng;
  private nextIdValue: bigint;
  private logSeq = 0;

  constructor(private readonly options: StateOptions) {
    this.idPrng = createPrng(options.seed ^ 0x5eed);
    this.nextIdValue = 1_029_384_700_000_000n;
    this.seed();
  }

  get reviewDelayMs(): number | null {
    return this.options.reviewDelayMs;
  }

  set reviewDelayMs(value: number | null) {
    this.options.reviewDelayMs = value;
  }

  now(): number {
    return this.options.now();
  }

  // -------------------------------------------------------------------------------------------
  // Setup

  private seed(): void {
    this.apps.set(DEMO_APP_ID, { secret: DEMO_APP_SECRET });
    for (const [format, handle] of Object.entries(DEMO_MEDIA_HANDLES))
      this.mediaHandles.set(handle, sampleCdnUrl(handle, format));
    const demoTemplates = buildDemoTemplates(this.options.demoTemplateCount, this.options.seed);
    const limit =
      this.options.demoTemplateLimit ?? (demoTemplates.length > 200 ? VERIFIED_TEMPLATE_LIMIT : DEFAULT_TEMPLATE_LIMIT);
    const waba = this.addWaba({
      id: DEMO_WABA_ID,
      name: DEMO_WABA_NAME,
      accessToken: DEMO_ACCESS_TOKEN,
      templateLimit: limit,
    });
    this.addPhoneNumber(waba.id, {
      id: DEMO_PHONE_NUMBER_ID,
      displayPhoneNumber: DEMO_DISPLAY_PHONE_NUMBER,
      verifiedName: DEMO_WABA_NAME,
    });
    const prng = createPrng(this.options.seed ^ 0x7e3a);
    // Spread seeded templates over the past year so last_updated_time looks real but stays deterministic.
    const base = Date.UTC(2026, 0, 1) / 1000;
    for (const demo of demoTemplates) {
      const submission = checkTemplateSubmission(demo.body, {
        resolveHeaderHandle: (handle) => this.mediaHandles.get(handle),
      });
      const created = base - prng.int(0, 365 * 86_400);
      this.insertTemplate(waba, {
        name: submission.name,
        language: submission.language,
        category: submission.category,
        previousCategory: demo.previousCategory,
        correctCategory: undefined,
        subCategory: submission.subCategory,
        status: demo.status,
        rejectedReason: demo.status === "REJECTED" ? (demo.rejectedReason ?? "INVALID_FORMAT") : "NONE",
        rejectionInfo: demo.rejectionInfo,
        parameterFormat: submission.parameterFormat,
        components: submission.components,
        messageSendTtlSeconds: submission.messageSendTtlSeconds,
        ctaUrlLinkTrackingOptedOut: submission.ctaUrlLinkTrackingOptedOut,
        qualityScore: { score: demo.quality, date: created },
        createdTime: created,
        lastUpdatedTime: created + prng.int(0, 30 * 86_400),
        approvedEditTimes: [],
        source: "seed",
      });
    }
  }

  addWaba(input: { id?: string; name?: string; accessToken?: string; templateLimit?: number }): Waba {
    const id = input.id ?? this.freshId();
    if (!/^\d+$/.test(id)) throw new Error(`WABA ids are numeric strings, got "${id}"`);
    const existing = this.wabas.get(id);
    if (existing) {
      if (input.accessToken) existing.accessTokens.add(input.accessToken);
      if (input.templateLimit !== undefined) existing.templateLimit = input.templateLimit;
      if (input.name !== undefined) existing.name = input.name;
      return existing;
    }
    const waba: Waba = {
      id,
      name: input.name ?? `Sandbox WABA ${id}`,
      accessTokens: new Set([input.accessToken ?? `sandbox-token-${randomBytes(12).toString("hex")}`]),
      templateLimit: input.templateLimit ?? DEFAULT_TEMPLATE_LIMIT,
      createTimes: [],
      deletedNameLocks: new Map(),
      phoneNumbers: new Map(),
    };
    this.wabas.set(id, waba);
    return waba;
  }

  /**
   * Registers a business phone number to a WABA. A number belongs to exactly one WABA, so registering it to a second
   * one is refused (a setup mistake in a test, not a Graph answer).
   */
  addPhoneNumber(
    wabaId: string,
    input: { id: string; displayPhoneNumber?: string; verifiedName?: string },
  ): PhoneNumber {
    const waba = this.wabas.get(wabaId);
    if (!waba) throw new Error(`no WABA ${wabaId}`);
    if (!/^\d+$/.test(input.id)) throw new Error(`phone number ids are numeric strings, got "${input.id}"`);
    const holder = this.phoneNumberOwner(input.id);
    if (holder && holder.id !== wabaId)
      throw new Error(`phone number ${input.id} already belongs to WABA ${holder.id}`);
    const phone: PhoneNumber = {
      id: input.id,
      wabaId,
      displayPhoneNumber:
        input.displayPhoneNumber ?? `+1 555-${input.id.slice(-3)}-${input.id.slice(-7, -3).padStart(4, "0")}`,
      verifiedName: input.verifiedName ?? waba.name,
      qualityRating: "GREEN",
    };
    waba.phoneNumbers.set(phone.id, phone);
    return phone;
  }

  /** The WABA a phone number is registered to, if any. */
  phoneNumberOwner(phoneNumberId: string): Waba | undefined {
    for (const waba of this.wabas.values()) if (waba.phoneNumbers.has(phoneNumberId)) return waba;
    return undefined;
  }

  /** True when any WABA (or the demo app) knows this token. */
  isKnownToken(token: string): boolean {
    for (const waba of this.wabas.values()) if (waba.accessTokens.has(token)) return true;
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Ids

  /** Numeric string ids that look like Meta's (15–16 digits, not consecutive) and stay below 2^53 (webhooks send them as integers). */
  freshId(): string {
    this.nextIdValue += BigInt(this.idPrng.int(1_000, 9_999_999));
    return this.nextIdValue.toString();
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  /** The WABA's templates, oldest (smallest id) first. */
  templatesOf(wabaId: string): StoredTemplate[] {
    return [...(this.templatesByWaba.get(wabaId)?.values() ?? [])];
  }

  templateCount(wabaId: string): number {
    return this.templatesByWaba.get(wabaId)?.size ?? 0;
  }

  requireTemplate(id: string, method = "GET"): StoredTemplate {
    const template = this.templates.get(id);
    if (!template) throw unsupportedRequest(method, id);
    return template;
  }

  // -------------------------------------------------------------------------------------------
  // Create (§1, §10.3 steps 11–15)

  createTemplate(
    waba: Waba,
    body: Record<string, unknown>,
  ): { id: string; status: "PENDING" | "APPROVED"; category: TemplateCategory } {
    // Template Library create (M-LIB): Meta builds the components from its library entry; the name, language and
    // category are checked as for any create, the entry's own wording is Meta's, and Meta answers "status":"APPROVED".
    const fromLibrary = body.library_template_name !== undefined;
    const submitted = fromLibrary ? expandLibraryCreate(body) : body;
    const submission = checkTemplateSubmission(submitted, {
      resolveHeaderHandle: (handle) => this.mediaHandles.get(handle),
      libraryContent: fromLibrary,
    });
    const now = this.now();
    const siblings = this.templatesOf(waba.id).filter((template) => template.name === submission.name);

    // 11. duplicate name + language → 2388024 [O OBS-J].
    if (siblings.some((template) => template.language === submission.language)) {
      throw invalidTemplate(
        "Content in This Language Already Exists",
        `There is already ${languageDisplayName(submission.language)} content for this template. You can create a new template and try again.`,
        SUBCODE.duplicateLanguage,
      );
    }
    // 12. name + language locked after an approved template was deleted → 2388023 [S/O].
    const lockedUntil = waba.deletedNameLocks.get(nameLanguageKey(submission.name, submission.language));
    if (lockedUntil !== undefined && lockedUntil > now) {
      const language = languageDisplayName(submission.language);
      // Observed: "Try again in 4 weeks" right after a delete, i.e. whole weeks rounded down.
      const weeks = Math.max(1, Math.floor((lockedUntil - now) / (7 * DAY_MS)));
      throw invalidTemplate(
        `${language} content is being deleted`,
        `New ${language} content can't be added while the existing ${language} content is being deleted. Try again in ${weeks} week${weeks === 1 ? "" : "s"} or consider creating a new message template.`,
        SUBCODE.languageBeingDeleted,
      );
    }
    // 13. category must match the same name's other languages [O OBS-J], compared with what was requested.
    const sibling = siblings[0];
    if (sibling && sibling.category !== submission.category) {
      throw invalidTemplate(
        "Category doesn't match",
        `The category ${submission.category} doesn't match the one that's already associated with this template, ${sibling.category}.`,
      );
    }
    // 14. template count → 2388019 [V M-ERR].
    if (this.templateCount(waba.id) >= waba.templateLimit) {
      throw invalidTemplate(
        "Message Template Limit Exceeded",
        "You have exceeded the maximum number of message templates you can have for this WhatsApp business account.",
        SUBCODE.templateLimit,
      );
    }
    // 15. 100 creates per WABA per rolling hour → 80008 [V M-OVR / I].
    waba.createTimes = waba.createTimes.filter((time) => time > now - HOUR_MS);
    if (waba.createTimes.length >= CREATES_PER_HOUR) throw wabaRateLimited();
    waba.createTimes.push(now);

    const category = judgeCategory(submission.category, submission.components);
    const seconds = Math.floor(now / 1000);
    const template = this.insertTemplate(waba, {
      name: submission.name,
      language: submission.language,
      category,
      previousCategory: category === submission.category ? undefined : submission.category,
      correctCategory: undefined,
      subCategory: submission.subCategory,
      status: fromLibrary ? "APPROVED" : "PENDING",
      rejectedReason: "NONE",
      rejectionInfo: undefined,
      parameterFormat: submission.parameterFormat,
      components: submission.components,
      messageSendTtlSeconds: submission.messageSendTtlSeconds,
      ctaUrlLinkTrackingOptedOut: submission.ctaUrlLinkTrackingOptedOut,
      qualityScore: { score: "UNKNOWN", date: seconds },
      createdTime: seconds,
      lastUpdatedTime: seconds,
      approvedEditTimes: [],
      source: "api",
    });
    if (fromLibrary) return { id: template.id, status: "APPROVED", category };
    this.scheduleReview(template);
    return { id: template.id, status: "PENDING", category };
  }

  /**
   * Stores a template exactly as a Meta list/get answer shows it (control API only; no rule runs, no webhook):
   * components of any kind are kept verbatim, as Meta returns what it holds. Meta's id is kept when it is a
   * numeric id not in use, else a fresh one is given.
   */
  importTemplate(waba: Waba, read: Record<string, unknown>): StoredTemplate {
    const text = (key: string): string | undefined => (typeof read[key] === "string" ? read[key] : undefined);
    const name = text("name");
    const language = text("language");
    if (!name || !language) throw new Error("an imported template needs name and language");
    if (!Array.isArray(read.components)) throw new Error("an imported template needs a components array");
    const category = (text("category") ?? "UTILITY").toUpperCase();
    if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(category))
      throw new Error(`category must be one of ${TEMPLATE_CATEGORIES.join(", ")}`);
    const status = (text("status") ?? "APPROVED").toUpperCase();
    if (!(TEMPLATE_STATUSES as readonly string[]).includes(status))
      throw new Error(`status must be one of ${TEMPLATE_STATUSES.join(", ")}`);
    if (this.templatesOf(waba.id).some((template) => template.name === name && template.language === language))
      throw new Error(`${name} (${language}) already exists in WABA ${waba.id}`);
    const id =
      typeof read.id === "string" && /^[1-9][0-9]{0,15}$/.test(read.id) && !this.templates.has(read.id)
        ? read.id
        : undefined;
    const quality = isRecord(read.quality_score) ? read.quality_score : undefined;
    const score =
      typeof quality?.score === "string" && (QUALITY_SCORES as readonly string[]).includes(quality.score)
        ? (quality.score as QualityScore)
        : "UNKNOWN";
    const reason = text("rejected_reason");
    const now = Math.floor(this.now() / 1000);
    const ttl = read.message_send_ttl_seconds;
    return this.insertTemplate(
      waba,
      {
        name,
        language,
        category: category as TemplateCategory,
        previousCategory: text("previous_category"),
        correctCategory: text("correct_category"),
        subCategory: text("sub_category"),
        status: status as TemplateStatus,
        rejectedReason:
          reason !== undefined && (REJECTION_REASONS as readonly string[]).includes(reason)
            ? (reason as RejectionReason)
            : "NONE",
        rejectionInfo: undefined,
        parameterFormat: text("parameter_format")?.toUpperCase() === "NAMED" ? "NAMED" : "POSITIONAL",
        components: read.components as ReadComponent[],
        messageSendTtlSeconds: typeof ttl === "number" ? ttl : undefined,
        ctaUrlLinkTrackingOptedOut:
          typeof read.cta_url_link_tracking_opted_out === "boolean" ? read.cta_url_link_tracking_opted_out : undefined,
        qualityScore: { score, date: typeof quality?.date === "number" ? quality.date : now },
        createdTime: now,
        lastUpdatedTime: now,
        approvedEditTimes: [],
        source: "import",
        ...(quality ? { importedQualityScore: quality } : {}),
      },
      id,
    );
  }

  private insertTemplate(
    waba: Waba,
    fields: Omit<StoredTemplate, "id" | "wabaId">,
    id = this.freshId(),
  ): StoredTemplate {
    const template: StoredTemplate = { id, wabaId: waba.id, ...fields };
    this.templates.set(template.id, template);
    let index = this.templatesByWaba.get(waba.id);
    if (!index) {
      index = new Map();
      this.templatesByWaba.set(waba.id, index);
    }
    index.set(template.id, template);
    return template;
  }

  // -------------------------------------------------------------------------------------------
  // Review

  private scheduleReview(template: StoredTemplate): void {
    this.cancelReview(template.id);
    const delay = this.options.reviewDelayMs;
    if (delay === null) return;
    const timer = setTimeout(() => {
      this.reviewTimers.delete(template.id);
      this.review(template.id);
    }, delay);
    timer.unref();
    this.reviewTimers.set(template.id, timer);
  }

  private cancelReview(id: string): void {
    const timer = this.reviewTimers.get(id);
    if (timer) clearTimeout(timer);
    this.reviewTimers.delete(id);
  }

  /** Applies the deterministic review rules to a PENDING template (no-op otherwise). */
  review(id: string): StoredTemplate | undefined {
    this.cancelReview(id);
    const template = this.templates.get(id);
    if (!template || template.status !== "PENDING") return template;
    const others = this.templatesOf(template.wabaId).filter((other) => other.id !== id && other.status === "APPROVED");
    const verdict = reviewTemplate(template, others);
    this.setStatus(id, {
      status: verdict.status,
      reason: verdict.reason,
      ...(verdict.rejectionInfo ? { rejectionInfo: verdict.rejectionInfo } : {}),
    });
    return template;
  }

  /** Reviews every PENDING template now (control API). */
  reviewAllPending(wabaId?: string): number {
    let count = 0;
    for (const template of [...this.templates.values()]) {
      if (template.status === "PENDING" && (wabaId === undefined || template.wabaId === wabaId)) {
        this.review(template.id);
        count += 1;
      }
    }
    return count;
  }

  // -------------------------------------------------------------------------------------------
  // Status, quality and category changes (control API), each emitting Meta's webhook (§8)

  setStatus(id: string, change: StatusChange): StoredTemplate {
    const template = this.requireTemplate(id);
    if (template.status === "PENDING" && change.status !== "PENDING") this.cancelReview(id);
    template.status = change.status;
    const reason: RejectionReason = change.reason ?? (change.status === "REJECTED" ? "INVALID_FORMAT" : "NONE");
    template.rejectedReason = change.status === "REJECTED" ? reason : "NONE";
    template.rejectionInfo = change.status === "REJECTED" ? change.rejectionInfo : undefined;
    template.lastUpdatedTime = Math.floor(this.now() / 1000);
    if (change.status === "PENDING") this.scheduleReview(template);

    const value: Record<string, unknown> = {
      event: change.event ?? change.status,
      message_template_id: Number(template.id),
      message_template_name: template.name,
      message_template_language: webhookLanguage(template.language),
      // `reason` is null when the template is scheduled for deletion (§8.2).
      reason: change.status === "PENDING_DELETION" ? null : reason,
      message_template_category: template.category,
    };
    if (change.status === "REJECTED" && template.rejectionInfo) value.rejection_info = template.rejectionInfo;
    if (change.status === "DISABLED") value.disable_info = { disable_date: Math.floor(this.now() / 1000) };
    if (change.otherInfo) value.other_info = change.otherInfo;
    else if (change.status === "PAUSED") {
      value.other_info = {
        title: "FIRST_PAUSE",
        description: "Your WhatsApp message template has been paused for 3 hours because of low quality.",
      };
    }
    this.options.emit({ wabaId: template.wabaId, field: "message_template_status_update", value });
    return template;
  }

  setQuality(id: string, score: QualityScore): StoredTemplate {
    const template = this.requireTemplate(id);
    const previous = template.qualityScore.score;
    template.qualityScore = { score, date: Math.floor(this.now() / 1000) };
    this.options.emit({
      wabaId: template.wabaId,
      field: "message_template_quality_update",
      value: {
        previous_quality_score: previous,
        new_quality_score: score,
        message_template_id: Number(template.id),
        message_template_name: template.name,
        message_template_language: webhookLanguage(template.language),
      },
    });
    return template;
  }

  /**
   * Recategorisation (§8.4). `impending` sets `correct_category` and sends the 24-hour notice
   * (new_category = CURRENT category, correct_category = future); `completed` applies it and sends
   * previous_category + new_category.
   */
  changeCategory(
    id: string,
    category: TemplateCategory,
    phase: "impending" | "completed",
    effectiveAt?: number,
  ): StoredTemplate {
    const template = this.requireTemplate(id);
    const base = {
      message_template_id: Number(template.id),
      message_template_name: template.name,
      message_template_language: webhookLanguage(template.language),
    };
    if (phase === "impending") {
      template.correctCategory = category;
      this.options.emit({
        wabaId: template.wabaId,
        field: "template_category_update",
        value: {
          ...base,
          new_category: template.category,
          correct_category: category,
          category_update_timestamp: effectiveAt ?? Math.floor(this.now() / 1000) + 86_400,
        },
      });
    } else {
      const previous = template.category;
      template.previousCategory = previous;
      template.category = category;
      template.correctCategory = undefined;
      template.lastUpdatedTime = Math.floor(this.now() / 1000);
      this.options.emit({
        wabaId: template.wabaId,
        field: "template_category_update",
        value: { ...base, previous_category: previous, new_category: category },
      });
    }
    return template;
  }

  // -------------------------------------------------------------------------------------------
  // Edit (§5.1)

  editTemplate(id: string, body: Record<string, unknown>): void {
    const template = this.requireTemplate(id, "POST");
    const statusCannotChange = (message: string): GraphError =>
      invalidTemplate("Message template status can't be changed", message, SUBCODE.statusCannotChange);
    if (template.status !== "APPROVED" && template.status !== "REJECTED" && template.status !== "PAUSED") {
      throw statusCannotChange(
        `Message templates can only be edited when their status is APPROVED, REJECTED or PAUSED. This template is ${template.status}.`,
      );
    }
    const now = this.now();
    if (template.status === "APPROVED") {
      // Approved templates: 1 edit per 24 h and 10 per 30 days; the exact error is undocumented, 2388039 chosen [I].
      const recent = template.approvedEditTimes.filter((time) => time > now - 30 * DAY_MS);
      if (recent.some((time) => time > now - DAY_MS)) {
        throw statusCannotChange("Approved message templates can only be edited once every 24 hours. Try again later.");
      }
      if (recent.length >= 10)
        throw statusCannotChange("Approved message templates can only be edited 10 times in 30 days. Try again later.");
      const requested = typeof body.category === "string" ? body.category.toUpperCase() : undefined;
      if (requested !== undefined && requested !== template.category) {
        throw invalidTemplate(
          "Category can't be changed",
          "You can't change the category of an approved message template.",
        );
      }
    }
    const hasContent = body.components !== undefined;
    const ttlOnly = !hasContent && body.category === undefined;
    if (ttlOnly && body.message_send_ttl_seconds === undefined)
      throw badParam("You must provide components, category or message_send_ttl_seconds to edit a template");
    const submission = checkTemplateSubmission(
      { ...body, components: body.components ?? template.components.map(toSubmittable(template)) },
      { resolveHeaderHandle: (handle) => this.mediaHandles.get(handle) ?? (isCdnUrl(handle) ? handle : undefined) },
      { name: template.name, language: template.language, category: template.category },
    );
    if (template.status === "APPROVED")
      template.approvedEditTimes = [...template.approvedEditTimes.filter((time) => time > now - 30 * DAY_MS), now];
    if (submission.category !== template.category) {
      template.previousCategory = template.category;
      template.category = submission.category;
    }
    template.components = submission.components;
    template.parameterFormat = submission.parameterFormat;
    if (submission.messageSendTtlSeconds !== undefined)
      template.messageSendTtlSeconds = submission.messageSendTtlSeconds;
    if (submission.ctaUrlLinkTrackingOptedOut !== undefined)
      template.ctaUrlLinkTrackingOptedOut = submission.ctaUrlLinkTrackingOptedOut;
    template.lastUpdatedTime = Math.floor(now / 1000);
    if (hasContent)
      this.options.emit({
        wabaId: template.wabaId,
        field: "message_template_components_update",
        value: componentsUpdateValue(template),
      });
    // Edited templates re-enter review ("automatically approved unless it fails template review").
    template.status = "PENDING";
    template.rejectedReason = "NONE";
    template.rejectionInfo = undefined;
    this.scheduleReview(template);
  }

  // -------------------------------------------------------------------------------------------
  // Delete (§5.2)

  deleteTemplates(waba: Waba, query: { name?: string; hsmId?: string; hsmIds?: string[] }): void {
    let targets: StoredTemplate[];
    const inWaba = this.templatesOf(waba.id);
    if (query.hsmIds !== undefined) {
      if (query.hsmIds.length === 0 || query.hsmIds.length > 100)
        throw badParam("Param hsm_ids must be an array of 1 to 100 ids");
      targets = query.hsmIds.map((id) => {
        const template = inWaba.find((candidate) => candidate.id === id);
        if (!template) throw templateNotFound(id);
        return template;
      });
    } else {
      if (!query.name) throw badParam("The parameter name is required");
      targets = inWaba.filter(
        (template) => template.name === query.name && (query.hsmId === undefined || template.id === query.hsmId),
      );
      if (targets.length === 0) throw templateNotFound(query.name);
    }
    // All-or-nothing [I]: a DISABLED template anywhere in the request refuses the whole delete.
    const disabled = targets.find((template) => template.status === "DISABLED");
    if (disabled) {
      throw invalidTemplate(
        "Message template can't be deleted",
        `Disabled message templates can't be deleted. The ${languageDisplayName(disabled.language)} content of ${disabled.name} is disabled.`,
      );
    }
    for (const template of targets) this.deleteTemplate(template.id, "api");
  }

  /** Removes a template; an APPROVED one locks its name + language for 30 days (§5.2). */
  deleteTemplate(id: string, source: "api" | "control"): StoredTemplate {
    const template = this.requireTemplate(id, "DELETE");
    const waba = this.wabas.get(template.wabaId);
    this.cancelReview(id);
    this.templates.delete(id);
    this.templatesByWaba.get(template.wabaId)?.delete(id);
    if (waba && template.status === "APPROVED")
      waba.deletedNameLocks.set(nameLanguageKey(template.name, template.language), this.now() + NAME_LOCK_MS);
    if (source === "api") {
      this.options.emit({
        wabaId: template.wabaId,
        field: "message_template_status_update",
        value: {
          event: "DELETED",
          message_template_id: Number(template.id),
          message_template_name: template.name,
          message_template_language: webhookLanguage(template.language),
          reason: "NONE",
          message_template_category: template.category,
        },
      });
    }
    return template;
  }

  // -------------------------------------------------------------------------------------------
  // Resumable uploads (§6)

  startUpload(appId: string, fileName: string, fileLength: number, fileType: string): UploadSession {
    const session: UploadSession = {
      id: `upload:${this.freshUploadId()}`,
      appId,
      fileName,
      fileLength,
      fileType,
      received: [],
      offset: 0,
      handle: undefined,
    };
    this.uploads.set(session.id, session);
    return session;
  }

  private freshUploadId(): string {
    return createHash("sha256")
      .update(`${this.freshId()}:${randomBytes(8).toString("hex")}`)
      .digest("base64url")
      .slice(0, 40);
  }

  /** Registers a finished upload and returns its handle, shaped like Meta's `4::<b64 mime>:…`. */
  finishUpload(session: UploadSession): string {
    const mime = Buffer.from(session.fileType).toString("base64");
    const digest = createHash("sha256").update(Buffer.concat(session.received)).update(session.id).digest("base64url");
    const handle = `4::${mime}:ARZ${digest.slice(0, 40)}:e:${Math.floor(this.now() / 1000) + 30 * 86_400}:${session.appId}:${digest.slice(40, 43)}`;
    const format =
      session.fileType === "application/pdf" ? "DOCUMENT" : session.fileType === "video/mp4" ? "VIDEO" : "IMAGE";
    this.mediaHandles.set(handle, sampleCdnUrl(handle, format));
    session.handle = handle;
    return handle;
  }

  // -------------------------------------------------------------------------------------------
  // Request log

  logRequest(entry: Omit<RequestLogEntry, "seq">): void {
    this.logSeq += 1;
    this.requestLog.push({ seq: this.logSeq, ...entry });
    // Bounded so a long benchmark cannot grow memory without limit.
    if (this.requestLog.length > 10_000) this.requestLog.splice(0, this.requestLog.length - 10_000);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  dispose(): void {
    for (const timer of this.reviewTimers.values()) clearTimeout(timer);
    this.reviewTimers.clear();
  }
}

/**
 * Meta's status, quality and category webhook examples write the locale with a hyphen (`en-US`) while the
 * API and the components webhook use `en_US` (§8.1 quirk); the sandbox reproduces it so clients normalise.
 */
export function webhookLanguage(language: string): string {
  return language.replace("_", "-");
}

function templateNotFound(nameOrId: string): GraphError {
  // Undocumented exact answer (§5.2 [I]): code 100, no subcode.
  return invalidTemplate("Message template not found", `The message template ${nameOrId} couldn't be found.`);
}

function isCdnUrl(value: string): boolean {
  return value.startsWith("https://scontent.whatsapp.net/");
}

/** Converts stored read-form components back into a submittable form (edits that only change TTL or category). */
function toSubmittable(template: StoredTemplate): (component: ReadComponent) => ReadComponent {
  return (component) => {
    if (template.category !== "AUTHENTICATION") return component;
    if (component.type === "BODY")
      return {
        type: "BODY",
        ...(component.add_security_recommendation === true ? { add_security_recommendation: true } : {}),
      };
    if (component.type === "FOOTER")
      return { type: "FOOTER", code_expiration_minutes: component.code_expiration_minutes };
    if (component.type === "BUTTONS" && Array.isArray(component.buttons)) {
      const button = (component.buttons[0] ?? {}) as Record<string, unknown>;
      const url = typeof button.url === "string" ? button.url : "";
      const otpType = /otp_type=([A-Z_]+)/.exec(url)?.[1] ?? "COPY_CODE";
      const otp: Record<string, unknown> = { type: "OTP", otp_type: otpType, text: button.text };
      if (otpType !== "COPY_CODE") {
        otp.autofill_text = button.autofill_text;
        otp.supported_apps = button.supported_apps;
      }
      return { type: "BUTTONS", buttons: [otp] };
    }
    return component;
  };
}

/** `message_template_components_update` is flattened, not a components array (§8.5). */
export function componentsUpdateValue(template: StoredTemplate): Record<string, unknown> {
  const value: Record<string, unknown> = {
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    message_template_element: textOf(template.components, "BODY"),
  };
  const header = template.components.find((component) => component.type === "HEADER");
  if (header && header.format === "TEXT" && typeof header.text === "string") value.message_template_title = header.text;
  const footer = textOf(template.components, "FOOTER");
  if (footer) value.message_template_footer = footer;
  const buttons = template.components.find((component) => component.type === "BUTTONS")?.buttons;
  if (Array.isArray(buttons)) {
    const flattened = (buttons as Array<Record<string, unknown>>)
      .filter((button) => button.type === "URL" || button.type === "PHONE_NUMBER")
      .map((button) => ({
        message_template_button_type: button.type,
        message_template_button_text: button.text,
        ...(button.type === "URL"
          ? { message_template_button_url: button.url }
          : { message_template_button_phone_number: button.phone_number }),
      }));
    if (flattened.length > 0) value.message_template_buttons = flattened;
  }
  return value;
}
