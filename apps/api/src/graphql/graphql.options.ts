import type { ApolloDriverConfig } from '@nestjs/apollo';
import { Logger } from '@nestjs/common';
import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import { type AccessPolicy, isLoopback, Unauthenticated } from '../../../../libs/auth/src/index.js';
import { type CosmosConfig, redactSecrets } from '../../../../libs/config/src/index.js';
import { DomainError } from '../../../../libs/domain/src/index.js';
import type { PlaygroundAssets } from '../playground/playground.assets.js';
import { playgroundLandingPage } from '../playground/playground.page.js';
import { QueryLimits } from './query-limits.js';
import { SocketQuota } from './socket-quota.js';
import { presentedAuthorization, requestContext, type RequestSource } from './request-context.js';

const GRAPHQL_PATH = '/graphql';

/**
 * Mutations answer rule violations inside their result unions; a query has no union, so its
 * DomainError becomes a GraphQL error that still carries the machine-readable code. Any other
 * error reaches the client with its secrets (a store URI's password, a bearer token) redacted.
 */
export function withDomainCode(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown }).originalError;
  // A store's own error may quote its connection string: never to a client with the password.
  if (!(original instanceof DomainError)) return { ...formatted, message: redactSecrets(formatted.message) };
  return { ...formatted, message: original.message, extensions: { code: original.code, details: original.details } };
}

/** graphql-ws sends results without Apollo's formatError: the same codes are given here. */
function formatSocketResult(_ctx: unknown, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult): FormattedExecutionResult {
  return { ...result, errors: result.errors?.map((error) => withDomainCode(error.toJSON(), error)) };
}

const access = new Logger('Access');

/** HTTP: a caller without a valid token is answered 401 before anything runs. */
function httpContext(policy: AccessPolicy) {
  return (source: RequestSource) => {
    try {
      return requestContext(policy, source);
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      access.warn({ msg: 'access denied', what: 'POST /graphql', reason: error.details.reason });
      throw new GraphQLError(error.message, { extensions: { code: error.code, details: error.details, http: { status: 401 } } });
    }
  };
}

/**
 * WebSocket: the token is checked once, at connection_init; a socket without a valid one is closed
 * with 4401 and the reason (graphql-ws would say only 4403 Forbidden), one beyond its token's
 * quota with 4429.
 */
function authenticateSocket(policy: AccessPolicy, quota: SocketQuota) {
  return (ctx: { connectionParams?: Record<string, unknown>; extra: unknown }) => {
    // graphql-ws over ws: `extra.socket` is the ws WebSocket (close reasons are at most 123 bytes).
    const close = (code: number, reason: string) => (ctx.extra as { socket: { close(code: number, reason: string): void } }).socket.close(code, reason.slice(0, 120));
    try {
      const principal = policy.authenticate(presentedAuthorization({ connectionParams: ctx.connectionParams }));
      const refused = quota.admit(ctx, principal);
      if (refused === null) return true;
      access.warn({ msg: 'socket refused', token: principal.name, reason: refused });
      close(4429, refused);
      return false;
    } catch (error) {
      if (!(error instanceof Unauthenticated)) throw error;
      access.warn({ msg: 'access denied', what: 'WebSocket /graphql', reason: error.details.reason });
      close(4401, error.message);
      return false;
    }
  };
}

/** `auto`: a service others can reach does not describe itself to them unless told to. */
export function introspectionOn(server: Pick<CosmosConfig['server'], 'introspection' | 'host'>): boolean {
  return server.introspection === 'auto' ? isLoopback(server.host) : server.introspection === 'on';
}

export function graphqlOptions(config: CosmosConfig, playground: PlaygroundAssets, policy: AccessPolicy): ApolloDriverConfig {
  const { graphqlMaxDepth: maxDepth, graphqlMaxComplexity: maxComplexity, graphqlMaxAliases: maxAliases } = config.server;
  const limits = new QueryLimits({ maxDepth, maxComplexity, maxAliases });
  const quota = new SocketQuota(config.server.maxSocketsPerToken, config.server.maxOperationsPerSocket);
  return {
    path: GRAPHQL_PATH,
    // The schema is built in memory at start-up; `npm run schema` writes schema.gql, and a test
    // fails when the committed file differs from what the code builds.
    autoSchemaFile: true,
    sortSchema: true,
    // Nest's own GraphiQL page loads from a CDN; ours is bundled (playgroundLandingPage below).
    graphiql: false,
    subscriptions: {
      'graphql-ws': {
        path: GRAPHQL_PATH,
        onConnect: authenticateSocket(policy, quota),
        onDisconnect: (ctx: object) => quota.release(ctx),
        // Apollo's validation and plugins never see socket operations: the same limits apply here.
        onSubscribe: (ctx: { subscriptions: Record<string, unknown> }, _id: string, payload: Parameters<QueryLimits['checkSocketOperation']>[0]) => {
          const refused = quota.operationRefusal(ctx);
          return refused ? [refused] : limits.checkSocketOperation(payload);
        },
        onNext: formatSocketResult,
      },
    },
    context: httpContext(policy),
    validationRules: limits.validationRules(),
    introspection: introspectionOn(config.server),
    formatError: withDomainCode,
    // Apollo sends stack traces (absolute server paths) outside production unless told not to.
    includeStacktraceInErrorResponses: config.server.graphqlStackTraces,
    plugins: [
      limits.apolloPlugin(),
      ...(config.server.playground ? [playgroundLandingPage(playground, GRAPHQL_PATH)] : []),
    ],
  };
}
