/** The audit log's filters, kept in the URL (a filtered view is a link). Dates are whole UTC days. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import type { AuditSearch } from '../../router';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/field';

export function AuditFilters({
  search,
  onChange,
}: {
  search: AuditSearch;
  onChange: (next: AuditSearch) => void;
}) {
  const trpc = useTRPC();
  const operators = useQuery(trpc.operators.list.queryOptions());
  const environments = useQuery(trpc.environments.list.queryOptions());
  const set = (patch: Partial<AuditSearch>) => onChange({ ...search, ...patch });
  const active = Object.values(search).some((value) => value !== undefined);
  return (
    <form className="filters" aria-label="Filter the audit log" onSubmit={(event) => event.preventDefault()}>
      <TextField
        label="Action"
        placeholder="integration.create"
        value={search.action ?? ''}
        onChange={(event) => set({ action: event.target.value || undefined })}
        list="audit-actions"
      />
      <datalist id="audit-actions">
        {[
          'operator.sign_in',
          'operator.sign_in_failed',
          'operator.invite',
          'operator.role_change',
          'integration.create',
          'integration.update',
          'integration.delete',
          'connection.reveal',
          'connection.delete',
          'api_key.create',
          'api_key.revoke',
          'environment.create',
          'environment.settings_update',
        ].map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      <SelectField
        label="Actor"
        value={search.actorId ?? ''}
        onChange={(event) => set({ actorId: event.target.value || undefined })}
      >
        <option value="">Anyone</option>
        {operators.data?.map((operator) => (
          <option key={operator.id} value={operator.id}>
            {operator.displayName ? `${operator.displayName} (${operator.email})` : operator.email}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Environment"
        value={search.environment ?? ''}
        onChange={(event) => set({ environment: event.target.value || undefined })}
      >
        <option value="">All environments</option>
        {environments.data?.map((environment) => (
          <option key={environment.id} value={environment.name}>
            {environment.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label="From"
        type="date"
        value={search.from ?? ''}
        max={search.to}
        onChange={(event) => set({ from: event.target.value || undefined })}
      />
      <TextField
        label="To"
        type="date"
        value={search.to ?? ''}
        min={search.from}
        onChange={(event) => set({ to: event.target.value || undefined })}
      />
      <div className="filters-actions">
        <Button variant="ghost" disabled={!active} onClick={() => onChange({})}>
          Clear filters
        </Button>
      </div>
    </form>
  );
}

/** The procedure's filter from the URL's: `to` is inclusive of its whole day. */
export function auditFilterOf(search: AuditSearch) {
  const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
  return {
    ...(search.action ? { action: search.action } : {}),
    ...(search.actorId ? { actorId: search.actorId } : {}),
    ...(search.environment ? { environment: search.environment } : {}),
    ...(search.from ? { from: `${search.from}T00:00:00.000Z` } : {}),
    ...(search.to ? { to: nextDay(search.to) } : {}),
  };
}
