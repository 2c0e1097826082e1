import type { DataSource } from 'typeorm';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { insertActionItem, insertIncident, minutesAfterStart } from '../testing/read-model-rows.fixture';
import type { ActionItemRow } from './action-item.entity';
import {
  isOverdue,
  listActionItems,
  type ActionItemConnection,
  type ActionItemFilter,
} from './action-item-list.query';

const ids = (page: ActionItemConnection) => page.edges.map((edge) => edge.node.id);
const NOW = '2026-03-10T12:00:00.000Z';

describe('isOverdue', () => {
  const item = (status: ActionItemRow['status'], dueDate: string | null) => ({ status, dueDate });
  it('is true only for an OPEN or IN_PROGRESS item whose due date is before now', () => {
    expect(isOverdue(item('OPEN', '2026-03-10T11:59:59.999Z'), NOW)).toBe(true);
    expect(isOverdue(item('IN_PROGRESS', '2026-03-01T00:00:00.000Z'), new Date(NOW))).toBe(true);
    expect(isOverdue(item('OPEN', NOW), NOW)).toBe(false);
    expect(isOverdue(item('OPEN', '2026-03-11T00:00:00.000Z'), NOW)).toBe(false);
    expect(isOverdue(item('OPEN', null), NOW)).toBe(false);
    expect(isOverdue(item('DONE', '2026-03-01T00:00:00.000Z'), NOW)).toBe(false);
    expect(isOverdue(item('WONT_DO', '2026-03-01T00:00:00.000Z'), NOW)).toBe(false);
  });
});

