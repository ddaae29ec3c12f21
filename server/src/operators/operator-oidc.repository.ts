/** Operators by their OpenID Connect identity (issuer + subject: the subject alone is unique per issuer only). */
import type { Db } from '../platform/database/database';
import type { OperatorRow } from './operator.table';

export async function findOperatorByOidcIdentity(
  db: Db,
  issuer: string,
  subject: string,
): Promise<OperatorRow | undefined> {
  return db
    .selectFrom('operators')
    .selectAll()
    .where('oidc_issuer', '=', issuer)
    .where('oidc_subject', '=', subject)
    .executeTakeFirst();
}

/**
 * Links the identity to the operator unless another identity of the same issuer got there first; false then. An
 * identity from another issuer is replaced: the instance trusts one issuer at a time.
 */
export async function linkOidcIdentity(
  db: Db,
  operatorId: string,
  identity: { issuer: string; subject: string },
): Promise<boolean> {
  const result = await db
    .updateTable('operators')
    .set({ oidc_issuer: identity.issuer, oidc_subject: identity.subject, updated_at: new Date() })
    .where('id', '=', operatorId)
    .where((eb) =>
      eb.or([
        eb('oidc_subject', 'is', null),
        eb('oidc_issuer', '<>', identity.issuer),
        eb('oidc_subject', '=', identity.subject),
      ]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
