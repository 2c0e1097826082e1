import type { DataSource } from 'typeorm';
import { actionItemsByIncidentIds } from '../action-item/action-item-batch.query';
import { countQueries } from '../testing/count-queries';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import {
  insertActionItem,
  insertFinding,
  insertIncident,
  insertLink,
  insertTimelineEntry,
  minutesAfterStart,
} from '../testing/read-model-rows.fixture';
import {
  findingsByIncidentIds,
  incidentsByIds,
  linksByIncidentIds,
  timelineByIncidentIds,
} from './incident-batch.query';
import { listIncidents } from './incident-list.query';

/**
 * What the GraphQL layer does for `incidents(first: N) { edges { node { findings timeline links {
 * incident } actionItems } } }` with DataLoaders: a page, then one batch per field. The statement
 * count must not grow with N.
 */
async function loadPage(dataSource: DataSource, first: number) {
  const page = await listIncidents(dataSource, { first });
  const ids = page.edges.map((edge) => edge.node.id);
  const [findings, timeline, links, actionItems] = await Promise.all([
    findingsByIncidentIds(dataSource, ids),
    timelineByIncidentIds(dataSource, ids),
    linksByIncidentIds(dataSource, ids),
    actionItemsByIncidentIds(dataSource, ids),
  ]);
  const linked = await incidentsByIds(
    dataSource,
    [...links.values()].flat().map((link) => link.relatedIncidentId),
  );
  return { page, findings, timeline, links, actionItems, linked };
}

describeOnReadModelDatabases('loading a page of incidents with their children', (databases) => {
  jest.setTimeout(120_000);
  let dataSource: DataSource;
  beforeAll(async () => {
    dataSource = await databases.open();
    await dataSource.transaction(async (manager) => {
      for (let i = 0; i < 120; i++) {
        const id = `inc-${String(i).padStart(3, '0')}`;
        await insertIncident(manager, { id, startedAt: minutesAfterStart(i) });
        await insertFinding(manager, { id: `${id}:f1`, incidentId: id, streamRevision: 1 });
        await insertFinding(manager, { id: `${id}:f2`, incidentId: id, streamRevision: 2, retracted: true });
        await insertTimelineEntry(manager, { id: `${id}:t1`, incidentId: id, at: minutesAfterStart(i + 1) });
        await insertActionItem(manager, {
          id: `${id}:a1`,
          incidentId: id,
          openedAt: minutesAfterStart(i + 2),
        });
        if (i > 0)
          await insertLink(manager, {
            incidentId: id,
            relatedIncidentId: `inc-${String(i - 1).padStart(3, '0')}`,
            relation: 'RECURRENCE_OF',
            linkedAt: minutesAfterStart(i + 3),
          });
      }
    });
  });
  afterAll(() => databases.cleanup());

  it('sends the same few statements for a page of 100 as for a page of 5', async () => {
    const counter = countQueries(dataSource);
    try {
      const small = await loadPage(dataSource, 5);
      const smallCount = counter.count;
      counter.reset();
      const large = await loadPage(dataSource, 100);
      const largeCount = counter.count;

      // The page and its count, four child batches, one batch of linked incidents.
      expect(smallCount).toBe(7);
      expect(largeCount).toBe(smallCount);
      expect(counter.statements.every((sql) => /^\s*SELECT/i.test(sql))).toBe(true);

      expect(small.page.edges).toHaveLength(5);
      expect(large.page.edges).toHaveLength(100);
      expect(large.page.totalCount).toBe(120);
      const newest = large.page.edges[0].node.id;
      expect(newest).toBe('inc-119');
      expect(large.findings.get(newest)!.map((f) => f.id)).toEqual(['inc-119:f1', 'inc-119:f2']);
      expect(large.timeline.get(newest)!.map((t) => t.id)).toEqual(['inc-119:t1']);
      expect(large.actionItems.get(newest)!.map((a) => a.id)).toEqual(['inc-119:a1']);
      expect(large.links.get(newest)!.map((l) => l.relatedIncidentId)).toEqual(['inc-118']);
      expect(large.linked.size).toBe(100);
      expect(large.linked.get('inc-019')!.id).toBe('inc-019');
    } finally {
      counter.stop();
    }
  });
});
