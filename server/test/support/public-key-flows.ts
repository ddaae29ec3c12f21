/**
 * Public-key flows (the frontend SDK's legacy `publicKey`) are off by default: a test that uses them turns them on
 * through `PATCH /environment`, as an operator would, and back off when it is done (`await using`).
 */
import { expect } from 'vitest';

type Api = (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;

export interface PublicKeyFlows extends AsyncDisposable {
  publicKey: string;
  /** The key a backend computes `hmac` with. */
  hmacKey: string;
  /** The settings as `PATCH /environment` answered them (`warnings` included). */
  settings: Record<string, unknown>;
}

/** Turns public-key flows on, with HMAC required or not; disposing restores the defaults (off, HMAC on). */
export async function enablePublicKeyFlows(api: Api, options: { hmac: boolean }): Promise<PublicKeyFlows> {
  const settings = await patchEnvironment(api, {
    public_key_flows_enabled: true,
    hmac_enabled: options.hmac,
  });
  const shown = await api('/environment?include=hmac_key');
  const { hmac_key: hmacKey } = ((await shown.json()) as { data: { hmac_key: string } }).data;
  return {
    publicKey: settings.public_key as string,
    hmacKey,
    settings,
    [Symbol.asyncDispose]: async () => {
      await patchEnvironment(api, { public_key_flows_enabled: false, hmac_enabled: true });
    },
  };
}

export async function patchEnvironment(
  api: Api,
  patch: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await api('/environment', { method: 'PATCH', json: patch });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return (JSON.parse(text) as { data: Record<string, unknown> }).data;
}
