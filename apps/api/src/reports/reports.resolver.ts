import { Inject } from '@nestjs/common';
import { Args, Context, Info, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { DataSource } from 'typeorm';
import {
  actionItemHealth,
  contributingFactors,
  incidentTrend,
  learning,
  recurrence,
  responseTimes,
} from '@kb/read-models';
import type { ApiContext } from '../graphql/api-context';
import { Allow } from '../graphql/roles.guard';
import { Incident } from '../incidents/incident.type';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import {
  ActionItemHealthInputType,
  ActionItemHealthRow,
  FactorRank,
  LearningInputType,
  LearningPoint,
  PeriodInputType,
  RecurrenceCluster,
  RecurrenceReport,
  ResponseTimePoint,
  TrendInputType,
  TrendPoint,
} from './report.types';

/** The failure-trend reports (read models only; the definitions are the contract's). */
@Resolver()
export class ReportsResolver {
  constructor(@Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Allow('VIEWER')
  @Query(() => [TrendPoint], { description: 'Incidents started per bucket of the period (and per group).' })
  incidentTrend(@Args('input') input: TrendInputType): Promise<TrendPoint[]> {
    return incidentTrend(this.dataSource, input);
  }

  @Allow('VIEWER')
  @Query(() => [ResponseTimePoint], {
    description:
      'Time to detect, acknowledge, mitigate and resolve per bucket (and group): count, mean, median, p90.',
  })
  responseTimes(@Args('input') input: TrendInputType): Promise<ResponseTimePoint[]> {
    return responseTimes(this.dataSource, input);
  }

  @Allow('VIEWER')
  @Query(() => [FactorRank], {
    description: 'Contributing-factor categories of the period, most frequent first.',
  })
  contributingFactors(@Args('input') input: PeriodInputType): Promise<FactorRank[]> {
    return contributingFactors(this.dataSource, input);
  }

  @Allow('VIEWER')
  @Query(() => [ActionItemHealthRow], {
    description: 'Action items by status as of an instant, with overdue and completion.',
  })
  actionItemHealth(@Args('input') input: ActionItemHealthInputType): Promise<ActionItemHealthRow[]> {
    return actionItemHealth(this.dataSource, { ...input, asOf: input.asOf ?? new Date().toISOString() });
  }

  @Allow('VIEWER')
  @Query(() => RecurrenceReport, {
    description: 'How often incidents of the period recur, and the clusters they form.',
  })
  recurrence(
    @Args('input') input: PeriodInputType,
    @Info() info: GraphQLResolveInfo,
  ): Promise<RecurrenceReport> {
    // A cluster's incidents can run to thousands at 100,000 incidents: look them up only when asked.
    return recurrence(this.dataSource, input, {
      clusterIncidents: selectsField(info, ['clusters', 'incidents']),
    }) as Promise<RecurrenceReport>;
  }

  @Allow('VIEWER')
  @Query(() => [LearningPoint], {
    description:
      'Learning indicators per bucket: near-miss reporting, postmortems, action items, experiments.',
  })
  learning(@Args('input') input: LearningInputType): Promise<LearningPoint[]> {
    return learning(this.dataSource, { ...input, asOf: input.asOf ?? new Date().toISOString() });
  }
}

@Resolver(() => RecurrenceCluster)
export class RecurrenceClusterResolver {
  @ResolveField(() => [Incident], { description: 'The incidents of the cluster, oldest first.' })
  async incidents(@Parent() cluster: RecurrenceCluster, @Context() context: ApiContext): Promise<Incident[]> {
    if (cluster.incidentIds === null)
      throw new Error("The recurrence report was computed without the clusters' incidents.");
    const incidents = await context.loaders.incident.loadMany([...cluster.incidentIds]);
    return incidents.filter(
      (incident): incident is Incident => incident !== null && !(incident instanceof Error),
    );
  }
}

/**
 * Whether the request selects the field at `path` below the resolved one (e.g. clusters, then
 * incidents). Fragments are not followed: a selection with any fragment counts as selecting it, so
 * the answer may be a needless yes, never a wrong no.
 */
export function selectsField(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((node) =>
    node.selectionSet ? [node.selectionSet] : [],
  );
  for (const name of path) {
    const next: SelectionSetNode[] = [];
    for (const set of sets)
      for (const selection of set.selections) {
        if (selection.kind !== Kind.FIELD) return true;
        if (selection.name.value === name && selection.selectionSet) next.push(selection.selectionSet);
        else if (selection.name.value === name) return true;
      }
    if (next.length === 0) return false;
    sets = next;
  }
  return true;
}
