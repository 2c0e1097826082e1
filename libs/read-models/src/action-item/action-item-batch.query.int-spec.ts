import type { DataSource } from 'typeorm';
import { countQueries } from '../testing/count-queries';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { insertActionItem, insertIncident, minutesAfterStart } from '../testing/read-model-rows.fixture';
import { actionItemsByIds, actionItemsByIncidentIds } from './action-item-batch.query';

describeOnReadModelDatabases('action-item batch loaders', (databases) => {
  jest.setTimeout(30_000);
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await databases.open();
    await insertIncident(dataSource, { id: 'inc-1', startedAt: minutesAfterStart(0) });
    await insertIncident(dataSource, { id: 'inc-2', startedAt: minutesAfterStart(10) });
    await insertActionItem(dataSource, { id: 'ai-c', incidentId: 'inc-1', openedAt: minutesAfterStart(30) });
    await insertActionItem(dataSource, { id: 'ai-b', incidentId: 'inc-1', openedAt: minutesAfterStart(30) });
    await insertActionItem(dataSource, {
      id: 'ai-a',
      incidentId: 'inc-1',
      openedAt: minutesAfterStart(40),
      status: 'DONE',
      completedAt: minutesAfterStart(50),
    });
    await insertActionItem(dataSource, { id: 'ai-z', incidentId: 'inc-1', openedAt: minutesAfterStart(20) });
  });
  afterEach(() => databases.cleanup());

  it('loads action items by id in one statement, unknown ids left out', async () => {
    const counter = countQueries(dataSource);
    const byId = await actionItemsByIds(dataSource, ['ai-a', 'nope', 'ai-z', 'ai-a']);
    counter.stop();
    expect(counter.count).toBe(1);
    expect([...byId.keys()].sort()).toEqual(['ai-a', 'ai-z']);
    expect(byId.get('ai-a')).toMatchObject({
      incidentId: 'inc-1',
      status: 'DONE',
      openedAt: minutesAfterStart(40),
      completedAt: minutesAfterStart(50),
    });
    expect(await actionItemsByIds(dataSource, [])).toEqual(new Map());
  });

  it("loads each incident's action items oldest first (openedAt, then id), an empty group for none", async () => {
    const counter = countQueries(dataSource);
    const groups = await actionItemsByIncidentIds(dataSource, ['inc-2', 'inc-1', 'nope']);
    counter.stop();
    expect(counter.count).toBe(1);
    expect(Object.fromEntries([...groups].map(([key, rows]) => [key, rows.map((row) => row.id)]))).toEqual({
      'inc-2': [],
      'inc-1': ['ai-z', 'ai-b', 'ai-c', 'ai-a'],
      nope: [],
    });
  });
});
