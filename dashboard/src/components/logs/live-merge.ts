/**
 * How one live event changes the first page of the log: the operation replaces its row, or is inserted where its
 * start time puts it when it matches the page's filters, or leaves the page alone.
 */
import type { LogFilterValues } from './log-filters';
import type { OperationPage, OperationSummary } from './log-types';

export function matchesFilters(operation: OperationSummary, filters: LogFilterValues): boolean {
  if (filters.kind !== undefined && operation.kind !== filters.kind) return false;
  if (filters.action !== undefined && operation.action !== filters.action) return false;
  if (filters.status !== undefined && operation.status !== filters.status) return false;
  if (filters.integration !== undefined && operation.integration !== filters.integration) return false;
  if (filters.connectionId !== undefined && operation.connection_id !== filters.connectionId) return false;
  const started = new Date(operation.started_at).getTime();
  if (filters.from !== undefined && started < new Date(filters.from).getTime()) return false;
  if (filters.to !== undefined && started >= new Date(filters.to).getTime()) return false;
  return true;
}

/** The page with one operation merged in: replaced where it is, else inserted in started-at order, else unchanged. */
export function mergeOperation(
  page: OperationPage,
  operation: OperationSummary,
  filters: LogFilterValues,
): OperationPage {
  const index = page.items.findIndex((item) => item.id === operation.id);
  const matches = matchesFilters(operation, filters);
  if (index >= 0) {
    const items = [...page.items];
    if (matches) items[index] = operation;
    else items.splice(index, 1);
    return { ...page, items };
  }
  if (!matches) return page;
  const started = operation.started_at;
  const at = page.items.findIndex((item) => item.started_at <= started);
  // Older than everything on the page while more pages follow: it belongs to a later page, not this one.
  if (at < 0 && page.nextCursor !== null) return page;
  const items = [...page.items];
  items.splice(at < 0 ? items.length : at, 0, operation);
  return { ...page, items };
}
