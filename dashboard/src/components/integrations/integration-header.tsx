/** The top of an integration's page: logo, name, ID, provider, docs, and the page's actions. */
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { PageHeader } from '../layout/page-header';
import { CopyButton } from '../ui/copy-button';
import { AuthModeBadge } from './auth-mode-badge';
import { ProviderLogo } from './provider-logo';
import { docsOf, type IntegrationOutput, type ProviderOutput, setupGuideOf } from './provider-view';

export function IntegrationHeader({
  env,
  integration,
  provider,
  authMode,
  actions,
}: {
  env: string;
  integration: IntegrationOutput;
  provider: ProviderOutput | undefined;
  authMode: string | undefined;
  actions?: ReactNode;
}) {
  const docs = provider ? docsOf(provider) : null;
  const guide = provider ? setupGuideOf(provider) : null;
  return (
    <div className="int-page-head">
      <ProviderLogo src={provider?.logo_url ?? integration.logo} size={48} />
      <div className="grow">
        <PageHeader
          eyebrow={
            <Link to="/dashboard/$env/integrations" params={{ env }}>
              Integrations
            </Link>
          }
          title={integration.display_name}
          description={
            <span className="int-header-meta">
              <span className="row">
                ID <code className="mono">{integration.unique_key}</code>
                <CopyButton value={integration.unique_key} what="integration ID" />
              </span>
              <span>
                Provider {provider?.display_name ?? integration.provider}{' '}
                <span className="mono subtle">({integration.provider})</span>
              </span>
              {authMode ? <AuthModeBadge mode={authMode} /> : null}
              {docs ? (
                <a href={docs} target="_blank" rel="noreferrer">
                  Documentation
                </a>
              ) : null}
              {guide ? (
                <a href={guide} target="_blank" rel="noreferrer">
                  Setup guide
                </a>
              ) : null}
            </span>
          }
          actions={actions}
        />
      </div>
    </div>
  );
}
