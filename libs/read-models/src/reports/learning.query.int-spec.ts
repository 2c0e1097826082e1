import type { DataSource } from 'typeorm';
import { ActionItemHistoryProjection } from '../action-item-history/action-item-history.projection';
import { InvalidQueryArgumentError } from '../query-arguments';
import { DatedEvents } from '../testing/dated-events.fixture';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { IncidentFactsProjection } from './facts/incident-facts.projection';
import { learning } from './learning.query';
import type { LearningInput, LearningPoint } from './report-types';

const JAN = '2026-01-01T00:00:00.000Z';
const FEB = '2026-02-01T00:00:00.000Z';
const MAR = '2026-03-01T00:00:00.000Z';

/** A point with every count 0 and every rate null, then the figures given. */
const point = (
  bucketStart: string,
  key: string | null,
  figures: Partial<LearningPoint> = {},
): LearningPoint => ({
  bucketStart,
  key,
  incidents: 0,
  nearMisses: 0,
  nearMissRatio: null,
  experiments: 0,
  refutedRate: null,
  postmortemRate: null,
  medianDaysToPostmortem: null,
  overduePostmortems: 0,
  actionItemRate: null,
  onTimeActionItemRate: null,
  ...figures,
});

const byMonth = (asOf: string, more: Partial<LearningInput> = {}): LearningInput => ({
  from: JAN,
  to: '2026-04-01T00:00:00.000Z',
  bucket: 'MONTH',
  asOf,
  ...more,
});

/*
 * The fixture, worked by hand (times UTC, 2026, at 00:00 unless said; "major" = INCIDENT SEV1/SEV2).
 *
 * January:
 * i1 INCIDENT SEV1 checkout, started 01-05: resolved 01-06, due 01-11, published 01-08 12:00 (2.5 days).
 * i2 INCIDENT SEV2 payments, started 01-10: resolved 01-11, due 01-16, published 02-05 (25 days, late).
 * i3 INCIDENT SEV1 checkout, started 01-15: resolved 01-16, due 01-21, never published.
 * i4 INCIDENT SEV3 checkout, started 01-20: resolved 01-21, published 01-22 (not major: in no postmortem
 *    figure).
 * i5 INCIDENT SEV2 search, started 01-25: resolved 01-26, due 01-31, published 01-27 (1 day).
 * n1 NEAR_MISS checkout 01-12; n2 NEAR_MISS payments 01-13.
 * e1 CHAOS_EXPERIMENT checkout 01-14, REFUTED 01-14 06:00. e2 GAME_DAY payments 01-18, HELD 01-18 06:00.
 * e3 CHAOS_EXPERIMENT checkout 01-28, ABORTED 01-28 06:00. e4 GAME_DAY search 01-30, REFUTED 02-10.
 * Action items:
 * a1 (i1) due 01-20, opened 01-07, completed 01-15: on time.
 * a2 (i1) due 01-20, opened 01-07, started 01-10, completed 01-25: late.
 * a3 (i2) due 01-25, opened 01-12, dropped 01-14: WONT_DO, left out of the on-time share.
 * a4 (i3) due 02-10, opened 01-17, never done.
 * a5 (e1) due 01-25, opened 01-14, completed 01-25 00:00, exactly at its due date: on time.
 * a6 (i4) no due date, opened 01-21.
 * February: i6 INCIDENT SEV3 search, started 02-15, nothing else. March: nothing.
 *
 * January by asOf (incidents 5, nearMisses 2: ratio 0.4, experiments 4, whatever asOf):
 * - 03-01: refuted e1, e4 of concluded e1, e2, e4 (e3 ABORTED out) = 2/3; postmortems i1, i2, i5 of
 *   4 majors = 0.75, median of {2.5, 25, 1} = 2.5; overdue i3 = 1; items on i1, i2, i3, i4 of 5 = 0.8;
 *   on time a1, a5 of a1, a2, a4, a5 = 0.5.
 * - 02-01: refuted e1 of e1, e2 = 0.5; postmortems i1, i5 = 0.5, median of {2.5, 1} (even) = 1.75;
 *   overdue i2 (due 01-16), i3 = 2; items 0.8; on time a1, a5 of a1, a2, a5 (a4 due 02-10) = 2/3.
 * - 01-10: no experiment concluded: null; postmortems i1 = 0.25, median 2.5; overdue none (i1's due
 *   01-11 not passed, and it was published); items on i1 only = 0.2; nothing due: null.
 * February: incidents 1, ratio 0, items 0/1 = 0, the rest null or 0. March: zeros and nulls.
 */
