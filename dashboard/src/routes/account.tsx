/** The signed-in operator's own account: who they are, password, two-factor. */
import { getRouteApi } from '@tanstack/react-router';
import { ChangePasswordCard } from '../components/account/change-password-card';
import { TwoFactorCard } from '../components/account/two-factor-card';
import { PageHeader } from '../components/layout/page-header';
import { useOperator } from '../components/layout/use-operator';
import { Badge } from '../components/ui/badge';
import { Card, CardBody, CardHeader } from '../components/ui/card';
import { AlertIcon } from '../components/ui/icons';

const route = getRouteApi('/_app/dashboard/account');

export function AccountPage() {
  const { enrol } = route.useSearch();
  const operator = useOperator();
  return (
    <>
      <PageHeader
        title="Account"
        description="Your sign-in details. Roles are changed by an admin on the Team page."
      />
      {enrol && !operator?.twoFactorEnabled ? (
        <div className="callout callout-warning" role="alert">
          <AlertIcon size={16} />
          <span>This instance requires two-factor authentication. Set it up below to continue.</span>
        </div>
      ) : null}
      {operator ? (
        <Card>
          <CardHeader title="Profile" />
          <CardBody>
            <dl className="kv">
              <dt>Name</dt>
              <dd>{operator.displayName ?? '—'}</dd>
              <dt>Email</dt>
              <dd>{operator.email}</dd>
              <dt>Role</dt>
              <dd>
                <Badge tone="accent">{operator.role}</Badge>
              </dd>
            </dl>
          </CardBody>
        </Card>
      ) : null}
      <TwoFactorCard />
      <ChangePasswordCard />
    </>
  );
}
