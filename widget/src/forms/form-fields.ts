/**
 * The fields an integration's form shows and sends: its connection config (subdomain, region) and the credentials
 * its auth mode asks (auth-modes.ts). Hidden fields are never shown; their `default_value` is sent as it is.
 */
import { assertionFields, credentialFields, flowOf } from '../core/auth-modes';
import type { CredentialsInput, FieldDeclaration, SessionIntegration } from '../core/types';

/** Connection-config fields the end user fills (the server already leaves out automated and hidden ones). */
export function configFieldsOf(integration: SessionIntegration): Record<string, FieldDeclaration> {
  return shown(integration.connection_config);
}

/** The fields of a declaration map that are shown (not hidden, not automated). */
export function shown(fields: Record<string, FieldDeclaration>): Record<string, FieldDeclaration> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, field]) => field.hidden !== true && field.automated !== true),
  );
}

/** Whether the end user types credentials (or a signed assertion's inputs) before the flow runs. */
export function asksCredentials(integration: SessionIntegration): boolean {
  return (
    Object.keys(shown(credentialFields(integration))).length > 0 ||
    Object.keys(shown(assertionFields(integration))).length > 0
  );
}

/** Whether the integration opens a form (or a notice) before its flow can start. */
export function needsForm(integration: SessionIntegration): boolean {
  return (
    Object.keys(configFieldsOf(integration)).length > 0 ||
    asksCredentials(integration) ||
    flowOf(integration.auth_mode) === 'unavailable'
  );
}

/** The credentials to send: the hidden fields' declared values, then what the end user typed. */
export function credentialsOf(
  integration: SessionIntegration,
  typed: Record<string, string> = {},
): CredentialsInput {
  const values: CredentialsInput = {};
  for (const [name, field] of Object.entries(credentialFields(integration))) {
    if (field.hidden === true && field.default_value !== undefined) values[name] = field.default_value;
  }
  return { ...values, ...typed };
}
