import { expect } from 'vitest';

/** Awaits an API call and checks its status, showing the body when it is another. */
export async function expectStatus<T extends { status: number; body: unknown }>(
  call: Promise<T>,
  status: number,
): Promise<T> {
  const answer = await call;
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer;
}
