/** Just enough of a REST client to drive the server the way an API user would. */
import { randomBytes } from 'node:crypto';
import type { Integration } from '@latchkey/schema';

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface DataBody<T> {
  data: T;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export async function api<T = unknown>(
  baseUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

export function createIntegration(baseUrl: string, key: string, input: unknown) {
  return api<DataBody<Integration>>(baseUrl, key, 'POST', '/integrations', input);
}

export function getIntegrationWithCredentials(baseUrl: string, key: string, uniqueKey: string) {
  return api<DataBody<Integration> | ErrorBody>(
    baseUrl,
    key,
    'GET',
    `/integrations/${encodeURIComponent(uniqueKey)}?include=credentials`,
  );
}

/** The client secret from a GET …?include=credentials answer, or undefined when it carries none. */
export function clientSecretOf(body: DataBody<Integration> | ErrorBody): string | null | undefined {
  if (!('data' in body)) return undefined;
  const credentials = body.data.credentials;
  return credentials != null && 'client_secret' in credentials ? credentials.client_secret : undefined;
}

/** A client secret no file, log or dump would contain by accident. */
export function distinctiveSecret(): string {
  return `secret-${randomBytes(16).toString('hex')}`;
}

export function githubIntegration(uniqueKey: string, clientSecret: string) {
  return {
    unique_key: uniqueKey,
    provider: 'github',
    credentials: { type: 'OAUTH2', client_id: 'abc', client_secret: clientSecret, scopes: 'repo,user' },
  };
}
