/**
 * Failed sign-ins counted per account and per client address over a sliding window, in the database so every
 * instance counts the same failures. Past the limit, sign-in answers 429 before the password is even checked.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/database/database';
import { TooManyAttemptsError } from './operator-errors';

export interface SignInLimits {
  windowMs: number;
  perAccount: number;
  perAddress: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  windowMs: 15 * 60 * 1000,
  perAccount: 10,
  perAddress: 50,
};

export interface SignInLimiter {
  /** Throws 429 `too_many_attempts` when the account or the address is over its limit. */
  check(email: string, ip: string | null): Promise<void>;
  recordFailure(email: string, ip: string | null): Promise<void>;
  /** A successful sign-in clears its account's count (not the address's). */
  reset(email: string): Promise<void>;
}

export function createSignInLimiter(deps: { db: Db; limits?: SignInLimits }): SignInLimiter {
  const { db } = deps;
  const limits = deps.limits ?? DEFAULT_SIGN_IN_LIMITS;
  let lastPrune = 0;

  async function count(key: string, since: Date): Promise<number> {
    const row = await db
      .selectFrom('sign_in_failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('key', '=', key)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  return {
    async check(email, ip) {
      const since = new Date(Date.now() - limits.windowMs);
      const [account, address] = await Promise.all([
        count(`account:${email}`, since),
        ip === null ? 0 : count(`ip:${ip}`, since),
      ]);
      if (account >= limits.perAccount || address >= limits.perAddress) {
        throw new TooManyAttemptsError(Math.ceil(limits.windowMs / 60_000));
      }
    },

    async recordFailure(email, ip) {
      const at = new Date();
      const rows = [{ id: randomUUID(), key: `account:${email}`, at }];
      if (ip !== null) rows.push({ id: randomUUID(), key: `ip:${ip}`, at });
      await db.insertInto('sign_in_failures').values(rows).execute();
      if (at.getTime() - lastPrune > limits.windowMs) {
        lastPrune = at.getTime();
        await db
          .deleteFrom('sign_in_failures')
          .where('at', '<', new Date(at.getTime() - limits.windowMs))
          .execute();
      }
    },

    async reset(email) {
      await db.deleteFrom('sign_in_failures').where('key', '=', `account:${email}`).execute();
    },
  };
}
