import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXPERIMENT_OUTCOMES,
  INCIDENT_KINDS,
  SEVERITIES,
  type ExperimentOutcome,
  type IncidentKind,
  type Severity,
} from '@kb/domain';
import { SqliteEventStore } from '@kb/event-store';
import type { DataSource } from 'typeorm';
import { ActionItemHistoryProjection } from '../action-item-history/action-item-history.projection';
import { Projector } from '../projector/projector';
import { DatedEvents } from '../testing/dated-events.fixture';
import { random } from '../testing/random-writes';
import { describeAcrossReadModelDatabases } from '../testing/read-model-databases';
import { bucketStartOf, bucketStarts } from './buckets';
import { IncidentFactsProjection } from './facts/incident-facts.projection';
import { learning } from './learning.query';
import { LEARNING_DIMENSIONS, TIME_BUCKETS, type LearningInput, type LearningPoint } from './report-types';
import { percentileOfSorted } from './statistics';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** An action item's version: from `from` on, until the next one. */
interface ItemVersion {
  readonly from: number;
  readonly status: 'OPEN' | 'IN_PROGRESS' | 'DONE' | 'WONT_DO';
  readonly due: number | null;
  readonly completedAt: number | null;
}

/** What the generator wrote, for the reference below. */
interface Written {
  id: string;
  startedAtMs: number;
  kind: IncidentKind;
  severity: Severity;
  services: string[];
  resolvedAt: number | null;
  dueAt: number | null;
  publishedAt: number | null;
  outcome: ExperimentOutcome | null;
  concludedAt: number | null;
  items: ItemVersion[][];
}

/**
 * One random history (seeded): 300 incidents of every kind and severity over 2026, resolved with
 * postmortem deadlines, postmortems published early, late or never, experiments concluded with
 * every outcome, action items done before and after their due dates, dropped, reopened, their due
 * dates moved, and late corrections of start times. Returns what it wrote.
 */
async function writeRandomHistory(events: DatedEvents, seed: number): Promise<Written[]> {
  const rnd = random(seed);
  const services = ['api', 'db', 'web', 'queue', 'search'];
  const written: Written[] = [];
  for (let i = 0; i < 300; i++) {
    const id = `incident-${String(i).padStart(3, '0')}`;
    const at = START + rnd.int(365 * 24 * 4) * 15 * 60_000;
    const kind = rnd.chance(0.5) ? 'INCIDENT' : rnd.pick(INCIDENT_KINDS);
    const severity = rnd.pick(SEVERITIES);
    const own = [...new Set([rnd.pick(services), ...(rnd.chance(0.3) ? [rnd.pick(services)] : [])])];
    await events.incident(id, { startedAt: iso(at), services: own, kind, severity });
    const w: Written = {
      id,
      startedAtMs: at,
      kind,
      severity,
      services: own,
      resolvedAt: null,
      dueAt: null,
      publishedAt: null,
      outcome: null,
      concludedAt: null,
      items: [],
    };
    written.push(w);
    if (rnd.chance(0.8)) {
      w.resolvedAt = at + rnd.int(3 * DAY);
      const major = kind === 'INCIDENT' && (severity === 'SEV1' || severity === 'SEV2');
      if (major) w.dueAt = w.resolvedAt + 5 * DAY;
      await events.resolve(id, iso(w.resolvedAt), w.dueAt === null ? undefined : iso(w.dueAt));
      if (rnd.chance(0.7)) {
        w.publishedAt = w.resolvedAt + rnd.int(12 * DAY);
        await events.publishPostmortem(id, iso(w.publishedAt));
      }
    }
    if ((kind === 'CHAOS_EXPERIMENT' || kind === 'GAME_DAY') && rnd.chance(0.8)) {
      w.outcome = rnd.pick(EXPERIMENT_OUTCOMES);
      w.concludedAt = at + rnd.int(2 * DAY);
      await events.experiment(id, iso(at - DAY), { outcome: w.outcome, at: iso(w.concludedAt) });
    }
    for (let k = 0; k < rnd.int(3); k++) {
      const itemId = `${id}-item-${k}`;
      let t = at + rnd.int(5 * DAY);
      let due = rnd.chance(0.8) ? t + rnd.int(30 * DAY) : null;
      await events.openItem(
        itemId,
        id,
        { priority: 'P2', ownerTeam: 'team-a', type: 'REPAIR', dueDate: due === null ? undefined : iso(due) },
        iso(t),
      );
      const versions: ItemVersion[] = [{ from: t, status: 'OPEN', due, completedAt: null }];
      let status: ItemVersion['status'] = 'OPEN';
      for (let step = 0; step < rnd.int(5); step++) {
        t += 1 + rnd.int(20 * DAY);
        const last = versions[versions.length - 1];
        if (rnd.chance(0.15)) {
          due = t + rnd.int(30 * DAY);
          await events.onItem(
            { type: 'ActionItemUpdated', data: { actionItemId: itemId, changes: { dueDate: iso(due) } } },
            iso(t),
          );
          versions.push({ ...last, from: t, due });
          continue;
        }
        const next: 'start' | 'drop' | 'complete' | 'reopen' =
          status === 'OPEN'
            ? rnd.pick(['start', 'drop'] as const)
            : status === 'IN_PROGRESS'
              ? rnd.pick(['complete', 'complete', 'drop'] as const)
              : 'reopen';
        await events.move(itemId, next, iso(t));
        status = ({ start: 'IN_PROGRESS', complete: 'DONE', drop: 'WONT_DO', reopen: 'OPEN' } as const)[next];
        versions.push({ from: t, status, due, completedAt: status === 'DONE' ? t : null });
      }
      w.items.push(versions);
    }
  }
  // Late corrections of the start: an incident (and its items) moves to another bucket.
  for (const w of written)
    if (rnd.chance(0.05)) {
      w.startedAtMs += (rnd.int(61) - 30) * DAY;
      await events.onIncident(
        { type: 'IncidentRevised', data: { incidentId: w.id, changes: { startedAt: iso(w.startedAtMs) } } },
        iso(w.startedAtMs + 40 * DAY),
      );
    }
  return written;
}

