/**
 * Operator accounts and signing in: the first operator (setup code or LATCHKEY_ADMIN_*), password sign-in with rate
 * limits and a second factor, invitations accepted, password changes, and the CLI's create / reset. Team management
 * and two-factor enrolment live beside this (operator-team.service.ts, two-factor.service.ts) and are merged in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type AuthStatus,
  ConflictError,
  LatchkeyError,
  type OperatorRole,
  type OperatorSummary,
} from '@latchkey/schema';
import type { AuditService } from '../audit/audit.service';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import {
  deleteInstanceSetting,
  REQUIRE_TWO_FACTOR,
  readInstanceSetting,
  SETUP_CODE_HASH,
  takeInstanceSetting,
  writeInstanceSetting,
} from './instance-settings';
import {
  anyOperatorExists,
  findOperatorByEmail,
  findPendingInvitation,
  insertOperator,
  listOperatorRows,
  markInvitationAccepted,
  updateOperator,
} from './operator.repository';
import type { OperatorRow } from './operator.table';
import { InvalidSignInError } from './operator-errors';
import { confirmOperatorPassword } from './operator-password';
import {
  type CreatedSession,
  createOperatorSessions,
  type OperatorSessions,
  type ValidatedSession,
} from './operator-session';
import { createOperatorTeamService, type OperatorTeamService } from './operator-team.service';
import { hashPassword, verifyDummyPassword, verifyPassword } from './password-hash';
import { generateSecureRandomString, hashTokenSecret } from './session-token';
import { createSignInLimiter, type SignInLimits } from './sign-in-limiter';
import { createTwoFactorService, type TwoFactorService } from './two-factor.service';

/** Where a request came from: written to sessions and the audit log, and the rate limit's address key. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export interface OperatorAuthService {
  readonly sessions: OperatorSessions;
  /** The instance's public URL (its origin is the dashboard's, for CSRF checks). */
  readonly publicUrl: string;
  /** Cookies carry `Secure` when the public URL is https. */
  readonly secureCookies: boolean;
  status(session: ValidatedSession | null): Promise<AuthStatus>;
  setupRequired(): Promise<boolean>;
  /**
   * At boot: with LATCHKEY_ADMIN_* and no operator, creates the admin; with no operator otherwise, a new one-time
   * setup code (its hash replaces the previous one) to print. Null once an operator exists.
   */
  bootstrap(admin: { email: string; password: string } | undefined): Promise<{ setupCode: string | null }>;
  setup(
    input: { code: string; email: string; password: string; displayName?: string | undefined },
    origin: RequestOrigin,
  ): Promise<CreatedSession>;
  signIn(
    input: { email: string; password: string },
    origin: RequestOrigin,
  ): Promise<{ session: CreatedSession; twoFactorPending: boolean }>;
  signOut(session: ValidatedSession, origin: RequestOrigin): Promise<void>;
  invitation(token: string): Promise<{ email: string; role: OperatorRole; expiresAt: Date }>;
  acceptInvitation(
    input: { token: string; password: string; displayName?: string | undefined },
    origin: RequestOrigin,
  ): Promise<CreatedSession>;
  /** Ends every session of the operator and returns a new one for the caller. */
  changePassword(
    operatorId: string,
    input: { currentPassword: string; newPassword: string },
    origin: RequestOrigin,
  ): Promise<CreatedSession>;
  /** Checks an operator's password (re-authentication before sensitive account changes); throws 403 if wrong. */
  confirmPassword(operatorId: string, password: string): Promise<OperatorRow>;
  /** CLI: an operator with a password, given or generated. */
  create(input: {
    email: string;
    role: OperatorRole;
    password: string;
    displayName?: string | undefined;
  }): Promise<OperatorSummary>;
  list(): Promise<Array<OperatorSummary & { createdAt: Date; oidc: boolean }>>;
  /** CLI: a new random password (returned once), every session ended. */
  resetPassword(email: string): Promise<string>;
}

