/** Small steps several modes share. */
import { LatchkeyError } from '@latchkey/schema';
import type { ModeIntegration } from './auth-mode';

/** An integration's id and key without any of its secrets: what a mode that signs with none of them receives. */
export function integrationWithoutSecrets(id: string, uniqueKey: string): ModeIntegration {
  return {
    id,
    uniqueKey,
    clientId: null,
    clientSecret: null,
    scopes: [],
    appId: null,
    appLink: null,
    privateKey: null,
    integrationConfig: {},
    custom: {},
  };
}

/** The integration's own OAuth client; a flow cannot start without it. */
export function requireClient(integration: ModeIntegration): { clientId: string; clientSecret: string } {
  const { clientId, clientSecret } = integration;
  if (clientId === null || clientSecret === null || clientId === '' || clientSecret === '') {
    throw new LatchkeyError(
      'integration_not_configured',
      `Integration ${integration.uniqueKey} has no client id and secret.`,
    );
  }
  return { clientId, clientSecret };
}

/** A provider's answer as a JSON object; undefined for anything else (invalid JSON, an array, a bare value). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `Basic base64(user:password)` (RFC 7617). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
