import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { FactorCategory } from '@kb/domain';
import type { ActionItemDimension, LearningDimension, TimeBucket, TrendDimension } from '@kb/read-models';
import {
  ActionItemDimensionEnum,
  FactorCategoryEnum,
  LearningDimensionEnum,
  TimeBucketEnum,
  TrendDimensionEnum,
} from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';
import { IncidentFilterInput } from '../incidents/incident.resolver';

@InputType('TrendInput', { description: 'Half-open period [from, to).' })
export class TrendInputType {
  @Field(() => DateTimeScalar)
  from!: string;

  @Field(() => DateTimeScalar)
  to!: string;

  @Field(() => TimeBucketEnum, { description: 'UTC buckets; WEEK is the ISO week, starting Monday.' })
  bucket!: TimeBucket;

  @Field(() => TrendDimensionEnum, { nullable: true, defaultValue: 'NONE' })
  groupBy!: TrendDimension;

  @Field(() => IncidentFilterInput, { nullable: true })
  filter?: IncidentFilterInput | null;
}

@ObjectType()
export class TrendPoint {
  @Field(() => DateTimeScalar)
  bucketStart!: string;

  @Field(() => String, {
    nullable: true,
    description: "The group's value (service name, SEV2, ...); null when groupBy is NONE.",
  })
  key!: string | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType({
  description:
    'Durations in seconds, each measured from startedAt. Incidents missing the milestone are left out of that statistic. The median and p90 interpolate linearly between the closest ranks (as PostgreSQL percentile_cont).',
})
export class DurationStats {
  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true })
  meanSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  medianSeconds!: number | null;

  @Field(() => Float, { nullable: true })
  p90Seconds!: number | null;
}

@ObjectType({
  description:
    'Time to detect = detectedAt - startedAt; acknowledge = acknowledgedAt - startedAt; mitigate = mitigatedAt - startedAt; resolve = resolvedAt - startedAt. CHAOS_EXPERIMENT and GAME_DAY incidents are left out unless the filter names those kinds.',
})
export class ResponseTimePoint {
  @Field(() => DateTimeScalar)
  bucketStart!: string;

  @Field(() => String, { nullable: true })
  key!: string | null;

  @Field(() => Int)
  incidents!: number;

  @Field(() => DurationStats)
  detect!: DurationStats;

  @Field(() => DurationStats)
  acknowledge!: DurationStats;

  @Field(() => DurationStats)
  mitigate!: DurationStats;

  @Field(() => DurationStats)
  resolve!: DurationStats;
}

@InputType('PeriodInput', {
  description: 'Half-open period [from, to); the previous period is the one of equal length just before it.',
})
export class PeriodInputType {
  @Field(() => DateTimeScalar)
  from!: string;

  @Field(() => DateTimeScalar)
  to!: string;

  @Field(() => IncidentFilterInput, { nullable: true })
  filter?: IncidentFilterInput | null;
}

@ObjectType()
export class FactorRank {
  @Field(() => FactorCategoryEnum)
  category!: FactorCategory;

  @Field(() => Int, {
    description:
      'Incidents in the period with at least one non-retracted TRIGGER or CONTRIBUTING_FACTOR finding of this category.',
  })
  incidents!: number;

  @Field(() => Float, {
    description: 'incidents / all incidents in the period that have any categorised finding.',
  })
  share!: number;

  @Field(() => Int)
  previousPeriodIncidents!: number;
}

@InputType('ActionItemHealthInput')
export class ActionItemHealthInputType {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Counts as of this instant (default: now); overdue is judged at it.',
  })
  asOf?: string | null;

  @Field(() => ActionItemDimensionEnum, { nullable: true, defaultValue: 'NONE' })
  groupBy!: ActionItemDimension;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Only action items of incidents started in [from, to).',
  })
  from?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  to?: string | null;
}

@ObjectType()
export class ActionItemHealthRow {
  @Field(() => String, { nullable: true })
  key!: string | null;