export type OperatorService = OperatorAuthService & OperatorTeamService & TwoFactorService;

export function createOperatorService(deps: {
  db: Db;
  vault: Vault;
  audit: AuditService;
  publicUrl: string;
  oidcEnabled?: boolean;
  signInLimits?: SignInLimits;
}): OperatorService {
  const { db, audit } = deps;
  const sessions = createOperatorSessions({ db });
  const limiter = createSignInLimiter({ db, limits: deps.signInLimits });
  const twoFactor = createTwoFactorService({ db, vault: deps.vault, audit, sessions, limiter });
  const team = createOperatorTeamService({ db, audit, publicUrl: deps.publicUrl });

  async function createOperatorRow(
    target: Db,
    input: { email: string; role: OperatorRole; password: string; displayName?: string | undefined },
  ): Promise<OperatorRow> {
    const row = await insertOperator(target, {
      id: randomUUID(),
      email: input.email,
      display_name: input.displayName ?? null,
      role: input.role,
      password_hash: await hashPassword(input.password),
    });
    if (row === undefined) throw new ConflictError('operator_already_exists');
    return row;
  }

  const service: OperatorAuthService = {
    sessions,
    publicUrl: deps.publicUrl,
    secureCookies: new URL(deps.publicUrl).protocol === 'https:',

    async status(session) {
      const requireTwoFactor = (await readInstanceSetting<boolean>(db, REQUIRE_TWO_FACTOR)) === true;
      const operator = session?.operator ?? null;
      return {
        setupRequired: operator === null && !(await anyOperatorExists(db)),
        oidcEnabled: deps.oidcEnabled ?? false,
        operator,
        twoFactorPending: session !== null && !session.twoFactorVerified,
        twoFactorRequired: operator !== null && requireTwoFactor && !operator.twoFactorEnabled,
      };
    },

    async setupRequired() {
      return !(await anyOperatorExists(db));
    },

    async bootstrap(admin) {
      if (await anyOperatorExists(db)) {
        await deleteInstanceSetting(db, SETUP_CODE_HASH);
        return { setupCode: null };
      }
      if (admin !== undefined) {
        const row = await createOperatorRow(db, { ...admin, role: 'admin' });
        await audit.recordOperatorEvent(
          { id: row.id, email: row.email },
          {
            action: 'operator.bootstrap',
            targetType: 'operator',
            targetId: row.id,
            details: { role: 'admin' },
          },
        );
        return { setupCode: null };
      }
      const code = generateSecureRandomString();
      await writeInstanceSetting(db, SETUP_CODE_HASH, hashTokenSecret(code));
      return { setupCode: code };
    },

    async setup(input, origin) {
      const row = await db.transaction().execute(async (trx) => {
        // Consumed before anything else: the code works once, whoever gets there first.
        if (!(await takeInstanceSetting(trx, SETUP_CODE_HASH, hashTokenSecret(input.code)))) {
          throw new LatchkeyError('invalid_setup_code');
        }
        if (await anyOperatorExists(trx)) throw new ConflictError('setup_already_done');
        return createOperatorRow(trx, { ...input, role: 'admin' });
      });
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        { action: 'operator.setup', targetType: 'operator', targetId: row.id, ip: origin.ip },
      );
      return sessions.create(row.id, { twoFactorVerified: true, ...origin });
    },

    async signIn(input, origin) {
      await limiter.check(input.email, origin.ip);
      const row = await findOperatorByEmail(db, input.email);
      const valid =
        row?.password_hash == null
          ? await verifyDummyPassword(input.password)
          : await verifyPassword(input.password, row.password_hash);
      if (row === undefined || !valid) {
        await limiter.recordFailure(input.email, origin.ip);
        await audit.recordOperatorEvent(
          { id: row?.id ?? null, email: input.email },
          { action: 'operator.sign_in_failed', ip: origin.ip },
        );
        throw new InvalidSignInError();
      }
      await limiter.reset(input.email);
      const twoFactorPending = row.totp_enabled_at !== null;
      const session = await sessions.create(row.id, { twoFactorVerified: !twoFactorPending, ...origin });
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        { action: 'operator.sign_in', ip: origin.ip, details: { method: 'password', twoFactorPending } },
      );
      return { session, twoFactorPending };
    },

    async signOut(session, origin) {
      await sessions.invalidate(session.id);
      await audit.recordOperatorEvent(
        { id: session.operator.id, email: session.operator.email },
        { action: 'operator.sign_out', ip: origin.ip },
      );
    },

    async invitation(token) {
      const invitation = await findPendingInvitation(db, hashTokenSecret(token));
      if (invitation === undefined) throw new LatchkeyError('invalid_invitation');
      return { email: invitation.email, role: invitation.role, expiresAt: invitation.expires_at };
    },

    async acceptInvitation(input, origin) {
      const row = await db.transaction().execute(async (trx) => {
        const invitation = await findPendingInvitation(trx, hashTokenSecret(input.token));
        if (invitation === undefined || !(await markInvitationAccepted(trx, invitation.id))) {
          throw new LatchkeyError('invalid_invitation');
        }
        return createOperatorRow(trx, {
          email: invitation.email,
          role: invitation.role,
          password: input.password,
          displayName: input.displayName,
        });
      });
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        {
          action: 'operator.invitation_accept',
          targetType: 'operator',
          targetId: row.id,
          ip: origin.ip,
          details: { role: row.role },
        },
      );
      return sessions.create(row.id, { twoFactorVerified: true, ...origin });
    },

    confirmPassword: (operatorId, password) => confirmOperatorPassword(db, operatorId, password),

    async changePassword(operatorId, input, origin) {
      const row = await service.confirmPassword(operatorId, input.currentPassword);
      const passwordHash = await hashPassword(input.newPassword);
      const session = await db.transaction().execute(async (trx) => {
        await updateOperator(trx, row.id, { password_hash: passwordHash });
        // A stolen cookie dies with the old password; the caller gets a fresh session.
        await sessions.invalidateAll(row.id, trx);
        return sessions.create(row.id, { twoFactorVerified: true, ...origin }, trx);
      });
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        { action: 'operator.password_change', targetType: 'operator', targetId: row.id, ip: origin.ip },
      );
      return session;
    },

    async create(input) {
      const row = await createOperatorRow(db, input);
      await deleteInstanceSetting(db, SETUP_CODE_HASH);
      await audit.recordOperatorEvent(
        { id: null, email: null },
        {
          action: 'operator.create',
          targetType: 'operator',
          targetId: row.id,
          details: { via: 'cli', role: row.role },
        },
      );
      return toSummary(row);
    },

    async list() {
      return (await listOperatorRows(db)).map((row) => ({
        ...toSummary(row),
        createdAt: row.created_at,
        oidc: row.oidc_subject !== null,
      }));
    },

    async resetPassword(email) {
      const row = await findOperatorByEmail(db, email);
      if (row === undefined) throw new LatchkeyError('unknown_operator', `No operator ${email}.`);
      const password = randomBytes(18).toString('base64url');
      const passwordHash = await hashPassword(password);
      await db.transaction().execute(async (trx) => {
        await updateOperator(trx, row.id, { password_hash: passwordHash });
        await sessions.invalidateAll(row.id, trx);
      });
      await audit.recordOperatorEvent(
        { id: null, email: null },
        {
          action: 'operator.password_reset',
          targetType: 'operator',
          targetId: row.id,
          details: { via: 'cli' },
        },
      );
      return password;
    },
  };

  return Object.assign(service, team, twoFactor);
}

export function toSummary(row: OperatorRow): OperatorSummary {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    twoFactorEnabled: row.totp_enabled_at !== null,
  };
}
