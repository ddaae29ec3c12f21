/**
 * The audit log through `audit.list` and `audit.exportCsv`: sign-in events recorded with actor and address, filters,
 * keyset pages that neither skip nor repeat, and CSV that quotes properly and defuses spreadsheet formulas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntriesToCsv, csvCell } from '../../src/audit/audit-csv';
import { appDashboardClient, type DashboardClient } from '../support/dashboard-client';
import { databaseKinds } from '../support/test-database';
import { createTestLatchkey, type TestLatchkey } from '../support/test-latchkey';

const ADMIN = { email: 'audit-admin@example.com', password: 'admin password 4' };

interface Entry {
  id: string;
  at: string;
  actorEmail: string | null;
  action: string;
  environment: string | null;
  targetType: string | null;
  details: Record<string, unknown>;
}

describe('CSV cells', () => {
  it('quotes separators and quotes, and prefixes formula starters', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    for (const start of ['+', '-', '@', '\t']) expect(csvCell(`${start}1`)).toBe(`'${start}1`);
    const csv = auditEntriesToCsv([
      {
        id: 'x',
        at: new Date('2026-12-07T10:00:00.000Z'),
        actorId: null,
        actorEmail: '@evil',
        action: 'integration.create',
        environment: 'dev',
        targetType: 'integration',
        targetId: 'github',
        details: { name: 'a,b' },
        ip: null,
      },
    ]);
    expect(csv).toBe(
      'at,actor_email,action,environment,target_type,target_id,ip,details\r\n' +
        `2026-12-07T10:00:00.000Z,'@evil,integration.create,dev,integration,github,,"{""name"":""a,b""}"\r\n`,
    );
  });
});

describe.each(databaseKinds())('audit log (%s)', (kind) => {
  let t: TestLatchkey;
  let admin: DashboardClient;

  beforeAll(async () => {
    t = await createTestLatchkey(kind, {
      LATCHKEY_ADMIN_EMAIL: ADMIN.email,
      LATCHKEY_ADMIN_PASSWORD: ADMIN.password,
    });
    admin = appDashboardClient(t.latchkey.app);
    await admin.mutate('auth.signIn', { email: ADMIN.email, password: 'not the password' });
    await admin.mutate('auth.signIn', ADMIN);
  });
  afterAll(() => t[Symbol.asyncDispose]());

  it('records sign-ins (failed ones too) and lists them newest first', async () => {
    const list = await admin.query<{ items: Entry[]; nextCursor: string | null }>('audit.list', {
      action: 'operator',
    });
    const actions = list.data!.items.map((e) => e.action);
    expect(actions.slice(0, 2)).toEqual(['operator.sign_in', 'operator.sign_in_failed']);
    expect(actions).toContain('operator.bootstrap');
    expect(list.data!.items[0]).toMatchObject({ actorEmail: ADMIN.email, environment: null });
    const signInOnly = await admin.query<{ items: Entry[] }>('audit.list', { action: 'operator.sign_in' });
    expect(signInOnly.data!.items.map((e) => e.action)).toEqual(['operator.sign_in']);
  });

  it('records operator actions in their environment, filterable by environment', async () => {
    await admin.mutate(
      'environment.update',
      { callback_url: 'https://cb.example.com/prod' },
      { environment: 'prod' },
    );
    await t.latchkey.services.audit.record(
      {
        environment: { id: (await t.latchkey.services.environments.getByName('prod')).id, name: 'prod' },
        scopes: [],
        actor: { kind: 'operator', id: crypto.randomUUID(), email: 'someone@example.com', role: 'developer' },
      },
      {
        action: 'integration.create',
        targetType: 'integration',
        targetId: 'github',
        details: { provider: 'github' },
      },
    );
    // A secret key's calls are not operator actions.
    await t.latchkey.services.audit.record(
      {
        environment: { id: crypto.randomUUID(), name: 'dev' },
        scopes: [],
        actor: { kind: 'apiKey', id: 'k' },
      },
      { action: 'integration.create' },
    );
    const prod = await admin.query<{ items: Entry[] }>('audit.list', { environment: 'prod' });
    expect(prod.data!.items.length).toBeGreaterThanOrEqual(1);
    expect(prod.data!.items.every((e) => e.environment === 'prod')).toBe(true);
    expect(prod.data!.items[0]).toMatchObject({
      action: 'integration.create',
      actorEmail: 'someone@example.com',
    });
    const instance = await admin.query<{ items: Entry[] }>('audit.list', { environment: null });
    expect(instance.data!.items.every((e) => e.environment === null)).toBe(true);
    const all = await admin.query<{ items: Entry[] }>('audit.list', { action: 'integration.create' });
    expect(all.data!.items).toHaveLength(1);
  });

  it('pages by keyset without skipping or repeating', async () => {
    for (let i = 0; i < 7; i++) {
      await t.latchkey.services.audit.recordOperatorEvent(
        { id: null, email: `bulk${i}@example.com` },
        { action: 'test.bulk', details: { i } },
      );
    }
    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await admin.query<{ items: Entry[]; nextCursor: string | null }>('audit.list', {
        action: 'test',
        limit: 3,
        ...(cursor === undefined ? {} : { cursor }),
      });
      seen.push(...answer.data!.items.map((e) => e.actorEmail!));
      times.push(...answer.data!.items.map((e) => Date.parse(e.at)));
      if (answer.data!.nextCursor === null) break;
      cursor = answer.data!.nextCursor;
    }
    // Entries written in the same millisecond are ordered by id; each appears exactly once.
    expect([...seen].sort()).toEqual(Array.from({ length: 7 }, (_, i) => `bulk${i}@example.com`));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('exports the filtered log as CSV', async () => {
    await t.latchkey.services.audit.recordOperatorEvent(
      { id: null, email: '-danger@example.com' },
      { action: 'operator.sign_in_failed', ip: '=1+1' },
    );
    const exported = await admin.mutate<{ filename: string; csv: string }>('audit.exportCsv', {
      action: 'operator.sign_in_failed',
    });
    expect(exported.data!.filename).toMatch(/^latchkey-audit-\d{4}-\d\d-\d\d\.csv$/);
    const lines = exported.data!.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,actor_email,action,environment,target_type,target_id,ip,details');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\d{4}-.*Z,'-danger@example\.com,operator\.sign_in_failed,,,,'=1\+1,$/);
    expect(lines[2]).toContain(`${ADMIN.email},operator.sign_in_failed`);
  });

  it('is closed to developers (no environment:audit:read)', async () => {
    const invitation = await admin.mutate<{ url: string }>('operators.invite', {
      email: 'dev@example.com',
      role: 'developer',
    });
    const developer = appDashboardClient(t.latchkey.app);
    await developer.mutate('auth.acceptInvitation', {
      token: new URL(invitation.data!.url).searchParams.get('token'),
      password: 'developer password',
    });
    expect((await developer.query('audit.list', {})).error).toMatchObject({ errorCode: 'forbidden' });
    expect((await developer.mutate('audit.exportCsv', {})).error).toMatchObject({ errorCode: 'forbidden' });
  });
});
