import type { DataSource } from 'typeorm';
import { countQueries } from '../testing/count-queries';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import {
  insertFinding,
  insertIncident,
  insertLink,
  insertTimelineEntry,
  minutesAfterStart,
} from '../testing/read-model-rows.fixture';
import {
  findingsByIds,
  findingsByIncidentIds,
  incidentsByIds,
  linksByIncidentIds,
  timelineByIncidentIds,
} from './incident-batch.query';

const idsOf = <T extends { id: string }>(groups: Map<string, T[]>) =>
  Object.fromEntries([...groups].map(([key, rows]) => [key, rows.map((row) => row.id)]));

describeOnReadModelDatabases('incident batch loaders', (databases) => {
  jest.setTimeout(60_000);
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await databases.open();
    await insertIncident(dataSource, {
      id: 'inc-1',
      startedAt: minutesAfterStart(0),
      services: ['checkout', 'payments'],
      tags: ['pool'],
    });
    await insertIncident(dataSource, { id: 'inc-2', startedAt: minutesAfterStart(10) });
    await insertIncident(dataSource, { id: 'inc-3', startedAt: minutesAfterStart(20) });
  });
  afterEach(() => databases.cleanup());

  it('loads incidents by id in one statement, unknown ids left out, duplicates allowed', async () => {
    const counter = countQueries(dataSource);
    const byId = await incidentsByIds(dataSource, ['inc-2', 'nope', 'inc-1', 'inc-2']);
    counter.stop();
    expect(counter.count).toBe(1);
    expect([...byId.keys()].sort()).toEqual(['inc-1', 'inc-2']);
    expect(byId.get('inc-1')).toMatchObject({
      id: 'inc-1',
      services: ['checkout', 'payments'],
      tags: ['pool'],
      startedAt: minutesAfterStart(0),
    });
    expect(await incidentsByIds(dataSource, [])).toEqual(new Map());
  });

  it('loads findings by id and by incident: recorded order, retracted ones included, an empty group per incident without', async () => {
    await insertFinding(dataSource, {
      id: 'inc-1:f2',
      incidentId: 'inc-1',
      streamRevision: 7,
      retracted: true,
    });
    await insertFinding(dataSource, { id: 'inc-1:f1', incidentId: 'inc-1', streamRevision: 3 });
    await insertFinding(dataSource, {
      id: 'inc-1:f3',
      incidentId: 'inc-1',
      streamRevision: 12,
      kind: 'LESSON_LEARNED',
      category: null,
    });
    await insertFinding(dataSource, { id: 'inc-2:f1', incidentId: 'inc-2', streamRevision: 1 });

    const counter = countQueries(dataSource);
    const groups = await findingsByIncidentIds(dataSource, ['inc-3', 'inc-1', 'inc-2', 'nope', 'inc-1']);
    counter.stop();
    expect(counter.count).toBe(1);
    expect(idsOf(groups)).toEqual({
      'inc-3': [],
      'inc-1': ['inc-1:f1', 'inc-1:f2', 'inc-1:f3'],
      'inc-2': ['inc-2:f1'],
      nope: [],
    });
    expect(groups.get('inc-1')![1]).toMatchObject({
      retracted: true,
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
    });
    expect(groups.get('inc-1')![2]).toMatchObject({
      retracted: false,
      kind: 'LESSON_LEARNED',
      category: null,
    });

    const byId = await findingsByIds(dataSource, ['inc-2:f1', 'inc-1:f2', 'nope']);
    expect([...byId.keys()].sort()).toEqual(['inc-1:f2', 'inc-2:f1']);
    expect(byId.get('inc-1:f2')).toMatchObject({ incidentId: 'inc-1', streamRevision: 7, retracted: true });
  });

  it('loads timelines by `at`, entries at the same instant in the order added', async () => {
    await insertTimelineEntry(dataSource, {
      id: 'inc-1:t1',
      incidentId: 'inc-1',
      at: minutesAfterStart(5),
      streamRevision: 2,
    });
    await insertTimelineEntry(dataSource, {
      id: 'inc-1:t2',
      incidentId: 'inc-1',
      at: minutesAfterStart(1),
      streamRevision: 4,
    });
    await insertTimelineEntry(dataSource, {
      id: 'inc-1:t4',
      incidentId: 'inc-1',
      at: minutesAfterStart(3),
      streamRevision: 6,
    });
    await insertTimelineEntry(dataSource, {
      id: 'inc-1:t3',
      incidentId: 'inc-1',
      at: minutesAfterStart(3),
      streamRevision: 5,
    });
    await insertTimelineEntry(dataSource, { id: 'inc-3:t1', incidentId: 'inc-3', at: minutesAfterStart(30) });
    const groups = await timelineByIncidentIds(dataSource, ['inc-1', 'inc-2', 'inc-3']);
    expect(idsOf(groups)).toEqual({
      'inc-1': ['inc-1:t2', 'inc-1:t3', 'inc-1:t4', 'inc-1:t1'],
      'inc-2': [],
      'inc-3': ['inc-3:t1'],
    });
    expect(groups.get('inc-3')![0]).toEqual({
      id: 'inc-3:t1',
      incidentId: 'inc-3',
      streamRevision: 1,
      at: minutesAfterStart(30),
      text: 'Entry inc-3:t1',
    });
  });

  it('loads the links each incident records, oldest first', async () => {
    await insertLink(dataSource, {
      incidentId: 'inc-3',
      relatedIncidentId: 'inc-2',
      relation: 'RELATED_TO',
      linkedAt: minutesAfterStart(50),
    });
    await insertLink(dataSource, {
      incidentId: 'inc-3',
      relatedIncidentId: 'inc-1',
      relation: 'RECURRENCE_OF',
      linkedAt: minutesAfterStart(40),
    });
    await insertLink(dataSource, {
      incidentId: 'inc-2',
      relatedIncidentId: 'inc-1',
      relation: 'CAUSED_BY',
      linkedAt: minutesAfterStart(45),
    });
    const groups = await linksByIncidentIds(dataSource, ['inc-3', 'inc-1', 'inc-2']);
    expect(groups).toEqual(
      new Map([
        [
          'inc-3',
          [
            {
              incidentId: 'inc-3',
              relatedIncidentId: 'inc-1',
              relation: 'RECURRENCE_OF',
              linkedAt: minutesAfterStart(40),
            },
            {
              incidentId: 'inc-3',
              relatedIncidentId: 'inc-2',
              relation: 'RELATED_TO',
              linkedAt: minutesAfterStart(50),
            },
          ],
        ],
        ['inc-1', []],
        [
          'inc-2',
          [
            {
              incidentId: 'inc-2',
              relatedIncidentId: 'inc-1',
              relation: 'CAUSED_BY',
              linkedAt: minutesAfterStart(45),
            },
          ],
        ],
      ]),
    );
  });

  it('takes more ids than either database has bound parameters for, still in one statement', async () => {
    // SQLite binds at most 32766 parameters, PostgreSQL 65535: the ids travel as one.
    const many = Array.from({ length: 70_000 }, (_, i) => `missing-${i}`);
    many.splice(40_000, 0, 'inc-3');
    const counter = countQueries(dataSource);
    const incidents = await incidentsByIds(dataSource, many);
    const findings = await findingsByIncidentIds(dataSource, many);
    counter.stop();
    expect(counter.count).toBe(2);
    expect([...incidents.keys()]).toEqual(['inc-3']);
    expect(findings.size).toBe(70_001);
  });

  it('refuses ids that are not non-empty strings', async () => {
    await expect(incidentsByIds(dataSource, ['inc-1', ''])).rejects.toMatchObject({
      name: 'InvalidQueryArgumentError',
      argument: 'ids',
    });
    await expect(timelineByIncidentIds(dataSource, [7 as never])).rejects.toMatchObject({
      argument: 'incidentIds',
    });
  });
});
