/** General: which environment this is and the identifiers an app needs. */
import { useCurrentEnvironment } from '../../api/environment';
import { CopyField } from '../ui/copy-button';
import { SettingsSection } from './settings-section';

export function GeneralSettings() {
  const env = useCurrentEnvironment();
  return (
    <SettingsSection
      title="Environment"
      description="Integrations, connections, keys and settings belong to one environment."
    >
      {(settings) => (
        <div className="stack form-narrow">
          <CopyField label="Environment name" value={settings.name ?? env} />
          <CopyField
            label="Public key"
            value={settings.public_key}
            hint="Identifies this environment in the frontend SDK's public-key flows. Not a secret."
          />
          <CopyField
            label="API base URL"
            value={window.location.origin}
            hint="Where your backend sends REST, GraphQL (/graphql) and tRPC (/trpc) calls with a secret key."
          />
        </div>
      )}
    </SettingsSection>
  );
}
