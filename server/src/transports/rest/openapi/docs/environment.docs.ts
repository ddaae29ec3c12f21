/** The caller's environment settings: public key, callback URL, frontend HMAC, webhook URLs and signing key. */
import { environmentQuerySchema, environmentSettingsSchema, webhookSigningKeySchema } from '@latchkey/schema';
import { z } from 'zod';
import {
  updateEnvironmentSettingsSchema,
  updateWebhookSettingsSchema,
} from '../../../../environments/environment-settings.service';
import { jsonResponse, type RouteDocs } from '../route-doc';

const settings = z.object({ data: environmentSettingsSchema });

export const environmentDocs: RouteDocs = {
  'GET /environment': {
    summary: 'Get the environment settings',
    description:
      '`include=hmac_key` and `include=webhook_signing_key` add those secrets (settings-read scope).',
    tag: 'Environment',
    security: 'secretKey',
    query: environmentQuerySchema,
    responses: { 200: jsonResponse(settings) },
    errors: [403],
  },
  'PATCH /environment': {
    summary: 'Update the environment settings',
    description:
      'Fields left out keep their values; `null` or `""` clears a URL. Public-key flows and the legacy ' +
      '`X-Nango-Signature` are off until turned on here; `warnings` names a setting that weakens the environment.',
    tag: 'Environment',
    security: 'secretKey',
    body: updateEnvironmentSettingsSchema,
    responses: { 200: jsonResponse(settings) },
    errors: [403],
  },
  'PATCH /environment/webhook': {
    summary: 'Update the webhook settings',
    description: 'Nango’s field names. Fields left out keep their values; `null` or `""` clears a URL.',
    tag: 'Environment',
    security: 'secretKey',
    body: updateWebhookSettingsSchema,
    responses: { 200: jsonResponse(settings) },
    errors: [403],
  },
  'POST /environment/webhook-signing-key/rotate': {
    summary: 'Rotate the webhook signing key',
    description: 'Deliveries from now on, retries included, are signed with the new key.',
    tag: 'Environment',
    security: 'secretKey',
    responses: { 200: jsonResponse(z.object({ data: webhookSigningKeySchema })) },
    errors: [403],
  },
};
