/**
 * A filter by integration: the environment's integrations, plus the one in the URL when it is not among them (a
 * shared link to a deleted integration still shows what it filters by).
 */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { SelectField } from '../ui/field';

export function IntegrationSelect({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (integration: string | undefined) => void;
}) {
  const trpc = useTRPC();
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  const keys = integrations.data?.map((integration) => integration.unique_key) ?? [];
  if (value !== undefined && !keys.includes(value)) keys.push(value);
  return (
    <SelectField
      label="Integration"
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value || undefined)}
    >
      <option value="">All integrations</option>
      {keys.map((key) => (
        <option key={key} value={key}>
          {key}
        </option>
      ))}
    </SelectField>
  );
}
