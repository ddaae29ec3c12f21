/** BILL's login as pure steps: the request Latchkey sends, and what it keeps from the answer. */
import { LatchkeyError } from '@latchkey/schema';
import { describe, expect, it } from 'vitest';
import {
  BILL_SESSION_LIFETIME_MS,
  billLoginRequest,
  loginOf,
  processBillLoginResponse,
} from '../../src/auth-modes/bill/bill-login';
import type { OutboundRequest } from '../../src/platform/outbound/outbound.types';
import { jsonResponse } from './auth-mode-fixtures';

const LOGIN = { username: 'u@example.com', password: 'p w"1', organizationId: 'org-1', devKey: 'dev-1' };
const NOW = new Date('2026-03-01T10:00:00.000Z');

const answer = (status: number, body: unknown) => jsonResponse('https://bill.example/v3/login', status, body);

describe('billLoginRequest', () => {
  it('posts the four values as JSON with BILL field names, following no redirect', async () => {
    const sent: OutboundRequest[] = [];
    await billLoginRequest(
      async (request) => {
        sent.push(request);
        return answer(200, {});
      },
      new URL('https://bill.example/v3/login'),
      LOGIN,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: 'https://bill.example/v3/login', maxRedirects: 0 });
    expect(sent[0]!.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.body!)).toEqual({
      username: 'u@example.com',
      password: 'p w"1',
      organizationId: 'org-1',
      devKey: 'dev-1',
    });
  });
});

describe('processBillLoginResponse', () => {
  it("keeps the inputs, the session, the user and the raw answer; the session ends after BILL's 35 minutes", () => {
    const raw = { sessionId: 'sess-1', organizationId: 'org-1', userId: 'usr-9', trusted: false };
    const { credentials, expiresAt } = processBillLoginResponse(answer(200, raw), LOGIN, NOW);
    expect(expiresAt.getTime()).toBe(NOW.getTime() + BILL_SESSION_LIFETIME_MS);
    expect(BILL_SESSION_LIFETIME_MS).toBe(35 * 60 * 1000);
    expect(credentials).toEqual({
      type: 'BILL',
      username: 'u@example.com',
      password: 'p w"1',
      organization_id: 'org-1',
      dev_key: 'dev-1',
      session_id: 'sess-1',
      user_id: 'usr-9',
      expires_at: '2026-03-01T10:35:00.000Z',
      raw,
    });
    expect(loginOf(credentials)).toEqual(LOGIN);
  });

  it('leaves user_id out when BILL sends none', () => {
    const { credentials } = processBillLoginResponse(answer(200, { sessionId: 's' }), LOGIN, NOW);
    expect(credentials).not.toHaveProperty('user_id');
  });

  it("refuses a non-2xx answer with token_exchange_failed and the provider's status, never a secret", () => {
    let thrown: unknown;
    try {
      processBillLoginResponse(answer(400, [{ error_code: 'BDC_1109' }]), LOGIN, NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LatchkeyError);
    expect(thrown).toMatchObject({ code: 'token_exchange_failed', status: 400, payload: { status: 400 } });
    const body = JSON.stringify((thrown as LatchkeyError).toBody());
    expect(body).not.toContain(LOGIN.password);
    expect(body).not.toContain(LOGIN.devKey);
  });

  it('refuses a 2xx answer without a session id', () => {
    for (const body of ['not json', '[]', { userId: 'u' }, { sessionId: '' }, { sessionId: 42 }]) {
      expect(() => processBillLoginResponse(answer(200, body), LOGIN, NOW)).toThrow(
        expect.objectContaining({ code: 'unable_to_parse_token_response' }),
      );
    }
  });
});
