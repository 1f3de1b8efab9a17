/**
 * Meta's Template Library (issue 16): browse `GET /message_template_library` through the gateway with the account's
 * own token. Entries are Meta's, parsed leniently (ZLibraryTemplate keeps unknown fields).
 */
import { ZTemplateLibraryList } from "@kirim/schema";
import type { TLibraryTemplate, TTemplateLibraryQuery } from "@kirim/schema";
import type { Kysely } from "kysely";
import { resolveAccount } from "../accounts/account.service.js";
import type { Database } from "../db/schema.js";
import { DomainError } from "../errors.js";
import { withMetaErrors } from "../meta/meta-error-mapping.js";
import type { MetaGateway } from "../meta/types.js";
import { accountCredentials } from "../platform/secrets/secrets.service.js";
import type { TokenCipher } from "../platform/secrets/token-cipher.js";
import type { Principal } from "../base.js";

export interface TemplateLibraryService {
  library(principal: Principal, phoneNumberId: string, query: TTemplateLibraryQuery): Promise<TLibraryTemplate[]>;
}

export function createTemplateLibraryService(deps: {
  db: Kysely<Database>;
  gateway: MetaGateway;
  tokens: TokenCipher;
}): TemplateLibraryService {
  async function library(
    principal: Principal,
    phoneNumberId: string,
    query: TTemplateLibraryQuery,
  ): Promise<TLibraryTemplate[]> {
    const account = await resolveAccount(deps.db, principal, phoneNumberId);
    const list = deps.gateway.listLibraryTemplates?.bind(deps.gateway);
    if (list === undefined)
      throw new DomainError("whatsapp_upstream_error", "This Meta gateway cannot browse the template library.");
    const credentials = accountCredentials(account, deps.tokens);
    const raw = await withMetaErrors(() => list(credentials, query), "read");
    const parsed = ZTemplateLibraryList.safeParse(raw);
    if (!parsed.success)
      throw new DomainError("whatsapp_upstream_error", "Meta’s template library answer was not in the expected shape.");
    return parsed.data;
  }
  return { library };
}