/** The contract's LearningPoint by NONE, straight from its definition, over what was written. */
function reference(written: readonly Written[], input: LearningInput): LearningPoint[] {
  const [from, to, asOf] = [Date.parse(input.from), Date.parse(input.to), Date.parse(input.asOf)];
  const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);
  return bucketStarts(from, to, input.bucket).map((start) => {
    const inBucket = written.filter(
      (w) =>
        w.startedAtMs >= from && w.startedAtMs < to && bucketStartOf(w.startedAtMs, input.bucket) === start,
    );
    const incidents = inBucket.filter((w) => w.kind === 'INCIDENT');
    const nearMisses = inBucket.filter((w) => w.kind === 'NEAR_MISS').length;
    const experiments = inBucket.filter((w) => w.kind === 'CHAOS_EXPERIMENT' || w.kind === 'GAME_DAY');
    const concluded = experiments.filter(
      (w) => w.concludedAt !== null && w.concludedAt <= asOf && w.outcome !== 'ABORTED',
    );
    const major = incidents.filter((w) => w.severity === 'SEV1' || w.severity === 'SEV2');
    const published = major.filter((w) => w.publishedAt !== null && w.publishedAt <= asOf);
    const days = published
      .filter((w) => w.resolvedAt !== null && w.resolvedAt <= asOf)
      .map((w) => (w.publishedAt as number) - (w.resolvedAt as number))
      .sort((a, b) => a - b);
    const atAsOf = (versions: ItemVersion[]) => versions.filter((v) => v.from <= asOf).pop();
    const due = inBucket
      .flatMap((w) => w.items.map(atAsOf))
      .filter((v): v is ItemVersion => v !== undefined && v.due !== null && v.due < asOf)
      .filter((v) => v.status !== 'WONT_DO');
    return {
      bucketStart: iso(start),
      key: null,
      incidents: incidents.length,
      nearMisses,
      nearMissRatio: rate(nearMisses, incidents.length),
      experiments: experiments.length,
      refutedRate: rate(concluded.filter((w) => w.outcome === 'REFUTED').length, concluded.length),
      postmortemRate: rate(published.length, major.length),
      medianDaysToPostmortem: percentileOfSorted(days, 1, 2, DAY),
      overduePostmortems: major.filter(
        (w) => w.dueAt !== null && w.dueAt < asOf && !(w.publishedAt !== null && w.publishedAt <= asOf),
      ).length,
      actionItemRate: rate(
        incidents.filter((w) => w.items.some((versions) => versions[0].from <= asOf)).length,
        incidents.length,
      ),
      onTimeActionItemRate: rate(
        due.filter((v) => v.status === 'DONE' && (v.completedAt as number) <= (v.due as number)).length,
        due.length,
      ),
    };
  });
}

