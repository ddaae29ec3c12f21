/**
 * The hosted connect page (`/connect?session_token=…`, a session's `connect_link`): the same `<ConnectModal>` an app
 * embeds, full-page, on Latchkey's own origin. Optional query: `mode=redirect`, `locale=fr` (else the browser's).
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ConnectModal } from '../src/index';

const query = new URLSearchParams(window.location.search);
const sessionToken = query.get('session_token') ?? '';
const mode = query.get('mode') === 'redirect' ? 'redirect' : 'popup';
const wanted = query.get('locale') ?? navigator.language;
const locale = wanted.toLowerCase().startsWith('fr') ? 'fr' : 'en';
const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches === true;

function HostedConnectPage() {
  const [done, setDone] = useState(false);
  return (
    <main data-connected={done ? 'true' : undefined}>
      <ConnectModal
        sessionToken={sessionToken}
        baseUrl={window.location.origin}
        mode={mode}
        // Redirect flows come back here; the session token stays in the URL so the page can load again.
        returnUrl={window.location.href}
        locale={locale}
        // The environment's theme, set in the dashboard, wins over the browser's scheme.
        defaultTheme={dark ? 'dark' : 'light'}
        layout="page"
        onEvent={(event) => {
          if (event.type === 'connect') setDone(true);
        }}
      />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HostedConnectPage />
  </StrictMode>,
);
