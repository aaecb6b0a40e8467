import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../graphql/generated';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'signed-out' | 'gone';

/** A GraphQL error the server answered, with its `extensions.code` (UNAUTHENTICATED, FORBIDDEN, …). */
export class GraphqlError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'cosmos.token';
/** Reconnects back off to this, and give up (saying so, with a button) after this long. */
const MAX_RETRY_WAIT_MS = 5_000;
const GIVE_UP_AFTER_MS = 10 * 60_000;
const CALL_TIMEOUT_MS = 30_000;

/**
 * One graphql-ws socket carries every query, mutation and subscription of the page, so the token
 * is presented once (connection_init) and "reconnecting" means the same thing for every view.
 * Views resubscribe when the state returns to `connected` (useSubscription), resuming from where
 * they were (runLog's afterLine, eventAppended's afterPosition).
 */
export class CosmosClient {
  private socket: Client;
  private state: ConnectionState = 'connecting';
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private lostAt: number | null = null;
  /** Bumped on every (re)connect: subscribers compare it to know they must resume. */
  generation = 0;

  constructor(private readonly url: string) {
    this.socket = this.open();
  }

  get connection(): ConnectionState {
    return this.state;
  }

  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps the token for the socket and, as a SameSite cookie, for players and downloads. */
  signIn(token: string): void {
    localStorage.setItem(TOKEN_KEY, token);
    document.cookie = `cosmos_token=${encodeURIComponent(token)}; path=/; SameSite=Strict`;
    this.reopen();
  }

  signOut(): void {
    localStorage.removeItem(TOKEN_KEY);
    document.cookie = 'cosmos_token=; path=/; SameSite=Strict; max-age=0';
    this.reopen();
  }

  /** After giving up: try again now. */
  reconnect(): void {
    this.reopen();
  }

  request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let result: R | undefined;
      const timer = setTimeout(() => {
        stop();
        reject(new GraphqlError(`No answer within ${CALL_TIMEOUT_MS / 1000} s`, 'TIMEOUT'));
      }, CALL_TIMEOUT_MS);
      const stop = this.socket.subscribe<R>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        {
          next: (answer) => {
            if (answer.errors?.length) {
              const first = answer.errors[0]!;
              reject(new GraphqlError(first.message, (first.extensions as { code?: string } | undefined)?.code));
            } else result = answer.data as R;
          },
          error: (error) => {
            clearTimeout(timer);
            reject(asError(error));
          },
          complete: () => {
            clearTimeout(timer);
            if (result !== undefined) resolve(result);
          },
        },
      );
    });
  }

  subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V, onData: (data: R) => void, onError: (error: GraphqlError) => void = () => undefined): () => void {
    return this.socket.subscribe<R>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (answer) => {
          if (answer.errors?.length) onError(new GraphqlError(answer.errors[0]!.message, (answer.errors[0]!.extensions as { code?: string } | undefined)?.code));
          else if (answer.data) onData(answer.data as R);
        },
        error: (error) => onError(asError(error)),
        complete: () => undefined,
      },
    );
  }

  private reopen(): void {
    void this.socket.dispose();
    this.lostAt = null;
    this.socket = this.open();
  }

  private open(): Client {
    this.set(this.generation === 0 ? 'connecting' : 'reconnecting');
    return createClient({
      url: this.url,
      lazy: false,
      keepAlive: 15_000,
      connectionParams: () => (this.token ? { authorization: `Bearer ${this.token}` } : {}),
      // Bounded by time rather than count: a restarting service comes back within minutes.
      retryAttempts: Number.MAX_SAFE_INTEGER,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** retries) * (0.75 + Math.random() / 2))),
      shouldRetry: (event) => {
        const code = (event as { code?: number }).code;
        if (code === 4401) return false; // no (valid) token: asking again cannot help
        this.lostAt ??= Date.now();
        return Date.now() - this.lostAt < GIVE_UP_AFTER_MS;
      },
      on: {
        connected: () => {
          this.lostAt = null;
          this.generation += 1;
          this.set('connected');
        },
        closed: (event) => {
          const code = (event as { code?: number }).code;
          if (code === 4401) return this.set('signed-out');
          if (this.state === 'signed-out') return;
          this.set(this.lostAt !== null && Date.now() - this.lostAt >= GIVE_UP_AFTER_MS ? 'gone' : 'reconnecting');
        },
      },
    });
  }

  private set(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

function asError(error: unknown): GraphqlError {
  if (error instanceof GraphqlError) return error;
  if (Array.isArray(error) && error[0]?.message) return new GraphqlError(String(error[0].message), error[0].extensions?.code);
  const code = (error as { code?: number }).code;
  if (code === 4401) return new GraphqlError('Sign in with a token to use this service', 'UNAUTHENTICATED');
  return new GraphqlError(error instanceof Error ? error.message : 'The connection to the service was lost', 'DISCONNECTED');
}
