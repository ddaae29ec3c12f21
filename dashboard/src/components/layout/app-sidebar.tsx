/**
 * The main navigation: the environment's pages, then the instance's (team, audit log) for admins, and the signed-in
 * operator with a visible `Sign out` at the bottom.
 */
import { Link } from '@tanstack/react-router';
import type { ComponentType } from 'react';
import { useCurrentEnvironment } from '../../api/environment';
import {
  HomeIcon,
  LinkIcon,
  ListIcon,
  LogOutIcon,
  PuzzleIcon,
  ScrollIcon,
  SettingsIcon,
  UsersIcon,
  WebhookIcon,
} from '../ui/icons';
import { LatchkeyMark } from './latchkey-mark';
import { useOperator } from './use-operator';
import { useSignOut } from './use-sign-out';

type EnvPath =
  | '/dashboard/$env'
  | '/dashboard/$env/integrations'
  | '/dashboard/$env/connections'
  | '/dashboard/$env/logs'
  | '/dashboard/$env/webhooks'
  | '/dashboard/$env/settings';

const ENVIRONMENT_LINKS: Array<{ to: EnvPath; label: string; icon: ComponentType<{ size?: number }> }> = [
  { to: '/dashboard/$env', label: 'Home', icon: HomeIcon },
  { to: '/dashboard/$env/integrations', label: 'Integrations', icon: PuzzleIcon },
  { to: '/dashboard/$env/connections', label: 'Connections', icon: LinkIcon },
  { to: '/dashboard/$env/logs', label: 'Logs', icon: ListIcon },
  { to: '/dashboard/$env/webhooks', label: 'Webhooks', icon: WebhookIcon },
  { to: '/dashboard/$env/settings', label: 'Settings', icon: SettingsIcon },
];

export function AppSidebar({ onNavigate }: { onNavigate?: () => void }) {
  const env = useCurrentEnvironment();
  const operator = useOperator();
  const signOut = useSignOut();
  return (
    <aside className="sidebar" aria-label="Sidebar">
      <div className="sidebar-inner">
        <Link
          to="/dashboard/$env"
          params={{ env }}
          className="brand"
          aria-label="Latchkey"
          onClick={onNavigate}
        >
          <LatchkeyMark />
          <span className="brand-name">Latchkey</span>
        </Link>
        <nav className="sidebar-nav" aria-label="Main">
          <p className="sidebar-section">Environment</p>
          <ul>
            {ENVIRONMENT_LINKS.map(({ to, label, icon: Icon }) => (
              <li key={to}>
                <Link
                  to={to}
                  params={{ env }}
                  className="nav-link"
                  activeOptions={{ exact: to === '/dashboard/$env', includeSearch: false }}
                  onClick={onNavigate}
                >
                  <Icon size={18} />
                  <span>{label}</span>
                </Link>
              </li>
            ))}
          </ul>
          {operator?.role === 'admin' ? (
            <>
              <p className="sidebar-section">Instance</p>
              <ul>
                <li>
                  <Link to="/dashboard/team" className="nav-link" onClick={onNavigate}>
                    <UsersIcon size={18} />
                    <span>Team</span>
                  </Link>
                </li>
                <li>
                  <Link
                    to="/dashboard/audit"
                    className="nav-link"
                    onClick={onNavigate}
                    activeOptions={{ includeSearch: false }}
                  >
                    <ScrollIcon size={18} />
                    <span>Audit log</span>
                  </Link>
                </li>
              </ul>
            </>
          ) : null}
        </nav>
        {operator ? (
          <div className="sidebar-footer">
            <Link to="/dashboard/account" className="operator-chip" onClick={onNavigate}>
              <span className="avatar" aria-hidden="true">
                {(operator.displayName || operator.email).slice(0, 1).toUpperCase()}
              </span>
              <span className="operator-chip-text">
                <span className="operator-chip-name">{operator.displayName || operator.email}</span>
                <span className="operator-chip-role">{operator.role}</span>
              </span>
            </Link>
            <button
              type="button"
              className="btn btn-ghost btn-sm sign-out"
              onClick={() => signOut.mutate()}
              disabled={signOut.isPending}
            >
              <LogOutIcon size={16} />
              Sign out
            </button>
          </div>
        ) : null}
      </div>
    </aside>
  );
}
