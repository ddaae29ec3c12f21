/**
 * TOTP two-factor: enrolment (a secret sealed with the vault, confirmed by a first code), the second step of sign-in
 * (a TOTP code, never the same one twice, or a single-use recovery code), recovery code renewal and removal.
 */
import { randomUUID } from 'node:crypto';
import { LatchkeyError } from '@latchkey/schema';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import type { AuditService } from '../audit/audit.service';
import type { Vault } from '../platform/crypto/vault';
import type { Db } from '../platform/database/database';
import { findOperatorById, updateOperator } from './operator.repository';
import type { OperatorRow } from './operator.table';
import { confirmOperatorPassword } from './operator-password';
import type { OperatorSessions, ValidatedSession } from './operator-session';
import { generateRecoveryCode, hashRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import type { SignInLimiter } from './sign-in-limiter';
import { generateTotpKey, matchTotpStep, totpKeyUri } from './totp';

export interface TwoFactorService {
  verifyTwoFactor(session: ValidatedSession, code: string, origin: { ip: string | null }): Promise<void>;
  totpBegin(operatorId: string): Promise<{ secret: string; uri: string }>;
  totpConfirm(operatorId: string, code: string): Promise<{ recoveryCodes: string[] }>;
  totpDisable(operatorId: string, password: string): Promise<void>;
  regenerateRecoveryCodes(operatorId: string, password: string): Promise<{ recoveryCodes: string[] }>;
}

export function createTwoFactorService(deps: {
  db: Db;
  vault: Vault;
  audit: AuditService;
  sessions: OperatorSessions;
  limiter: SignInLimiter;
}): TwoFactorService {
  const { db, vault, audit } = deps;
  const context = (id: string) => `operators.totp_secret:${id}`;

  function totpKey(row: OperatorRow): Uint8Array {
    return decodeBase32IgnorePadding(vault.open(row.totp_secret_sealed!, context(row.id)));
  }

  /** Accepts a TOTP code once: the step is recorded only if it is newer than the last one accepted. */
  async function acceptTotp(row: OperatorRow, code: string): Promise<boolean> {
    const step = matchTotpStep(totpKey(row), code);
    if (step === null) return false;
    const result = await db
      .updateTable('operators')
      .set({ totp_last_step: step.toString() })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step.toString())]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async function useRecoveryCode(operatorId: string, code: string): Promise<boolean> {
    const used = await db
      .updateTable('operator_recovery_codes')
      .set({ used_at: new Date() })
      .where('operator_id', '=', operatorId)
      .where('code_hash', '=', hashRecoveryCode(code))
      .where('used_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return used !== undefined;
  }

  async function replaceRecoveryCodes(trx: Db, operatorId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await trx.deleteFrom('operator_recovery_codes').where('operator_id', '=', operatorId).execute();
    await trx
      .insertInto('operator_recovery_codes')
      .values(
        codes.map((code) => ({
          id: randomUUID(),
          operator_id: operatorId,
          code_hash: hashRecoveryCode(code),
        })),
      )
      .execute();
    return codes;
  }

  async function operator(operatorId: string): Promise<OperatorRow> {
    const row = await findOperatorById(db, operatorId);
    if (row === undefined) throw new LatchkeyError('session_expired');
    return row;
  }

  return {
    async verifyTwoFactor(session, code, origin) {
      if (session.twoFactorVerified) return;
      const row = await operator(session.operator.id);
      if (row.totp_enabled_at === null) throw new LatchkeyError('two_factor_not_enabled');
      await deps.limiter.check(row.email, origin.ip);
      const trimmed = code.replace(/\s/g, '');
      const viaRecovery = !/^\d{6}$/.test(trimmed);
      const ok = viaRecovery ? await useRecoveryCode(row.id, trimmed) : await acceptTotp(row, trimmed);
      if (!ok) {
        await deps.limiter.recordFailure(row.email, origin.ip);
        await audit.recordOperatorEvent(
          { id: row.id, email: row.email },
          { action: 'operator.two_factor_failed', ip: origin.ip },
        );
        throw new LatchkeyError('invalid_two_factor_code');
      }
      await deps.sessions.markTwoFactorVerified(session.id);
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        {
          action: 'operator.two_factor_verify',
          ip: origin.ip,
          details: { method: viaRecovery ? 'recovery_code' : 'totp' },
        },
      );
    },

    async totpBegin(operatorId) {
      const row = await operator(operatorId);
      if (row.totp_enabled_at !== null) throw new LatchkeyError('two_factor_already_enabled');
      const key = generateTotpKey();
      const secret = encodeBase32UpperCaseNoPadding(key);
      await updateOperator(db, row.id, {
        totp_secret_sealed: vault.seal(secret, context(row.id)),
        totp_last_step: null,
      });
      return { secret, uri: totpKeyUri(row.email, key) };
    },

    async totpConfirm(operatorId, code) {
      const row = await operator(operatorId);
      if (row.totp_enabled_at !== null) throw new LatchkeyError('two_factor_already_enabled');
      if (row.totp_secret_sealed === null) throw new LatchkeyError('two_factor_not_started');
      if (!(await acceptTotp(row, code))) throw new LatchkeyError('invalid_two_factor_code');
      const recoveryCodes = await db.transaction().execute(async (trx) => {
        await updateOperator(trx, row.id, { totp_enabled_at: new Date() });
        return replaceRecoveryCodes(trx, row.id);
      });
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        { action: 'operator.two_factor_enable', targetType: 'operator', targetId: row.id },
      );
      return { recoveryCodes };
    },

    async totpDisable(operatorId, password) {
      const row = await confirmOperatorPassword(db, operatorId, password);
      if (row.totp_enabled_at === null) throw new LatchkeyError('two_factor_not_enabled');
      await db.transaction().execute(async (trx) => {
        await updateOperator(trx, row.id, {
          totp_secret_sealed: null,
          totp_enabled_at: null,
          totp_last_step: null,
        });
        await trx.deleteFrom('operator_recovery_codes').where('operator_id', '=', row.id).execute();
      });
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        { action: 'operator.two_factor_disable', targetType: 'operator', targetId: row.id },
      );
    },

    async regenerateRecoveryCodes(operatorId, password) {
      const row = await confirmOperatorPassword(db, operatorId, password);
      if (row.totp_enabled_at === null) throw new LatchkeyError('two_factor_not_enabled');
      const recoveryCodes = await db.transaction().execute((trx) => replaceRecoveryCodes(trx, row.id));
      await audit.recordOperatorEvent(
        { id: row.id, email: row.email },
        { action: 'operator.recovery_codes_regenerate', targetType: 'operator', targetId: row.id },
      );
      return { recoveryCodes };
    },
  };
}