describeOnReadModelDatabases('action-item list query', (databases) => {
  jest.setTimeout(30_000);
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await databases.open();
    await insertIncident(dataSource, { id: 'inc-1', startedAt: minutesAfterStart(0) });
    await insertIncident(dataSource, { id: 'inc-2', startedAt: minutesAfterStart(10) });
  });
  afterEach(() => databases.cleanup());

  /**
   * Seven items, one per hour from 2026-03-01T01:00. Overdue at NOW: a (OPEN, due before), c
   * (IN_PROGRESS, due a millisecond before). Not overdue: b (DONE, due before), d (OPEN, due exactly
   * NOW), e (OPEN, no due date), f (WONT_DO, due before), g (OPEN, due later).
   */
  async function seed() {
    const items: Array<Parameters<typeof insertActionItem>[1]> = [
      {
        id: 'ai-a',
        incidentId: 'inc-1',
        openedAt: minutesAfterStart(60),
        dueDate: '2026-03-05T00:00:00.000Z',
      },
      {
        id: 'ai-b',
        incidentId: 'inc-1',
        openedAt: minutesAfterStart(120),
        status: 'DONE',
        dueDate: '2026-03-05T00:00:00.000Z',
        priority: 'P1',
      },
      {
        id: 'ai-c',
        incidentId: 'inc-2',
        openedAt: minutesAfterStart(180),
        status: 'IN_PROGRESS',
        dueDate: '2026-03-10T11:59:59.999Z',
        ownerTeam: 'team-platform',
      },
      { id: 'ai-d', incidentId: 'inc-2', openedAt: minutesAfterStart(240), dueDate: NOW, priority: 'P1' },
      { id: 'ai-e', incidentId: 'inc-1', openedAt: minutesAfterStart(300), ownerTeam: 'team-platform' },
      {
        id: 'ai-f',
        incidentId: 'inc-2',
        openedAt: minutesAfterStart(360),
        status: 'WONT_DO',
        dueDate: '2026-03-02T00:00:00.000Z',
        priority: 'P4',
        ownerTeam: 'team-search',
      },
      {
        id: 'ai-g',
        incidentId: 'inc-1',
        openedAt: minutesAfterStart(420),
        dueDate: '2026-04-01T00:00:00.000Z',
      },
    ];
    for (const item of items) await insertActionItem(dataSource, item);
  }

  const matching = async (filter: ActionItemFilter, now: string | Date = NOW) => {
    const page = await listActionItems(dataSource, { filter, first: 100, now });
    expect(page.totalCount).toBe(page.edges.length);
    return ids(page);
  };

  it('lists newest first (openedAt, then id, descending) with rows as stored', async () => {
    await seed();
    await insertActionItem(dataSource, {
      id: 'ai-g2',
      incidentId: 'inc-2',
      openedAt: minutesAfterStart(420),
    });
    const page = await listActionItems(dataSource, { now: NOW });
    expect(ids(page)).toEqual(['ai-g2', 'ai-g', 'ai-f', 'ai-e', 'ai-d', 'ai-c', 'ai-b', 'ai-a']);
    expect(page.totalCount).toBe(8);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: page.edges[7].cursor });
    expect(page.edges[2].node).toMatchObject({
      id: 'ai-f',
      incidentId: 'inc-2',
      status: 'WONT_DO',
      priority: 'P4',
      ownerTeam: 'team-search',
      dueDate: '2026-03-02T00:00:00.000Z',
      completedAt: null,
    });
  });

  it('filters by each field, overdue judged at the `now` given', async () => {
    await seed();
    expect(await matching({ incidentId: 'inc-2' })).toEqual(['ai-f', 'ai-d', 'ai-c']);
    expect(await matching({ incidentId: 'inc-unknown' })).toEqual([]);
    expect(await matching({ statuses: ['DONE', 'WONT_DO'] })).toEqual(['ai-f', 'ai-b']);
    expect(await matching({ ownerTeams: ['team-platform', 'team-search'] })).toEqual([
      'ai-f',
      'ai-e',
      'ai-c',
    ]);
    expect(await matching({ priorities: ['P1'] })).toEqual(['ai-d', 'ai-b']);
    expect(await matching({ overdue: true })).toEqual(['ai-c', 'ai-a']);
    expect(await matching({ overdue: false })).toEqual(['ai-g', 'ai-f', 'ai-e', 'ai-d', 'ai-b']);
    // A millisecond later, d (due exactly at NOW) is overdue too; a month later so is g.
    expect(await matching({ overdue: true }, '2026-03-10T12:00:00.001Z')).toEqual(['ai-d', 'ai-c', 'ai-a']);
    expect(await matching({ overdue: true }, new Date('2026-05-01T00:00:00Z'))).toEqual([
      'ai-g',
      'ai-d',
      'ai-c',
      'ai-a',
    ]);
    expect(await matching({ overdue: true }, '2026-03-01T00:00:00.000Z')).toEqual([]);
  });

  it('agrees with isOverdue on every row', async () => {
    await seed();
    for (const now of [
      NOW,
      '2026-03-01T00:00:00.000Z',
      '2026-03-05T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]) {
      const all = await listActionItems(dataSource, { now, first: 100 });
      const overdue = await matching({ overdue: true }, now);
      expect(overdue).toEqual(
        all.edges.filter((edge) => isOverdue(edge.node, now)).map((edge) => edge.node.id),
      );
    }
  });

  it('combines fields with AND and treats empty lists as no constraint', async () => {
    await seed();
    expect(await matching({ incidentId: 'inc-1', overdue: false })).toEqual(['ai-g', 'ai-e', 'ai-b']);
    expect(await matching({ incidentId: 'inc-2', priorities: ['P1', 'P4'], statuses: ['OPEN'] })).toEqual([
      'ai-d',
    ]);
    expect(await matching({ ownerTeams: ['team-platform'], overdue: true })).toEqual(['ai-c']);
    const everything = ['ai-g', 'ai-f', 'ai-e', 'ai-d', 'ai-c', 'ai-b', 'ai-a'];
    expect(
      await matching({ incidentId: null, statuses: [], ownerTeams: [], priorities: [], overdue: null }),
    ).toEqual(everything);
    expect(await matching({})).toEqual(everything);
  });

  it('pages with cursors that stay valid while items are added, with no row twice and none skipped', async () => {
    for (let i = 0; i < 12; i++)
      await insertActionItem(dataSource, {
        id: `ai-${String(i).padStart(2, '0')}`,
        incidentId: 'inc-1',
        openedAt: minutesAfterStart(i * 10),
        dueDate: i % 2 === 0 ? '2026-03-05T00:00:00.000Z' : null,
      });
    const filter: ActionItemFilter = { overdue: true };
    const first = await listActionItems(dataSource, { filter, first: 3, now: NOW });
    expect(ids(first)).toEqual(['ai-10', 'ai-08', 'ai-06']);
    expect(first.totalCount).toBe(6);
    expect(first.pageInfo.hasNextPage).toBe(true);

    await insertActionItem(dataSource, {
      id: 'ai-new',
      incidentId: 'inc-1',
      openedAt: minutesAfterStart(500),
      dueDate: '2026-03-05T00:00:00.000Z',
    });
    await insertActionItem(dataSource, {
      id: 'ai-05z',
      incidentId: 'inc-2',
      openedAt: minutesAfterStart(60),
      dueDate: '2026-03-05T00:00:00.000Z',
    });
    await insertActionItem(dataSource, {
      id: 'ai-06a',
      incidentId: 'inc-2',
      openedAt: minutesAfterStart(60),
      dueDate: '2026-03-05T00:00:00.000Z',
    });
    const second = await listActionItems(dataSource, {
      filter,
      first: 3,
      now: NOW,
      after: first.pageInfo.endCursor,
    });
    expect(ids(second)).toEqual(['ai-05z', 'ai-04', 'ai-02']);
    expect(second.totalCount).toBe(9);
    const third = await listActionItems(dataSource, {
      filter,
      first: 3,
      now: NOW,
      after: second.pageInfo.endCursor,
    });
    expect(ids(third)).toEqual(['ai-00']);
    expect(third.pageInfo).toEqual({ hasNextPage: false, endCursor: third.edges[0].cursor });
  });

  it('refuses bad arguments with an error naming the argument and the rule', async () => {
    const incidentCursor = Buffer.from(JSON.stringify(['incidents', minutesAfterStart(0), 'inc-1'])).toString(
      'base64url',
    );
    await expect(listActionItems(dataSource, { now: NOW, first: 500 })).rejects.toThrow(
      'Invalid first: must be an integer from 0 to 100, got 500.',
    );
    await expect(listActionItems(dataSource, { now: NOW, after: incidentCursor })).rejects.toThrow(
      "Invalid after: must be a cursor this action-items list returned (endCursor or an edge's cursor).",
    );
    await expect(listActionItems(dataSource, { now: 'whenever' })).rejects.toMatchObject({
      name: 'InvalidQueryArgumentError',
      argument: 'now',
    });
    await expect(
      listActionItems(dataSource, { now: NOW, filter: { statuses: ['CLOSED' as never] } }),
    ).rejects.toThrow("Invalid filter.statuses: 'CLOSED' is not one of OPEN, IN_PROGRESS, DONE, WONT_DO.");
    await expect(
      listActionItems(dataSource, { now: NOW, filter: { priorities: ['P9' as never] } }),
    ).rejects.toMatchObject({ argument: 'filter.priorities' });
    await expect(
      listActionItems(dataSource, {
        now: NOW,
        filter: { ownerTeams: Array.from({ length: 101 }, (_, i) => `t${i}`) },
      }),
    ).rejects.toThrow('Invalid filter.ownerTeams: at most 100 values, got 101.');
    await expect(listActionItems(dataSource, { now: NOW, filter: { incidentId: '' } })).rejects.toMatchObject(
      {
        argument: 'filter.incidentId',
      },
    );
  });
});
