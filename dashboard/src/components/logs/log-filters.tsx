/**
 * The logs' filters, all in the URL: type (kind and action), status, integration, connection and a time window.
 * Text boxes follow a moment after typing stops; selects and dates apply at once. A change returns to the first page.
 */
import { useState } from 'react';
import { IntegrationSelect } from '../connections/integration-select';
import { useUrlText } from '../integrations/use-url-text';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/field';
import { XIcon } from '../ui/icons';
import { OPERATION_STATUSES } from './log-types';
import { fromLocalInput, presetStart, TIME_PRESETS, toLocalInput } from './time-range';

export interface LogFilterValues {
  kind?: string;
  action?: string;
  status?: string;
  integration?: string;
  connectionId?: string;
  from?: string;
  to?: string;
}

const FILTER_KEYS = ['kind', 'action', 'status', 'integration', 'connectionId', 'from', 'to'] as const;

/** Known operation types, offered as suggestions; any other value still filters. */
const KNOWN_KINDS = ['auth'];
const KNOWN_ACTIONS = ['oauth2', 'oauth1', 'api_key', 'basic', 'refresh', 'revocation'];

export function hasLogFilters(values: LogFilterValues): boolean {
  return FILTER_KEYS.some((key) => values[key] !== undefined);
}

export function LogFilters({
  values,
  onChange,
}: {
  values: LogFilterValues;
  onChange: (patch: Partial<LogFilterValues>) => void;
}) {
  const [kind, setKind] = useUrlText(values.kind, (kind) => onChange({ kind }));
  const [action, setAction] = useUrlText(values.action, (action) => onChange({ action }));
  const [connectionId, setConnectionId] = useUrlText(values.connectionId, (connectionId) =>
    onChange({ connectionId }),
  );
  const [customRange, setCustomRange] = useState(false);
  const hasRange = values.from !== undefined || values.to !== undefined;
  const showRange = customRange || hasRange;

  return (
    <search className="log-filters" aria-label="Filter operations">
      <div className="conn-filter-grid conn-filter-grid-4">
        <TextField
          label="Kind"
          list="log-kinds"
          value={kind}
          onChange={(event) => setKind(event.target.value)}
          autoComplete="off"
        />
        <TextField
          label="Action"
          list="log-actions"
          value={action}
          onChange={(event) => setAction(event.target.value)}
          autoComplete="off"
        />
        <SelectField
          label="Status"
          value={values.status ?? ''}
          onChange={(event) => onChange({ status: event.target.value || undefined })}
        >
          <option value="">Any status</option>
          {OPERATION_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status[0]!.toUpperCase() + status.slice(1)}
            </option>
          ))}
        </SelectField>
        <IntegrationSelect value={values.integration} onChange={(integration) => onChange({ integration })} />
        <TextField
          label="Connection ID"
          value={connectionId}
          onChange={(event) => setConnectionId(event.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <SelectField
          label="Time"
          value={showRange ? 'custom' : ''}
          onChange={(event) => {
            const choice = event.target.value;
            if (choice === 'custom') {
              setCustomRange(true);
              return;
            }
            setCustomRange(choice !== '');
            onChange({ from: presetStart(choice), to: undefined });
          }}
        >
          <option value="">Any time</option>
          {TIME_PRESETS.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.label}
            </option>
          ))}
          <option value="custom">Between…</option>
        </SelectField>
        {showRange ? (
          <>
            <TextField
              label="From"
              type="datetime-local"
              value={toLocalInput(values.from)}
              onChange={(event) => onChange({ from: fromLocalInput(event.target.value) })}
            />
            <TextField
              label="To"
              type="datetime-local"
              value={toLocalInput(values.to)}
              onChange={(event) => onChange({ to: fromLocalInput(event.target.value) })}
            />
          </>
        ) : null}
      </div>
      <datalist id="log-kinds">
        {KNOWN_KINDS.map((value) => (
          <option key={value} value={value} />
        ))}
      </datalist>
      <datalist id="log-actions">
        {KNOWN_ACTIONS.map((value) => (
          <option key={value} value={value} />
        ))}
      </datalist>
      {hasLogFilters(values) ? (
        <div className="conn-filter-actions">
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setCustomRange(false);
              onChange(Object.fromEntries(FILTER_KEYS.map((key) => [key, undefined])));
            }}
          >
            <XIcon />
            Clear filters
          </Button>
        </div>
      ) : null}
    </search>
  );
}
