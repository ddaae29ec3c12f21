/** The bar above every page: the menu button on narrow screens, the environment switcher, theme and account. */
import { ListIcon } from '../ui/icons';
import { AccountMenu } from './account-menu';
import { EnvironmentSwitcher } from './environment-switcher';
import { ThemeToggle } from './theme-toggle';

export function SiteHeader({ onOpenMenu }: { onOpenMenu: () => void }) {
  return (
    <header className="site-header">
      <button
        type="button"
        className="icon-button menu-button"
        aria-label="Open navigation"
        onClick={onOpenMenu}
      >
        <ListIcon size={18} />
      </button>
      <EnvironmentSwitcher />
      <div className="site-header-end">
        <ThemeToggle />
        <AccountMenu />
      </div>
    </header>
  );
}
