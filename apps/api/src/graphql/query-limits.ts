import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError, Kind, parse, specifiedRules, validate, visit, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

// Typed through Nest's config: @apollo/server ships separate CJS and ESM declarations that clash.
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/** What a page costs when the query does not say its size: the common default page. */
const ASSUMED_PAGE_SIZE = 50;

export interface QueryLimitSettings {
  readonly maxDepth: number;
  readonly maxComplexity: number;
  readonly maxAliases: number;
}

/**
 * A paged field (one with `first`/`last`) costs its children once per item it may return, so
 * 280 aliases of `prompts(first: 200)` cost what they would make the server do.
 */
const pageSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((arg) => arg.name === 'first' || arg.name === 'last')) return undefined;
  const asked = [args.first, args.last].find((value): value is number => typeof value === 'number' && value > 0);
  return 1 + childComplexity * (asked ?? ASSUMED_PAGE_SIZE);
};

function clientError(message: string, code: string): GraphQLError {
  // The client's doing: 400, not the 500 Apollo gives an error thrown while planning.
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/**
 * Depth, cost and aliases, checked the same way for HTTP operations (an Apollo plugin) and for
 * operations over graphql-ws (its onSubscribe), which Apollo's validation never sees.
 */
export class QueryLimits {
  private schema?: GraphQLSchema;

  constructor(private readonly settings: QueryLimitSettings) {}

  /** Depth is a validation rule, so it runs before anything else on HTTP. */
  validationRules() {
    return [depthLimit(this.settings.maxDepth)];
  }

  /** The problems of an operation; empty when it may run. */
  problems(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName?: string): GraphQLError[] {
    const aliases = aliasCount(document);
    if (aliases > this.settings.maxAliases) {
      return [clientError(`The query uses ${aliases} aliases; at most ${this.settings.maxAliases} are accepted`, 'TOO_MANY_ALIASES')];
    }
    let complexity: number;
    try {
      complexity = getComplexity({
        schema,
        query: document,
        operationName,
        variables,
        estimators: [pageSizeEstimator, fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch (error) {
      // Bad variables: left to GraphQL's own validation, which names the argument.
      if (error instanceof GraphQLError) return [];
      throw error;
    }
    if (complexity > this.settings.maxComplexity) {
      return [clientError(`Query complexity ${complexity} exceeds the limit of ${this.settings.maxComplexity} (a page costs its fields once per item)`, 'QUERY_TOO_COMPLEX')];
    }
    return [];
  }

  apolloPlugin(): ApolloPlugin {
    return {
      serverWillStart: async ({ schema }) => {
        // The schema graphql-ws serves is this one: kept for checking socket operations.
        this.schema = schema;
      },
      requestDidStart: async ({ schema }) => ({
        didResolveOperation: async ({ request, document }) => {
          const [problem] = this.problems(schema, document, request.variables ?? {}, request.operationName ?? undefined);
          if (problem) throw problem;
        },
      }),
    };
  }

  /**
   * graphql-ws onSubscribe: the operation parsed and validated once, with GraphQL's own rules and
   * ours, as the execution arguments graphql-ws then runs; or the errors that refuse it.
   */
  checkSocketOperation(payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }): GraphQLError[] | ExecutionArgs {
    const { schema } = this;
    if (!schema) return [new GraphQLError('The server is starting; try again in a moment')];
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    const invalid = validate(schema, document, [...specifiedRules, ...this.validationRules()]);
    if (invalid.length > 0) return [...invalid];
    const variables = payload.variables ?? {};
    const operationName = payload.operationName ?? undefined;
    const problems = this.problems(schema, document, variables, operationName);
    return problems.length > 0 ? problems : { schema, document, variableValues: variables, operationName };
  }
}

function aliasCount(document: DocumentNode): number {
  let count = 0;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.alias) count++;
    },
  });
  return count;
}
