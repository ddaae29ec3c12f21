/**
 * The example app: its backend (`server.ts`) creates a connect session on load; "Connect an account" opens
 * `<ConnectModal>`, and every event it reports is listed under "Events". `?mode=redirect` runs OAuth as a full-page
 * redirect; `?theme=dark`, `?locale=fr` show the other looks.
 */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { type ConnectEvent, ConnectModal } from '../src/index';

interface Session {
  token: string;
  latchkeyUrl: string;
}

const query = new URLSearchParams(window.location.search);
const mode = query.get('mode') === 'redirect' ? 'redirect' : 'popup';
// A redirect flow comes back with its result in the URL: the modal opens again to report it.
const returning = query.has('latchkey_result');

function ExampleApp() {
  const [session, setSession] = useState<Session | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [open, setOpen] = useState(returning);
  const [events, setEvents] = useState<ConnectEvent[]>([]);

  useEffect(() => {
    fetch('/api/session', { method: 'POST' })
      .then(async (response) => {
        if (!response.ok) throw new Error(`session: ${response.status} ${await response.text()}`);
        setSession((await response.json()) as Session);
      })
      .catch((error: unknown) => setProblem(String(error)));
  }, []);

  return (
    <main style={{ font: '16px system-ui, sans-serif', margin: '2rem', maxWidth: '48rem' }}>
      <h1>Example app</h1>
      <p>Connect the accounts this app may use on your behalf.</p>
      <button type="button" disabled={session === undefined} onClick={() => setOpen(true)}>
        Connect an account
      </button>
      {problem && <p role="alert">{problem}</p>}
      {session && (
        <ConnectModal
          sessionToken={session.token}
          baseUrl={session.latchkeyUrl}
          open={open}
          onClose={() => setOpen(false)}
          mode={mode}
          theme={query.get('theme') === 'dark' ? 'dark' : 'light'}
          locale={query.get('locale') === 'fr' ? 'fr' : 'en'}
          onEvent={(event) => setEvents((seen) => [...seen, event])}
        />
      )}
      <h2>Events</h2>
      <ol id="events" aria-live="polite">
        {events.map((event, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log
          <li key={index} data-event={event.type}>
            {JSON.stringify(event)}
          </li>
        ))}
      </ol>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ExampleApp />
  </StrictMode>,
);
