/**
 * The provider catalog: a search box over display names (and names), category chips, and one card per provider with
 * its logo, auth mode and docs. Picking a card goes to the new-integration form for that provider.
 */
import { Link } from '@tanstack/react-router';
import { useDeferredValue, useMemo, useState } from 'react';
import { Badge } from '../ui/badge';
import { EmptyState } from '../ui/empty-state';
import { SearchIcon } from '../ui/icons';
import { AuthModeBadge } from './auth-mode-badge';
import { ProviderLogo } from './provider-logo';
import { authModeOf, categoriesOf, docsOf, type ProviderOutput } from './provider-view';

const VISIBLE_CATEGORIES = 9;
const ACRONYMS = new Set(['ai', 'ats', 'crm', 'hr', 'cms', 'erp', 'iam', 'mcp']);

export function ProviderCatalog({
  env,
  providers,
  search,
  category,
  onSearchChange,
  onCategoryChange,
  autoFocus = false,
}: {
  env: string;
  providers: ProviderOutput[];
  search: string;
  category: string | undefined;
  onSearchChange: (search: string) => void;
  onCategoryChange: (category: string | undefined) => void;
  autoFocus?: boolean;
}) {
  const categories = useMemo(() => categoryCounts(providers), [providers]);
  const [allCategories, setAllCategories] = useState(false);
  // The biggest categories fit one row; the rest wait behind "More" (the selected one always shows).
  const chips = allCategories
    ? categories
    : categories.filter(([name], index) => index < VISIBLE_CATEGORIES || name === category);
  const deferredSearch = useDeferredValue(search);
  const shown = useMemo(
    () => filterProviders(providers, deferredSearch, category),
    [providers, deferredSearch, category],
  );

  return (
    <div className="stack">
      <div className="int-catalog-toolbar">
        <div className="int-search">
          <SearchIcon aria-hidden="true" />
          <input
            type="search"
            className="input"
            placeholder="Search…"
            aria-label="Search providers"
            value={search}
            // biome-ignore lint/a11y/noAutofocus: the page exists to pick a provider; the search is its first step
            autoFocus={autoFocus}
            onChange={(event) => onSearchChange(event.target.value)}
          />
        </div>
        <p className="subtle" role="status" aria-live="polite">
          {shown.length} {shown.length === 1 ? 'provider' : 'providers'}
        </p>
      </div>
      <fieldset className="int-chips">
        <legend className="sr-only">Filter by category</legend>
        <button
          type="button"
          className="int-chip"
          aria-pressed={category === undefined}
          onClick={() => onCategoryChange(undefined)}
        >
          All
        </button>
        {chips.map(([name, count]) => (
          <button
            key={name}
            type="button"
            className="int-chip"
            aria-pressed={category === name}
            onClick={() => onCategoryChange(category === name ? undefined : name)}
          >
            {categoryLabel(name)} <span className="int-chip-count">{count}</span>
          </button>
        ))}
        {categories.length > VISIBLE_CATEGORIES ? (
          <button
            type="button"
            className="int-chip int-chip-more"
            aria-expanded={allCategories}
            onClick={() => setAllCategories((shown) => !shown)}
          >
            {allCategories ? 'Fewer' : `${categories.length - VISIBLE_CATEGORIES} more`}
          </button>
        ) : null}
      </fieldset>
      {shown.length === 0 ? (
        <EmptyState
          icon={<SearchIcon size={20} />}
          title="No provider matches"
          description={
            <>
              Nothing in the catalog matches your search{category ? ` in ${categoryLabel(category)}` : ''}.
              You can register your own provider.
            </>
          }
          action={
            <Link
              className="btn btn-secondary"
              to="/dashboard/$env/integrations/new"
              params={{ env }}
              search={{ custom: true }}
            >
              New custom provider
            </Link>
          }
        />
      ) : (
        <ul className="int-provider-grid" aria-label="Providers">
          {shown.map((provider) => (
            <ProviderCard key={provider.name} env={env} provider={provider} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ProviderCard({ env, provider }: { env: string; provider: ProviderOutput }) {
  const docs = docsOf(provider);
  return (
    <li className="int-provider-card">
      <div className="int-provider-card-top">
        <ProviderLogo src={provider.logo_url} size={36} />
        <div className="grow">
          <Link
            className="int-provider-link"
            to="/dashboard/$env/integrations/new"
            params={{ env }}
            search={{ provider: provider.name }}
          >
            {provider.display_name}
          </Link>
          <div className="mono subtle truncate">{provider.name}</div>
        </div>
      </div>
      <div className="int-provider-card-bottom">
        <div className="row">
          <AuthModeBadge mode={authModeOf(provider)} />
          {provider.custom ? <Badge tone="info">Custom</Badge> : null}
        </div>
        <div className="row int-provider-card-links">
          {provider.custom ? (
            <Link
              to="/dashboard/$env/integrations/new"
              params={{ env }}
              search={{ custom: true, provider: provider.name }}
              aria-label={`Edit the ${provider.display_name} definition`}
            >
              Edit
            </Link>
          ) : null}
          {docs ? (
            <a
              href={docs}
              target="_blank"
              rel="noreferrer"
              aria-label={`${provider.display_name} docs (opens in a new tab)`}
            >
              Docs
            </a>
          ) : null}
        </div>
      </div>
    </li>
  );
}

/** Categories with their provider counts, the biggest first. */
function categoryCounts(providers: ProviderOutput[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const provider of providers) {
    for (const category of categoriesOf(provider)) counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Display-name matches first (the name people search by), then matches on the provider's name. */
export function filterProviders(
  providers: ProviderOutput[],
  search: string,
  category: string | undefined,
): ProviderOutput[] {
  const query = search.trim().toLowerCase();
  const inCategory =
    category === undefined ? providers : providers.filter((p) => categoriesOf(p).includes(category));
  if (query === '') return [...inCategory].sort((a, b) => a.display_name.localeCompare(b.display_name));
  const scored = inCategory.flatMap((provider) => {
    const display = provider.display_name.toLowerCase();
    const score = display.startsWith(query)
      ? 0
      : display.includes(query)
        ? 1
        : provider.name.includes(query)
          ? 2
          : -1;
    return score === -1 ? [] : [{ provider, score }];
  });
  return scored
    .sort((a, b) => a.score - b.score || a.provider.display_name.localeCompare(b.provider.display_name))
    .map(({ provider }) => provider);
}

export function categoryLabel(category: string): string {
  if (category === 'e-commerce') return 'E-commerce';
  return category
    .split('-')
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word))
    .join(' ')
    .replace(/^./, (first) => first.toUpperCase());
}
