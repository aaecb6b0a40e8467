// The dashboard in the browser: bundled by scripts/build-web.mjs, served by the api at `/`.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { CosmosClient } from './lib/client';
import { ClientContext } from './lib/hooks';
import { storedTheme } from './lib/theme';
import './styles.css';

// Before the first render, so the page never flashes the other theme.
document.documentElement.dataset.theme = storedTheme();

const socketUrl = new URL('/graphql', location.href);
socketUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
const client = new CosmosClient(socketUrl.href);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <App />
    </ClientContext.Provider>
  </StrictMode>,
);
