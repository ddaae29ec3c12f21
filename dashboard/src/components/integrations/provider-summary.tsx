/** A provider at a glance: logo, name, auth mode, categories, and its docs and setup guide. */
import { AuthModeBadge } from './auth-mode-badge';
import { categoryLabel } from './provider-catalog';
import { ProviderLogo } from './provider-logo';
import { authModeOf, categoriesOf, docsOf, type ProviderOutput, setupGuideOf } from './provider-view';

export function ProviderSummary({ provider }: { provider: ProviderOutput }) {
  const docs = docsOf(provider);
  const guide = setupGuideOf(provider);
  return (
    <div className="int-header">
      <ProviderLogo src={provider.logo_url} size={48} />
      <div className="stack-sm">
        <div className="row">
          <strong>{provider.display_name}</strong>
          <span className="mono subtle">{provider.name}</span>
          <AuthModeBadge mode={authModeOf(provider)} />
        </div>
        <div className="int-header-meta">
          {categoriesOf(provider).length > 0 ? (
            <span>{categoriesOf(provider).map(categoryLabel).join(' · ')}</span>
          ) : null}
          {docs ? (
            <a href={docs} target="_blank" rel="noreferrer">
              Documentation
            </a>
          ) : null}
          {guide ? (
            <a href={guide} target="_blank" rel="noreferrer">
              How to register an app
            </a>
          ) : null}
        </div>
      </div>
    </div>
  );
}
