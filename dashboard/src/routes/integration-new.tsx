/**
 * New integration: without `?provider=` a catalog to pick from; with it, the form for that provider's auth mode and
 * the callback URL to register before creating. `?custom=1` opens the custom-provider editor instead (lazy: it
 * brings the provider schema, and so zod, only when used).
 */
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTRPC } from '../api/trpc';
import { AppSetupUrlField } from '../components/integrations/app-setup-url-field';
import { CallbackUrlField } from '../components/integrations/callback-url-field';
import { IntegrationCreateForm } from '../components/integrations/integration-create-form';
import { settingsSummary } from '../components/integrations/integration-settings-spec';
import { ProviderCatalog } from '../components/integrations/provider-catalog';
import { ProviderSummary } from '../components/integrations/provider-summary';
import { authModeOf, usesAppSetupUrl, usesCallbackUrl } from '../components/integrations/provider-view';
import { useProviders } from '../components/integrations/use-providers';
import { PageHeader } from '../components/layout/page-header';
import { Card, CardBody, CardHeader } from '../components/ui/card';
import { ErrorState } from '../components/ui/error-state';
import { PageSkeleton, SkeletonRows } from '../components/ui/skeleton';
import '../components/integrations/integrations.css';

const CustomProviderEditor = lazy(() =>
  import('../components/integrations/custom-provider-editor').then((module) => ({
    default: module.CustomProviderEditor,
  })),
);

const route = getRouteApi('/_app/dashboard/$env/integrations/new');

export function IntegrationNewPage() {
  const { env } = route.useParams();
  const search = route.useSearch();
  if (search.custom) {
    return (
      <Suspense fallback={<PageSkeleton />}>
        <CustomProviderEditor env={env} name={search.provider} />
      </Suspense>
    );
  }
  return search.provider === undefined ? (
    <PickProvider env={env} />
  ) : (
    <NewIntegration env={env} name={search.provider} />
  );
}

function Breadcrumb({ env }: { env: string }) {
  return (
    <Link to="/dashboard/$env/integrations" params={{ env }}>
      Integrations
    </Link>
  );
}

function PickProvider({ env }: { env: string }) {
  const providers = useProviders();
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumb env={env} />}
        title="New integration"
        description="Pick the provider your users will connect to."
      />
      <Card>
        <CardBody>
          {providers.isPending ? (
            <SkeletonRows rows={4} label="Loading the catalog" />
          ) : providers.isError ? (
            <ErrorState error={providers.error} onRetry={() => providers.refetch()} />
          ) : (
            <ProviderCatalog
              env={env}
              providers={providers.data}
              search={search}
              category={category}
              onSearchChange={setSearch}
              onCategoryChange={setCategory}
              autoFocus
            />
          )}
        </CardBody>
      </Card>
    </>
  );
}

function NewIntegration({ env, name }: { env: string; name: string }) {
  const trpc = useTRPC();
  const provider = useQuery({ ...trpc.providers.get.queryOptions({ name }), retry: false });
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  const takenKeys = useMemo(
    () => new Set((integrations.data ?? []).map((integration) => integration.unique_key)),
    [integrations.data],
  );

  if (provider.isPending || integrations.isPending) {
    return (
      <>
        <PageHeader eyebrow={<Breadcrumb env={env} />} title="New integration" />
        <SkeletonRows rows={5} label="Loading the provider" />
      </>
    );
  }
  if (provider.isError) {
    return (
      <>
        <PageHeader eyebrow={<Breadcrumb env={env} />} title="New integration" />
        <ErrorState
          error={provider.error}
          title={`Provider ${name} could not be loaded`}
          onRetry={() => provider.refetch()}
        />
        <p>
          <Link to="/dashboard/$env/integrations/new" params={{ env }} search={{}}>
            Pick another provider
          </Link>
        </p>
      </>
    );
  }
  const authMode = authModeOf(provider.data);
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumb env={env} />}
        title={`New ${provider.data.display_name} integration`}
        description={settingsSummary(authMode, provider.data)}
      />
      <div className="int-layout int-layout-2">
        <Card>
          <CardHeader title="Settings" />
          <CardBody>
            {integrations.isError ? (
              <ErrorState error={integrations.error} onRetry={() => integrations.refetch()} />
            ) : (
              <IntegrationCreateForm env={env} provider={provider.data} takenKeys={takenKeys} />
            )}
          </CardBody>
        </Card>
        <div className="stack">
          <Card>
            <CardHeader title="Provider" headingLevel={2} />
            <CardBody>
              <ProviderSummary provider={provider.data} />
            </CardBody>
          </Card>
          {usesCallbackUrl(authMode) ? (
            <Card>
              <CardHeader
                title="Callback URL"
                description="Your OAuth app must allow this redirect URI before anyone can connect."
              />
              <CardBody>
                <CallbackUrlField env={env} logoUrl={provider.data.logo_url} />
              </CardBody>
            </Card>
          ) : null}
          {usesAppSetupUrl(authMode) ? (
            <Card>
              <CardHeader
                title="Setup URL"
                description="Where GitHub sends users after they install your app."
              />
              <CardBody>
                <AppSetupUrlField logoUrl={provider.data.logo_url} />
              </CardBody>
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
