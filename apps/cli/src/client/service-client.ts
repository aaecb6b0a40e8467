import { userInfo } from 'node:os';
import { CliError, EXIT, exitCodeOfUserError, type FieldProblem } from './cli-error.js';
import type { IncomingMessage } from 'node:http';
import { exchange, type HttpAnswer, HttpUnanswered, respond } from './http.js';

export interface Connection {
  /** The service's base URL, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  readonly token: string | null;
  readonly timeoutMs: number;
}

interface GraphqlError {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly details?: { readonly fields?: FieldProblem[] } };
}

/** A union member the service answers with: a result, or a UserError. */
export interface Typed {
  readonly __typename: string;
  readonly [field: string]: unknown;
}

/**
 * The one way `cosmos` talks to the service: GraphQL over HTTP, every call bounded by the
 * timeout. It never reads the stores, so it works the same against a laptop and a deployment.
 */
export class ServiceClient {
  constructor(readonly connection: Connection) {}

  get graphqlUrl(): string {
    return `${this.connection.url.replace(/\/+$/, '')}/graphql`;
  }

  get websocketUrl(): string {
    return this.graphqlUrl.replace(/^http/, 'ws');
  }

  /** Headers every way in sends: the bearer token, or the local user as the actor on an open loopback service. */
  headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-cosmos-actor': `cli:${localUser()}` };
    if (this.connection.token !== null) headers.authorization = `Bearer ${this.connection.token}`;
    return headers;
  }

  async query<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
    const answer = await this.send(new URL(this.graphqlUrl), 'POST', this.headers(), JSON.stringify({ query: document, variables }));
    let body: { data?: T; errors?: GraphqlError[] } | null = null;
    try {
      body = JSON.parse(answer.body) as { data?: T; errors?: GraphqlError[] };
    } catch {
      // Not GraphQL's answer (a proxy's error page, say): said below with the status.
    }
    const first = body?.errors?.[0];
    if (first !== undefined) throw errorOf(first, answer.status);
    if (body?.data === undefined || body.data === null) throw new CliError(EXIT.failed, `the service answered HTTP ${answer.status} without data`);
    return body.data;
  }

  /** A GET of one of the service's files (outputs, logs); `range` asks for part of it. */
  async get(path: string, range?: string): Promise<HttpAnswer> {
    const headers = range === undefined ? this.headers() : { ...this.headers(), range };
    return this.send(new URL(path, this.connection.url), 'GET', headers);
  }

  /** A GET whose body streams on once its headers arrived (an export). */
  async stream(url: URL): Promise<IncomingMessage> {
    return this.reaching(() => respond(url, { method: 'GET', headers: this.headers(), timeoutMs: this.connection.timeoutMs }));
  }

  private async send(url: URL, method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    return this.reaching(() => exchange(url, { method, headers, body, timeoutMs: this.connection.timeoutMs }));
  }

  /** A call that got no answer means the service is unreachable (exit 5), said one way. */
  private async reaching<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const reason = error instanceof HttpUnanswered ? error.reason : (error as Error).message;
      throw new CliError(EXIT.unreachable, `cannot reach the service at ${this.connection.url}: ${reason} (start it with \`npm start\`, or pass --url)`);
    }
  }
}

/** A UserError member becomes a CliError with its exit code; any other member is the result. */
export function resultOf<T extends Typed>(answer: Typed, ...expected: readonly string[]): T {
  if (expected.includes(answer.__typename)) return answer as T;
  const code = typeof answer.code === 'string' ? answer.code : answer.__typename;
  const message = typeof answer.message === 'string' ? answer.message : `the service answered ${answer.__typename}`;
  const fields = Array.isArray(answer.fields) ? (answer.fields as FieldProblem[]) : [];
  throw new CliError(exitCodeOfUserError(answer.__typename, code), message, fields, code);
}

function errorOf(error: GraphqlError, status: number): CliError {
  const code = error.extensions?.code ?? null;
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || status === 401 || status === 403) {
    const hint = code === 'FORBIDDEN' ? '' : ' (pass --token, or set COSMOS_TOKEN_FILE)';
    return new CliError(EXIT.unreachable, `${error.message}${hint}`, [], code);
  }
  if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'INVALID_INPUT') {
    return new CliError(EXIT.usage, error.message, error.extensions?.details?.fields ?? [], code);
  }
  return new CliError(EXIT.failed, error.message, [], code);
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
