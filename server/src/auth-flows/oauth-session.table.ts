import type { ColumnType, Insertable, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

/** One authorization in progress; its id is the OAuth `state`. Single use: deleted when the callback claims it. */
export interface OAuthSessionTable {
  id: string;
  environment_id: string;
  integration_id: string;
  connection_id: string;
  connect_session_id: string | null;
  operation_id: string;
  auth_mode: string;
  redirect_uri: string;
  /** Sealed JSON: PKCE code verifier (OAuth 2.0) or request token and secret (OAuth 1.0a). */
  secrets_sealed: string;
  connection_config: Json<Record<string, string>>;
  scopes: Json<string[]>;
  ws_client_id: string | null;
  /** Origin of the page that opened the flow, when known: the callback page posts its result only there. */
  opener_origin: string | null;
  /** The widget's flow nonce, echoed to the opener (the widget checks it; the server only carries it). */
  latchkey_nonce: ColumnType<string | null, string | null | undefined, never>;
  /** Redirect mode: where the browser goes back after the callback (same origin as the page that started the flow). */
  return_url: ColumnType<string | null, string | null | undefined, never>;
  expires_at: Date;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type OAuthSessionRow = Selectable<OAuthSessionTable>;
export type NewOAuthSessionRow = Insertable<OAuthSessionTable>;
