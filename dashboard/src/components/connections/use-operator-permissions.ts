/**
 * What the signed-in operator may do on a connection. The server checks scopes on every call; this only decides
 * which controls to offer, so a support operator sees why a button is missing instead of meeting a 403.
 */
import { useOperator } from '../layout/use-operator';

export interface ConnectionPermissions {
  /** Refresh, delete, edit metadata: any role but support. */
  canWrite: boolean;
  /** Reveal credentials (the `read_credentials` scope): any role but support. */
  canReveal: boolean;
  role: string | null;
}

export function useConnectionPermissions(): ConnectionPermissions {
  const role = useOperator()?.role ?? null;
  const trusted = role === 'admin' || role === 'developer';
  return { canWrite: trusted, canReveal: trusted, role };
}

export const SUPPORT_ROLE_NOTE =
  'The support role can read connections but not change them or see their secrets.';