describeAcrossReadModelDatabases(
  'learning: the definition, and the same figures on SQLite and PostgreSQL',
  (sqliteDatabases, postgresDatabases) => {
    jest.setTimeout(300_000);
    let dir: string;
    let store: SqliteEventStore;
    let sqlite: DataSource;
    let postgres: DataSource;
    let written: Written[];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kb-learning-databases-'));
      store = SqliteEventStore.open({ file: join(dir, 'events.db') });
      const events = new DatedEvents(store);
      written = await writeRandomHistory(events, Number(process.env.LEARNING_SEED ?? 20261202));
      sqlite = await sqliteDatabases.open();
      postgres = await postgresDatabases.open();
      for (const target of [sqlite, postgres]) {
        const projector = new Projector(store, target, [
          new IncidentFactsProjection(),
          new ActionItemHistoryProjection(),
        ]);
        await projector.start();
        await expect(projector.waitForPosition(events.lastPosition, 120_000)).resolves.toBe(true);
        await projector.stop();
      }
    });
    afterAll(async () => {
      await sqliteDatabases.cleanup();
      await postgresDatabases.cleanup();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const YEAR = { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' };
    const ASOFS = ['2026-03-01T00:00:00.000Z', '2026-08-15T12:00:00.000Z', '2027-06-01T00:00:00.000Z'];

    it('gives by NONE what the definition gives, for every bucket and several asOf', async () => {
      for (const asOf of ASOFS)
        for (const bucket of TIME_BUCKETS) {
          const input: LearningInput = {
            ...(bucket === 'DAY' ? { from: YEAR.from, to: '2026-03-01T00:00:00.000Z' } : YEAR),
            bucket,
            asOf,
          };
          expect({ input, points: await learning(sqlite, input) }).toEqual({
            input,
            points: reference(written, input),
          });
        }
      // Not degenerate: every figure has values in the year.
      const [year] = await learning(sqlite, { ...YEAR, bucket: 'YEAR', asOf: ASOFS[2] });
      for (const figure of [
        'nearMissRatio',
        'refutedRate',
        'postmortemRate',
        'medianDaysToPostmortem',
        'overduePostmortems',
        'actionItemRate',
        'onTimeActionItemRate',
      ] as const) {
        expect(year[figure]).toBeGreaterThan(0);
        expect(year[figure]).not.toBe(1);
      }
    });

    it('gives the same figures on both databases by every dimension, bucket, asOf and with filters', async () => {
      let compared = 0;
      const inputs: LearningInput[] = [
        ...ASOFS.flatMap((asOf) =>
          TIME_BUCKETS.flatMap((bucket) =>
            LEARNING_DIMENSIONS.map((groupBy) => ({
              ...(bucket === 'DAY' ? { from: YEAR.from, to: '2026-03-01T00:00:00.000Z' } : YEAR),
              bucket,
              groupBy,
              asOf,
            })),
          ),
        ),
        { ...YEAR, bucket: 'MONTH', groupBy: 'SERVICE', asOf: ASOFS[1], filter: { severities: ['SEV1'] } },
        { ...YEAR, bucket: 'QUARTER', groupBy: 'KIND', asOf: ASOFS[2], filter: { services: ['api', 'db'] } },
      ];
      for (const input of inputs) {
        const onSqlite = await learning(sqlite, input);
        expect({ input, points: await learning(postgres, input) }).toEqual({ input, points: onSqlite });
        compared += onSqlite.length;
      }
      expect(compared).toBeGreaterThan(1000);
    });
  },
);
