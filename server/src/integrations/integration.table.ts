import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface IntegrationTable {
  id: string;
  environment_id: string;
  unique_key: string;
  provider: string;
  display_name: string | null;
  /** OAUTH1/OAUTH2/APP; null for providers whose end users bring their own credentials. */
  credentials_type: string | null;
  client_id: string | null;
  /** Sealed JSON of the secret parts: client_secret, webhook_secret, private_key. */
  secrets_sealed: string | null;
  scopes: Json<string[]>;
  app_id: string | null;
  app_link: string | null;
  forward_webhooks: ColumnType<boolean, boolean | undefined, boolean>;
  integration_config: Json<Record<string, string>>;
  /** Sealed JSON of Nango's free-form `custom` map (it holds secrets in practice). */
  custom_sealed: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type IntegrationRow = Selectable<IntegrationTable>;
export type NewIntegrationRow = Insertable<IntegrationTable>;
export type IntegrationUpdate = Updateable<IntegrationTable>;
