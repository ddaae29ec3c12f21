/** The environment's integrations: each row names its integration by ID, which links to its page. */
import { Link } from '@tanstack/react-router';
import { Table } from '../ui/table';
import { AuthModeBadge } from './auth-mode-badge';
import { ConnectionCount } from './connection-count';
import { ProviderLogo } from './provider-logo';
import { authModeOf, type IntegrationOutput, type ProviderOutput } from './provider-view';

export function IntegrationList({
  env,
  integrations,
  providers,
}: {
  env: string;
  integrations: IntegrationOutput[];
  providers: Map<string, ProviderOutput>;
}) {
  return (
    <Table caption="Integrations">
      <thead>
        <tr>
          <th scope="col">Integration ID</th>
          <th scope="col">Provider</th>
          <th scope="col">Auth mode</th>
          <th scope="col" className="num">
            Connections
          </th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {integrations.map((integration) => {
          const provider = providers.get(integration.provider);
          return (
            <tr key={integration.unique_key}>
              <td>
                <div className="row int-nowrap-row">
                  <ProviderLogo src={provider?.logo_url ?? integration.logo} size={24} />
                  <div className="stack-xs">
                    <Link
                      className="mono int-key-link"
                      to="/dashboard/$env/integrations/$key"
                      params={{ env, key: integration.unique_key }}
                    >
                      {integration.unique_key}
                    </Link>
                    {integration.display_name !== integration.unique_key ? (
                      <span className="subtle">{integration.display_name}</span>
                    ) : null}
                  </div>
                </div>
              </td>
              <td>{provider?.display_name ?? integration.provider}</td>
              <td>
                {provider ? <AuthModeBadge mode={authModeOf(provider)} /> : <span className="subtle">—</span>}
              </td>
              <td className="num">
                <ConnectionCount integration={integration.unique_key} />
              </td>
              <td className="nowrap subtle">
                <time dateTime={integration.created_at}>{formatDate(integration.created_at)}</time>
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
