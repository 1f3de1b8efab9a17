/**
 * Render-and-check (`POST /v1/{phone_number_id}/templates/{name}/render`): the stored template filled with the
 * parameters of Meta's send request, or the parameter Meta would refuse. The rules are @kirim/schema's
 * `renderTemplateMessage`; this module only finds the template and turns a refusal into the domain error.
 */
import { META_SEND_ERRORS, languageOfSend, renderTemplateMessage, sendRefusalForStatus } from "@kirim/schema";
import type { TRenderTemplateRequest, TRenderedTemplate } from "@kirim/schema";
import type { Kysely } from "kysely";
import { resolveAccount } from "../accounts/account.service.js";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import type { Principal } from "../base.js";
import { isQueryableName } from "./template-name.js";
import { mapMetaStatus } from "./template-status.js";
import { findTemplateByNameLanguage } from "./template.repository.js";

export interface TemplateRenderService {
  render(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    request: TRenderTemplateRequest,
  ): Promise<TRenderedTemplate>;
}

export function createTemplateRenderService(deps: { db: Kysely<Database> }): TemplateRenderService {
  async function render(
    principal: Principal,
    phoneNumberId: string,
    name: string,
    request: TRenderTemplateRequest,
  ): Promise<TRenderedTemplate> {
    const account = await resolveAccount(deps.db, principal, phoneNumberId);
    if (request.name !== undefined && request.name !== name) {
      throw new DomainError(
        "invalid_field_value",
        `name "${request.name}" differs from the template in the path ("${name}"); omit it or make them equal.`,
        {
          param: "name",
        },
      );
    }
    const language = languageOfSend(request);
    const row = isQueryableName(name)
      ? await findTemplateByNameLanguage(deps.db, account.id, name, language)
      : undefined;
    if (row === undefined || row.deleted_at !== null) {
      const notFound = META_SEND_ERRORS.templateNotFound;
      throw new DomainError(
        "resource_not_found",
        `No template "${name}" in language "${language}" on this account; Meta would answer ${notFound.code} (${notFound.title}).`,
        {
          param: "language",
          details: { meta: { code: notFound.code, error_user_title: notFound.title } },
        },
      );
    }
    const outcome = renderTemplateMessage(row.components, request, row.category);
    if (!outcome.ok) {
      const { problem } = outcome;
      throw new DomainError(
        "template_parameter_invalid",
        `${problem.message} Meta would refuse the send with ${problem.meta.code} (${problem.meta.title}).`,
        {
          param: problem.param,
          details: {
            meta: { code: problem.meta.code, error_user_title: problem.meta.title, error_user_msg: problem.message },
          },
        },
      );
    }
    const refusal = sendRefusalForStatus(row.meta_status);
    return {
      object: "rendered_template",
      name: row.name,
      language: row.language,
      status: mapMetaStatus(row.meta_status),
      sendable: refusal === null,
      not_sendable_reason: refusal === null ? null : { code: refusal.code, title: refusal.title },
      ...outcome.message,
    };
  }
  return { render };
}
