/**
 * Where this environment's webhooks go and which events are sent. Editing lives in Settings; this card links there
 * (and to the signing key's rotation). Reading the settings needs the settings scope, which support lacks.
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { httpStatusOf, useTRPC } from '../../api/trpc';
import { Badge } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { CopyButton } from '../ui/copy-button';
import { ErrorState } from '../ui/error-state';
import { KeyIcon, SettingsIcon } from '../ui/icons';
import { Skeleton } from '../ui/skeleton';

export function WebhookSettingsSummary({ env }: { env: string }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.environment.get.queryOptions());
  const settingsLink = (
    <Link
      className="btn btn-secondary btn-sm"
      to="/dashboard/$env/settings"
      params={{ env }}
      search={{ tab: 'webhooks' }}
    >
      <SettingsIcon />
      Edit in Settings
    </Link>
  );

  return (
    <Card aria-labelledby="wh-settings-heading">
      <CardHeader
        title={<span id="wh-settings-heading">Endpoints</span>}
        description="Latchkey signs each delivery and retries failures with backoff."
        actions={settingsLink}
      />
      <CardBody className="stack">
        {settings.isPending ? (
          <div role="status" aria-label="Loading webhook settings" className="wh-urls">
            <Skeleton height={56} />
            <Skeleton height={56} />
          </div>
        ) : settings.isError ? (
          httpStatusOf(settings.error) === 403 ? (
            <p className="subtle">
              Your role cannot read this environment's settings; the deliveries below are still yours to
              inspect.
            </p>
          ) : (
            <ErrorState
              error={settings.error}
              title="The webhook settings could not be loaded"
              onRetry={() => settings.refetch()}
            />
          )
        ) : (
          <>
            <div className="wh-urls">
              <UrlValue label="Primary URL" url={settings.data.webhook_url} />
              <UrlValue label="Secondary URL" url={settings.data.webhook_secondary_url} />
            </div>
            <div className="row-between">
              <ul className="wh-toggles" aria-label="Events sent">
                <li>
                  <EventToggle label="Connection created" on={settings.data.webhook_on_auth_creation} />
                </li>
                <li>
                  <EventToggle label="Refresh failed" on={settings.data.webhook_on_auth_refresh_error} />
                </li>
              </ul>
              <Link
                to="/dashboard/$env/settings"
                params={{ env }}
                search={{ tab: 'webhooks' }}
                className="row"
              >
                <KeyIcon />
                Rotate the signing key
              </Link>
            </div>
          </>
        )}
      </CardBody>
    </Card>
  );
}

function UrlValue({ label, url }: { label: string; url: string | null }) {
  return (
    <div className="stack-sm">
      <span className="field-label">{label}</span>
      {url ? (
        <span className="conn-copy-row">
          <span className="mono wh-url">{url}</span>
          <CopyButton value={url} what={label} />
        </span>
      ) : (
        <span className="subtle">Not set</span>
      )}
    </div>
  );
}

function EventToggle({ label, on }: { label: string; on: boolean }) {
  return (
    <Badge tone={on ? 'success' : 'neutral'}>
      {label}: {on ? 'sent' : 'off'}
    </Badge>
  );
}
