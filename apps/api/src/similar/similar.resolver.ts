import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  Float,
  InputType,
  Int,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import { DomainRuleError, type FactorCategory } from '@kb/domain';
import { MAX_SIMILAR_COUNT, similarToDescription, type SimilarityMatch } from '@kb/read-models';
import type { ApiContext } from '../graphql/api-context';
import { FactorCategoryEnum } from '../graphql/enums';
import { Allow } from '../graphql/roles.guard';
import { DateTimeScalar } from '../graphql/scalars';
import { Finding, Incident } from '../incidents/incident.type';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';

/** Most characters of a described failure's title and summary, as the incident's own limits allow. */
const MAX_DESCRIPTION_LENGTH = 4_000;

@ObjectType()
export class SimilarIncident {
  @Field(() => Incident)
  incident!: Incident;

  @Field(() => Float, { description: 'Closeness in [0, 1], higher is closer.' })
  score!: number;

  @Field(() => [String], {
    description:
      "Why it was chosen, in words, e.g. 'same service: checkout', 'same factor: CONFIG_CHANGE', 'shared words: certificate, expired'; at least one.",
  })
  reasons!: string[];
}

@InputType({
  description:
    "Describe a failure that is not stored yet (for example while it is being reported). Services and factor categories are signals that raise a candidate's score, never filters.",
})
export class SimilarIncidentsInput {
  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  summary?: string | null;

  @Field(() => [String], { nullable: true })
  services?: string[] | null;

  @Field(() => [FactorCategoryEnum], { nullable: true })
  factorCategories?: FactorCategory[] | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Only incidents started strictly before this instant (default: now).',
  })
  before?: string | null;
}

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_SIMILAR_COUNT)
    throw new DomainRuleError('first', `must be an integer from 1 to ${MAX_SIMILAR_COUNT}, got ${first}.`);
}

/** The matches with their incidents (a match whose row is gone, after a rebuild, is left out). */
async function withIncidents(matches: SimilarityMatch[], context: ApiContext) {
  const incidents = await Promise.all(
    matches.map((match) => context.loaders.incident.load(match.incidentId)),
  );
  return matches.flatMap((match, index) => {
    const incident = incidents[index];
    return incident ? [{ incident, score: match.score, reasons: match.reasons }] : [];
  });
}

/** Earlier incidents resembling one, or a failure described in words, with their lessons. */
@Resolver(() => SimilarIncident)
export class SimilarIncidentResolver {
  constructor(@Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Allow('VIEWER')
  @Query(() => [SimilarIncident], {
    description:
      'Earlier incidents of any kind resembling a failure described in words (before it is reported), by score descending; first is 1 to 50.',
  })
  async similarIncidents(
    @Args('input', { type: () => SimilarIncidentsInput }) input: SimilarIncidentsInput,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 5 }) first: number,
    @Context() context: ApiContext,
  ): Promise<SimilarIncident[]> {
    checkFirst(first);
    for (const field of ['title', 'summary'] as const)
      if ((input[field]?.length ?? 0) > MAX_DESCRIPTION_LENGTH)
        throw new DomainRuleError(field, `must be at most ${MAX_DESCRIPTION_LENGTH} characters long.`);
    const matches = await similarToDescription(
      this.dataSource,
      {
        title: input.title,
        summary: input.summary,
        services: input.services,
        factorCategories: input.factorCategories,
        before: input.before ?? new Date().toISOString(),
      },
      first,
    );
    return withIncidents(matches, context);
  }

  @ResolveField(() => [Finding], {
    description: 'Its LESSON_LEARNED findings that are not retracted, oldest first.',
  })
  async lessons(@Parent() similar: SimilarIncident, @Context() context: ApiContext): Promise<Finding[]> {
    return context.loaders.lessonsOfIncident.load(similar.incident.id);
  }
}

/** `Incident.similar`: one ranking per incident, the incidents of a page read together (a DataLoader). */
@Resolver(() => Incident)
export class IncidentSimilarResolver {
  @ResolveField(() => [SimilarIncident], {
    description:
      'Earlier incidents of any kind that resemble this one (startedAt strictly before its startedAt), by score descending, with what was learned from them; first is 1 to 50.',
  })
  async similar(
    @Parent() incident: Incident,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 5 }) first: number,
    @Context() context: ApiContext,
  ): Promise<SimilarIncident[]> {
    checkFirst(first);
    const matches = await context.loaders.similarOfIncident.load({ incidentId: incident.id, first });
    return withIncidents(matches, context);
  }
}
