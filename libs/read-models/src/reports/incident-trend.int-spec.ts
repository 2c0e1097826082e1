import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SqliteEventStore } from '@kb/event-store';
import { IncidentFactsProjection } from './facts/incident-facts.projection';
import { Projector } from '../projector/projector';
import { InvalidQueryArgumentError } from '../query-arguments';
import { countQueries } from '../testing/count-queries';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { WriteSide } from '../testing/write-side.fixture';
import { contributingFactors } from './contributing-factors.query';
import { incidentTrend } from './incident-trend.query';
import type { DurationStats, TrendInput } from './report-types';
import { responseTimes } from './response-times.query';

/*
 * The three failure-trend reports over a small hand-worked fixture, seeded through the real write side
 * and the incident-facts projection. The period is [Wed 2026-01-07, Mon 2026-01-26): three ISO weeks
 * starting Mon 01-05, 01-12 and 01-19.
 *
 *   id  startedAt                 kind              sev   services            tags      durations (s)                       factor categories
 *   J   2025-12-20T09:00Z         INCIDENT          SEV2  checkout            -         -                                   DEPENDENCY              (previous period)
 *   A   2026-01-06T10:00Z         INCIDENT          SEV2  checkout            -         -                                   CONFIG_CHANGE           (week of 01-05, before `from`)
 *   B   2026-01-07T00:00Z         INCIDENT          SEV1  checkout, payments  db        det 300, ack 420, mit 1200, res 3600 CONFIG_CHANGE
 *   C   2026-01-09T12:00Z         INCIDENT          SEV2  checkout            -         det 600, ack 900, res 7200          CAPACITY, CODE_CHANGE
 *   D   2026-01-11T23:59:59.999Z  NEAR_MISS         SEV3  search              db, cache det 60                              (CONFIG_CHANGE retracted)
 *   E   2026-01-12T00:00Z         CHAOS_EXPERIMENT  SEV4  checkout            -         det 120, res 1800                   INFRASTRUCTURE
 *   F   2026-01-14T08:00Z         INCIDENT          SEV2  payments            -         det 180, ack 240, mit 1800, res 5400 CONFIG_CHANGE
 *   G   2026-01-20T00:00Z         GAME_DAY          SEV3  search              -         -                                   -
 *   H   2026-01-25T23:59:59.999Z  INCIDENT          SEV1  search, checkout    -         det 1800                            CAPACITY (a CONTRIBUTING_FACTOR)
 *   I   2026-01-26T00:00Z         INCIDENT          SEV1  checkout            -         -                                   -                       (at `to`: out)
 */

const PERIOD = { from: '2026-01-07T00:00:00Z', to: '2026-01-26T00:00:00Z' };
const W1 = '2026-01-05T00:00:00.000Z';
const W2 = '2026-01-12T00:00:00.000Z';
const W3 = '2026-01-19T00:00:00.000Z';

