import type { DataSource } from 'typeorm';
import { InvalidQueryArgumentError } from '../query-arguments';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { insertFinding, insertIncident, minutesAfterStart } from '../testing/read-model-rows.fixture';
import { IncidentProjection } from './incident.projection';
import { listIncidents, type IncidentConnection, type IncidentFilter } from './incident-list.query';

const ids = (page: IncidentConnection) => page.edges.map((edge) => edge.node.id);

describeOnReadModelDatabases('incident list query', (databases) => {
  jest.setTimeout(30_000);
  let dataSource: DataSource;
  beforeEach(async () => {
    dataSource = await databases.open();
  });
  afterEach(() => databases.cleanup());

  /** Six incidents, one per hour, each differing from the others in one or two fields. */
  async function seedVaried() {
    await insertIncident(dataSource, { id: 'inc-a', startedAt: minutesAfterStart(0) });
    await insertIncident(dataSource, {
      id: 'inc-b',
      startedAt: minutesAfterStart(60),
      kind: 'NEAR_MISS',
      severity: 'SEV4',
      services: ['payments'],
      tags: ['config'],
    });
    await insertIncident(dataSource, {
      id: 'inc-c',
      startedAt: minutesAfterStart(120),
      kind: 'GAME_DAY',
      status: 'CLOSED',
      detectionSource: 'CHAOS_EXPERIMENT',
      services: ['checkout', 'search'],
      tags: ['config', 'pool'],
    });
    await insertIncident(dataSource, {
      id: 'inc-d',
      startedAt: minutesAfterStart(180),
      severity: 'SEV1',
      status: 'RESOLVED',
      detectionSource: 'CUSTOMER_REPORT',
      services: ['search'],
    });
    await insertIncident(dataSource, { id: 'inc-e', startedAt: minutesAfterStart(240), services: [] });
    await insertIncident(dataSource, { id: 'inc-f', startedAt: minutesAfterStart(300), tags: ['pool'] });
    // Categories: a: CONFIG_CHANGE trigger; b: CAPACITY contributing factor; c: CAPACITY but
    // retracted; d: CAPACITY on a lesson (not causal); e: CODE_CHANGE and CAPACITY.
    await insertFinding(dataSource, { id: 'inc-a:f1', incidentId: 'inc-a', category: 'CONFIG_CHANGE' });
    await insertFinding(dataSource, {
      id: 'inc-b:f1',
      incidentId: 'inc-b',
      kind: 'CONTRIBUTING_FACTOR',
      category: 'CAPACITY',
    });
    await insertFinding(dataSource, {
      id: 'inc-c:f1',
      incidentId: 'inc-c',
      category: 'CAPACITY',
      retracted: true,
    });
    await insertFinding(dataSource, {
      id: 'inc-d:f1',
      incidentId: 'inc-d',
      kind: 'LESSON_LEARNED',
      category: 'CAPACITY',
    });
    await insertFinding(dataSource, { id: 'inc-e:f1', incidentId: 'inc-e', category: 'CODE_CHANGE' });
    await insertFinding(dataSource, {
      id: 'inc-e:f2',
      incidentId: 'inc-e',
      streamRevision: 2,
      kind: 'CONTRIBUTING_FACTOR',
      category: 'CAPACITY',
    });
  }

  const matching = async (filter: IncidentFilter) => {
    const page = await listIncidents(dataSource, { filter, first: 100 });
    expect(page.totalCount).toBe(page.edges.length);
    return ids(page);
  };

  it('lists newest first, ties on startedAt by id descending, with rows as stored', async () => {
    await seedVaried();
    await insertIncident(dataSource, { id: 'inc-f2', startedAt: minutesAfterStart(300) });
    await insertIncident(dataSource, { id: 'inc-f0', startedAt: minutesAfterStart(300) });
    const page = await listIncidents(dataSource);
    expect(ids(page)).toEqual(['inc-f2', 'inc-f0', 'inc-f', 'inc-e', 'inc-d', 'inc-c', 'inc-b', 'inc-a']);
    expect(page.totalCount).toBe(8);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: page.edges[7].cursor });
    expect(page.edges.find((edge) => edge.node.id === 'inc-c')!.node).toMatchObject({
      kind: 'GAME_DAY',
      status: 'CLOSED',
      services: ['checkout', 'search'],
      tags: ['config', 'pool'],
      startedAt: '2026-03-01T02:00:00.000Z',
      closedAt: null,
    });
  });

  it('filters by each field', async () => {
    await seedVaried();
    expect(await matching({ kinds: ['NEAR_MISS', 'GAME_DAY'] })).toEqual(['inc-c', 'inc-b']);
    expect(await matching({ severities: ['SEV1', 'SEV4'] })).toEqual(['inc-d', 'inc-b']);
    expect(await matching({ statuses: ['CLOSED', 'RESOLVED'] })).toEqual(['inc-d', 'inc-c']);
    expect(await matching({ services: ['search'] })).toEqual(['inc-d', 'inc-c']);
    expect(await matching({ services: ['search', 'payments'] })).toEqual(['inc-d', 'inc-c', 'inc-b']);
    expect(await matching({ services: ['nothing-here'] })).toEqual([]);
    expect(await matching({ tags: ['pool'] })).toEqual(['inc-f', 'inc-c']);
    expect(await matching({ tags: ['config', 'pool'] })).toEqual(['inc-f', 'inc-c', 'inc-b']);
    expect(await matching({ detectionSources: ['CUSTOMER_REPORT', 'CHAOS_EXPERIMENT'] })).toEqual([
      'inc-d',
      'inc-c',
    ]);
    // Retracted (c) and non-causal (d) findings do not count.
    expect(await matching({ factorCategories: ['CAPACITY'] })).toEqual(['inc-e', 'inc-b']);
    expect(await matching({ factorCategories: ['CAPACITY', 'CONFIG_CHANGE'] })).toEqual([
      'inc-e',
      'inc-b',
      'inc-a',
    ]);
    expect(await matching({ factorCategories: ['NETWORK'] })).toEqual([]);
    // startedFrom inclusive, startedTo exclusive; any DateTime spelling is normalised.
    expect(await matching({ startedFrom: minutesAfterStart(120) })).toEqual([
      'inc-f',
      'inc-e',
      'inc-d',
      'inc-c',
    ]);
    expect(await matching({ startedTo: minutesAfterStart(120) })).toEqual(['inc-b', 'inc-a']);
    expect(
      await matching({ startedFrom: '2026-03-01T01:00:00Z', startedTo: new Date(minutesAfterStart(180)) }),
    ).toEqual(['inc-c', 'inc-b']);
    expect(
      await matching({ startedFrom: minutesAfterStart(180), startedTo: minutesAfterStart(180) }),
    ).toEqual([]);
  });

  it('combines fields with AND and treats empty lists as no constraint', async () => {
    await seedVaried();
    expect(await matching({ services: ['checkout'], tags: ['pool'] })).toEqual(['inc-f', 'inc-c']);
    expect(await matching({ services: ['checkout'], tags: ['pool'], kinds: ['INCIDENT'] })).toEqual([
      'inc-f',
    ]);
    expect(
      await matching({
        factorCategories: ['CAPACITY', 'CONFIG_CHANGE'],
        services: ['checkout', 'payments'],
        startedFrom: minutesAfterStart(30),
      }),
    ).toEqual(['inc-b']);
    expect(
      await matching({ severities: ['SEV2'], statuses: ['OPEN'], detectionSources: ['MONITORING_ALERT'] }),
    ).toEqual(['inc-f', 'inc-e', 'inc-a']);
    const everything = ['inc-f', 'inc-e', 'inc-d', 'inc-c', 'inc-b', 'inc-a'];
    expect(
      await matching({
        kinds: [],
        severities: [],
        statuses: [],
        services: [],
        tags: [],
        detectionSources: [],
        factorCategories: [],
        startedFrom: null,
        startedTo: null,
      }),
    ).toEqual(everything);
    expect(await matching({})).toEqual(everything);
  });

  it('pages with cursors that stay valid while incidents are added, with no row twice and none skipped', async () => {
    for (let i = 0; i < 25; i++)
      await insertIncident(dataSource, {
        id: `inc-${String(i).padStart(2, '0')}`,
        startedAt: minutesAfterStart(i * 10),
      });
    // Newest first: inc-24 .. inc-00.
    const first = await listIncidents(dataSource, { first: 10 });
    expect(ids(first)).toEqual([
      'inc-24',
      'inc-23',
      'inc-22',
      'inc-21',
      'inc-20',
      'inc-19',
      'inc-18',
      'inc-17',
      'inc-16',
      'inc-15',
    ]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[9].cursor });
    expect(first.totalCount).toBe(25);

    // Added between pages: newer than the cursor (belongs to page one, not seen now), older (comes
    // later), and two at the cursor's very startedAt, on either side of its id.
    const cursorTime = minutesAfterStart(150);
    await insertIncident(dataSource, { id: 'inc-new', startedAt: minutesAfterStart(1000) });
    await insertIncident(dataSource, { id: 'inc-old', startedAt: minutesAfterStart(-5) });
    await insertIncident(dataSource, { id: 'inc-15a', startedAt: cursorTime }); // > 'inc-15': before the cursor
    await insertIncident(dataSource, { id: 'inc-14z', startedAt: cursorTime }); // < 'inc-15': right after it
    const second = await listIncidents(dataSource, { first: 10, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual([
      'inc-14z',
      'inc-14',
      'inc-13',
      'inc-12',
      'inc-11',
      'inc-10',
      'inc-09',
      'inc-08',
      'inc-07',
      'inc-06',
    ]);
    expect(second.totalCount).toBe(29);

    await insertIncident(dataSource, { id: 'inc-newer', startedAt: minutesAfterStart(2000) });
    const third = await listIncidents(dataSource, { first: 10, after: second.pageInfo.endCursor });
    expect(ids(third)).toEqual(['inc-05', 'inc-04', 'inc-03', 'inc-02', 'inc-01', 'inc-00', 'inc-old']);
    expect(third.pageInfo).toEqual({ hasNextPage: false, endCursor: third.edges[6].cursor });

    // An edge's cursor works as `after` too, and after the last row there is nothing.
    const fromEdge = await listIncidents(dataSource, { first: 2, after: first.edges[1].cursor });
    expect(ids(fromEdge)).toEqual(['inc-22', 'inc-21']);
    const beyond = await listIncidents(dataSource, { first: 10, after: third.pageInfo.endCursor });
    expect(beyond.edges).toEqual([]);
    expect(beyond.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(beyond.totalCount).toBe(30);
  });

  it('pages within a filter, and the cursor survives the row it names being deleted', async () => {
    for (let i = 0; i < 9; i++)
      await insertIncident(dataSource, {
        id: `inc-${i}`,
        startedAt: minutesAfterStart(i),
        severity: i % 3 === 0 ? 'SEV1' : 'SEV3',
      });
    const filter: IncidentFilter = { severities: ['SEV1'] };
    const first = await listIncidents(dataSource, { filter, first: 2 });
    expect(ids(first)).toEqual(['inc-6', 'inc-3']);
    expect(first.totalCount).toBe(3);
    await dataSource.query("DELETE FROM incidents WHERE id = 'inc-3'");
    const second = await listIncidents(dataSource, { filter, first: 2, after: first.pageInfo.endCursor });
    expect(ids(second)).toEqual(['inc-0']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.totalCount).toBe(2);
  });

  it('takes first 0 (no edges, but hasNextPage says whether there are rows) and runs on an entity manager', async () => {
    await seedVaried();
    expect(await listIncidents(dataSource, { first: 0 })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, endCursor: null },
      totalCount: 6,
    });
    const inTransaction = await dataSource.transaction((manager) =>
      listIncidents(manager, { filter: { tags: ['pool'] }, first: 1 }),
    );
    expect(ids(inTransaction)).toEqual(['inc-f']);
    expect(inTransaction.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses bad arguments with an error naming the argument and the rule', async () => {
    const fails = (args: Parameters<typeof listIncidents>[1]) => listIncidents(dataSource, args);
    const other = Buffer.from(JSON.stringify(['action-items', minutesAfterStart(0), 'x'])).toString(
      'base64url',
    );
    await expect(fails({ first: 101 })).rejects.toThrow(
      'Invalid first: must be an integer from 0 to 100, got 101.',
    );
    await expect(fails({ first: -1 })).rejects.toThrow(InvalidQueryArgumentError);
    await expect(fails({ first: 2.5 })).rejects.toThrow(/^Invalid first/);
    await expect(fails({ after: 'bm9wZQ' })).rejects.toThrow(
      "Invalid after: must be a cursor this incidents list returned (endCursor or an edge's cursor).",
    );
    await expect(fails({ after: other })).rejects.toMatchObject({
      name: 'InvalidQueryArgumentError',
      argument: 'after',
    });
    await expect(fails({ filter: { kinds: ['OUTAGE' as never] } })).rejects.toMatchObject({
      argument: 'filter.kinds',
      message: expect.stringContaining("'OUTAGE' is not one of INCIDENT, NEAR_MISS"),
    });
    await expect(
      fails({ filter: { services: Array.from({ length: 101 }, (_, i) => `svc-${i}`) } }),
    ).rejects.toThrow('Invalid filter.services: at most 100 values, got 101.');
    await expect(fails({ filter: { factorCategories: ['BLAME' as never] } })).rejects.toMatchObject({
      argument: 'filter.factorCategories',
    });
    await expect(fails({ filter: { startedFrom: 'last tuesday' } })).rejects.toThrow(
      "Invalid filter.startedFrom: must be a date-time, got 'last tuesday'.",
    );
    await expect(fails({ filter: { startedTo: 'never' } })).rejects.toMatchObject({
      argument: 'filter.startedTo',
    });
  });
});

