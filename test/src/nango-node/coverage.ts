/**
 * Which `@nangohq/node` methods the SDK suites called. Test files run in separate workers, so each call is appended
 * to a file the global setup (coverage-report.ts) provides; its teardown prints the covered and uncovered methods.
 * Only calls the test itself makes count: a method the SDK calls internally (`get` → `proxy`) is not recorded.
 */
import { appendFileSync } from 'node:fs';
import type { Nango } from '@nangohq/node';
import { inject } from 'vitest';

/** Methods of Nango's auth product, which Latchkey serves; every one must be covered. */
export const AUTH_SURFACE = [
  'listProviders',
  'getProvider',
  'listIntegrations',
  'getIntegration',
  'createIntegration',
  'updateIntegration',
  'deleteIntegration',
  'listConnections',
  'getConnection',
  'patchConnection',
  'getToken',
  'getRawTokenResponse',
  'getMetadata',
  'setMetadata',
  'updateMetadata',
  'deleteConnection',
  'waitForConnection',
  'createConnectSession',
  'createReconnectSession',
  'proxy',
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'verifyIncomingWebhookRequest',
  'verifyWebhookSignature',
] as const;

/** Methods of Nango's sync/functions product: Latchkey answers them 404 `not_supported`. */
export const NOT_SUPPORTED_SURFACE = [
  'getProviderTemplates',
  'createQuickstartIntegration',
  'listFunctions',
  'getFunction',
  'getFunctionCode',
  'deleteFunction',
  'getScriptsConfig',
  'listRecords',
  'pruneRecords',
  'triggerSync',
  'startSync',
  'pauseSync',
  'syncStatus',
  'updateSyncConnectionFrequency',
  'createSyncVariant',
  'deleteSyncVariant',
  'getEnvironmentVariables',
  'triggerAction',
  'triggerActionAsync',
  'getAsyncActionResult',
] as const;

declare module 'vitest' {
  export interface ProvidedContext {
    nangoCoverageFile: string;
  }
}

export function recordCall(method: string): void {
  appendFileSync(inject('nangoCoverageFile'), `${method}\n`);
}

/** The SDK client, recording every method the test calls on it. */
export function tracked(nango: Nango): Nango {
  return new Proxy(nango, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function' || property === 'constructor')
        return value;
      return (...args: unknown[]) => {
        recordCall(property);
        // Bound to the real client, so the SDK's own internal calls do not count as covered.
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
