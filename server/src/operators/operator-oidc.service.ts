/**
 * Operators signing in through the instance's OpenID Connect provider. The attempt in flight is sealed for the browser
 * to carry (nothing is stored before the provider answers); the verified identity becomes an operator (by issuer and
 * subject, else by email, else a new `support` operator when its domain is allowed) and a dashboard session made the
 * same way as a password sign-in's.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditService } from '../audit/audit.service';
import type { OidcConfig } from '../platform/config/config';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import {
  createOidcRelyingParty,
  type OidcIdentity,
  type OidcRelyingParty,
  OidcSignInError,
  type PendingOidcSignIn,
} from './oidc-sign-in';
import {
  findOperatorByEmail,
  findPendingInvitationForEmail,
  insertOperator,
  markInvitationAccepted,
} from './operator.repository';
import type { RequestOrigin } from './operator.service';
import type { OperatorRow } from './operator.table';
import { findOperatorByOidcIdentity, linkOidcIdentity } from './operator-oidc.repository';
import type { CreatedSession, OperatorSessions } from './operator-session';

export const OIDC_CALLBACK_PATH = '/operator-auth/oidc/callback';
const DEFAULT_RETURN_TO = '/dashboard';

export interface OperatorOidcService {
  /** `returnTo` absent means the dashboard; anything but a path on this origin is refused. */
  begin(returnTo: string | undefined): Promise<{ authorizationUrl: string; sealedAttempt: string }>;
  finish(
    input: { callbackQuery: string; sealedAttempt: string | undefined },
    origin: RequestOrigin,
  ): Promise<{ session: CreatedSession; returnTo: string }>;
}

const SEAL_CONTEXT = 'operator-oidc-attempt';

const pendingSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(43),
  returnTo: z.string(),
  expiresAt: z.number(),
}) satisfies z.ZodType<PendingOidcSignIn>;

export function createOperatorOidcService(deps: {
  db: Db;
  vault: Vault;
  audit: AuditService;
  sessions: OperatorSessions;
  publicUrl: string;
  config: OidcConfig;
  /** Plain-http issuers (tests: LATCHKEY_ALLOW_PRIVATE_URLS). */
  allowInsecureRequests: boolean;
}): OperatorOidcService {
  const { db, vault, audit, config } = deps;
  const callbackUrl = `${deps.publicUrl}${OIDC_CALLBACK_PATH}`;
  const relyingParty: OidcRelyingParty = createOidcRelyingParty({
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.scopes,
    redirectUri: callbackUrl,
    allowInsecureRequests: deps.allowInsecureRequests,
  });

  function openAttempt(sealed: string | undefined): PendingOidcSignIn {
    if (sealed === undefined) throw new OidcSignInError('oidc_state_invalid', 'no attempt cookie');
    try {
      return pendingSchema.parse(vault.openJson(sealed, SEAL_CONTEXT));
    } catch (error) {
      throw new OidcSignInError('oidc_state_invalid', { attemptCookie: (error as Error).message });
    }
  }

  /** The operator this identity signs in as: linked before, claimed by its verified email, or created. */
  async function operatorFor(
    identity: OidcIdentity,
    origin: RequestOrigin,
  ): Promise<{ row: OperatorRow; created: boolean }> {
    // Refusals of an identity the provider vouched for are audited: a real person was turned away.
    const refuse = async (operator: OperatorRow | undefined, code: OidcSignInError['code']) => {
      await audit.recordOperatorEvent(
        { id: operator?.id ?? null, email: identity.email },
        { action: 'operator.sign_in_failed', ip: origin.ip, details: { method: 'oidc', reason: code } },
      );
      return new OidcSignInError(code);
    };
    const linked = await findOperatorByOidcIdentity(db, identity.issuer, identity.subject);
    if (!identity.emailVerified) throw await refuse(linked, 'oidc_email_unverified');
    const domain = identity.email.slice(identity.email.lastIndexOf('@') + 1);
    const domainAllowed = config.allowedDomains.includes(domain);
    // With allowed domains configured they bind every OIDC sign-in, existing operators' included.
    if (config.allowedDomains.length > 0 && !domainAllowed) {
      throw await refuse(linked, 'oidc_domain_not_allowed');
    }
    if (linked !== undefined) return { row: linked, created: false };

    // The provider verified this email, so it may claim the operator who has it (invited, or a password account).
    const byEmail = await findOperatorByEmail(db, identity.email);
    if (byEmail !== undefined) {
      if (!(await linkOidcIdentity(db, byEmail.id, identity))) {
        throw await refuse(byEmail, 'oidc_identity_mismatch');
      }
      return { row: byEmail, created: false };
    }
    // An admin's pending invitation for this (verified) email stands for the invitation link: it gives its role, and
    // lets the person in even without allowed domains.
    const invitation = await findPendingInvitationForEmail(db, identity.email);
    // Without allowed domains nobody else is created: anyone with an account at a public provider could sign in.
    if (!domainAllowed && invitation === undefined) throw await refuse(undefined, 'oidc_unknown_operator');
    if (invitation !== undefined && !(await markInvitationAccepted(db, invitation.id))) {
      return operatorFor(identity, origin); // accepted by a concurrent sign-in: find what it created
    }
    const row = await insertOperator(db, {
      id: randomUUID(),
      email: identity.email,
      display_name: identity.name,
      // Least privilege: admins promote whom they choose.
      role: invitation?.role ?? 'support',
      password_hash: null,
      oidc_issuer: identity.issuer,
      oidc_subject: identity.subject,
    });
    // A concurrent sign-in with the same email created it first: use that one, as a second attempt would.
    return row === undefined ? operatorFor(identity, origin) : { row, created: true };
  }

  return {
    async begin(returnTo) {
      const target = returnTo ?? DEFAULT_RETURN_TO;
      if (!isSameOriginPath(target)) throw new OidcSignInError('oidc_invalid_return_to');
      const { url, pending } = await relyingParty.start(target);
      return { authorizationUrl: url.href, sealedAttempt: vault.sealJson(pending, SEAL_CONTEXT) };
    },

    async finish(input, origin) {
      const pending = openAttempt(input.sealedAttempt);
      // The redirect URI as registered, whatever host or scheme a proxy in front handed us.
      const url = new URL(callbackUrl);
      url.search = input.callbackQuery;
      const identity = await relyingParty.complete(url, pending);
      const { row, created } = await operatorFor(identity, origin);
      // The provider authenticated the operator, with its own second factor where it enforces one; a TOTP prompt
      // after it would only add a step, so the session starts verified even for operators who enrolled TOTP.
      const session = await deps.sessions.create(row.id, { twoFactorVerified: true, ...origin });
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        { action: 'operator.sign_in', ip: origin.ip, details: { method: 'oidc', operatorCreated: created } },
      );
      return { session, returnTo: pending.returnTo };
    },
  };
}

/** A path on this origin: `/…`, but not `//host` or `/\host` (browsers read both as another origin). */
function isSameOriginPath(value: string): boolean {
  return (
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.includes('\\') &&
    value.length <= 2000 &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    !/[\u0000-\u001f\u007f]/.test(value)
  );
}
