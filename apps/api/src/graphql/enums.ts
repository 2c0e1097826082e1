import { registerEnumType } from '@nestjs/graphql';
import {
  ACTION_ITEM_STATUSES,
  ACTION_ITEM_TYPES,
  DETECTION_SOURCES,
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

/** A GraphQL enum whose values are the strings of a domain vocabulary list (no TypeScript enum). */
function graphqlEnum<Value extends string>(
  name: string,
  values: readonly Value[],
  description?: string,
): Record<Value, Value> {
  const enumObject = Object.fromEntries(values.map((value) => [value, value])) as Record<Value, Value>;
  registerEnumType(enumObject, { name, description });
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
export const TimeBucketEnum = graphqlEnum('TimeBucket', ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const);
export const TrendDimensionEnum = graphqlEnum('TrendDimension', [
  'NONE',
  'SERVICE',
  'SEVERITY',
  'KIND',
  'DETECTION_SOURCE',
  'FACTOR_CATEGORY',
  'TAG',
] as const);
export const ActionItemDimensionEnum = graphqlEnum('ActionItemDimension', [
  'NONE',
  'OWNER_TEAM',
  'PRIORITY',
  'TYPE',
  'SERVICE',
] as const);

export const RoleEnum = graphqlEnum('Role', ROLES);
