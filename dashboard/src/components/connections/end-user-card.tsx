/** Who authorized the connection: the end user and organization your app named in the connect session. */
import { Card, CardBody, CardHeader } from '../ui/card';
import type { ConnectionSummary } from './connection-types';
import { TagList } from './tag-list';

export function EndUserCard({ endUser }: { endUser: ConnectionSummary['end_user'] }) {
  return (
    <Card aria-labelledby="conn-end-user-heading">
      <CardHeader title={<span id="conn-end-user-heading">End user</span>} />
      <CardBody>
        {endUser === null ? (
          <p className="subtle">
            This connection was made without an end user (a public-key flow or an import).
          </p>
        ) : (
          <dl className="kv conn-kv">
            <dt>ID</dt>
            <dd className="mono">{endUser.id}</dd>
            <dt>Name</dt>
            <dd>{endUser.display_name ?? <span className="subtle">—</span>}</dd>
            <dt>Email</dt>
            <dd>{endUser.email ?? <span className="subtle">—</span>}</dd>
            <dt>Organization</dt>
            <dd>
              {endUser.organization ? (
                <>
                  {endUser.organization.display_name ? (
                    <span>{endUser.organization.display_name} </span>
                  ) : null}
                  <span className="mono subtle">{endUser.organization.id}</span>
                </>
              ) : (
                <span className="subtle">—</span>
              )}
            </dd>
            {endUser.tags && Object.keys(endUser.tags).length > 0 ? (
              <>
                <dt>Tags</dt>
                <dd>
                  <TagList tags={endUser.tags} label="End user tags" />
                </dd>
              </>
            ) : null}
          </dl>
        )}
      </CardBody>
    </Card>
  );
}
