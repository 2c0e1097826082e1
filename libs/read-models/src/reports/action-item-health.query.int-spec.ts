import type { DataSource } from 'typeorm';
import { ActionItemHistoryProjection } from '../action-item-history/action-item-history.projection';
import { IncidentFactsProjection } from './facts/incident-facts.projection';
import type { Projector } from '../projector/projector';
import { InvalidQueryArgumentError } from '../query-arguments';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { actionItemHealth } from './action-item-health.query';
import { DatedEvents } from '../testing/dated-events.fixture';
import type { ActionItemHealthRow } from './report-types';

const row = (key: string | null, counts: Partial<ActionItemHealthRow>): ActionItemHealthRow => ({
  key,
  open: 0,
  inProgress: 0,
  done: 0,
  wontDo: 0,
  overdue: 0,
  completionRate: 0,
  medianDaysToClose: null,
  ...counts,
});

/*
 * The fixture, worked by hand (times UTC):
 * I1 started 2026-01-10 on checkout + payments; I2 started 2026-02-10 on search; I3 started
 * 2026-03-10 on checkout.
 * A (I1, P1, team-a, DETECT, due 01-20): opened 01-11, started 01-15, completed 01-21 (10 days).
 * B (I1, P2, team-b, PREVENT, due 01-25): opened 01-11, dropped 01-30, reopened 02-05.
 * C (I2, P2, team-a, REPAIR, due 02-20): opened 02-11, started 02-12, completed 02-15 (4 days),
 *   reopened 02-18, started 02-19, completed 02-21 (10 days from its opening).
 * D (I2, P3, team-b, PROCESS, no due date): opened 02-11; 02-12 due date set to 02-14; 02-20 due date
 *   moved to 03-31 and owner team to team-a.
 * E (I3, P1, team-a, DETECT): opened 03-11.
 */
