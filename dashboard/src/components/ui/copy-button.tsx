/** Copy to the clipboard with a visible and announced confirmation; `CopyField` shows the value beside it. */
import { useId, useState } from 'react';
import { Button } from './button';
import { CheckIcon, CopyIcon } from './icons';
import { useToast } from './toast';

async function writeClipboard(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    // Non-secure contexts (plain http on a LAN address) have no clipboard API.
    const area = document.createElement('textarea');
    area.value = value;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function CopyButton({
  value,
  label = 'Copy',
  what,
  size = 'sm',
}: {
  value: string;
  /** The button's visible text. */
  label?: string;
  /** What is copied, for the accessible name and the toast ("Copy callback URL"). */
  what?: string;
  size?: 'sm' | 'md';
}) {
  const [copied, setCopied] = useState(false);
  const toast = useToast();
  return (
    <Button
      size={size}
      variant="secondary"
      onClick={async () => {
        const ok = await writeClipboard(value);
        if (!ok) {
          toast('Copy failed: select the text and copy it by hand.', 'error');
          return;
        }
        setCopied(true);
        toast(what ? `Copied ${what}` : 'Copied');
        window.setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? <CheckIcon /> : <CopyIcon />}
      {copied ? 'Copied' : label}
      {what ? <span className="sr-only"> {what}</span> : null}
    </Button>
  );
}

/** A read-only value (URL, key, id) in monospace with a copy button, labelled for screen readers. */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="copy-field">
        <input
          id={id}
          className="input mono"
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton value={value} what={label} />
      </div>
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}
