/**
 * The connections list's filters. Every one lives in the URL (typed search params), so a filtered list is a link;
 * text boxes update it a moment after typing stops, selects at once. Changing a filter returns to the first page.
 */
import { useEffect, useRef, useState } from 'react';
import { useUrlText } from '../integrations/use-url-text';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/field';
import { SearchIcon, XIcon } from '../ui/icons';
import { IntegrationSelect } from './integration-select';
import { REFRESH_STATE_FILTERS, REFRESH_STATE_LABELS } from './refresh-state-badge';
import { formatTagFilter, parseTagFilter } from './tag-filter';

export interface ConnectionFilterValues {
  search?: string;
  integration?: string;
  endUserId?: string;
  organizationId?: string;
  tags?: Record<string, string>;
  refreshState?: string;
}

type Patch = Partial<ConnectionFilterValues>;

export function hasConnectionFilters(values: ConnectionFilterValues): boolean {
  return Object.values(values).some((value) => value !== undefined);
}

export function ConnectionFilters({
  values,
  onChange,
}: {
  values: ConnectionFilterValues;
  /** Called with the changed filters; `undefined` clears one. */
  onChange: (patch: Patch) => void;
}) {
  const [search, setSearch] = useUrlText(values.search, (search) => onChange({ search }));
  const [endUserId, setEndUserId] = useUrlText(values.endUserId, (endUserId) => onChange({ endUserId }));
  const [organizationId, setOrganizationId] = useUrlText(values.organizationId, (organizationId) =>
    onChange({ organizationId }),
  );
  const tagsText = useTagText(values.tags, (tags) => onChange({ tags }));

  return (
    <search className="conn-filters" aria-label="Filter connections">
      <div className="conn-filter-grid conn-filter-grid-4">
        <div className="field conn-span-2">
          <label htmlFor="connection-search" className="field-label">
            Search
          </label>
          <div className="conn-search">
            <SearchIcon />
            <input
              id="connection-search"
              type="search"
              className="input"
              placeholder="Connection ID, end user email or name…"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
        </div>
        <IntegrationSelect value={values.integration} onChange={(integration) => onChange({ integration })} />
        <SelectField
          label="Refresh state"
          value={values.refreshState ?? ''}
          onChange={(event) => onChange({ refreshState: event.target.value || undefined })}
        >
          <option value="">Any state</option>
          {REFRESH_STATE_FILTERS.map((state) => (
            <option key={state} value={state}>
              {REFRESH_STATE_LABELS[state]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="End user ID"
          value={endUserId}
          onChange={(event) => setEndUserId(event.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          label="Organization ID"
          value={organizationId}
          onChange={(event) => setOrganizationId(event.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          label="Tags (key:value, all must match)"
          fieldClassName="conn-span-2"
          placeholder="team:growth, plan:pro"
          value={tagsText.text}
          error={tagsText.error}
          onChange={(event) => tagsText.setText(event.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      {hasConnectionFilters(values) ? (
        <div className="conn-filter-actions">
          <Button
            size="sm"
            variant="ghost"
            onClick={() =>
              onChange({
                search: undefined,
                integration: undefined,
                endUserId: undefined,
                organizationId: undefined,
                tags: undefined,
                refreshState: undefined,
              })
            }
          >
            <XIcon />
            Clear filters
          </Button>
        </div>
      ) : null}
    </search>
  );
}

/** The tags box: free text while typing, written to the URL once it parses (and a moment after typing stops). */
function useTagText(
  fromUrl: Record<string, string> | undefined,
  write: (tags: Record<string, string> | undefined) => void,
) {
  const urlText = formatTagFilter(fromUrl);
  const [text, setText] = useState(urlText);
  const [lastUrlText, setLastUrlText] = useState(urlText);
  if (urlText !== lastUrlText) {
    // Back/forward or "Clear filters" changed the URL under the box.
    setLastUrlText(urlText);
    if (formatTagFilter(parseOk(text)) !== urlText) setText(urlText);
  }
  const parsed = parseTagFilter(text);
  const pending = parsed.ok ? formatTagFilter(parsed.tags) : null;
  // The caller passes a new function each render; the latest one is used when the timer fires.
  const writeLatest = useRef(write);
  writeLatest.current = write;
  useEffect(() => {
    if (pending === null || pending === urlText) return;
    const timer = window.setTimeout(() => writeLatest.current(parseOk(pending)), 300);
    return () => window.clearTimeout(timer);
  }, [pending, urlText]);
  return { text, setText, error: parsed.ok ? undefined : parsed.message };
}

function parseOk(text: string): Record<string, string> | undefined {
  const parsed = parseTagFilter(text);
  return parsed.ok ? parsed.tags : undefined;
}
