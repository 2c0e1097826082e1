import { registerEnumType } from '@nestjs/graphql';
import {
  ACTION_ITEM_STATUSES,
  ACTION_ITEM_TYPES,
  DETECTION_SOURCES,
  EXPERIMENT_OUTCOMES,
  FACTOR_CATEGORIES,
  FINDING_KINDS,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  LINK_RELATIONS,
  MILESTONES,
  PRIORITIES,
  ROLES,
  SEVERITIES,
} from '@kb/domain';
import {
  ACTION_ITEM_DIMENSIONS,
  LEARNING_DIMENSIONS,
  TIME_BUCKETS,
  TREND_DIMENSIONS,
  WEBHOOK_DELIVERY_STATUSES,
} from '@kb/read-models';

/** A GraphQL enum whose values are the strings of a domain vocabulary list (no TypeScript enum). */
function graphqlEnum<Value extends string>(
  name: string,
  values: readonly Value[],
  description?: string,
  valueDescriptions: Partial<Record<Value, string>> = {},
): Record<Value, Value> {
  const enumObject = Object.fromEntries(values.map((value) => [value, value])) as Record<Value, Value>;
  const valuesMap = Object.fromEntries(
    Object.entries(valueDescriptions).map(([value, text]) => [value, { description: text as string }]),
  ) as Partial<Record<Value, { description: string }>>;
  registerEnumType(enumObject, { name, description, valuesMap });
  return enumObject;
}

export const IncidentKindEnum = graphqlEnum('IncidentKind', INCIDENT_KINDS);
export const SeverityEnum = graphqlEnum('Severity', SEVERITIES);
export const IncidentStatusEnum = graphqlEnum(
  'IncidentStatus',
  INCIDENT_STATUSES,
  'OPEN -> MITIGATED -> RESOLVED -> IN_REVIEW -> CLOSED (postmortem published). Reopen goes back to OPEN.',
);
export const DetectionSourceEnum = graphqlEnum('DetectionSource', DETECTION_SOURCES);
export const FindingKindEnum = graphqlEnum('FindingKind', FINDING_KINDS);
export const FactorCategoryEnum = graphqlEnum('FactorCategory', FACTOR_CATEGORIES);
export const ActionItemTypeEnum = graphqlEnum('ActionItemType', ACTION_ITEM_TYPES);
export const ActionItemStatusEnum = graphqlEnum('ActionItemStatus', ACTION_ITEM_STATUSES);
export const PriorityEnum = graphqlEnum('Priority', PRIORITIES);
export const LinkRelationEnum = graphqlEnum('LinkRelation', LINK_RELATIONS);
export const MilestoneEnum = graphqlEnum('Milestone', MILESTONES);
export const ExperimentOutcomeEnum = graphqlEnum('ExperimentOutcome', EXPERIMENT_OUTCOMES, undefined, {
  HELD: 'The steady state held: the hypothesis survived.',
  REFUTED: 'The steady state broke: the hypothesis was refuted; findings should follow.',
  ABORTED: 'Stopped before a conclusion (blast radius exceeded, abort condition met).',
});
export const TimeBucketEnum = graphqlEnum('TimeBucket', TIME_BUCKETS);
export const TrendDimensionEnum = graphqlEnum('TrendDimension', TREND_DIMENSIONS);
export const ActionItemDimensionEnum = graphqlEnum('ActionItemDimension', ACTION_ITEM_DIMENSIONS);
export const LearningDimensionEnum = graphqlEnum('LearningDimension', LEARNING_DIMENSIONS);

export const RoleEnum = graphqlEnum('Role', ROLES);
export const WebhookDeliveryStatusEnum = graphqlEnum(
  'WebhookDeliveryStatus',
  WEBHOOK_DELIVERY_STATUSES,
  undefined,
  { FAILED: 'Gave up after the retry window; redeliverWebhook sends it again.' },
);
