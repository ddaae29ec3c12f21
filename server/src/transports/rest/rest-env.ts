import type { AuthContext } from '../../auth/auth-context';
import type { Logger } from '../../platform/logging/logger';

/** Per-request values the REST middleware sets for handlers. */
export interface RestEnv {
  Variables: {
    requestId: string;
    log: Logger;
    auth: AuthContext;
    /** The parsed JSON body; undefined when the request had none. */
    body: unknown;
    /** A YAML body, as text, on the routes that take one (see the JSON body middleware). */
    yamlBody?: string;
    /** The query string parsed qs-style (`params[k]=v` → objects, repeated keys → arrays). */
    query: Record<string, unknown>;
  };
}
