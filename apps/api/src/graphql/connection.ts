import type { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<Node> {
  readonly cursor: string;
  readonly node: Node;
}

export interface Connection<Node> {
  readonly edges: ReadonlyArray<Edge<Node>>;
  readonly pageInfo: PageInfo;
  readonly totalCount: number;
}

/** Most items one page may ask for (`first`). */
export const MAX_PAGE_SIZE = 100;

/**
 * The Relay connection types `<Name>Edge` and `<Name>Connection` of a node type, with `totalCount`
 * when `withTotalCount` (the event log has none: counting it would read it whole).
 */
export function ConnectionType<Node>(
  name: string,
  nodeType: () => Type<Node> | object,
  options: { withTotalCount: boolean } = { withTotalCount: true },
): Type<Connection<Node>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(nodeType)
    node!: Node;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    totalCount!: number;
  }
  if (options.withTotalCount) Field(() => Int)(ConnectionClass.prototype, 'totalCount');
  return ConnectionClass;
}