  @Field(() => Int)
  open!: number;

  @Field(() => Int)
  inProgress!: number;

  @Field(() => Int)
  done!: number;

  @Field(() => Int)
  wontDo!: number;

  @Field(() => Int)
  overdue!: number;

  @Field(() => Float, { description: 'done / (open + inProgress + done), 0 when that is 0.' })
  completionRate!: number;

  @Field(() => Float, { nullable: true })
  medianDaysToClose!: number | null;
}

@ObjectType()
export class RecurrenceCluster {
  @Field()
  service!: string;

  @Field(() => FactorCategoryEnum)
  category!: FactorCategory;

  /** Null when the request did not select the cluster's incidents (see ReportsResolver.recurrence). */
  incidentIds!: readonly string[] | null;
}

@ObjectType({
  description:
    'An incident recurs when it is linked RECURRENCE_OF an earlier one, or when an earlier incident started within 90 days before it shares a service and a contributing-factor category with it.',
})
export class RecurrenceReport {
  @Field(() => Int)
  incidents!: number;

  @Field(() => Int)
  recurrences!: number;

  @Field(() => Float, { description: 'recurrences / incidents, 0 when incidents is 0.' })
  repeatRate!: number;

  @Field(() => [RecurrenceCluster])
  clusters!: RecurrenceCluster[];
}

@InputType('LearningInput')
export class LearningInputType {
  @Field(() => DateTimeScalar)
  from!: string;

  @Field(() => DateTimeScalar)
  to!: string;

  @Field(() => TimeBucketEnum)
  bucket!: TimeBucket;

  @Field(() => LearningDimensionEnum, { nullable: true, defaultValue: 'NONE' })
  groupBy!: LearningDimension;

  @Field(() => IncidentFilterInput, { nullable: true })
  filter?: IncidentFilterInput | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'Judge what was done as of this instant (default now), by domain times: a postmortem counts when published at or before asOf, an action item when completed at or before it, an experiment when concluded at or before it; a postmortem or item is overdue when its due time is before asOf. The incidents counted are those started in the bucket, whenever they were recorded.',
  })
  asOf?: string | null;
}

@ObjectType({
  description:
    'Whether the organisation learns from its failures, per bucket of startedAt (UTC, as the trend reports). With groupBy NONE every bucket appears (key null), zero-filled; grouped, only groups with incidents of any kind in the bucket. Rates are null when their denominator is zero. "Major incidents" are those of kind INCIDENT with severity SEV1 or SEV2: the postmortem policy\'s scope. Medians are over whole values and interpolate between the two middle values of an even count.',
})
export class LearningPoint {
  @Field(() => DateTimeScalar)
  bucketStart!: string;

  @Field(() => String, { nullable: true })
  key!: string | null;

  @Field(() => Int, { description: 'Kind INCIDENT.' })
  incidents!: number;

  @Field(() => Int)
  nearMisses!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'nearMisses / incidents: a reporting culture reports near-misses eagerly.',
  })
  nearMissRatio!: number | null;

  @Field(() => Int, { description: 'Kinds CHAOS_EXPERIMENT and GAME_DAY.' })
  experiments!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Experiments concluded REFUTED / experiments concluded HELD or REFUTED (ABORTED ones are left out).',
  })
  refutedRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Major incidents with a postmortem published by asOf / major incidents.',
  })
  postmortemRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median of (publishedAt - resolvedAt) in fractional days, over major incidents that were resolved and whose postmortem was published by asOf.',
  })
  medianDaysToPostmortem!: number | null;

  @Field(() => Int, {
    description: 'Major incidents whose postmortemDueAt is before asOf with no postmortem published by asOf.',
  })
  overduePostmortems!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Incidents of kind INCIDENT with at least one action item / incidents.',
  })
  actionItemRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Of the action items of the bucket's incidents (every kind) with a due date before asOf, WONT_DO ones left out: the share completed at or before the due date.",
  })
  onTimeActionItemRate!: number | null;
}
