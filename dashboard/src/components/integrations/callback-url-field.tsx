/**
 * The callback URL to register with the provider: shown as text (it is read and compared, not edited), with a copy
 * button and where it comes from.
 */
import { Link } from '@tanstack/react-router';
import { CopyButton } from '../ui/copy-button';
import { Skeleton } from '../ui/skeleton';
import { useCallbackUrl } from './use-callback-url';

export function CallbackUrlField({ env, logoUrl }: { env: string; logoUrl: string | undefined }) {
  const callback = useCallbackUrl(logoUrl);
  if (callback.url === null) {
    return callback.loading ? (
      <div role="status" aria-label="Loading callback URL">
        <Skeleton height={36} />
      </div>
    ) : (
      <p className="muted">The callback URL could not be determined.</p>
    );
  }
  const source = callback.custom
    ? 'This is the environment’s custom callback URL.'
    : callback.unverified
      ? 'This is Latchkey’s default callback URL (your role cannot read the environment’s settings).'
      : 'This is Latchkey’s default callback URL.';
  return (
    <div className="stack-sm">
      <p className="field-label">Callback URL</p>
      <div className="int-url-row">
        <code className="int-url">{callback.url}</code>
        <CopyButton value={callback.url} what="callback URL" />
      </div>
      <p className="subtle int-text-links">
        {source}{' '}
        <Link to="/dashboard/$env/settings" params={{ env }} search={{ tab: 'callback' }}>
          Change it in the settings
        </Link>
      </p>
    </div>
  );
}
