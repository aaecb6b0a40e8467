import { type FormEvent, useEffect, useState } from 'react';
import { Dialog, Link } from './components/ui';
import { useClient, useConnection } from './lib/hooks';
import { parseRoute, type Route, routePath, useLocation } from './lib/router';
import { chooseTheme, storedTheme, type Theme } from './lib/theme';
import { HistoryView } from './views/history';
import { InputsView } from './views/inputs';
import { JobView } from './views/job';
import { LineageView } from './views/lineage';
import { PromptsView } from './views/prompts';
import { QueueView } from './views/queue';
import { RunsView } from './views/runs';

const NAV: readonly [Route['view'], string][] = [
  ['inputs', 'Inputs'],
  ['prompts', 'Prompts'],
  ['queue', 'Queue'],
  ['runs', 'Runs'],
  ['history', 'History'],
];

const TITLES: Record<Route['view'], string> = { inputs: 'Inputs', prompts: 'Prompts', queue: 'Queue', runs: 'Runs', jobs: 'Job', lineage: 'Lineage', history: 'History' };

export function App() {
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  useEffect(() => {
    document.title = `${TITLES[route.view]}${'id' in route && route.id ? ` ${route.id}` : ''} · Cosmos Workflow`;
  }, [pathname]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Cosmos Workflow</span>
        <nav aria-label="Views">
          <ul>
            {NAV.map(([view, label]) => (
              <li key={view}>
                <Link to={`/${view}`} className={route.view === view || (view === 'prompts' && route.view === 'lineage') || (view === 'queue' && route.view === 'jobs') ? 'current' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {/* One group, so on a narrow screen the status wraps as a whole instead of leaving a lone button. */}
        <div className="top-status">
          <ConnectionBadge />
          <ThemeToggle />
          <SignOut />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {/* Keyed by the route, so moving from one run to another starts it afresh (tab, dialogs). */}
        <View key={routePath(route)} route={route} />
      </main>
      <SignIn />
    </>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'inputs':
      return <InputsView />;
    case 'prompts':
      return <PromptsView id={route.id} />;
    case 'queue':
      return <QueueView />;
    case 'runs':
      return <RunsView id={route.id} />;
    case 'jobs':
      return <JobView id={route.id} />;
    case 'lineage':
      return <LineageView id={route.id} />;
    case 'history':
      return <HistoryView id={route.id} />;
  }
}

const CONNECTION_TEXT = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', 'signed-out': 'Signed out', gone: 'Disconnected' } as const;

/** Always on screen (same width whatever it says): live, or reconnecting, with a retry once given up. */
function ConnectionBadge() {
  const client = useClient();
  const state = useConnection();
  return (
    <span className={`connection connection-${state}`} role="status" aria-live="polite" data-testid="connection">
      <span className="dot" aria-hidden="true" />
      {CONNECTION_TEXT[state]}
      {state === 'gone' && (
        <button type="button" className="ghost" onClick={() => client.reconnect()}>
          Retry
        </button>
      )}
    </span>
  );
}

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  const choose = () => {
    chooseTheme(next);
    setTheme(next);
  };
  return (
    <button type="button" className="ghost" aria-label={`Switch to the ${next} theme`} onClick={choose}>
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}

function SignOut() {
  const client = useClient();
  if (!client.token) return null;
  return (
    <button type="button" className="ghost" onClick={() => client.signOut()}>
      Sign out
    </button>
  );
}

/** Shown when the service refused the socket for want of a (valid) token. */
function SignIn() {
  const client = useClient();
  const state = useConnection();
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() === '') return;
    client.signIn(token.trim());
    setToken('');
  };
  return (
    <Dialog title="Sign in" open={state === 'signed-out'} onClose={() => undefined}>
      <form onSubmit={submit} className="form">
        <p>{client.token ? 'The service refused this token (unknown or revoked). ' : ''}This service asks for a token. An admin mints one with <code>npm run token -- create NAME --role viewer|operator|admin</code>.</p>
        <label htmlFor="token">Token</label>
        <input id="token" type="password" autoComplete="current-password" value={token} onChange={(event) => setToken(event.target.value)} required />
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </Dialog>
  );
}
