import { Inject } from '@nestjs/common';
import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import {
  actionItemHealth,
  contributingFactors,
  incidentTrend,
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
  recurrence(@Args('input') input: PeriodInputType): Promise<RecurrenceReport> {
    return recurrence(this.dataSource, input) as Promise<RecurrenceReport>;
  }
}

@Resolver(() => RecurrenceCluster)
export class RecurrenceClusterResolver {
  @ResolveField(() => [Incident], { description: 'The incidents of the cluster, oldest first.' })
  async incidents(@Parent() cluster: RecurrenceCluster, @Context() context: ApiContext): Promise<Incident[]> {
    const incidents = await context.loaders.incident.loadMany([...cluster.incidentIds]);
    return incidents.filter(
      (incident): incident is Incident => incident !== null && !(incident instanceof Error),
    );
  }
}
