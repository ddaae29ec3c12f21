/**
 * The GitHub App's setup URL (APP, CUSTOM): GitHub sends the installing user there with `installation_id` and the
 * flow's state, so it must be Latchkey's `/app-auth/connect`, as with Nango.
 */
import { CopyButton } from '../ui/copy-button';
import { publicUrlFromLogo } from './public-url';

export function AppSetupUrlField({ logoUrl }: { logoUrl: string | undefined }) {
  const publicUrl = publicUrlFromLogo(logoUrl);
  if (publicUrl === null) return <p className="muted">The setup URL could not be determined.</p>;
  const url = `${publicUrl}/app-auth/connect`;
  return (
    <div className="stack-sm">
      <p className="field-label">Setup URL</p>
      <div className="int-url-row">
        <code className="int-url">{url}</code>
        <CopyButton value={url} what="setup URL" />
      </div>
      <p className="subtle">Set it as your GitHub App’s “Setup URL”, with “Redirect on update” on.</p>
    </div>
  );
}
