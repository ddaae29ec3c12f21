/** Which auth events a subscriber wants: every given condition must hold (an empty filter takes every event). */
import type { AuthOperation } from './auth-event.table';
import type { AuthEventView } from './event.service';

export interface AuthEventFilter {
  connectionId?: string | undefined;
  providerConfigKey?: string | undefined;
  operations?: readonly AuthOperation[] | undefined;
  success?: boolean | undefined;
}

export function matchesAuthEventFilter(event: AuthEventView, filter: AuthEventFilter): boolean {
  return (
    (filter.connectionId === undefined || event.connectionId === filter.connectionId) &&
    (filter.providerConfigKey === undefined || event.providerConfigKey === filter.providerConfigKey) &&
    (filter.operations === undefined || filter.operations.includes(event.operation)) &&
    (filter.success === undefined || event.success === filter.success)
  );
}
