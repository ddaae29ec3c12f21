/** GraphQL calls for tests: through the real Hono app (no socket), or over HTTP to a running server. */
import type { TestLatchkey } from '../../support/test-latchkey';

export interface GraphqlError {
  message: string;
  path?: string[];
  extensions?: { code?: string; errorCode?: string; issues?: unknown[] };
}

export interface GraphqlResponse<T> {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the query selected
  data: T extends undefined ? any : T;
  errors: GraphqlError[] | undefined;
}

/** POST /graphql with the dev secret key (or the given key; null sends no Authorization header). */
export async function graphql<T = undefined>(
  t: TestLatchkey,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string | null,
): Promise<GraphqlResponse<T>> {
  const response = await t.request('/graphql', {
    method: 'POST',
    json: { query, variables },
    ...(key === undefined ? {} : { key }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: GraphqlError[] };
  return { status: response.status, data: body.data as never, errors: body.errors };
}

/** Like `graphql`, but fails the test unless the call answered data without errors. */
export async function graphqlData<T = undefined>(
  t: TestLatchkey,
  query: string,
  variables: Record<string, unknown> = {},
  key?: string,
): Promise<GraphqlResponse<T>['data']> {
  const result = await graphql<T>(t, query, variables, key);
  if (result.status !== 200 || result.errors !== undefined) {
    throw new Error(`GraphQL call failed (${result.status}): ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}
