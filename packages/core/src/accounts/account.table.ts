import type { Generated, Insertable, Selectable, Updateable } from "kysely";

export type AccountStatus = "connected" | "disconnected";

export interface WhatsappAccountTable {
  id: string;
  organisation_id: string;
  customer_id: string | null;
  phone_number_id: string;
  display_phone_number: string | null;
  name: string | null;
  waba_id: string;
  /**
   * The account's Meta access token, encrypted (`v1:<key_id>:<iv>:<tag>:<ciphertext>`, see `secrets/`). Decrypt it
   * with `accountCredentials` only where the Meta gateway needs it; never returned by the API.
   */
  access_token_encrypted: string;
  status: AccountStatus;
  /** Time of the last successful template sync; each template's `last_synced_at` derives from it. */
  templates_synced_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type AccountRow = Selectable<WhatsappAccountTable>;
export type NewAccountRow = Insertable<WhatsappAccountTable>;
export type AccountUpdate = Updateable<WhatsappAccountTable>;