describeOnReadModelDatabases('incident list query over projected incidents', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);

  it('finds incidents as the incident projection writes them (services, tags, findings)', async () => {
    const projector = await bed.startProjector(bed.dataSource, [new IncidentProjection()]);
    const report = (title: string, services: string[], tags: string[], startedAt: string) =>
      bed.writer.reportIncident({
        title,
        kind: 'INCIDENT',
        severity: 'SEV2',
        services,
        tags,
        detectionSource: 'MONITORING_ALERT',
        startedAt,
      });
    const pool = await report(
      'Pool exhausted',
      ['checkout', 'payments'],
      ['pool'],
      '2026-02-01T10:00:00.000Z',
    );
    const dns = await report('DNS flap', ['edge'], ['dns'], '2026-02-02T10:00:00.000Z');
    await bed.writer.onIncident(pool, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'A config push removed the pool limit.',
    });
    await bed.writer.onIncident(dns, {
      type: 'RecordFinding',
      kind: 'CONTRIBUTING_FACTOR',
      category: 'NETWORK',
      description: 'A resolver was slow.',
    });
    await bed.writer.onIncident(dns, { type: 'RetractFinding', findingId: `${dns}:f1`, reason: 'Not so.' });
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);

    const list = (filter: IncidentFilter) => listIncidents(bed.dataSource, { filter }).then(ids);
    expect(await list({})).toEqual([dns, pool]);
    expect(await list({ services: ['payments'] })).toEqual([pool]);
    expect(await list({ tags: ['dns'] })).toEqual([dns]);
    expect(await list({ factorCategories: ['CONFIG_CHANGE', 'NETWORK'] })).toEqual([pool]);
  });
});
