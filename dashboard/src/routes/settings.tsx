/** Environment settings, one tab per concern; the open tab is in the URL (`?tab=api-keys`). */
import { getRouteApi } from '@tanstack/react-router';
import { PageHeader } from '../components/layout/page-header';
import { ApiKeysSettings } from '../components/settings/api-keys-settings';
import { CallbackSettings } from '../components/settings/callback-settings';
import { ConnectUiSettings } from '../components/settings/connect-ui-settings';
import { GeneralSettings } from '../components/settings/general-settings';
import { SecuritySettings } from '../components/settings/security-settings';
import { WebhookSettings } from '../components/settings/webhook-settings';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../components/ui/tabs';
import { SETTINGS_TABS, type SettingsTab } from '../router';

const route = getRouteApi('/_app/dashboard/$env/settings');

const TAB_LABELS: Record<SettingsTab, string> = {
  general: 'General',
  'api-keys': 'API keys',
  callback: 'Auth callback',
  security: 'Security',
  'connect-ui': 'Connect UI',
  webhooks: 'Webhooks',
};

export function SettingsPage() {
  const { env } = route.useParams();
  const { tab = 'general' } = route.useSearch();
  const navigate = route.useNavigate();
  return (
    <>
      <PageHeader title="Settings" description={`Configuration of the ${env} environment.`} />
      <Tabs
        value={tab}
        onValueChange={(value) =>
          void navigate({ search: value === 'general' ? {} : { tab: value as SettingsTab }, replace: true })
        }
      >
        <TabsList aria-label="Settings sections">
          {SETTINGS_TABS.map((value) => (
            <TabsTrigger key={value} value={value}>
              {TAB_LABELS[value]}
            </TabsTrigger>
          ))}
        </TabsList>
        <TabsContent value="general" className="stack">
          <GeneralSettings />
        </TabsContent>
        <TabsContent value="api-keys" className="stack">
          <ApiKeysSettings />
        </TabsContent>
        <TabsContent value="callback" className="stack">
          <CallbackSettings />
        </TabsContent>
        <TabsContent value="security" className="stack">
          <SecuritySettings />
        </TabsContent>
        <TabsContent value="connect-ui" className="stack">
          <ConnectUiSettings />
        </TabsContent>
        <TabsContent value="webhooks" className="stack">
          <WebhookSettings />
        </TabsContent>
      </Tabs>
    </>
  );
}
