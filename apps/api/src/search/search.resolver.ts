import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  createUnionType,
  Field,
  Float,
  Int,
  ObjectType,
  Query,
  Resolver,
} from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import { DomainRuleError } from '@kb/domain';
import {
  encodeSearchCursor,
  decodeSearchCursor,
  searchReadModel,
  type SearchHit as SearchRow,
} from '@kb/read-models';
import { ActionItem } from '../action-items/action-item.type';
import type { ApiContext } from '../graphql/api-context';
import { ConnectionType, MAX_PAGE_SIZE, type Connection } from '../graphql/connection';
import { Allow } from '../graphql/roles.guard';
import { Finding, Incident } from '../incidents/incident.type';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';

/** Most characters of a search query. */
export const MAX_SEARCH_QUERY_LENGTH = 500;

type Found =
  | (Incident & { __typename: 'Incident' })
  | (Finding & { __typename: 'Finding' })
  | (ActionItem & { __typename: 'ActionItem' });

export const SearchResult = createUnionType({
  name: 'SearchResult',
  types: () => [Incident, Finding, ActionItem] as const,
  resolveType: (value: Found) => value.__typename,
});

@ObjectType()
export class SearchHit {
  @Field(() => Float, { description: 'Higher is better; comparable only within one result list.' })
  score!: number;

  @Field({ description: 'Matched text with the matching words marked by <mark>...</mark>.' })
  snippet!: string;

  @Field(() => SearchResult)
  result!: Found;
}

export const SearchConnection = ConnectionType('Search', () => SearchHit);

@Resolver()
export class SearchResolver {
  constructor(@Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Allow('VIEWER')
  @Query(() => SearchConnection, {
    description:
      'Full-text search over incident titles and summaries, findings, postmortems, timeline entries and action items. Quotes and operators are taken as plain words.',
  })
  async search(
    @Args('query') query: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Context() context: ApiContext,
  ): Promise<Connection<SearchHit>> {
    if (query.length > MAX_SEARCH_QUERY_LENGTH)
      throw new DomainRuleError('query', `must be at most ${MAX_SEARCH_QUERY_LENGTH} characters long.`);
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
      throw new DomainRuleError('first', `must be an integer from 0 to ${MAX_PAGE_SIZE}, got ${first}.`);
    const offset = after ? decodeSearchCursor(after) : 0;
    const page = await searchReadModel(this.dataSource, { query, first, after });
    const results = await Promise.all(page.hits.map((hit) => this.resultOf(hit, context)));
    const edges = page.hits.flatMap((hit, index) => {
      const result = results[index];
      // A hit whose row is gone (a rebuild between the two reads) is left out rather than failing the page.
      return result
        ? [
            {
              cursor: encodeSearchCursor(offset + index + 1),
              node: { score: hit.score, snippet: hit.snippet, result },
            },
          ]
        : [];
    });
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  private async resultOf(hit: SearchRow, context: ApiContext): Promise<Found | null> {
    switch (hit.kind) {
      case 'INCIDENT': {
        const row = await context.loaders.incident.load(hit.id);
        return row && { ...row, __typename: 'Incident' };
      }
      case 'FINDING': {
        const row = await context.loaders.finding.load(hit.id);
        return row && { ...row, __typename: 'Finding' };
      }
      case 'ACTION_ITEM': {
        const row = await context.loaders.actionItem.load(hit.id);
        return row && { ...row, __typename: 'ActionItem' };
      }
    }
  }
}
