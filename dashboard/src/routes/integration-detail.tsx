/**
 * One integration: its callback URL (exactly the redirect_uri the flows send), settings, the test-connection and
 * share-link actions, its recent connections, and delete.
 */
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { completeRedirect } from '../../../widget/src/core/redirect';
import { useTRPC } from '../api/trpc';
import { AppSetupUrlField } from '../components/integrations/app-setup-url-field';
import { CallbackUrlField } from '../components/integrations/callback-url-field';
import { DeleteIntegrationDialog } from '../components/integrations/delete-integration-dialog';
import { IntegrationHeader } from '../components/integrations/integration-header';
import { IntegrationSettingsForm } from '../components/integrations/integration-settings-form';
import { authModeOf, usesAppSetupUrl, usesCallbackUrl } from '../components/integrations/provider-view';
import { publicUrlFromLogo } from '../components/integrations/public-url';
import { RecentConnections } from '../components/integrations/recent-connections';
import { ShareConnectLinkButton } from '../components/integrations/share-connect-link-button';
import { TestConnectionDialog } from '../components/integrations/test-connection-dialog';
import { PageHeader } from '../components/layout/page-header';
import { useOperator } from '../components/layout/use-operator';
import { Card, CardBody, CardHeader } from '../components/ui/card';
import { ErrorState, FormError } from '../components/ui/error-state';
import { PageSkeleton, SkeletonRows } from '../components/ui/skeleton';
import '../components/integrations/integrations.css';

const route = getRouteApi('/_app/dashboard/$env/integrations/$key');

export function IntegrationDetailPage() {
  const { env, key } = route.useParams();
  const trpc = useTRPC();
  const operator = useOperator();
  // Support operators can read integrations but not their credentials, nor change anything.
  const canEdit = operator !== null && operator.role !== 'support';
  const integration = useQuery({
    ...trpc.integrations.get.queryOptions({
      uniqueKey: key,
      ...(canEdit ? { include: ['credentials' as const] } : {}),
    }),
    retry: false,
  });
  const providerName = integration.data?.provider;
  const provider = useQuery({
    ...trpc.providers.get.queryOptions({ name: providerName ?? '' }),
    enabled: providerName !== undefined,
    staleTime: 5 * 60_000,
  });
  const redirectError = useRedirectResult(env);

  if (integration.isPending) return <PageSkeleton />;
  if (integration.isError) {
    return (
      <>
        <PageHeader
          eyebrow={
            <Link to="/dashboard/$env/integrations" params={{ env }}>
              Integrations
            </Link>
          }
          title={key}
        />
        <ErrorState
          error={integration.error}
          title={`Integration ${key} could not be loaded`}
          onRetry={() => integration.refetch()}
        />
      </>
    );
  }

  const data = integration.data;
  const authMode = provider.data ? authModeOf(provider.data) : undefined;
  const callback = authMode !== undefined && usesCallbackUrl(authMode);
  const appSetup = authMode !== undefined && usesAppSetupUrl(authMode);
  const baseUrl = publicUrlFromLogo(provider.data?.logo_url ?? data.logo) ?? window.location.origin;

  return (
    <>
      <IntegrationHeader
        env={env}
        integration={data}
        provider={provider.data}
        authMode={authMode}
        actions={
          canEdit ? (
            <>
              <ShareConnectLinkButton integration={data.unique_key} />
              <TestConnectionDialog
                env={env}
                integration={data.unique_key}
                provider={provider.data}
                authMode={authMode ?? 'OAUTH2'}
                baseUrl={baseUrl}
              />
            </>
          ) : undefined
        }
      />
      {redirectError ? <FormError error={redirectError} /> : null}
      {provider.isError ? (
        <ErrorState
          error={provider.error}
          title={`Provider ${data.provider} could not be loaded`}
          onRetry={() => provider.refetch()}
        />
      ) : null}
      <div className="stack" style={{ gap: 'var(--space-5)' }}>
        {callback ? (
          <Card>
            <CardHeader
              title="Callback URL"
              description="The redirect URI Latchkey sends to the provider. Register it in your OAuth app."
            />
            <CardBody>
              <CallbackUrlField env={env} logoUrl={provider.data?.logo_url ?? data.logo} />
            </CardBody>
          </Card>
        ) : null}
        {appSetup ? (
          <Card>
            <CardHeader
              title="Setup URL"
              description="Where GitHub sends users after they install your app."
            />
            <CardBody>
              <AppSetupUrlField logoUrl={provider.data?.logo_url ?? data.logo} />
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader
            title="Recent connections"
            actions={
              <Link
                to="/dashboard/$env/connections"
                params={{ env }}
                search={{ integration: data.unique_key }}
              >
                View all
              </Link>
            }
          />
          <CardBody>
            <RecentConnections env={env} integration={data.unique_key} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Settings" />
          <CardBody>
            {provider.isPending ? (
              <SkeletonRows rows={3} label="Loading settings" />
            ) : (
              <IntegrationSettingsForm
                key={data.updated_at}
                integration={data}
                provider={provider.data}
                authMode={authMode ?? 'NONE'}
                canEdit={canEdit}
              />
            )}
          </CardBody>
        </Card>
        {canEdit ? (
          <Card>
            <CardHeader
              title="Delete integration"
              description="Removes the integration and every one of its connections."
              actions={<DeleteIntegrationDialog env={env} uniqueKey={data.unique_key} />}
            />
          </Card>
        ) : null}
      </div>
    </>
  );
}

/**
 * When no popup could open, the widget ran the flow as a full-page redirect that comes back here: a success goes on
 * to the new connection, a failure is shown.
 */
function useRedirectResult(env: string): string | null {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const outcome = completeRedirect();
    if (outcome === null) return;
    if (outcome.ok) {
      void navigate({
        to: '/dashboard/$env/connections/$integration/$connectionId',
        params: { env, integration: outcome.result.integration, connectionId: outcome.result.connectionId },
        replace: true,
      });
    } else {
      setError(`The test connection failed: ${outcome.error.message} (${outcome.error.code})`);
    }
  }, [env, navigate]);
  return error;
}