describeOnReadModelDatabases('learning', (databases) => {
  jest.setTimeout(60_000);
  const bed = useProjectionTestbed(databases);

  async function project(): Promise<DataSource> {
    const events = new DatedEvents(bed.store);
    const day = (d: string, time = '00:00') => `2026-${d}T${time}:00.000Z`;
    const incident = async (
      id: string,
      started: string,
      kind: 'INCIDENT' | 'NEAR_MISS' | 'CHAOS_EXPERIMENT' | 'GAME_DAY',
      severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4' | 'SEV5',
      service: string,
    ) => events.incident(id, { startedAt: day(started), kind, severity, services: [service] });
    await incident('i1', '01-05', 'INCIDENT', 'SEV1', 'checkout');
    await incident('i2', '01-10', 'INCIDENT', 'SEV2', 'payments');
    await incident('i3', '01-15', 'INCIDENT', 'SEV1', 'checkout');
    await incident('i4', '01-20', 'INCIDENT', 'SEV3', 'checkout');
    await incident('i5', '01-25', 'INCIDENT', 'SEV2', 'search');
    await incident('n1', '01-12', 'NEAR_MISS', 'SEV4', 'checkout');
    await incident('n2', '01-13', 'NEAR_MISS', 'SEV5', 'payments');
    await incident('e1', '01-14', 'CHAOS_EXPERIMENT', 'SEV4', 'checkout');
    await incident('e2', '01-18', 'GAME_DAY', 'SEV5', 'payments');
    await incident('e3', '01-28', 'CHAOS_EXPERIMENT', 'SEV4', 'checkout');
    await incident('e4', '01-30', 'GAME_DAY', 'SEV5', 'search');
    await incident('i6', '02-15', 'INCIDENT', 'SEV3', 'search');

    await events.resolve('i1', day('01-06'), day('01-11'));
    await events.publishPostmortem('i1', day('01-08', '12:00'));
    await events.resolve('i2', day('01-11'), day('01-16'));
    await events.publishPostmortem('i2', day('02-05'));
    await events.resolve('i3', day('01-16'), day('01-21'));
    await events.resolve('i4', day('01-21'));
    await events.publishPostmortem('i4', day('01-22'));
    await events.resolve('i5', day('01-26'), day('01-31'));
    await events.publishPostmortem('i5', day('01-27'));

    await events.experiment('e1', day('01-10'), { outcome: 'REFUTED', at: day('01-14', '06:00') });
    await events.experiment('e2', day('01-10'), { outcome: 'HELD', at: day('01-18', '06:00') });
    await events.experiment('e3', day('01-20'), { outcome: 'ABORTED', at: day('01-28', '06:00') });
    await events.experiment('e4', day('01-20'), { outcome: 'REFUTED', at: day('02-10') });

    const item = { priority: 'P2' as const, ownerTeam: 'team-a', type: 'REPAIR' };
    await events.openItem('a1', 'i1', { ...item, dueDate: day('01-20') }, day('01-07'));
    await events.openItem('a2', 'i1', { ...item, dueDate: day('01-20') }, day('01-07'));
    await events.move('a2', 'start', day('01-10'));
    await events.move('a1', 'complete', day('01-15'));
    await events.move('a2', 'complete', day('01-25'));
    await events.openItem('a3', 'i2', { ...item, dueDate: day('01-25') }, day('01-12'));
    await events.move('a3', 'drop', day('01-14'));
    await events.openItem('a4', 'i3', { ...item, dueDate: day('02-10') }, day('01-17'));
    await events.openItem('a5', 'e1', { ...item, dueDate: day('01-25') }, day('01-14'));
    await events.move('a5', 'complete', day('01-25'));
    await events.openItem('a6', 'i4', item, day('01-21'));

    const projector = await bed.startProjector(bed.dataSource, [
      new IncidentFactsProjection(),
      new ActionItemHistoryProjection(),
    ]);
    await expect(projector.waitForPosition(events.lastPosition, 10_000)).resolves.toBe(true);
    return bed.dataSource;
  }

  const january = { incidents: 5, nearMisses: 2, nearMissRatio: 0.4, experiments: 4 };
  const february = { incidents: 1, nearMissRatio: 0, actionItemRate: 0 };

  it('judges every indicator as of asOf: before and after publications, conclusions and due dates', async () => {
    const ds = await project();
    expect(await learning(ds, byMonth('2026-03-01T00:00:00Z'))).toEqual([
      point(JAN, null, {
        ...january,
        refutedRate: 2 / 3,
        postmortemRate: 0.75,
        medianDaysToPostmortem: 2.5,
        overduePostmortems: 1,
        actionItemRate: 0.8,
        onTimeActionItemRate: 0.5,
      }),
      point(FEB, null, february),
      point(MAR, null),
    ]);
    expect(await learning(ds, byMonth('2026-02-01T00:00:00Z'))).toEqual([
      point(JAN, null, {
        ...january,
        refutedRate: 0.5,
        postmortemRate: 0.5,
        medianDaysToPostmortem: 1.75,
        overduePostmortems: 2,
        actionItemRate: 0.8,
        onTimeActionItemRate: 2 / 3,
      }),
      point(FEB, null, february),
      point(MAR, null),
    ]);
    expect(await learning(ds, byMonth('2026-01-10T00:00:00Z'))).toEqual([
      point(JAN, null, {
        ...january,
        postmortemRate: 0.25,
        medianDaysToPostmortem: 2.5,
        actionItemRate: 0.2,
      }),
      point(FEB, null, { incidents: 1, nearMissRatio: 0, actionItemRate: 0 }),
      point(MAR, null),
    ]);
  });

  it('counts what happened exactly at asOf and a completion exactly at the due date', async () => {
    const ds = await project();
    // 01-25T00:00: a2 completed that instant, after its due date 01-20 (late); a1 on time; a5's due
    // date is not before asOf, so it does not count yet.
    const [atDue] = await learning(ds, byMonth('2026-01-25T00:00:00Z'));
    expect(atDue.onTimeActionItemRate).toBe(0.5);
    // A millisecond later a5 is due, and it was completed exactly at its due date: on time.
    const [afterDue] = await learning(ds, byMonth('2026-01-25T00:00:00.001Z'));
    expect(afterDue.onTimeActionItemRate).toBe(2 / 3);
    // e1 concluded REFUTED at 01-14 06:00: at that instant it counts, a millisecond before it does not.
    const [concluded] = await learning(ds, byMonth('2026-01-14T06:00:00Z'));
    expect(concluded.refutedRate).toBe(1);
    const [notYet] = await learning(ds, byMonth('2026-01-14T05:59:59.999Z'));
    expect(notYet.refutedRate).toBeNull();
    // i1's due date 01-11: overdue only strictly after it, and it was published before anyway; i2's
    // due date 01-16: overdue from the next millisecond.
    const [dueNow] = await learning(ds, byMonth('2026-01-16T00:00:00Z'));
    expect(dueNow.overduePostmortems).toBe(0);
    const [overdue] = await learning(ds, byMonth('2026-01-16T00:00:00.001Z'));
    expect(overdue.overduePostmortems).toBe(1);
  });

  it('groups by kind, service and severity: only groups with incidents in the bucket', async () => {
    const ds = await project();
    const asOf = '2026-03-01T00:00:00Z';
    expect(await learning(ds, byMonth(asOf, { groupBy: 'KIND' }))).toEqual([
      point(JAN, 'CHAOS_EXPERIMENT', { experiments: 2, refutedRate: 1, onTimeActionItemRate: 1 }),
      point(JAN, 'GAME_DAY', { experiments: 2, refutedRate: 0.5 }),
      point(JAN, 'INCIDENT', {
        incidents: 5,
        nearMissRatio: 0,
        postmortemRate: 0.75,
        medianDaysToPostmortem: 2.5,
        overduePostmortems: 1,
        actionItemRate: 0.8,
        onTimeActionItemRate: 1 / 3,
      }),
      point(JAN, 'NEAR_MISS', { nearMisses: 2 }),
      point(FEB, 'INCIDENT', february),
    ]);
    expect(await learning(ds, byMonth(asOf, { groupBy: 'SERVICE' }))).toEqual([
      // i1, i3, i4, n1, e1, e3: items a1 (on time), a2, a4 (late or undone), a5 (on time).
      point(JAN, 'checkout', {
        incidents: 3,
        nearMisses: 1,
        nearMissRatio: 1 / 3,
        experiments: 2,
        refutedRate: 1,
        postmortemRate: 0.5,
        medianDaysToPostmortem: 2.5,
        overduePostmortems: 1,
        actionItemRate: 1,
        onTimeActionItemRate: 0.5,
      }),
      // i2, n2, e2: a3 dropped (an item all the same, but none due that counts).
      point(JAN, 'payments', {
        incidents: 1,
        nearMisses: 1,
        nearMissRatio: 1,
        experiments: 1,
        refutedRate: 0,
        postmortemRate: 1,
        medianDaysToPostmortem: 25,
        actionItemRate: 1,
      }),
      // i5, e4.
      point(JAN, 'search', {
        incidents: 1,
        nearMissRatio: 0,
        experiments: 1,
        refutedRate: 1,
        postmortemRate: 1,
        medianDaysToPostmortem: 1,
        actionItemRate: 0,
      }),
      point(FEB, 'search', february),
    ]);
    const bySeverity = await learning(ds, byMonth(asOf, { groupBy: 'SEVERITY' }));
    expect(bySeverity.map((p) => [p.bucketStart, p.key, p.incidents])).toEqual([
      [JAN, 'SEV1', 2],
      [JAN, 'SEV2', 2],
      [JAN, 'SEV3', 1],
      [JAN, 'SEV4', 0],
      [JAN, 'SEV5', 0],
      [FEB, 'SEV3', 1],
    ]);
    expect(bySeverity[0]).toEqual(
      point(JAN, 'SEV1', {
        incidents: 2,
        nearMissRatio: 0,
        postmortemRate: 0.5,
        medianDaysToPostmortem: 2.5,
        overduePostmortems: 1,
        actionItemRate: 1,
        onTimeActionItemRate: 1 / 3,
      }),
    );
  });

  it('adds up the months of a quarter, and filters like the other reports', async () => {
    const ds = await project();
    const asOf = '2026-03-01T00:00:00Z';
    expect(await learning(ds, byMonth(asOf, { bucket: 'QUARTER' }))).toEqual([
      point(JAN, null, {
        incidents: 6,
        nearMisses: 2,
        nearMissRatio: 1 / 3,
        experiments: 4,
        refutedRate: 2 / 3,
        postmortemRate: 0.75,
        medianDaysToPostmortem: 2.5,
        overduePostmortems: 1,
        actionItemRate: 4 / 6,
        onTimeActionItemRate: 0.5,
      }),
    ]);
    expect(await learning(ds, byMonth(asOf, { to: FEB, filter: { severities: ['SEV1'] } }))).toEqual([
      point(JAN, null, {
        incidents: 2,
        nearMissRatio: 0,
        postmortemRate: 0.5,
        medianDaysToPostmortem: 2.5,
        overduePostmortems: 1,
        actionItemRate: 1,
        onTimeActionItemRate: 1 / 3,
      }),
    ]);
    // By week: the week of Monday 01-12 holds i3 (SEV1, a4 undone), n1, n2, e1 (REFUTED, a5 on time), e2 (HELD).
    const weeks = await learning(ds, byMonth(asOf, { bucket: 'WEEK', to: FEB }));
    expect(weeks.map((p) => p.bucketStart)).toEqual([
      '2025-12-29T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
      '2026-01-19T00:00:00.000Z',
      '2026-01-26T00:00:00.000Z',
    ]);
    expect(weeks[2]).toEqual(
      point('2026-01-12T00:00:00.000Z', null, {
        incidents: 1,
        nearMisses: 2,
        nearMissRatio: 2,
        experiments: 2,
        refutedRate: 0.5,
        postmortemRate: 0,
        overduePostmortems: 1,
        actionItemRate: 1,
        onTimeActionItemRate: 1 / 2,
      }),
    );
  });

  it('gives zero-filled buckets and null rates over an empty read model', async () => {
    expect(await learning(bed.dataSource, byMonth('2026-03-01T00:00:00Z'))).toEqual([
      point(JAN, null),
      point(FEB, null),
      point(MAR, null),
    ]);
    expect(await learning(bed.dataSource, byMonth('2026-03-01T00:00:00Z', { groupBy: 'SERVICE' }))).toEqual(
      [],
    );
  });

  it('rejects bad arguments with the rule they break', async () => {
    const ds = bed.dataSource;
    const check = (input: Partial<LearningInput>) => learning(ds, byMonth(MAR, input));
    await expect(check({ asOf: 'yesterday' })).rejects.toThrow(InvalidQueryArgumentError);
    await expect(check({ asOf: 'yesterday' })).rejects.toThrow(/input.asOf/);
    await expect(check({ to: JAN })).rejects.toThrow(/input.to.*must be after input.from/);
    await expect(check({ to: '2036-01-01T00:00:00.001Z' })).rejects.toThrow(/at most 10 years/);
    await expect(check({ groupBy: 'TAG' as never })).rejects.toThrow(
      /input.groupBy.*must be one of NONE, SERVICE, SEVERITY, KIND/,
    );
    await expect(check({ bucket: 'HOUR' as never })).rejects.toThrow(/input.bucket/);
    await expect(check({ filter: { kinds: ['OUTAGE' as never] } })).rejects.toThrow(/input.filter.kinds/);
  });
});
