import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, storedKey, storeKey } from './api';
import { IncidentView } from './pages/incident';
import { ReportPage } from './pages/report';
import { IncidentsPage } from './pages/search';
import { TrendsPage } from './pages/trends';
import { allows, roleOfKey, type Role } from './session';
import { advice } from './ui';
import './styles.css';

/** Where the page is: the part of the URL after `#` (the service serves one page; no key ever goes here). */
type Route =
  | { page: 'trends' }
  | { page: 'incidents'; query: string }
  | { page: 'incident'; id: string; asOf: string | null }
  | { page: 'report' };

export function parseRoute(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'incidents' && parts[1])
    return { page: 'incident', id: parts[1], asOf: params.get('asOf') };
  if (parts[0] === 'incidents') return { page: 'incidents', query: params.get('q') ?? '' };
  if (parts[0] === 'report') return { page: 'report' };
  return { page: 'trends' };
}

function useRoute(): [Route, (hash: string) => void] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return [parseRoute(hash), (next) => (location.hash = next)];
}

function KeyForm({ onKey, problem }: { onKey: (key: string) => void; problem: string | null }) {
  const [key, setKey] = useState('');
  return (
    <main id="main" class="sign-in">
      <h1>Failure knowledge base</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) onKey(key.trim());
        }}
      >
        <label>
          API key
          <input
            type="password"
            name="apiKey"
            autoComplete="off"
            required
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </label>
        <p class="note">
          The key is kept for this browser tab only (session storage) and sent in a header, never in a link.
          An admin creates keys with <code>createApiKey</code>; on its first start the service writes an ADMIN
          key to <code>data/bootstrap-api-key.txt</code>.
        </p>
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit">Open the dashboard</button>
      </form>
    </main>
  );
}

type Session =
  { state: 'none'; problem: string | null } | { state: 'checking' } | { state: 'ready'; role: Role };

function App() {
  const [session, setSession] = useState<Session>(() =>
    storedKey() ? { state: 'checking' } : { state: 'none', problem: null },
  );
  const [route, navigate] = useRoute();

  useEffect(() => {
    if (session.state !== 'checking') return;
    roleOfKey().then(
      (role) => setSession({ state: 'ready', role }),
      (error: unknown) => {
        storeKey(null);
        const problem =
          error instanceof ApiError && error.code === 'UNAUTHENTICATED'
            ? 'This key is unknown or was revoked. Check it, or ask an admin for a new one.'
            : error instanceof Error
              ? `${error.message} ${advice(error)}`
              : String(error);
        setSession({ state: 'none', problem });
      },
    );
  }, [session.state]);

  if (session.state === 'none')
    return (
      <KeyForm
        problem={session.problem}
        onKey={(key) => {
          storeKey(key);
          setSession({ state: 'checking' });
        }}
      />
    );
  if (session.state === 'checking')
    return (
      <main id="main">
        <p class="loading" role="status">
          Checking the key…
        </p>
      </main>
    );

  const { role } = session;
  const current = route.page;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <nav aria-label="Main">
          <a href="#/" aria-current={current === 'trends' ? 'page' : undefined}>
            Trends
          </a>
          <a href="#/incidents" aria-current={current === 'incidents' ? 'page' : undefined}>
            Incidents
          </a>
          {allows(role, 'CONTRIBUTOR') && (
            <a href="#/report" aria-current={current === 'report' ? 'page' : undefined}>
              Report a failure
            </a>
          )}
        </nav>
        <p class="who">
          Signed in with a <strong data-role={role}>{role}</strong> key{' '}
          <button
            type="button"
            onClick={() => {
              storeKey(null);
              setSession({ state: 'none', problem: null });
            }}
          >
            Sign out
          </button>
        </p>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'trends' && <TrendsPage role={role} />}
        {route.page === 'incidents' && (
          <IncidentsPage key={route.query} query={route.query} navigate={navigate} />
        )}
        {route.page === 'incident' && (
          <IncidentView
            key={`${route.id}@${route.asOf}`}
            id={route.id}
            asOf={route.asOf}
            role={role}
            navigate={navigate}
          />
        )}
        {route.page === 'report' &&
          (allows(role, 'CONTRIBUTOR') ? (
            <ReportPage navigate={navigate} />
          ) : (
            <p class="note">Reporting needs a CONTRIBUTOR key or higher; this key may read only.</p>
          ))}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
