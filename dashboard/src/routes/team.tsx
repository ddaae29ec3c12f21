/** Team (admins): operators and their roles, invitations, and the instance's two-factor rule. */

import { PageHeader } from '../components/layout/page-header';
import { useIsAdmin } from '../components/layout/use-operator';
import { InvitationsTable } from '../components/team/invitations-table';
import { InviteDialog } from '../components/team/invite-dialog';
import { OperatorsTable } from '../components/team/operators-table';
import { TwoFactorPolicy } from '../components/team/two-factor-policy';
import { EmptyState } from '../components/ui/empty-state';
import { ShieldIcon } from '../components/ui/icons';

export function TeamPage() {
  const isAdmin = useIsAdmin();
  return (
    <>
      <PageHeader
        title="Team"
        description="Who can sign in, and what each role may do. Roles apply in every environment."
        actions={isAdmin ? <InviteDialog /> : null}
      />
      {isAdmin ? (
        <>
          <OperatorsTable />
          <InvitationsTable />
          <TwoFactorPolicy />
        </>
      ) : (
        <EmptyState
          icon={<ShieldIcon size={20} />}
          title="Admins only"
          description="Ask an admin to manage the team."
        />
      )}
    </>
  );
}
