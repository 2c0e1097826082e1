import {
  CAUSAL_FINDING_KINDS,
  DETECTION_SOURCES,
  FACTOR_CATEGORIES,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  SEVERITIES,
  type DetectionSource,
  type FactorCategory,
  type IncidentKind,
  type IncidentStatus,
  type Severity,
} from '@kb/domain';
import type { SelectQueryBuilder } from 'typeorm';
import {
  filterList,
  keysetPage,
  managerOf,
  timeArgument,
  type Connection,
  type ReadModelQueryable,
} from '../query-arguments';
import { IncidentRow } from './incident.entity';

/**
 * The contract's IncidentFilter. Every field narrows the list (AND between fields); a list matches
 * any of its values (OR within a field). Absent, null or an EMPTY list means no constraint on that
 * field. Lists hold at most 100 values.
 */
export interface IncidentFilter {
  readonly kinds?: readonly IncidentKind[] | null;
  readonly severities?: readonly Severity[] | null;
  readonly statuses?: readonly IncidentStatus[] | null;
  /** Incidents affecting any of these services. */
  readonly services?: readonly string[] | null;
  /** Incidents with any of these tags. */
  readonly tags?: readonly string[] | null;
  readonly detectionSources?: readonly DetectionSource[] | null;
  /** Incidents with a non-retracted TRIGGER or CONTRIBUTING_FACTOR finding of any of these categories. */
  readonly factorCategories?: readonly FactorCategory[] | null;
  /** Inclusive: startedAt >= startedFrom. */
  readonly startedFrom?: string | Date | null;
  /** Exclusive: startedAt < startedTo. */
  readonly startedTo?: string | Date | null;
}

export interface ListIncidentsArgs {
  readonly filter?: IncidentFilter | null;
  /** 0..100; absent means 20. */
  readonly first?: number | null;
  /** An edge's cursor or endCursor from an earlier page of this list. */
  readonly after?: string | null;
}

export type IncidentConnection = Connection<IncidentRow>;

export const INCIDENT_LIST_CURSOR = 'incidents';

/**
 * Incidents newest first (startedAt DESC, id DESC), a page at a time. Keyset pagination: a cursor
 * stays valid and the pages neither repeat nor skip rows while incidents are added (an incident whose
 * startedAt is revised moves in the order, as it would in any sorted list). Two statements: the page
 * and the total count of the filter. Throws InvalidQueryArgumentError on a bad `first`, `after` or
 * filter value.
 */
export async function listIncidents(
  queryable: ReadModelQueryable,
  args: ListIncidentsArgs = {},
): Promise<IncidentConnection> {
  const query = managerOf(queryable).createQueryBuilder(IncidentRow, 'i');
  applyIncidentFilter(query, args.filter ?? {});
  return keysetPage(
    query,
    { time: 'i.started_at', id: 'i.id' },
    INCIDENT_LIST_CURSOR,
    (row) => ({ time: row.startedAt, id: row.id }),
    args,
  );
}

function applyIncidentFilter(query: SelectQueryBuilder<IncidentRow>, filter: IncidentFilter): void {
  const kinds = filterList('filter.kinds', filter.kinds, INCIDENT_KINDS);
  const severities = filterList('filter.severities', filter.severities, SEVERITIES);
  const statuses = filterList('filter.statuses', filter.statuses, INCIDENT_STATUSES);
  const services = filterList('filter.services', filter.services);
  const tags = filterList('filter.tags', filter.tags);
  const sources = filterList('filter.detectionSources', filter.detectionSources, DETECTION_SOURCES);
  const categories = filterList('filter.factorCategories', filter.factorCategories, FACTOR_CATEGORIES);
  const from = filter.startedFrom == null ? null : timeArgument('filter.startedFrom', filter.startedFrom);
  const to = filter.startedTo == null ? null : timeArgument('filter.startedTo', filter.startedTo);

  if (kinds) query.andWhere('i.kind IN (:...kinds)', { kinds });
  if (severities) query.andWhere('i.severity IN (:...severities)', { severities });
  if (statuses) query.andWhere('i.status IN (:...statuses)', { statuses });
  if (sources) query.andWhere('i.detection_source IN (:...sources)', { sources });
  if (from) query.andWhere('i.started_at >= :from', { from });
  if (to) query.andWhere('i.started_at < :to', { to });
  if (services)
    query.andWhere(
      'EXISTS (SELECT 1 FROM incident_services s WHERE s.incident_id = i.id AND s.service IN (:...services))',
      { services },
    );
  if (tags)
    query.andWhere(
      'EXISTS (SELECT 1 FROM incident_tags t WHERE t.incident_id = i.id AND t.tag IN (:...tags))',
      { tags },
    );
  if (categories)
    query.andWhere(
      `EXISTS (SELECT 1 FROM findings f WHERE f.incident_id = i.id AND NOT f.retracted
        AND f.kind IN (:...causalKinds) AND f.category IN (:...categories))`,
      { categories, causalKinds: [...CAUSAL_FINDING_KINDS] },
    );
}
