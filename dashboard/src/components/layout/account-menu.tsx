/** The operator's menu in the header: who is signed in, their account page, and `Sign out`. */
import { useNavigate } from '@tanstack/react-router';
import {
  DropdownMenu,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
} from '../ui/dropdown-menu';
import { ChevronDownIcon, LogOutIcon, UserIcon } from '../ui/icons';
import { useOperator } from './use-operator';
import { useSignOut } from './use-sign-out';

export function AccountMenu() {
  const operator = useOperator();
  const signOut = useSignOut();
  const navigate = useNavigate();
  if (!operator) return null;
  const name = operator.displayName || operator.email;
  return (
    <DropdownMenu
      label="Account"
      trigger={
        <button type="button" className="account-trigger" aria-label={`Account menu for ${name}`}>
          <span className="avatar" aria-hidden="true">
            {name.slice(0, 1).toUpperCase()}
          </span>
          <ChevronDownIcon size={14} />
        </button>
      }
    >
      <DropdownMenuLabel>
        <span className="menu-label-name">{name}</span>
        <span className="menu-label-email">
          {operator.email} · {operator.role}
        </span>
      </DropdownMenuLabel>
      <DropdownMenuSeparator />
      <DropdownMenuItem onSelect={() => void navigate({ to: '/dashboard/account' })}>
        <UserIcon /> Account
      </DropdownMenuItem>
      <DropdownMenuItem onSelect={() => signOut.mutate()}>
        <LogOutIcon /> Sign out
      </DropdownMenuItem>
    </DropdownMenu>
  );
}
