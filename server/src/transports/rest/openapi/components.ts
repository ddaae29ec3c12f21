/**
 * The named schemas of the OpenAPI document (`components.schemas`), in two sets: what callers send (converted as zod
 * input types: before transforms and defaults) and what Latchkey answers (output types). Any schema used inside a
 * route's documentation that is one of these becomes a `$ref`; the rest are inlined.
 */
import {
  namedProviderDefinitionSchema,
  providerDefinitionSchema,
  proxyBodyValueSchema,
  tokenParamValueSchema,
} from '@latchkey/providers';
import {
  apiKeyAuthInputSchema,
  authEventPageSchema,
  authEventSchema,
  authSuccessSchema,
  basicAuthInputSchema,
  clientCredentialsAuthInputSchema,
  connectionListItemSchema,
  connectionSchema,
  connectSessionCreatedSchema,
  connectSessionDescriptionSchema,
  connectSessionEndUserSchema,
  createConnectSessionInputSchema,
  createIntegrationInputSchema,
  createReconnectSessionInputSchema,
  endUserInputSchema,
  endUserOutputSchema,
  environmentSettingsSchema,
  errorBodySchema,
  fieldErrorSchema,
  importConnectionInputSchema,
  importedCredentialsSchema,
  integrationConfigDefaultsSchema,
  integrationCredentialsInputSchema,
  integrationSchema,
  metadataInputSchema,
  operationLogSchema,
  organizationInputSchema,
  patchConnectionInputSchema,
  providerOutputSchema,
  successSchema,
  tagsSchema,
  updateIntegrationInputSchema,
  webhookDeliverySchema,
} from '@latchkey/schema';
import type { z } from 'zod';
import {
  updateEnvironmentSettingsSchema,
  updateWebhookSettingsSchema,
} from '../../../environments/environment-settings.service';

export const REQUEST_COMPONENTS: Record<string, z.ZodType> = {
  CreateIntegrationInput: createIntegrationInputSchema,
  UpdateIntegrationInput: updateIntegrationInputSchema,
  IntegrationCredentialsInput: integrationCredentialsInputSchema,
  ProviderDefinitionInput: namedProviderDefinitionSchema,
  ProvidersFileEntry: providerDefinitionSchema,
  TokenParamValue: tokenParamValueSchema,
  ProxyBodyValue: proxyBodyValueSchema,
  CreateConnectSessionInput: createConnectSessionInputSchema,
  CreateReconnectSessionInput: createReconnectSessionInputSchema,
  EndUserInput: endUserInputSchema,
  ConnectSessionEndUserInput: connectSessionEndUserSchema,
  OrganizationInput: organizationInputSchema,
  Tags: tagsSchema,
  IntegrationConfigDefaults: integrationConfigDefaultsSchema,
  ImportConnectionInput: importConnectionInputSchema,
  ImportedCredentials: importedCredentialsSchema,
  PatchConnectionInput: patchConnectionInputSchema,
  MetadataInput: metadataInputSchema,
  ApiKeyAuthInput: apiKeyAuthInputSchema,
  BasicAuthInput: basicAuthInputSchema,
  ClientCredentialsAuthInput: clientCredentialsAuthInputSchema,
  UpdateEnvironmentSettingsInput: updateEnvironmentSettingsSchema,
  UpdateWebhookSettingsInput: updateWebhookSettingsSchema,
};

export const RESPONSE_COMPONENTS: Record<string, z.ZodType> = {
  ErrorBody: errorBodySchema,
  FieldError: fieldErrorSchema,
  Success: successSchema,
  Integration: integrationSchema,
  Provider: providerOutputSchema,
  Connection: connectionSchema,
  ConnectionListItem: connectionListItemSchema,
  EndUser: endUserOutputSchema,
  ConnectSessionCreated: connectSessionCreatedSchema,
  ConnectSessionDescription: connectSessionDescriptionSchema,
  AuthSuccess: authSuccessSchema,
  AuthEvent: authEventSchema,
  AuthEventPage: authEventPageSchema,
  OperationLog: operationLogSchema,
  WebhookDelivery: webhookDeliverySchema,
  EnvironmentSettings: environmentSettingsSchema,
};

/** Every error answer carries this body. */
export const ERROR_BODY_COMPONENT = 'ErrorBody';
