/**
 * What the auth-mode tests build again and again: parts of fictional entries, an integration as a mode sees it, a
 * provider's answer as the outbound client hands it over, and the LatchkeyError a step throws.
 */
import { LatchkeyError } from '@latchkey/schema';
import { expect } from 'vitest';
import type { ModeIntegration } from '../../src/auth-modes/auth-mode';
import { integrationWithoutSecrets } from '../../src/auth-modes/mode-helpers';
import type { OutboundResponse } from '../../src/platform/outbound/outbound.types';

export const DOCS = 'https://example.com/docs';

/** A timestamp as Latchkey answers it: ISO 8601 in UTC, with milliseconds. */
export const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A text field an entry declares (a credential, a connection config value). */
export function field(title = 'F', extra: Record<string, unknown> = {}) {
  return { type: 'string', title, description: title, ...extra };
}

/** An integration as a mode sees it: nothing configured unless `overrides` says so. */
export function modeIntegration(overrides: Partial<ModeIntegration> = {}): ModeIntegration {
  return { ...integrationWithoutSecrets('int-1', 'fictional'), ...overrides };
}

/** A JSON answer from `url`; `body` is sent as it is when it is already text. */
export function jsonResponse(url: string, status: number, body: unknown): OutboundResponse {
  return {
    status,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: typeof body === 'string' ? body : JSON.stringify(body),
    url,
  };
}

/** The LatchkeyError `run` throws; the test fails when it throws nothing, or anything else. */
export function latchkeyErrorOf(run: () => unknown): LatchkeyError {
  try {
    run();
  } catch (error) {
    return asLatchkeyError(error);
  }
  return asLatchkeyError(undefined);
}

/** {@link latchkeyErrorOf} for a step that rejects. */
export async function latchkeyErrorOfAsync(run: () => Promise<unknown>): Promise<LatchkeyError> {
  try {
    await run();
  } catch (error) {
    return asLatchkeyError(error);
  }
  return asLatchkeyError(undefined);
}

function asLatchkeyError(thrown: unknown): LatchkeyError {
  expect(thrown, 'expected a LatchkeyError').toBeInstanceOf(LatchkeyError);
  return thrown as LatchkeyError;
}
