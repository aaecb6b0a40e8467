import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { CosmosConfig } from '../../../../libs/config/src/index.js';
import { DomainError } from '../../../../libs/domain/src/shared/domain-error.js';
import type { PlaygroundAssets } from '../playground/playground.assets.js';
import { playgroundLandingPage } from '../playground/playground.page.js';
import { requestContext } from './request-context.js';

// Typed through Nest's config: @apollo/server ships separate CJS and ESM declarations that clash.
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/** Refuses operations costlier than `max` (each field costs 1 unless it declares otherwise). */
function complexityLimit(max: number): ApolloPlugin {
  return {
    async requestDidStart({ schema }) {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > max) {
            throw new GraphQLError(`Query complexity ${complexity} exceeds the limit of ${max}`, {
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            });
          }
        },
      };
    },
  };
}

const GRAPHQL_PATH = '/graphql';

export function graphqlOptions(config: CosmosConfig, playground: PlaygroundAssets): ApolloDriverConfig {
  return {
    path: GRAPHQL_PATH,
    // The schema is built in memory at start-up; `npm run schema` writes schema.gql, and a test
    // fails when the committed file differs from what the code builds.
    autoSchemaFile: true,
    sortSchema: true,
    // Nest's own GraphiQL page loads from a CDN; ours is bundled (playgroundLandingPage below).
    graphiql: false,
    subscriptions: { 'graphql-ws': { path: GRAPHQL_PATH } },
    context: requestContext,
    validationRules: [depthLimit(config.server.graphqlMaxDepth)],
    // Mutations answer rule violations inside their result unions; a query has no union, so its
    // DomainError becomes a GraphQL error that still carries the machine-readable code.
    formatError: (formatted, error) => {
      const original = (error as { originalError?: unknown }).originalError;
      if (!(original instanceof DomainError)) return formatted;
      return { ...formatted, message: original.message, extensions: { code: original.code, details: original.details } };
    },
    plugins: [
      complexityLimit(config.server.graphqlMaxComplexity),
      ...(config.server.playground ? [playgroundLandingPage(playground, GRAPHQL_PATH)] : []),
    ],
  };
}
