/**
 * Where a connection's own webhook URL may point (compat doc 2.2): never at Nango's domain (a leftover from a
 * migration would send events to Nango), and nowhere the outbound policy would refuse at delivery time, so a bad URL
 * is a 400 now instead of a dead delivery later. Host names are resolved and checked again when delivering.
 */
import { LatchkeyError, ValidationError } from '@latchkey/schema';
import { addressRuleFor } from '../platform/outbound/outbound-fetch';

/** `''` and null clear the override; anything else must pass the policy. */
export function checkWebhookUrlOverride(
  value: string | null | undefined,
  allowPrivateUrls: boolean,
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const url = new URL(value);
  const host = url.hostname.replace(/\.+$/, '').toLowerCase();
  if (host === 'nango.dev' || host.endsWith('.nango.dev')) {
    throw refused("Webhook URLs cannot point to Nango's domain (nango.dev).");
  }
  try {
    addressRuleFor(url, allowPrivateUrls);
  } catch (error) {
    if (error instanceof LatchkeyError)
      throw refused('This webhook URL is not allowed by the outbound policy.');
    throw error;
  }
  return value;
}

function refused(reason: string): ValidationError {
  const errors = [{ code: 'custom', message: reason, path: ['webhook_url_override'] }];
  return new ValidationError('invalid_body', `The request body is invalid. webhook_url_override: ${reason}`, {
    errors,
  });
}