const none: DurationStats = { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
const one = (seconds: number): DurationStats => ({
  count: 1,
  meanSeconds: seconds,
  medianSeconds: seconds,
  p90Seconds: seconds,
});

type Seed = {
  startedAt: string;
  kind?: string;
  severity?: string;
  services?: string[];
  tags?: string[];
  detectionSource?: string;
  /** Seconds after startedAt. */
  detect?: number;
  acknowledge?: number;
  mitigate?: number;
  resolve?: number;
  findings?: Array<{ kind: string; category: string; retract?: boolean }>;
};

const SEEDS: Record<string, Seed> = {
  J: { startedAt: '2025-12-20T09:00:00Z', findings: [{ kind: 'TRIGGER', category: 'DEPENDENCY' }] },
  A: { startedAt: '2026-01-06T10:00:00Z', findings: [{ kind: 'TRIGGER', category: 'CONFIG_CHANGE' }] },
  B: {
    startedAt: '2026-01-07T00:00:00Z',
    severity: 'SEV1',
    services: ['checkout', 'payments'],
    tags: ['db'],
    detect: 300,
    acknowledge: 420,
    mitigate: 1200,
    resolve: 3600,
    findings: [{ kind: 'TRIGGER', category: 'CONFIG_CHANGE' }],
  },
  C: {
    startedAt: '2026-01-09T12:00:00Z',
    detectionSource: 'CUSTOMER_REPORT',
    detect: 600,
    acknowledge: 900,
    resolve: 7200,
    findings: [
      { kind: 'CONTRIBUTING_FACTOR', category: 'CAPACITY' },
      { kind: 'TRIGGER', category: 'CODE_CHANGE' },
      { kind: 'LESSON_LEARNED', category: 'MONITORING_GAP' },
    ],
  },
  D: {
    startedAt: '2026-01-11T23:59:59.999Z',
    kind: 'NEAR_MISS',
    severity: 'SEV3',
    services: ['search'],
    tags: ['db', 'cache'],
    detect: 60,
    findings: [{ kind: 'TRIGGER', category: 'CONFIG_CHANGE', retract: true }],
  },
  E: {
    startedAt: '2026-01-12T00:00:00Z',
    kind: 'CHAOS_EXPERIMENT',
    severity: 'SEV4',
    detect: 120,
    resolve: 1800,
    findings: [{ kind: 'TRIGGER', category: 'INFRASTRUCTURE' }],
  },
  F: {
    startedAt: '2026-01-14T08:00:00Z',
    services: ['payments'],
    detect: 180,
    acknowledge: 240,
    mitigate: 1800,
    resolve: 5400,
    findings: [{ kind: 'TRIGGER', category: 'CONFIG_CHANGE' }],
  },
  G: { startedAt: '2026-01-20T00:00:00Z', kind: 'GAME_DAY', severity: 'SEV3', services: ['search'] },
  H: {
    startedAt: '2026-01-25T23:59:59.999Z',
    severity: 'SEV1',
    services: ['search', 'checkout'],
    detect: 1800,
    findings: [{ kind: 'CONTRIBUTING_FACTOR', category: 'CAPACITY' }],
  },
  I: { startedAt: '2026-01-26T00:00:00Z', severity: 'SEV1' },
};

async function seed(writer: WriteSide): Promise<void> {
  for (const s of Object.values(SEEDS)) {
    const at = (seconds: number) => new Date(Date.parse(s.startedAt) + seconds * 1000).toISOString();
    const id = await writer.reportIncident({
      title: 'Fixture incident',
      kind: s.kind ?? 'INCIDENT',
      severity: s.severity ?? 'SEV2',
      services: s.services ?? ['checkout'],
      tags: s.tags ?? [],
      detectionSource: s.detectionSource ?? 'MONITORING_ALERT',
      startedAt: s.startedAt,
      detectedAt: s.detect === undefined ? null : at(s.detect),
    });
    const milestones = [
      ['ACKNOWLEDGED', s.acknowledge],
      ['MITIGATED', s.mitigate],
      ['RESOLVED', s.resolve],
    ] as const;
    for (const [milestone, seconds] of milestones)
      if (seconds !== undefined)
        await writer.onIncident(id, { type: 'RecordMilestone', milestone, at: at(seconds) });
    for (const [n, finding] of (s.findings ?? []).entries()) {
      await writer.onIncident(id, {
        type: 'RecordFinding',
        kind: finding.kind,
        category: finding.category,
        description: 'Fixture finding',
      });
      if (finding.retract)
        await writer.onIncident(id, {
          type: 'RetractFinding',
          findingId: `${id}:f${n + 1}`,
          reason: 'mistaken',
        });
    }
  }
}

describeOnReadModelDatabases('failure-trend reports on a hand-worked fixture', (databases) => {
  jest.setTimeout(60_000);
  let dir: string;
  let store: SqliteEventStore;
  let projector: Projector;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-analytics-test-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    dataSource = await databases.open();
    const writer = new WriteSide(store);
    await seed(writer);
    projector = new Projector(store, dataSource, [new IncidentFactsProjection()]);
    await projector.start();
    expect(await projector.waitForPosition(writer.lastPosition, 30_000)).toBe(true);
  });
  afterAll(async () => {
    await projector?.stop();
    await store?.close();
    await databases.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const trend = (fields: Partial<TrendInput>) =>
    incidentTrend(dataSource, { ...PERIOD, bucket: 'WEEK', groupBy: 'NONE', ...fields });
  const times = (fields: Partial<TrendInput>) =>
    responseTimes(dataSource, { ...PERIOD, bucket: 'WEEK', groupBy: 'NONE', ...fields });

  describe('incidentTrend', () => {
    it('counts by ISO week, the first bucket starting on the Monday before `from`, counting [from, to) only', async () => {
      expect(await trend({})).toEqual([
        { bucketStart: W1, key: null, count: 3 }, // B, C, D (A is before `from`)
        { bucketStart: W2, key: null, count: 2 }, // E, F
        { bucketStart: W3, key: null, count: 2 }, // G, H (I is at `to`)
      ]);
    });

    it('zero-fills every bucket with groupBy NONE', async () => {
      expect(
        await trend({ from: '2026-01-10T00:00:00Z', to: '2026-01-13T00:00:00Z', bucket: 'DAY' }),
      ).toEqual([
        { bucketStart: '2026-01-10T00:00:00.000Z', key: null, count: 0 },
        { bucketStart: '2026-01-11T00:00:00.000Z', key: null, count: 1 }, // D at 23:59:59.999
        { bucketStart: '2026-01-12T00:00:00.000Z', key: null, count: 1 }, // E at 00:00
      ]);
      expect(await trend({ filter: { startedTo: '2026-01-12T00:00:00Z' } })).toEqual([
        { bucketStart: W1, key: null, count: 3 },
        { bucketStart: W2, key: null, count: 0 },
        { bucketStart: W3, key: null, count: 0 },
      ]);
    });

    it('counts an incident once under each of its services, only groups with incidents, ordered by bucket then key', async () => {
      expect(await trend({ groupBy: 'SERVICE' })).toEqual([
        { bucketStart: W1, key: 'checkout', count: 2 }, // B, C
        { bucketStart: W1, key: 'payments', count: 1 }, // B
        { bucketStart: W1, key: 'search', count: 1 }, // D
        { bucketStart: W2, key: 'checkout', count: 1 }, // E
        { bucketStart: W2, key: 'payments', count: 1 }, // F
        { bucketStart: W3, key: 'checkout', count: 1 }, // H
        { bucketStart: W3, key: 'search', count: 2 }, // G, H
      ]);
    });

    it('by tag and by factor category (retracted and LESSON_LEARNED findings do not count), untagged incidents nowhere', async () => {
      expect(await trend({ groupBy: 'TAG' })).toEqual([
        { bucketStart: W1, key: 'cache', count: 1 },
        { bucketStart: W1, key: 'db', count: 2 },
      ]);
      expect(await trend({ groupBy: 'FACTOR_CATEGORY' })).toEqual([
        { bucketStart: W1, key: 'CAPACITY', count: 1 },
        { bucketStart: W1, key: 'CODE_CHANGE', count: 1 },
        { bucketStart: W1, key: 'CONFIG_CHANGE', count: 1 },
        { bucketStart: W2, key: 'CONFIG_CHANGE', count: 1 },
        { bucketStart: W2, key: 'INFRASTRUCTURE', count: 1 },
        { bucketStart: W3, key: 'CAPACITY', count: 1 },
      ]);
    });

    it('by severity, kind and detection source in one MONTH bucket', async () => {
      expect(await trend({ bucket: 'MONTH', groupBy: 'SEVERITY' })).toEqual([
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'SEV1', count: 2 },
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'SEV2', count: 2 },
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'SEV3', count: 2 },
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'SEV4', count: 1 },
      ]);
      expect(await trend({ bucket: 'QUARTER', groupBy: 'KIND' })).toEqual([
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'CHAOS_EXPERIMENT', count: 1 },
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'GAME_DAY', count: 1 },
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'INCIDENT', count: 4 },
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'NEAR_MISS', count: 1 },
      ]);
      expect(await trend({ bucket: 'YEAR', groupBy: 'DETECTION_SOURCE' })).toEqual([
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'CUSTOMER_REPORT', count: 1 },
        { bucketStart: '2026-01-01T00:00:00.000Z', key: 'MONITORING_ALERT', count: 6 },
      ]);
    });

    it('filters with the IncidentFilter semantics: any of a list, AND across fields, empty lists ignored', async () => {
      const filter = { services: ['payments', 'search'], severities: ['SEV1', 'SEV3'] as const, kinds: [] };
      expect(await trend({ filter: { ...filter, severities: [...filter.severities] } })).toEqual([
        { bucketStart: W1, key: null, count: 2 }, // B, D
        { bucketStart: W2, key: null, count: 0 },
        { bucketStart: W3, key: null, count: 2 }, // G, H
      ]);
      expect(await trend({ groupBy: 'SERVICE', filter: { tags: ['cache'], factorCategories: [] } })).toEqual([
        { bucketStart: W1, key: 'search', count: 1 },
      ]);
      expect(await trend({ filter: { factorCategories: ['CAPACITY', 'INFRASTRUCTURE'] } })).toEqual([
        { bucketStart: W1, key: null, count: 1 }, // C
        { bucketStart: W2, key: null, count: 1 }, // E
        { bucketStart: W3, key: null, count: 1 }, // H
      ]);
    });
  });

  describe('responseTimes', () => {
    it('per week, drills left out, exact statistics (percentile_cont)', async () => {
      expect(await times({})).toEqual([
        {
          bucketStart: W1,
          key: null,
          incidents: 3, // B, C, D
          // 60, 300, 600: mean 320, median 300, p90 at h = 1.8: 300 + 0.8 * 300 = 540.
          detect: { count: 3, meanSeconds: 320, medianSeconds: 300, p90Seconds: 540 },
          // 420, 900: mean = median = 660, p90 at h = 0.9: 420 + 0.9 * 480 = 852.
          acknowledge: { count: 2, meanSeconds: 660, medianSeconds: 660, p90Seconds: 852 },
          mitigate: one(1200),
          // 3600, 7200: 5400, 5400, 3600 + 0.9 * 3600 = 6840.
          resolve: { count: 2, meanSeconds: 5400, medianSeconds: 5400, p90Seconds: 6840 },
        },
        {
          bucketStart: W2,
          key: null,
          incidents: 1, // F (E is a chaos experiment)
          detect: one(180),
          acknowledge: one(240),
          mitigate: one(1800),
          resolve: one(5400),
        },
        {
          bucketStart: W3,
          key: null,
          incidents: 1, // H (G is a game day)
          detect: one(1800),
          acknowledge: none,
          mitigate: none,
          resolve: none,
        },
      ]);
    });

    it('takes drills in when the filter names their kinds, and zero-fills', async () => {
      expect(await times({ filter: { kinds: ['CHAOS_EXPERIMENT', 'GAME_DAY'] } })).toEqual([
        {
          bucketStart: W1,
          key: null,
          incidents: 0,
          detect: none,
          acknowledge: none,
          mitigate: none,
          resolve: none,
        },
        {
          bucketStart: W2,
          key: null,
          incidents: 1,
          detect: one(120),
          acknowledge: none,
          mitigate: none,
          resolve: one(1800),
        },
        {
          bucketStart: W3,
          key: null,
          incidents: 1,
          detect: none,
          acknowledge: none,
          mitigate: none,
          resolve: none,
        },
      ]);
    });

    it('by service: an incident under each of its services, only groups with incidents', async () => {
      const points = await times({ groupBy: 'SERVICE' });
      expect(points.map((p) => [p.bucketStart, p.key, p.incidents])).toEqual([
        [W1, 'checkout', 2],
        [W1, 'payments', 1],
        [W1, 'search', 1],
        [W2, 'payments', 1],
        [W3, 'checkout', 1],
        [W3, 'search', 1],
      ]);
      // checkout in the first week: B and C, detect 300 and 600.
      expect(points[0].detect).toEqual({ count: 2, meanSeconds: 450, medianSeconds: 450, p90Seconds: 570 });
      expect(points[0].mitigate).toEqual(one(1200));
    });
  });

  describe('contributingFactors', () => {
    it('ranks categories by incidents with shares of the categorised incidents and the previous period', async () => {
      // Categorised incidents in the period: B, C, E, F, H (5). Previous period [2025-12-19, 2026-01-07): J, A.
      expect(await contributingFactors(dataSource, PERIOD)).toEqual([
        { category: 'CAPACITY', incidents: 2, share: 0.4, previousPeriodIncidents: 0 },
        { category: 'CONFIG_CHANGE', incidents: 2, share: 0.4, previousPeriodIncidents: 1 },
        { category: 'CODE_CHANGE', incidents: 1, share: 0.2, previousPeriodIncidents: 0 },
        { category: 'INFRASTRUCTURE', incidents: 1, share: 0.2, previousPeriodIncidents: 0 },
        { category: 'DEPENDENCY', incidents: 0, share: 0, previousPeriodIncidents: 1 },
      ]);
    });

    it('applies the filter to both periods', async () => {
      // Kind INCIDENT: categorised B, C, F, H (4); E is a chaos experiment.
      expect(await contributingFactors(dataSource, { ...PERIOD, filter: { kinds: ['INCIDENT'] } })).toEqual([
        { category: 'CAPACITY', incidents: 2, share: 0.5, previousPeriodIncidents: 0 },
        { category: 'CONFIG_CHANGE', incidents: 2, share: 0.5, previousPeriodIncidents: 1 },
        { category: 'CODE_CHANGE', incidents: 1, share: 0.25, previousPeriodIncidents: 0 },
        { category: 'DEPENDENCY', incidents: 0, share: 0, previousPeriodIncidents: 1 },
      ]);
    });

    it('gives share 0 when the period has no categorised incident, and nothing when neither period has', async () => {
      // [01-26, 02-14): nothing categorised; the previous period is the fixture's period. Ties by category.
      expect(
        await contributingFactors(dataSource, { from: '2026-01-26T00:00:00Z', to: '2026-02-14T00:00:00Z' }),
      ).toEqual([
        { category: 'CAPACITY', incidents: 0, share: 0, previousPeriodIncidents: 2 },
        { category: 'CODE_CHANGE', incidents: 0, share: 0, previousPeriodIncidents: 1 },
        { category: 'CONFIG_CHANGE', incidents: 0, share: 0, previousPeriodIncidents: 2 },
        { category: 'INFRASTRUCTURE', incidents: 0, share: 0, previousPeriodIncidents: 1 },
      ]);
      expect(
        await contributingFactors(dataSource, { from: '2028-01-01T00:00:00Z', to: '2029-01-01T00:00:00Z' }),
      ).toEqual([]);
    });
  });

  describe('bad input', () => {
    it.each<[string, () => Promise<unknown>, string]>([
      [
        'from = to',
        () => incidentTrend(dataSource, { ...PERIOD, to: PERIOD.from, bucket: 'DAY', groupBy: 'NONE' }),
        'input.to',
      ],
      [
        '14 years by DAY',
        () =>
          responseTimes(dataSource, {
            from: '2012-01-01T00:00:00Z',
            to: '2026-01-01T00:00:00Z',
            bucket: 'DAY',
            groupBy: 'NONE',
          }),
        'input.to',
      ],
      [
        'an unknown dimension',
        () => incidentTrend(dataSource, { ...PERIOD, bucket: 'DAY', groupBy: 'OWNER_TEAM' as never }),
        'input.groupBy',
      ],
      [
        'a date that does not parse',
        () => contributingFactors(dataSource, { ...PERIOD, from: '2026-01-07' }),
        'input.from',
      ],
    ])('rejects %s with the rule, before any statement', async (_, run, argument) => {
      const counter = countQueries(dataSource);
      try {
        const error: unknown = await run().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidQueryArgumentError);
        expect((error as InvalidQueryArgumentError).argument).toBe(argument);
        expect(counter.count).toBe(0);
      } finally {
        counter.stop();
      }
    });
  });
});
