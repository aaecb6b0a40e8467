import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { TypedDocumentString } from '../graphql/generated';
import { type ConnectionState, type CosmosClient, GraphqlError } from './client';

export const ClientContext = createContext<CosmosClient | null>(null);

/** How long after a (re)connect the server surely has a view's subscriptions registered. */
const SUBSCRIPTION_SETTLE_MS = 1000;

export function useClient(): CosmosClient {
  const client = useContext(ClientContext);
  if (client === null) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

export function useConnection(): ConnectionState {
  const client = useClient();
  return useSyncExternalStore(
    (listener) => client.onState(listener),
    () => client.connection,
  );
}

/** Bumps on every (re)connect, so queries refetch and subscriptions resume after a lost socket. */
function useGeneration(): number {
  const client = useClient();
  const state = useConnection();
  return state === 'connected' ? client.generation : -1;
}

export interface QueryState<R> {
  readonly data: R | null;
  readonly error: GraphqlError | null;
  readonly loading: boolean;
  readonly refetch: () => void;
  /** Replaces the data in place: subscriptions fold their updates into a query's answer. */
  readonly update: (change: (data: R) => R) => void;
}

/**
 * A query, fetched when its variables change and again after every reconnect (what changed while
 * the socket was down is read whole); the last answer stays on screen while the next one loads,
 * so the layout does not jump.
 */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V, options: { skip?: boolean } = {}): QueryState<R> {
  const client = useClient();
  const generation = useGeneration();
  const key = JSON.stringify(variables);
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<GraphqlError | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (options.skip || generation < 0) return;
    let current = true;
    setLoading(true);
    client.request(document, JSON.parse(key) as V).then(
      (answer) => {
        if (!current) return;
        setData(answer);
        setError(null);
        setLoading(false);
      },
      (failure: GraphqlError) => {
        if (!current) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [client, document, key, generation, nonce, options.skip]);
  // The server registers a subscription a moment after it is asked for, so a change in that moment
  // reaches neither the answer above nor the view's subscription: one more read a second after each
  // (re)connect closes the gap. Bounded, not a poll (the CLI's --wait does the same, decisions §31).
  useEffect(() => {
    if (options.skip || generation < 0) return;
    const timer = setTimeout(() => setNonce((n) => n + 1), SUBSCRIPTION_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [client, document, key, generation, options.skip]);
  const refetch = useCallback(() => setNonce((n) => n + 1), []);
  const update = useCallback((change: (data: R) => R) => setData((held) => (held === null ? held : change(held))), []);
  return { data, error, loading, refetch, update };
}

/**
 * A live subscription while the component is mounted, resubscribed after each reconnect. `onData`
 * may change between renders without resubscribing (it is read through a ref). `resume` adds
 * variables read at the moment of (re)subscribing: where to pick up (runLog's afterLine).
 */
export function useSubscription<R, V>(document: TypedDocumentString<R, V>, variables: NoInfer<V> | null, onData: (data: R) => void, resume?: () => Partial<NoInfer<V>>): GraphqlError | null {
  const client = useClient();
  const generation = useGeneration();
  const handler = useRef(onData);
  handler.current = onData;
  const resumeFrom = useRef(resume);
  resumeFrom.current = resume;
  const [error, setError] = useState<GraphqlError | null>(null);
  const key = variables === null ? null : JSON.stringify(variables);
  useEffect(() => {
    if (key === null || generation < 0) return;
    setError(null);
    const base = JSON.parse(key) as V;
    return client.subscribe(document, { ...base, ...resumeFrom.current?.() } as V, (data) => handler.current(data), setError);
  }, [client, document, key, generation]);
  return error;
}

/** A mutation's call with its pending state and its last failure (network or GraphQL). */
export function useMutation<R, V>(document: TypedDocumentString<R, V>): { run: (variables: V) => Promise<R | null>; pending: boolean; error: GraphqlError | null } {
  const client = useClient();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<GraphqlError | null>(null);
  const run = useCallback(
    async (variables: V) => {
      setPending(true);
      setError(null);
      try {
        return await client.request(document, variables);
      } catch (failure) {
        setError(failure as GraphqlError);
        return null;
      } finally {
        setPending(false);
      }
    },
    [client, document],
  );
  return { run, pending, error };
}

/** Rerenders every `ms` (elapsed times and "3 min ago" tick without a query). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Calls `action` once per `ms` at most, after the first call of a burst (live updates come in bursts). */
export function useCoalesced(action: () => void, ms: number): () => void {
  const latest = useRef(action);
  latest.current = action;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}
