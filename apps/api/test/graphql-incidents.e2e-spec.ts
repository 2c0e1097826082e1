/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import type { ApiUnderTest } from './support/api-under-test';
import {
  DATE_TIME,
  EVENT_FIELDS,
  FINDING_FIELDS,
  INCIDENT_FIELDS,
  minutesAgo,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
  sleep,
} from './support/graphql-fixtures';
import { describeOnReadModelBackends } from './support/read-model-backends';

jest.setTimeout(60_000);

const INCIDENTS_PAGE = `query($filter: IncidentFilter, $first: Int, $after: String) {
  incidents(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id title startedAt } } pageInfo { hasNextPage endCursor }
  }
}`;

describeOnReadModelBackends('incidents over GraphQL', (backend) => {
  let api: ApiUnderTest;
  let contributor: { secret: string; id: string };

  beforeAll(async () => {
    api = await backend.start();
    contributor = await api.keyFor('CONTRIBUTOR');
  });
  afterAll(() => backend.stop(api));

  const incident = async (id: string, asOf?: string) =>
    (
      await api.data(
        'query($id: ID!, $asOf: DateTime) { incident(id: $id, asOf: $asOf) { ' + INCIDENT_FIELDS + ' } }',
        {
          id,
          asOf,
        },
      )
    ).incident;
  const page = async (variables: Record<string, unknown>) =>
    (await api.data(INCIDENTS_PAGE, variables)).incidents;

  it('takes an incident through its life, each mutation answering with the incident as written', async () => {
    const startedAt = '2026-01-10T08:00:00.000Z';
    const reported = await mutate(
      api,
      'reportIncident',
      'ReportIncidentInput',
      {
        title: '  Checkout errors after a config push  ',
        summary: 'Payments failed for 20 minutes.',
        kind: 'INCIDENT',
        severity: 'SEV2',
        services: ['checkout', 'payments', 'checkout'],
        tags: ['config'],
        detectionSource: 'MONITORING_ALERT',
        startedAt: '2026-01-10T09:00:00+01:00',
        detectedAt: '2026-01-10T08:05:00.000Z',
      },
      INCIDENT_FIELDS,
      contributor.secret,
    );
    expect(reported).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: 0,
      title: 'Checkout errors after a config push',
      summary: 'Payments failed for 20 minutes.',
      kind: 'INCIDENT',
      severity: 'SEV2',
      status: 'OPEN',
      services: ['checkout', 'payments'],
      tags: ['config'],
      detectionSource: 'MONITORING_ALERT',
      startedAt,
      detectedAt: '2026-01-10T08:05:00.000Z',
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
      closedAt: null,
      reportedAt: expect.stringMatching(DATE_TIME),
      updatedAt: expect.stringMatching(DATE_TIME),
      timeline: [],
      findings: [],
      actionItems: [],
      links: [],
      postmortem: null,
      history: [
        {
          id: expect.any(String),
          streamId: `incident-${reported.id}`,
          revision: 0,
          position: expect.any(String),
          type: 'IncidentReported',
          version: 1,
          data: expect.objectContaining({
            incidentId: reported.id,
            title: 'Checkout errors after a config push',
          }),
          actor: contributor.id,
          correlationId: expect.any(String),
          causationId: null,
          occurredAt: expect.stringMatching(DATE_TIME),
          recordedAt: expect.stringMatching(DATE_TIME),
        },
      ],
    });
    const id: string = reported.id;

    const revised = await mutate(
      api,
      'reviseIncident',
      'ReviseIncidentInput',
      { incidentId: id, severity: 'SEV1', tags: ['config', 'rollout'], expectedRevision: 0 },
      'revision title severity tags services summary',
      contributor.secret,
    );
    // Only the fields given change.
    expect(revised).toEqual({
      revision: 1,
      title: 'Checkout errors after a config push',
      severity: 'SEV1',
      tags: ['config', 'rollout'],
      services: ['checkout', 'payments'],
      summary: 'Payments failed for 20 minutes.',
    });

    const milestone = (name: string, at: string) =>
      mutate(
        api,
        'recordMilestone',
        'RecordMilestoneInput',
        { incidentId: id, milestone: name, at },
        'status acknowledgedAt mitigatedAt resolvedAt revision',
        contributor.secret,
      );
    expect(await milestone('ACKNOWLEDGED', '2026-01-10T08:07:00.000Z')).toMatchObject({
      status: 'OPEN',
      acknowledgedAt: '2026-01-10T08:07:00.000Z',
    });
    expect(await milestone('MITIGATED', '2026-01-10T08:20:00.000Z')).toMatchObject({
      status: 'MITIGATED',
      mitigatedAt: '2026-01-10T08:20:00.000Z',
    });
    expect(await milestone('RESOLVED', '2026-01-10T09:00:00.000Z')).toMatchObject({
      status: 'RESOLVED',
      resolvedAt: '2026-01-10T09:00:00.000Z',
    });

    const withEntry = await mutate(
      api,
      'addTimelineEntry',
      'AddTimelineEntryInput',
      { incidentId: id, at: '2026-01-10T08:10:00.000Z', text: 'Rolled back the config push.' },
      'timeline { id at text }',
      contributor.secret,
    );
    expect(withEntry.timeline).toEqual([
      { id: expect.any(String), at: '2026-01-10T08:10:00.000Z', text: 'Rolled back the config push.' },
    ]);

    const finding = await recordFinding(
      api,
      {
        incidentId: id,
        kind: 'CONTRIBUTING_FACTOR',
        category: 'CONFIG_CHANGE',
        description: 'Human error: the operator should have checked the diff.',
      },
      FINDING_FIELDS,
      contributor.secret,
    );
    expect(finding).toEqual({
      id: expect.any(String),
      incidentId: id,
      kind: 'CONTRIBUTING_FACTOR',
      category: 'CONFIG_CHANGE',
      description: 'Human error: the operator should have checked the diff.',
      blamelessHints: expect.arrayContaining([expect.any(String), expect.any(String)]),
      retracted: false,
      recordedAt: expect.stringMatching(DATE_TIME),
    });
    // A finding on a RESOLVED incident puts it IN_REVIEW.
    expect((await incident(id)).status).toBe('IN_REVIEW');

    const revisedFinding = await mutate(
      api,
      'reviseFinding',
      'ReviseFindingInput',
      { findingId: finding.id, description: 'The config diff was not shown before the push.' },
      FINDING_FIELDS,
      contributor.secret,
    );
    expect(revisedFinding).toMatchObject({
      id: finding.id,
      description: 'The config diff was not shown before the push.',
      category: 'CONFIG_CHANGE',
      blamelessHints: [],
      retracted: false,
    });

    const second = await recordFinding(
      api,
      { incidentId: id, kind: 'LESSON_LEARNED', description: 'Config pushes need a canary.' },
      'id category',
      contributor.secret,
    );
    expect(second.category).toBeNull();
    const retracted = await mutate(
      api,
      'retractFinding',
      'RetractFindingInput',
      { findingId: second.id, reason: 'Recorded twice.' },
      'id retracted',
      contributor.secret,
    );
    expect(retracted).toEqual({ id: second.id, retracted: true });

    const earlier = await reportIncident(api, {
      title: 'The first config outage',
      startedAt: '2025-12-01T08:00:00.000Z',
    });
    const linked = await mutate(
      api,
      'linkIncidents',
      'LinkIncidentsInput',
      { incidentId: id, relatedIncidentId: earlier.id, relation: 'RECURRENCE_OF' },
      'links { relation incident { id title } }',
      contributor.secret,
    );
    expect(linked.links).toEqual([
      { relation: 'RECURRENCE_OF', incident: { id: earlier.id, title: 'The first config outage' } },
    ]);

    const item = await openActionItem(
      api,
      { incidentId: id, findingId: finding.id },
      'id',
      contributor.secret,
    );

    const closed = await mutate(
      api,
      'publishPostmortem',
      'PublishPostmortemInput',
      {
        incidentId: id,
        summary: 'A config push broke checkout.',
        impact: 'Bob should have caught it; 20 minutes of failed payments.',
      },
      'status closedAt postmortem { summary impact publishedAt blamelessHints }',
      contributor.secret,
    );
    expect(closed).toEqual({
      status: 'CLOSED',
      closedAt: expect.stringMatching(DATE_TIME),
      postmortem: {
        summary: 'A config push broke checkout.',
        impact: 'Bob should have caught it; 20 minutes of failed payments.',
        publishedAt: expect.stringMatching(DATE_TIME),
        blamelessHints: [expect.stringContaining('hindsight')],
      },
    });

    const reopened = await mutate(
      api,
      'reopenIncident',
      'ReopenIncidentInput',
      { incidentId: id, reason: 'It happened again.' },
      'status revision',
      contributor.secret,
    );
    expect(reopened.status).toBe('OPEN');

    const now = await incident(id);
    expect(now).toMatchObject({
      status: 'OPEN',
      severity: 'SEV1',
      timeline: [{ text: 'Rolled back the config push.' }],
      findings: [
        { id: finding.id, retracted: false, description: 'The config diff was not shown before the push.' },
        { id: second.id, retracted: true },
      ],
      actionItems: [{ id: item.id, incident: { id } }],
      links: [{ relation: 'RECURRENCE_OF', incident: { id: earlier.id } }],
      postmortem: { summary: 'A config push broke checkout.' },
    });
    expect(now.history.map((event: any) => event.type)).toEqual([
      'IncidentReported',
      'IncidentRevised',
      'MilestoneRecorded',
      'MilestoneRecorded',
      'IncidentStatusChanged',
      'MilestoneRecorded',
      'IncidentStatusChanged',
      'PostmortemDueSet',
      'TimelineEntryAdded',
      'FindingRecorded',
      'IncidentStatusChanged',
      'FindingRevised',
      'FindingRecorded',
      'FindingRetracted',
      'IncidentsLinked',
      'PostmortemPublished',
      'IncidentStatusChanged',
      'IncidentReopened',
    ]);
    expect(now.history.map((event: any) => event.revision)).toEqual(
      now.history.map((_: unknown, i: number) => i),
    );
    expect(now.revision).toBe(now.history.length - 1);
    expect(new Set(now.history.map((event: any) => event.actor))).toEqual(new Set([contributor.id]));
  });

  it('writes the caller’s x-correlation-id into the event metadata', async () => {
    const { body } = await api.graphql(
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { history { ${EVENT_FIELDS} } } }`,
      {
        input: {
          title: 'Correlated',
          kind: 'NEAR_MISS',
          severity: 'SEV5',
          services: ['api'],
          detectionSource: 'OTHER',
          startedAt: minutesAgo(5),
        },
      },
      { headers: { 'x-correlation-id': 'portal-req-42' } },
    );
    expect(body.data?.reportIncident.history).toEqual([
      expect.objectContaining({ correlationId: 'portal-req-42', type: 'IncidentReported' }),
    ]);
  });

  it('answers null for an incident id that names nothing', async () => {
    expect(await incident('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await incident('not-a-uuid')).toBeNull();
  });

  describe('history needs the role of the events query (ANALYST); the incident itself, now or asOf, does not', () => {
    const WITH_HISTORY =
      'query($id: ID!, $asOf: DateTime) { incident(id: $id, asOf: $asOf) { id title history { type } } }';
    let id: string;
    let asOf: string;
    let viewer: string;
    beforeAll(async () => {
      ({ id } = await reportIncident(api, { title: 'Whose history' }));
      await sleep(5);
      asOf = new Date().toISOString();
      viewer = (await api.keyFor('VIEWER')).secret;
    });

    it.each([
      ['now', false],
      ['asOf', true],
    ])(
      'refuses a VIEWER the history (%s) with FORBIDDEN naming ANALYST, at its path',
      async (_when, past) => {
        const { status, body } = await api.graphql(
          WITH_HISTORY,
          { id, asOf: past ? asOf : null },
          { secret: viewer },
        );
        expect(status).toBe(200);
        expect(body.errors).toEqual([
          expect.objectContaining({
            message: "This API key's role VIEWER may not read Incident.history; it needs ANALYST or above.",
            path: ['incident', 'history'],
            extensions: { code: 'FORBIDDEN' },
          }),
        ]);
        expect(body.data).toEqual({ incident: null });
      },
    );

    it('shows a VIEWER the incident now and asOf, without its history', async () => {
      const query = 'query($id: ID!, $asOf: DateTime) { incident(id: $id, asOf: $asOf) { id title } }';
      for (const at of [null, asOf])
        expect(await api.data(query, { id, asOf: at }, viewer)).toEqual({
          incident: { id, title: 'Whose history' },
        });
    });

    it.each(['ANALYST', 'CONTRIBUTOR'] as const)('serves the history to %s', async (role) => {
      const { secret } = await api.keyFor(role);
      for (const at of [null, asOf])
        expect(await api.data(WITH_HISTORY, { id, asOf: at }, secret)).toEqual({
          incident: { id, title: 'Whose history', history: [{ type: 'IncidentReported' }] },
        });
    });
  });

  it('shows the incident as it was at asOf between writes, with the history up to then', async () => {
    const other = await reportIncident(api, { title: 'Older one', startedAt: minutesAgo(600) });
    const created = await reportIncident(api, { title: 'Before the revision', services: ['time-travel'] });
    const id: string = created.id;
    await sleep(5);
    const afterReport = new Date().toISOString();
    await sleep(5);
    await mutate(
      api,
      'reviseIncident',
      'ReviseIncidentInput',
      { incidentId: id, title: 'After the revision' },
      'id',
    );
    await mutate(
      api,
      'addTimelineEntry',
      'AddTimelineEntryInput',
      { incidentId: id, at: minutesAgo(60), text: 'Paged.' },
      'id',
    );
    const finding = await recordFinding(
      api,
      { incidentId: id, kind: 'TRIGGER', category: 'CODE_CHANGE', description: 'A deploy.' },
      'id',
    );
    await sleep(5);
    const afterFinding = new Date().toISOString();
    await sleep(5);
    await mutate(
      api,
      'recordMilestone',
      'RecordMilestoneInput',
      { incidentId: id, milestone: 'RESOLVED', at: minutesAgo(30) },
      'id',
    );
    await mutate(
      api,
      'retractFinding',
      'RetractFindingInput',
      { findingId: finding.id, reason: 'Wrong.' },
      'id',
    );
    await mutate(
      api,
      'linkIncidents',
      'LinkIncidentsInput',
      { incidentId: id, relatedIncidentId: other.id, relation: 'RELATED_TO' },
      'id',
    );

    const atReport = await incident(id, afterReport);
    expect(atReport).toMatchObject({
      id,
      revision: 0,
      title: 'Before the revision',
      status: 'OPEN',
      timeline: [],
      findings: [],
      links: [],
    });
    expect(atReport.history.map((event: any) => event.type)).toEqual(['IncidentReported']);

    const atFinding = await incident(id, afterFinding);
    expect(atFinding).toMatchObject({
      revision: 3,
      title: 'After the revision',
      status: 'OPEN',
      resolvedAt: null,
      timeline: [{ text: 'Paged.' }],
      findings: [{ id: finding.id, retracted: false, description: 'A deploy.' }],
      links: [],
    });
    expect(atFinding.history.map((event: any) => event.type)).toEqual([
      'IncidentReported',
      'IncidentRevised',
      'TimelineEntryAdded',
      'FindingRecorded',
    ]);

    const current = await incident(id);
    expect(current).toMatchObject({
      title: 'After the revision',
      status: 'RESOLVED',
      findings: [{ id: finding.id, retracted: true }],
      links: [{ relation: 'RELATED_TO', incident: { id: other.id, title: 'Older one' } }],
    });
    // Before the incident was reported, it was not known at all.
    expect(await incident(id, '2020-01-01T00:00:00.000Z')).toBeNull();
  });

  it('filters the incident list by every field of IncidentFilter', async () => {
    const base = { services: ['filter-svc'] };
    const a = await reportIncident(api, {
      ...base,
      title: 'A',
      kind: 'INCIDENT',
      severity: 'SEV1',
      tags: ['db'],
      detectionSource: 'CUSTOMER_REPORT',
      startedAt: '2025-06-01T00:00:00.000Z',
    });
    const b = await reportIncident(api, {
      ...base,
      title: 'B',
      kind: 'NEAR_MISS',
      severity: 'SEV3',
      tags: ['network'],
      detectionSource: 'AUDIT',
      startedAt: '2025-07-01T00:00:00.000Z',
    });
    const c = await reportIncident(api, {
      services: ['filter-svc', 'other-filter-svc'],
      title: 'C',
      kind: 'GAME_DAY',
      severity: 'SEV3',
      detectionSource: 'AUDIT',
      startedAt: '2025-08-01T00:00:00.000Z',
    });
    await recordFinding(
      api,
      { incidentId: b.id, kind: 'TRIGGER', category: 'NETWORK', description: 'A switch.' },
      'id',
    );
    await mutate(
      api,
      'recordMilestone',
      'RecordMilestoneInput',
      { incidentId: c.id, milestone: 'MITIGATED', at: '2025-08-01T01:00:00.000Z' },
      'id',
    );

    const ids = async (filter: Record<string, unknown>) =>
      (await page({ filter: { services: ['filter-svc'], ...filter } })).edges.map(
        (edge: any) => edge.node.id,
      );
    // Newest first (by startedAt).
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ kinds: ['INCIDENT', 'GAME_DAY'] })).toEqual([c.id, a.id]);
    expect(await ids({ severities: ['SEV3'] })).toEqual([c.id, b.id]);
    expect(await ids({ statuses: ['MITIGATED'] })).toEqual([c.id]);
    expect(await ids({ services: ['other-filter-svc'] })).toEqual([c.id]);
    expect(await ids({ tags: ['db', 'network'] })).toEqual([b.id, a.id]);
    expect(await ids({ detectionSources: ['CUSTOMER_REPORT'] })).toEqual([a.id]);
    expect(await ids({ factorCategories: ['NETWORK'] })).toEqual([b.id]);
    expect(await ids({ startedFrom: '2025-07-01T00:00:00.000Z' })).toEqual([c.id, b.id]);
    expect(await ids({ startedTo: '2025-07-01T00:00:00.000Z' })).toEqual([a.id]);
    expect(await ids({ severities: ['SEV3'], kinds: ['NEAR_MISS'] })).toEqual([b.id]);
    expect((await page({ filter: { services: ['filter-svc'], severities: ['SEV3'] } })).totalCount).toBe(2);
  });

  it('pages with first/after: totalCount, cursors, and cursors that stay valid while rows are added', async () => {
    const services = ['paging-svc'];
    const created = [];
    for (let i = 0; i < 7; i++)
      created.push(
        await reportIncident(api, { services, title: `Paged ${i}`, startedAt: minutesAgo(1000 - i * 10) }),
      );
    const newestFirst = [...created].reverse().map((incident) => incident.id);

    const first = await page({ filter: { services }, first: 3 });
    expect(first.totalCount).toBe(7);
    expect(first.edges.map((edge: any) => edge.node.id)).toEqual(newestFirst.slice(0, 3));
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[2].cursor });
    expect(new Set(first.edges.map((edge: any) => edge.cursor)).size).toBe(3);

    // Rows added before and after the cursor's place do not move it.
    const newer = await reportIncident(api, { services, title: 'Newer', startedAt: minutesAgo(1) });
    const older = await reportIncident(api, { services, title: 'Older', startedAt: minutesAgo(5000) });

    const second = await page({ filter: { services }, first: 3, after: first.pageInfo.endCursor });
    expect(second.totalCount).toBe(9);
    expect(second.edges.map((edge: any) => edge.node.id)).toEqual(newestFirst.slice(3, 6));
    // Paging from an edge's cursor is the same as from endCursor.
    const fromEdge = await page({ filter: { services }, first: 3, after: first.edges[2].cursor });
    expect(fromEdge.edges).toEqual(second.edges);

    const third = await page({ filter: { services }, first: 3, after: second.pageInfo.endCursor });
    expect(third.edges.map((edge: any) => edge.node.id)).toEqual([newestFirst[6], older.id]);
    expect(third.pageInfo.hasNextPage).toBe(false);

    const everything = await page({ filter: { services }, first: 100 });
    expect(everything.edges.map((edge: any) => edge.node.id)).toEqual([newer.id, ...newestFirst, older.id]);
    expect(everything.pageInfo.hasNextPage).toBe(false);

    // The default page is 20; first: 0 counts without rows.
    const { incidents } = await api.data('{ incidents { totalCount edges { cursor } } }');
    expect(incidents.edges.length).toBe(Math.min(20, incidents.totalCount));
    const empty = await page({ filter: { services }, first: 0 });
    expect(empty).toMatchObject({ totalCount: 9, edges: [], pageInfo: { hasNextPage: true } });
  });

  it('refuses first > 100 and a cursor it did not give', async () => {
    const tooMany = await api.graphql(INCIDENTS_PAGE, { first: 101 });
    expect(tooMany.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('100'),
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    const badCursor = await api.graphql(INCIDENTS_PAGE, { after: 'bm90LWEtY3Vyc29y' });
    expect(badCursor.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });

  it('shows a write to the query sent right after the mutation (read-your-writes)', async () => {
    for (let i = 0; i < 3; i++) {
      const word = `ryw${i}zebra${Date.now()}`;
      const created = await reportIncident(api, {
        title: `Read your writes ${word}`,
        services: [`ryw-${i}`],
      });
      const listed = await page({ filter: { services: [`ryw-${i}`] } });
      expect(listed.edges.map((edge: any) => edge.node.id)).toEqual([created.id]);
      const { search } = await api.data(
        'query($q: String!) { search(query: $q) { totalCount edges { node { result { ... on Incident { id } } } } } }',
        { q: word },
      );
      expect(search.edges.map((edge: any) => edge.node.result.id)).toEqual([created.id]);

      const revised = await mutate(
        api,
        'reviseIncident',
        'ReviseIncidentInput',
        { incidentId: created.id, severity: 'SEV5' },
        'severity',
      );
      expect(revised.severity).toBe('SEV5');
      const { incident: after } = await api.data('query($id: ID!) { incident(id: $id) { severity } }', {
        id: created.id,
      });
      expect(after.severity).toBe('SEV5');
    }
  });
});
