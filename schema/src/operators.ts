/**
 * Operators (the people who sign in to the dashboard): roles, the scopes each role carries, and the inputs and outputs
 * of the `auth`, `account`, `operators`, `instance` and `audit` tRPC procedures.
 */
import { z } from 'zod';
import { SCOPES, type Scope } from './scopes';

export const OPERATOR_ROLES = ['admin', 'developer', 'support'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
export const operatorRoleSchema = z.enum(OPERATOR_ROLES);

const ADMIN_ONLY_SCOPES: readonly Scope[] = ['environment:api_keys:write', 'environment:audit:read'];

/** What a signed-in operator may do in an environment. Operator management is checked by role, not by scope. */
export const ROLE_SCOPES: Record<OperatorRole, Scope[]> = {
  admin: [...SCOPES],
  developer: SCOPES.filter((scope) => !ADMIN_ONLY_SCOPES.includes(scope)),
  support: [
    'environment:integrations:read',
    'environment:providers:read',
    'environment:connections:read',
    'environment:webhooks:read',
    'environment:logs:read',
  ],
};

export const PASSWORD_MIN_LENGTH = 8;
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256);
export const operatorEmailSchema = z.string().trim().toLowerCase().pipe(z.email().max(320));
const displayNameSchema = z.string().trim().min(1).max(100);
/** Services return Dates; the wire carries ISO 8601 strings (no tRPC transformer), and clients are typed so. */
const isoDateTime = z.date().transform((date) => date.toISOString());

// auth.*
export const setupInput = z
  .object({
    code: z.string().trim().min(1).max(200),
    email: operatorEmailSchema,
    password: passwordSchema,
    displayName: displayNameSchema.optional(),
  })
  .strict();
export const signInInput = z
  .object({ email: operatorEmailSchema, password: z.string().min(1).max(256) })
  .strict();
/** A 6-digit TOTP code or a recovery code. */
export const verifyTwoFactorInput = z.object({ code: z.string().trim().min(6).max(64) }).strict();
export const invitationTokenInput = z.object({ token: z.string().trim().min(1).max(200) }).strict();
export const acceptInvitationInput = z
  .object({
    token: z.string().trim().min(1).max(200),
    password: passwordSchema,
    displayName: displayNameSchema.optional(),
  })
  .strict();

export const operatorSummarySchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  role: operatorRoleSchema,
  twoFactorEnabled: z.boolean(),
});
export type OperatorSummary = z.infer<typeof operatorSummarySchema>;

export const authStatusSchema = z.object({
  /** No operator exists yet: the dashboard shows the setup page (which needs the setup code printed at boot). */
  setupRequired: z.boolean(),
  oidcEnabled: z.boolean(),
  operator: operatorSummarySchema.nullable(),
  /** Signed in with a password, waiting for the TOTP or recovery code. */
  twoFactorPending: z.boolean(),
  /** The instance enforces two-factor and this operator has none yet: only enrolment is open. */
  twoFactorRequired: z.boolean(),
});
export type AuthStatus = z.infer<typeof authStatusSchema>;

export const invitationSchema = z.object({
  email: z.string(),
  role: operatorRoleSchema,
  expiresAt: isoDateTime,
});

// account.*
export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema })
  .strict();
export const totpConfirmInput = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'must be the 6-digit code'),
  })
  .strict();
export const passwordConfirmInput = z.object({ password: z.string().min(1).max(256) }).strict();

// operators.* and instance.*
export const operatorListItemSchema = operatorSummarySchema.extend({
  createdAt: isoDateTime,
  /** Signed in through OpenID Connect at least once (may have no password). */
  oidc: z.boolean(),
});
export const inviteInput = z.object({ email: operatorEmailSchema, role: operatorRoleSchema }).strict();
/** The invitation link is shown once: only its token's hash is stored. */
export const invitationLinkSchema = z.object({ url: z.string(), expiresAt: isoDateTime });
export const pendingInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: operatorRoleSchema,
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
  invitedBy: z.string().nullable(),
});
export const operatorIdInput = z.object({ id: z.uuid() }).strict();
export const setRoleInput = z.object({ id: z.uuid(), role: operatorRoleSchema }).strict();
export const instanceSettingsSchema = z.object({ requireTwoFactor: z.boolean() });
export type InstanceSettings = z.infer<typeof instanceSettingsSchema>;
export const instanceSettingsInput = instanceSettingsSchema.strict();

// audit.*
export const auditFilterInput = z
  .object({
    /** An environment's name; null: instance events only (sign-ins, operators); absent: everything. */
    environment: z.string().min(1).max(100).nullable().optional(),
    action: z.string().min(1).max(100).optional(),
    actorId: z.uuid().optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();
export type AuditFilterInput = z.infer<typeof auditFilterInput>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoDateTime,
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  environment: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
});
/** An entry as services hold it (`at` a Date); `z.output` is what clients receive. */
export type AuditEntry = z.input<typeof auditEntrySchema>;