describeOnReadModelDatabases('actionItemHealth', (databases) => {
  jest.setTimeout(60_000);
  const bed = useProjectionTestbed(databases);
  /** The projector `project` started: it stays live for the events a test appends after. */
  let running: Projector | undefined;

  async function project(): Promise<DataSource> {
    const events = new DatedEvents(bed.store);
    await events.incident('i1', { startedAt: '2026-01-10T08:00:00Z', services: ['checkout', 'payments'] });
    await events.incident('i2', { startedAt: '2026-02-10T08:00:00Z', services: ['search'] });
    await events.incident('i3', { startedAt: '2026-03-10T08:00:00Z', services: ['checkout'] });
    const day = (d: string) => `2026-${d}T00:00:00.000Z`;
    await events.openItem(
      'a',
      'i1',
      { priority: 'P1', ownerTeam: 'team-a', type: 'DETECT', dueDate: day('01-20') },
      day('01-11'),
    );
    await events.openItem(
      'b',
      'i1',
      { priority: 'P2', ownerTeam: 'team-b', type: 'PREVENT', dueDate: day('01-25') },
      day('01-11'),
    );
    await events.move('a', 'start', day('01-15'));
    await events.move('a', 'complete', day('01-21'));
    await events.move('b', 'drop', day('01-30'));
    await events.move('b', 'reopen', day('02-05'));
    await events.openItem(
      'c',
      'i2',
      { priority: 'P2', ownerTeam: 'team-a', type: 'REPAIR', dueDate: day('02-20') },
      day('02-11'),
    );
    await events.openItem('d', 'i2', { priority: 'P3', ownerTeam: 'team-b', type: 'PROCESS' }, day('02-11'));
    await events.move('c', 'start', day('02-12'));
    await events.onItem(
      { type: 'ActionItemUpdated', data: { actionItemId: 'd', changes: { dueDate: day('02-14') } } },
      day('02-12'),
    );
    await events.onItem(
      {
        type: 'ActionItemUpdated',
        data: { actionItemId: 'd', changes: { title: 'Renamed', assignee: 'other' } },
      },
      day('02-13'),
    );
    await events.move('c', 'complete', day('02-15'));
    await events.move('c', 'reopen', day('02-18'));
    await events.move('c', 'start', day('02-19'));
    await events.onItem(
      {
        type: 'ActionItemUpdated',
        data: { actionItemId: 'd', changes: { dueDate: day('03-31'), ownerTeam: 'team-a' } },
      },
      day('02-20'),
    );
    await events.move('c', 'complete', day('02-21'));
    await events.openItem('e', 'i3', { priority: 'P1', ownerTeam: 'team-a', type: 'DETECT' }, day('03-11'));
    const projector = await bed.startProjector(bed.dataSource, [
      new IncidentFactsProjection(),
      new ActionItemHistoryProjection(),
    ]);
    await expect(projector.waitForPosition(events.lastPosition, 10_000)).resolves.toBe(true);
    running = projector;
    return bed.dataSource;
  }

  it('counts each item by the status it had at asOf (drop, reopen, overdue at asOf, median of DONE)', async () => {
    const ds = await project();
    expect(await actionItemHealth(ds, { asOf: '2026-02-01T00:00:00Z', groupBy: 'NONE' })).toEqual([
      row(null, { done: 1, wontDo: 1, completionRate: 1, medianDaysToClose: 10 }),
    ]);
    // B reopened (due 01-25: overdue), C done after 4 days, D overdue on its due date of then.
    expect(await actionItemHealth(ds, { asOf: '2026-02-15T12:00:00Z', groupBy: 'NONE' })).toEqual([
      row(null, { open: 2, done: 2, overdue: 2, completionRate: 0.5, medianDaysToClose: 7 }),
    ]);
    // C reopened and done again (10 days from its opening); D's due date moved to 03-31: not overdue.
    expect(await actionItemHealth(ds, { asOf: '2026-03-01T00:00:00Z', groupBy: 'NONE' })).toEqual([
      row(null, { open: 2, done: 2, overdue: 1, completionRate: 0.5, medianDaysToClose: 10 }),
    ]);
    // After everything (E opened 03-11; D due 03-31): E too. Its incident started 03-10, outside [01-01, 03-01).
    expect(await actionItemHealth(ds, { asOf: '2026-03-20T00:00:00Z', groupBy: 'NONE' })).toEqual([
      row(null, { open: 3, done: 2, overdue: 1, completionRate: 0.4, medianDaysToClose: 10 }),
    ]);
    expect(
      await actionItemHealth(ds, {
        asOf: '2026-03-20T00:00:00Z',
        groupBy: 'NONE',
        from: '2026-01-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      }),
    ).toEqual([row(null, { open: 2, done: 2, overdue: 1, completionRate: 0.5, medianDaysToClose: 10 })]);
    expect(
      await actionItemHealth(ds, {
        asOf: '2026-03-20T00:00:00Z',
        groupBy: 'NONE',
        from: '2026-02-01T00:00:00Z',
      }),
    ).toEqual([row(null, { open: 2, done: 1, completionRate: 1 / 3, medianDaysToClose: 10 })]);
    // Before anything was opened: one row of zeros.
    expect(await actionItemHealth(ds, { asOf: '2025-12-01T00:00:00Z', groupBy: 'NONE' })).toEqual([
      row(null, {}),
    ]);
    // The instant a version starts, it holds: at 01-21T00:00 A is DONE; a millisecond before, IN_PROGRESS.
    expect(await actionItemHealth(ds, { asOf: '2026-01-21T00:00:00Z', groupBy: 'NONE' })).toEqual([
      row(null, { open: 1, done: 1, completionRate: 0.5, medianDaysToClose: 10 }),
    ]);
    expect(await actionItemHealth(ds, { asOf: '2026-01-20T23:59:59.999Z', groupBy: 'NONE' })).toEqual([
      row(null, { open: 1, inProgress: 1, overdue: 1 }),
    ]);
  });

  it('groups by service (an item under each service of its incident), owner team, priority and type', async () => {
    const ds = await project();
    expect(await actionItemHealth(ds, { asOf: '2026-03-01T00:00:00Z', groupBy: 'SERVICE' })).toEqual([
      row('checkout', { open: 1, done: 1, overdue: 1, completionRate: 0.5, medianDaysToClose: 10 }),
      row('payments', { open: 1, done: 1, overdue: 1, completionRate: 0.5, medianDaysToClose: 10 }),
      row('search', { open: 1, done: 1, completionRate: 0.5, medianDaysToClose: 10 }),
    ]);
    expect(await actionItemHealth(ds, { asOf: '2026-03-20T00:00:00Z', groupBy: 'SERVICE' })).toEqual([
      row('checkout', { open: 2, done: 1, overdue: 1, completionRate: 1 / 3, medianDaysToClose: 10 }),
      row('payments', { open: 1, done: 1, overdue: 1, completionRate: 0.5, medianDaysToClose: 10 }),
      row('search', { open: 1, done: 1, completionRate: 0.5, medianDaysToClose: 10 }),
    ]);
    // The owner team of then: D is team-b until 02-20.
    expect(await actionItemHealth(ds, { asOf: '2026-02-15T12:00:00Z', groupBy: 'OWNER_TEAM' })).toEqual([
      row('team-a', { done: 2, completionRate: 1, medianDaysToClose: 7 }),
      row('team-b', { open: 2, overdue: 2 }),
    ]);
    expect(await actionItemHealth(ds, { asOf: '2026-03-01T00:00:00Z', groupBy: 'OWNER_TEAM' })).toEqual([
      row('team-a', { open: 1, done: 2, completionRate: 2 / 3, medianDaysToClose: 10 }),
      row('team-b', { open: 1, overdue: 1 }),
    ]);
    expect(await actionItemHealth(ds, { asOf: '2026-02-19T12:00:00Z', groupBy: 'PRIORITY' })).toEqual([
      row('P1', { done: 1, completionRate: 1, medianDaysToClose: 10 }),
      row('P2', { open: 1, inProgress: 1, overdue: 1 }),
      row('P3', { open: 1, overdue: 1 }),
    ]);
    expect(await actionItemHealth(ds, { asOf: '2026-03-20T00:00:00Z', groupBy: 'TYPE' })).toEqual([
      row('DETECT', { open: 1, done: 1, completionRate: 0.5, medianDaysToClose: 10 }),
      row('PREVENT', { open: 1, overdue: 1 }),
      row('PROCESS', { open: 1 }),
      row('REPAIR', { done: 1, completionRate: 1, medianDaysToClose: 10 }),
    ]);
    expect(await actionItemHealth(ds, { asOf: '2025-12-01T00:00:00Z', groupBy: 'SERVICE' })).toEqual([]);
  });

  it("takes an item's incident start as it is now: a corrected start moves the items in or out of a period", async () => {
    const ds = await project();
    const events = new DatedEvents(bed.store);
    const period = { asOf: '2026-03-20T00:00:00Z', groupBy: 'NONE' as const, from: '2026-03-01T00:00:00Z' };
    // Only E (of i3, started 03-10) is in the period.
    expect(await actionItemHealth(ds, period)).toEqual([row(null, { open: 1 })]);
    // i2 started 03-05 after all: its items come in, C (DONE, 10 days) and D (OPEN, due 03-31: not overdue).
    await events.onIncident(
      { type: 'IncidentRevised', data: { incidentId: 'i2', changes: { startedAt: '2026-03-05T08:00:00Z' } } },
      '2026-03-15T00:00:00Z',
    );
    await expect(running?.waitForPosition(events.lastPosition, 10_000)).resolves.toBe(true);
    expect(await actionItemHealth(ds, period)).toEqual([
      row(null, { open: 2, done: 1, completionRate: 1 / 3, medianDaysToClose: 10 }),
    ]);
  });

  it('rejects a bad asOf, an empty period and an unknown groupBy', async () => {
    const ds = bed.dataSource;
    await expect(actionItemHealth(ds, { asOf: 'yesterday', groupBy: 'NONE' })).rejects.toThrow(
      InvalidQueryArgumentError,
    );
    await expect(
      actionItemHealth(ds, {
        asOf: '2026-03-01T00:00:00Z',
        groupBy: 'NONE',
        from: '2026-02-01T00:00:00Z',
        to: '2026-02-01T00:00:00Z',
      }),
    ).rejects.toThrow(/input.to/);
    await expect(
      actionItemHealth(ds, { asOf: '2026-03-01T00:00:00Z', groupBy: 'ASSIGNEE' as never }),
    ).rejects.toThrow(/input.groupBy/);
  });
});
