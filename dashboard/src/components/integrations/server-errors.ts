/**
 * Per-field problems of a failed call: tRPC errors from Latchkey carry them as `data.errors`
 * (server/src/transports/trpc/trpc-errors.ts); the message and code are `describeError`'s (api/trpc.ts).
 */
export interface FieldProblem {
  path: string[];
  message: string;
}

interface LatchkeyErrorData {
  errors?: FieldProblem[];
}

function dataOf(error: unknown): LatchkeyErrorData | undefined {
  if (typeof error !== 'object' || error === null || !('data' in error)) return undefined;
  const data = (error as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as LatchkeyErrorData) : undefined;
}

/**
 * Field problems keyed by their dotted path (`credentials.client_id`). Problems with no path are left to the
 * form-level message.
 */
export function fieldProblemsOf(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const problem of dataOf(error)?.errors ?? []) {
    const key = problem.path.join('.');
    if (key !== '' && result[key] === undefined) result[key] = problem.message;
  }
  return result;
}
