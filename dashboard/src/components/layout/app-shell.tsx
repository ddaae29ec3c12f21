/** The signed-in frame: sidebar, header, and the page in `<main>`. */
import { Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { AppSidebar } from './app-sidebar';
import { SiteHeader } from './site-header';

export function AppShell() {
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the narrow-screen menu on every navigation
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <div className={`shell ${menuOpen ? 'menu-open' : ''}`}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppSidebar onNavigate={() => setMenuOpen(false)} />
      {menuOpen ? (
        <div className="shell-scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />
      ) : null}
      <div className="shell-main">
        <SiteHeader onOpenMenu={() => setMenuOpen(true)} />
        <main id="main" className="page" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
