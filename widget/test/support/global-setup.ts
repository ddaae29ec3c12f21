/**
 * Starts the real Latchkey the widget tests talk to, once per run, in Node (jsdom's globals would break the server's
 * crypto), and hands its address and key to the tests through `inject('widgetLatchkey')`.
 */
import type { TestProject } from 'vitest/node';
import { startWidgetLatchkey } from './latchkey-for-widget';

declare module 'vitest' {
  export interface ProvidedContext {
    widgetLatchkey: { url: string; secretKey: string; issuer: string };
  }
}

export default async function setup(project: TestProject) {
  const latchkey = await startWidgetLatchkey();
  project.provide('widgetLatchkey', {
    url: latchkey.url,
    secretKey: latchkey.h.t.secretKey,
    issuer: latchkey.h.oidc.issuer,
  });
  return () => latchkey[Symbol.asyncDispose]();
}
