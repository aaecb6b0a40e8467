// The browser side of the playground: GraphiQL bundled from npm at build time
// (scripts/build-playground.mjs), served from our own origin, so it works with no internet.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';
import { WELCOME } from './welcome';

const root = document.getElementById('graphiql')!;
const endpoint = new URL(root.dataset.endpoint ?? '/graphql', window.location.href);
const socketUrl = new URL(endpoint);
socketUrl.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

// With tokens in use, the Authorization header typed in GraphiQL's Headers tab also opens the
// socket (as connection_init's `authorization`): the fetcher notes the headers of each operation.
let typedHeaders: Record<string, unknown> = {};

function socketParams(): Record<string, unknown> {
  const authorization = typedHeaders.Authorization ?? typedHeaders.authorization;
  return typeof authorization === 'string' ? { authorization } : {};
}

// Our own client rather than the toolkit's lazy import, so the socket retries a bounded number
// of times (a restarted server is picked up; a gone one ends in an error you can read).
const wsClient = createClient({ url: socketUrl.href, retryAttempts: 5, lazy: true, connectionParams: socketParams });
const baseFetcher = createGraphiQLFetcher({ url: endpoint.href, wsClient });
const fetcher: typeof baseFetcher = (params, options) => {
  typedHeaders = options?.headers ?? {};
  return baseFetcher(params, options);
};

// `?query=` opens the page on a given operation: links from docs and logs, and the browser tests.
const query = new URLSearchParams(window.location.search).get('query') ?? undefined;

createRoot(root).render(<GraphiQL fetcher={fetcher} defaultQuery={WELCOME} query={query} />);
