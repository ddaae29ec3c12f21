/**
 * Integrations: the environment's integrations (each linked by its ID), then the provider catalog to start a new
 * one. The catalog's search and category live in the URL.
 */
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useTRPC } from '../api/trpc';
import { ImportProvidersDialog } from '../components/integrations/import-providers-dialog';
import { IntegrationList } from '../components/integrations/integration-list';
import { ProviderCatalog } from '../components/integrations/provider-catalog';
import { useProviders } from '../components/integrations/use-providers';
import { useUrlText } from '../components/integrations/use-url-text';
import { PageHeader } from '../components/layout/page-header';
import { Card, CardBody, CardHeader } from '../components/ui/card';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { PlusIcon, PuzzleIcon } from '../components/ui/icons';
import { SkeletonRows } from '../components/ui/skeleton';
import '../components/integrations/integrations.css';

const route = getRouteApi('/_app/dashboard/$env/integrations');

export function IntegrationsPage() {
  const { env } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const trpc = useTRPC();
  const integrations = useQuery(trpc.integrations.list.queryOptions());
  const providers = useProviders();
  const [searchText, setSearchText] = useUrlText(search.search, (value) =>
    navigate({ search: (previous) => ({ ...previous, search: value }), replace: true }),
  );

  return (
    <>
      <PageHeader
        title="Integrations"
        description="Your configured use of each provider: its OAuth app, scopes and callback URL."
        actions={
          <>
            <ImportProvidersDialog />
            <Link
              className="btn btn-secondary"
              to="/dashboard/$env/integrations/new"
              params={{ env }}
              search={{ custom: true }}
            >
              New custom provider
            </Link>
            <Link className="btn btn-primary" to="/dashboard/$env/integrations/new" params={{ env }}>
              <PlusIcon />
              New integration
            </Link>
          </>
        }
      />
      <div className="stack" style={{ gap: 'var(--space-5)' }}>
        <Card aria-labelledby="integrations-heading">
          <CardHeader title={<span id="integrations-heading">Your integrations</span>} />
          <CardBody>
            {integrations.isPending ? (
              <SkeletonRows rows={3} label="Loading integrations" />
            ) : integrations.isError ? (
              <ErrorState error={integrations.error} onRetry={() => integrations.refetch()} />
            ) : integrations.data.length === 0 ? (
              <EmptyState
                icon={<PuzzleIcon size={20} />}
                title="No integrations yet"
                description="Pick a provider from the catalog below to create your first integration."
              />
            ) : (
              <IntegrationList env={env} integrations={integrations.data} providers={providers.byName} />
            )}
          </CardBody>
        </Card>

        <Card aria-labelledby="catalog-heading">
          <CardHeader
            title={<span id="catalog-heading">Catalog</span>}
            description="Every provider Latchkey knows, with your custom ones. Pick one to create an integration."
          />
          <CardBody>
            {providers.isPending ? (
              <SkeletonRows rows={4} label="Loading the catalog" />
            ) : providers.isError ? (
              <ErrorState error={providers.error} onRetry={() => providers.refetch()} />
            ) : (
              <ProviderCatalog
                env={env}
                providers={providers.data}
                search={searchText}
                category={search.category}
                onSearchChange={setSearchText}
                onCategoryChange={(category) =>
                  navigate({ search: (previous) => ({ ...previous, category }), replace: true })
                }
              />
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
