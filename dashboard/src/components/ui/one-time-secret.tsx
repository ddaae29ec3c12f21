/**
 * A secret the server shows once (an API key, an invitation link, recovery codes): shown in full with a copy button
 * and a plain warning that it will not be shown again.
 */
import { CopyButton } from './copy-button';
import { AlertIcon } from './icons';

export function OneTimeSecret({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="one-time-secret">
      <p className="one-time-secret-warning">
        <AlertIcon size={16} />
        <span>{note ?? `Copy the ${label.toLowerCase()} now: it will not be shown again.`}</span>
      </p>
      <div className="one-time-secret-value">
        <code>
          <span className="sr-only">{label}: </span>
          {value}
        </code>
        <CopyButton value={value} what={label.toLowerCase()} />
      </div>
    </div>
  );
}
