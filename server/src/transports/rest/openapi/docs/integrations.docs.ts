/** Integrations and providers (compat doc 2.1). */
import {
  namedProviderDefinitionSchema,
  providerDefinitionSchema,
  providerNameSchema,
} from '@latchkey/providers';
import {
  createIntegrationInputSchema,
  emptyQuerySchema,
  getIntegrationQuerySchema,
  importProvidersQuerySchema,
  integrationSchema,
  listProvidersQuerySchema,
  providerOutputSchema,
  providersImportReportSchema,
  successSchema,
  uniqueKeySchema,
  updateIntegrationInputSchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { jsonResponse, type RouteDocs } from '../route-doc';

const integration = z.object({ data: integrationSchema });
const provider = z.object({ data: providerOutputSchema });
const uniqueKey = { uniqueKey: uniqueKeySchema };
/** A catalog provider's name is looked up as given; custom ones follow the stricter provider-name pattern. */
const anyProviderName = { name: z.string().min(1).max(255) };

export const integrationDocs: RouteDocs = {
  'GET /integrations': {
    summary: 'List integrations',
    tag: 'Integrations',
    security: 'secretKeyOrSessionToken',
    query: emptyQuerySchema,
    responses: { 200: jsonResponse(z.object({ data: z.array(integrationSchema) })) },
  },
  'POST /integrations': {
    summary: 'Create an integration',
    tag: 'Integrations',
    security: 'secretKey',
    body: createIntegrationInputSchema,
    responses: { 200: jsonResponse(integration) },
    errors: [403, 404, 409],
  },
  'GET /integrations/:uniqueKey': {
    summary: 'Get an integration',
    description:
      '`include=webhook` adds `webhook_url`; `include=credentials` adds the OAuth client or app credentials.',
    tag: 'Integrations',
    security: 'secretKeyOrSessionToken',
    params: uniqueKey,
    query: getIntegrationQuerySchema,
    responses: { 200: jsonResponse(integration) },
    errors: [403, 404],
  },
  'PATCH /integrations/:uniqueKey': {
    summary: 'Update an integration',
    description: 'Fields left out keep their values; credentials fields may be partial.',
    tag: 'Integrations',
    security: 'secretKey',
    params: uniqueKey,
    body: updateIntegrationInputSchema,
    responses: { 200: jsonResponse(integration) },
    errors: [403, 404, 409],
  },
  'DELETE /integrations/:uniqueKey': {
    summary: 'Delete an integration and its connections',
    tag: 'Integrations',
    security: 'secretKey',
    params: uniqueKey,
    responses: { 200: jsonResponse(successSchema) },
    errors: [403, 404],
  },
  'GET /providers': {
    summary: 'List providers',
    description:
      'The catalog plus the environment’s custom providers; `search` filters names case-insensitively.',
    tag: 'Providers',
    security: 'secretKeyOrSessionToken',
    query: listProvidersQuerySchema,
    responses: { 200: jsonResponse(z.object({ data: z.array(providerOutputSchema) })) },
  },
  'POST /providers': {
    summary: 'Register a custom provider',
    tag: 'Providers',
    security: 'secretKey',
    body: namedProviderDefinitionSchema,
    responses: { 201: jsonResponse(provider, 'Created') },
    errors: [403, 409],
  },
  'POST /providers/import': {
    summary: 'Import a providers file',
    description:
      "A whole file in the format of Nango's `providers.yaml` (a map of provider name to entry), as YAML " +
      '(`application/yaml`, `text/yaml`, `application/x-yaml`) or JSON. Each entry is checked on its own: the ' +
      'others are imported when one is refused. `alias` targets are looked up in the file, then in the ' +
      'environment’s custom providers, then in the catalog. Names of shipped providers are skipped unless ' +
      '`override=true`, which makes the file’s definition replace the shipped one in this environment. A file ' +
      'that cannot be parsed is a 400 (`invalid_yaml`, `invalid_json`).',
    tag: 'Providers',
    security: 'secretKey',
    query: importProvidersQuerySchema,
    body: {
      contentType: ['application/yaml', 'application/json'],
      schema: z.record(providerNameSchema, providerDefinitionSchema),
    },
    responses: { 200: jsonResponse(z.object({ data: providersImportReportSchema })) },
    errors: [403, 413, 415],
  },
  'GET /providers/:name': {
    summary: 'Get a provider',
    tag: 'Providers',
    security: 'secretKeyOrSessionToken',
    params: anyProviderName,
    responses: { 200: jsonResponse(provider) },
    errors: [404],
  },
  'PATCH /providers/:name': {
    summary: 'Update a custom provider',
    description:
      'A JSON merge patch of the top-level fields of the definition: a field set to null is removed.',
    tag: 'Providers',
    security: 'secretKey',
    params: { name: providerNameSchema },
    body: z.record(z.string(), z.unknown()),
    responses: { 200: jsonResponse(provider) },
    errors: [403, 404],
  },
  'DELETE /providers/:name': {
    summary: 'Delete a custom provider',
    tag: 'Providers',
    security: 'secretKey',
    params: { name: providerNameSchema },
    responses: { 200: jsonResponse(successSchema) },
    errors: [403, 404, 409],
  },
};
