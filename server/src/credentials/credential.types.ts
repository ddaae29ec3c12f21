import type { Provider } from '@latchkey/providers';
import type { Credentials } from '@latchkey/schema';
import type { ConnectionRow } from '../connections/connection.table';

/** A connection with credentials that are valid now (refreshed first when they were due). */
export interface FreshConnection {
  row: ConnectionRow;
  integrationKey: string;
  integrationId: string;
  provider: Provider;
  credentials: Credentials;
  /** True when this call refreshed (or waited for a refresh by another reader). */
  refreshed: boolean;
}

export interface CredentialService {
  /**
   * The connection's credentials, refreshed first when the access token expires within the margin or when forced.
   * Concurrent callers (in this process or others on the same PostgreSQL) share one refresh.
   * Throws `not_found` / `unknown_provider_config` for unknown ones, `invalid_credentials` (400 or 424) on failure.
   */
  getFresh(
    environmentId: string,
    providerConfigKey: string,
    connectionId: string,
    options?: {
      force?: boolean;
      /** False reads the database even for a token that is not due (a caller about to hand out a refresh token). */
      cached?: boolean;
    },
  ): Promise<FreshConnection>;
}
