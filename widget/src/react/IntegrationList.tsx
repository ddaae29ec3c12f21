/** The session's integrations with search and a category filter. */
import { useId, useMemo, useState } from 'react';
import type { SessionIntegration } from '../core/types';
import type { Strings } from './strings';

export function IntegrationList(props: {
  integrations: SessionIntegration[];
  strings: Strings;
  onSelect(integration: SessionIntegration): void;
}) {
  const { integrations, strings, onSelect } = props;
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState('');
  const searchId = useId();
  const listId = useId();
  const categories = useMemo(
    () => [...new Set(integrations.flatMap((integration) => integration.categories))].sort(),
    [integrations],
  );
  const needle = query.trim().toLowerCase();
  const shown = integrations.filter(
    (integration) =>
      (category === '' || integration.categories.includes(category)) &&
      (needle === '' ||
        integration.display_name.toLowerCase().includes(needle) ||
        integration.unique_key.toLowerCase().includes(needle) ||
        integration.provider.toLowerCase().includes(needle)),
  );

  return (
    <div>
      <div className="lk-filters">
        <label htmlFor={searchId} style={visuallyHidden}>
          {strings.search}
        </label>
        <input
          id={searchId}
          className="lk-input"
          type="search"
          value={query}
          placeholder={strings.searchPlaceholder}
          onChange={(event) => setQuery(event.target.value)}
        />
        {categories.length > 1 && (
          <select
            className="lk-select"
            aria-label={strings.category}
            value={category}
            onChange={(event) => setCategory(event.target.value)}
          >
            <option value="">{strings.allCategories}</option>
            {categories.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </div>
      {shown.length === 0 ? (
        <p className="lk-muted" role="status">
          {strings.noResults}
        </p>
      ) : (
        <ul className="lk-list">
          {shown.map((integration) => (
            <li key={integration.unique_key}>
              <button
                type="button"
                className="lk-item"
                aria-describedby={
                  integration.categories[0] ? `${listId}-${integration.unique_key}` : undefined
                }
                onClick={() => onSelect(integration)}
              >
                {integration.logo && <img className="lk-logo" src={integration.logo} alt="" />}
                <span className="lk-item-name">{integration.display_name}</span>
                {integration.categories[0] && (
                  // A description, not part of the name: the button is named after the integration only.
                  <span className="lk-item-cat" id={`${listId}-${integration.unique_key}`} aria-hidden="true">
                    {integration.categories[0]}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;
