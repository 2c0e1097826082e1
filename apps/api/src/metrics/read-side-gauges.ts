import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { INCIDENT_KINDS, SEVERITIES } from '@kb/domain';
import {
  alertingCounts,
  POSTMORTEM_SEVERITIES,
  Projector,
  type AlertingCounts,
  type ProjectionRunState,
  type ProjectionRunStatus,
} from '@kb/read-models';
import { SharedResultCache } from '../health/shared-result-cache';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { OTHER_LABEL_VALUE } from './bounded-label-values';
import { ServiceMetrics } from './service-metrics';

/** How long one reading of the read side answers scrapes: a scrape every second costs one per 15 s. */
export const READ_SIDE_GAUGES_TTL_MS = 15_000;
/** Teams shown one by one in kb_action_items_overdue, most overdue first; the rest add up to `(other)`. */
export const MAX_TEAM_LABELS = 100;

const PROJECTION_STATES: readonly ProjectionRunState[] = [
  'stopped',
  'catching-up',
  'live',
  'stalled',
  'rebuilding',
  'failed',
  'standby',
];

interface ReadSideReading {
  readonly projections: ReadonlyArray<ProjectionRunStatus & { lag: number }>;
  readonly counts: AlertingCounts;
}

/**
 * Gauges read from the read side when Prometheus scrapes: projections (lag, dead letters, state) and
 * the knowledge base's counts that teams alert on. Both are read at most once per 15 s, shared by
 * every scrape meanwhile, so scraping stays cheap however often it comes.
 */
@Injectable()
export class ReadSideGauges {
  private readonly reading: SharedResultCache<ReadSideReading>;

  constructor(
    metrics: ServiceMetrics,
    projector: Projector,
    @Inject(READ_MODEL_DATA_SOURCE) dataSource: DataSource,
  ) {
    this.reading = new SharedResultCache(
      async () => ({
        projections: await projector.statusWithLag(),
        counts: await alertingCounts(dataSource, new Date()),
      }),
      READ_SIDE_GAUGES_TTL_MS,
    );
    const registers = [metrics.registry];
    const read = () => this.reading.get();

    new Gauge({
      name: 'kb_projection_lag_events',
      help: 'Events of the log a projection has still to apply (counted up to 4096).',
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        this.reset();
        for (const status of (await read()).projections) this.set({ projection: status.name }, status.lag);
      },
    });
    new Gauge({
      name: 'kb_projection_dead_letters',
      help: 'Events a projection parked because it could not apply them; they wait for a fix and a retry.',
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        this.reset();
        for (const status of (await read()).projections)
          this.set({ projection: status.name }, status.deadLetters);
      },
    });
    new Gauge({
      name: 'kb_projection_state',
      help: 'State of each projection: 1 for the state it is in, 0 for the others.',
      labelNames: ['projection', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        for (const status of (await read()).projections)
          for (const state of PROJECTION_STATES)
            this.set({ projection: status.name, state }, status.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kb_incidents_open',
      help: 'Incidents not resolved yet (status OPEN or MITIGATED), by severity and kind.',
      labelNames: ['severity', 'kind'] as const,
      registers,
      async collect() {
        this.reset();
        for (const severity of SEVERITIES) for (const kind of INCIDENT_KINDS) this.set({ severity, kind }, 0);
        for (const row of (await read()).counts.unresolvedIncidents)
          this.set({ severity: row.severity, kind: row.kind }, row.count);
      },
    });
    new Gauge({
      name: 'kb_action_items_overdue',
      help: `Action items OPEN or IN_PROGRESS past their due date, by owner team (the ${MAX_TEAM_LABELS} with most; the rest as (other)).`,
      labelNames: ['owner_team'] as const,
      registers,
      async collect() {
        this.reset();
        for (const [team, count] of byTeam((await read()).counts)) this.set({ owner_team: team }, count);
      },
    });
    new Gauge({
      name: 'kb_postmortems_overdue',
      help: 'Incidents whose postmortem deadline (postmortemDueAt, set by the postmortem policy) has passed with no postmortem published, by severity.',
      labelNames: ['severity'] as const,
      registers,
      async collect() {
        this.reset();
        for (const severity of POSTMORTEM_SEVERITIES) this.set({ severity }, 0);
        for (const row of (await read()).counts.overduePostmortems)
          this.set({ severity: row.severity }, row.count);
      },
    });
  }
}

/** Overdue counts per team: the MAX_TEAM_LABELS largest (ties by name), the others summed as `(other)`. */
function byTeam(counts: AlertingCounts): Map<string, number> {
  const sorted = [...counts.overdueActionItems].sort(
    (a, b) => b.count - a.count || a.ownerTeam.localeCompare(b.ownerTeam),
  );
  const teams = new Map(sorted.slice(0, MAX_TEAM_LABELS).map((row) => [row.ownerTeam, row.count]));
  const rest = sorted.slice(MAX_TEAM_LABELS).reduce((sum, row) => sum + row.count, 0);
  if (rest > 0) teams.set(OTHER_LABEL_VALUE, rest);
  return teams;
}
