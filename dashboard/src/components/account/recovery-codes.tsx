/** Recovery codes, shown once: each signs in once when the authenticator is lost. */
import { CopyButton } from '../ui/copy-button';
import { AlertIcon } from '../ui/icons';

export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="one-time-secret">
      <p className="one-time-secret-warning">
        <AlertIcon size={16} />
        <span>Save these recovery codes now: they will not be shown again. Each works once.</span>
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div>
        <CopyButton value={codes.join('\n')} label="Copy all" what="recovery codes" />
      </div>
    </div>
  );
}
