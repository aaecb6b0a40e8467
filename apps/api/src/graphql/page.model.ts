import type { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Page } from '../../../../libs/read-models/src/index.js';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor: string | null;
}

export interface Edge<N> {
  cursor: string;
  node: N;
}

/**
 * The `<Node>Edge` type and a base for `<Node>Connection`, so every plain connection has the same
 * shape: `edges { cursor node }`, `pageInfo`, `totalCount`.
 */
export function ConnectionOf<N>(nodeType: Type<N>) {
  @ObjectType(`${nodeType.name}Edge`)
  class EdgeType implements Edge<N> {
    @Field()
    cursor: string;

    @Field(() => nodeType)
    node: N;
  }

  @ObjectType({ isAbstract: true })
  abstract class ConnectionType {
    @Field(() => [EdgeType])
    edges: Edge<N>[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int)
    totalCount: number;
  }
  return ConnectionType;
}

/** A read-model page as a connection's fields, each node mapped to its GraphQL type. */
export function connectionFields<T, N>(page: Page<T>, toNode: (item: T) => N): { edges: Edge<N>[]; pageInfo: PageInfo; totalCount: number } {
  return {
    totalCount: page.totalCount,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    edges: page.items.map(({ cursor, node }) => ({ cursor, node: toNode(node) })),
  };
}
