/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { ADMIN_SECRET, ApiUnderTest } from './support/api-under-test';
import {
  allEvents,
  DATE_TIME,
  EVENT_FIELDS,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
} from './support/graphql-fixtures';

jest.setTimeout(60_000);

const SEARCH = `query($q: String!, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { score snippet result {
      __typename
      ... on Incident { id title }
      ... on Finding { id incidentId description }
      ... on ActionItem { id title incident { id } }
    } } }
  }
}`;

const EVENTS = `query($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    edges { cursor node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor }
  }
}`;

describe('search, the event log, projections and API keys over GraphQL', () => {
  let api: ApiUnderTest;

  beforeAll(async () => {
    api = await ApiUnderTest.start();
  });
  afterAll(() => api.stop());

  it('searches incidents, findings and action items: a union of results with <mark>ed snippets', async () => {
    const incident = await reportIncident(api, {
      title: 'Thundering herd after a cache flush',
      summary: 'Every client retried at once.',
    });
    const finding = await recordFinding(api, {
      incidentId: incident.id,
      kind: 'CONTRIBUTING_FACTOR',
      category: 'CAPACITY',
      description: 'Retries without jitter made a thundering herd.',
    });
    const item = await openActionItem(api, {
      incidentId: incident.id,
      title: 'Add jitter to the thundering retries',
    });

    const { search } = await api.data(SEARCH, { q: 'thundering' });
    expect(search.totalCount).toBe(3);
    const results = search.edges.map((edge: any) => edge.node.result);
    expect(results).toEqual(
      expect.arrayContaining([
        { __typename: 'Incident', id: incident.id, title: 'Thundering herd after a cache flush' },
        {
          __typename: 'Finding',
          id: finding.id,
          incidentId: incident.id,
          description: 'Retries without jitter made a thundering herd.',
        },
        {
          __typename: 'ActionItem',
          id: item.id,
          title: 'Add jitter to the thundering retries',
          incident: { id: incident.id },
        },
      ]),
    );
    for (const edge of search.edges) {
      expect(edge.node.snippet).toMatch(/<mark>thundering<\/mark>/i);
      expect(typeof edge.node.score).toBe('number');
    }
    // Best first.
    const scores = search.edges.map((edge: any) => edge.node.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    // Paging: the pages add up to the whole list.
    const one = (await api.data(SEARCH, { q: 'thundering', first: 2 })).search;
    expect(one).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const two = (await api.data(SEARCH, { q: 'thundering', first: 2, after: one.pageInfo.endCursor })).search;
    expect(two.pageInfo.hasNextPage).toBe(false);
    expect([...one.edges, ...two.edges].map((edge: any) => edge.node.result.id)).toEqual(
      results.map((result: any) => result.id),
    );

    // Timeline entries and postmortems are searched too; they lead to their incident.
    await mutate(
      api,
      'addTimelineEntry',
      'AddTimelineEntryInput',
      {
        incidentId: incident.id,
        at: new Date(Date.now() - 60_000).toISOString(),
        text: 'Flushed the memcached fleet.',
      },
      'id',
    );
    const timeline = (await api.data(SEARCH, { q: 'memcached' })).search;
    expect(timeline.edges.map((edge: any) => edge.node.result)).toEqual([
      expect.objectContaining({ __typename: 'Incident', id: incident.id }),
    ]);
    expect(timeline.edges[0].node.snippet).toContain('<mark>memcached</mark>');

    const none = (await api.data(SEARCH, { q: 'nothing-matches-this-xyzzy' })).search;
    expect(none).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    const badCursor = await api.graphql(SEARCH, { q: 'thundering', after: '!!' });
    expect(badCursor.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
    const tooMany = await api.graphql(SEARCH, { q: 'thundering', first: 101 });
    expect(tooMany.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  });

  it('serves the event log: filtered by types, stream prefix and fromPosition, a page at a time', async () => {
    const incident = await reportIncident(api, { title: 'For the event log' });
    await recordFinding(api, { incidentId: incident.id, kind: 'LESSON_LEARNED', description: 'Logs help.' });
    const item = await openActionItem(api, { incidentId: incident.id });

    const everything = await allEvents(api);
    // The knowledge base's streams only: no API key events.
    expect(everything.every((event) => /^(incident|action-item)-/.test(event.streamId))).toBe(true);
    const mine = everything.filter((event) =>
      [`incident-${incident.id}`, `action-item-${item.id}`].includes(event.streamId),
    );
    expect(mine.map((event) => event.type)).toEqual([
      'IncidentReported',
      'FindingRecorded',
      'ActionItemOpened',
    ]);
    expect(mine[0]).toEqual({
      id: expect.any(String),
      streamId: `incident-${incident.id}`,
      revision: 0,
      position: expect.any(String),
      type: 'IncidentReported',
      version: 1,
      data: expect.objectContaining({ incidentId: incident.id, title: 'For the event log' }),
      actor: expect.any(String),
      correlationId: expect.any(String),
      causationId: null,
      occurredAt: expect.stringMatching(DATE_TIME),
      recordedAt: expect.stringMatching(DATE_TIME),
    });

    const types = await allEvents(api, { types: ['ActionItemOpened'] });
    expect(types.length).toBeGreaterThan(0);
    expect(types.every((event) => event.type === 'ActionItemOpened')).toBe(true);
    expect(types.map((event) => event.id)).toContain(mine[2].id);

    const actionItems = await allEvents(api, { streamPrefix: 'action-item-' });
    expect(actionItems.every((event) => event.streamId.startsWith('action-item-'))).toBe(true);
    const oneStream = await allEvents(api, { streamPrefix: `incident-${incident.id}` });
    expect(oneStream.map((event) => event.type)).toEqual(['IncidentReported', 'FindingRecorded']);

    // fromPosition is exclusive.
    const fromReported = await allEvents(api, { fromPosition: mine[0].position });
    expect(fromReported[0].id).not.toBe(mine[0].id);
    expect(fromReported.map((event) => event.id)).toEqual(
      everything.slice(everything.findIndex((event) => event.id === mine[0].id) + 1).map((event) => event.id),
    );

    // Paging: first/after with endCursor, hasNextPage, no gaps or repeats.
    const pages: any[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const { events }: any = await api.data(EVENTS, { first: 2, after });
      pages.push(...events.edges.map((edge: any) => edge.node));
      for (const edge of events.edges) expect(edge.cursor).toBe(edge.node.position);
      if (!events.pageInfo.hasNextPage) break;
      expect(events.pageInfo.endCursor).toBe(events.edges[1].cursor);
      after = events.pageInfo.endCursor;
    }
    expect(pages.map((event) => event.id)).toEqual(everything.map((event) => event.id));

    const badPrefix = await api.graphql(EVENTS, { filter: { streamPrefix: 'api-key-' } });
    expect(badPrefix.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'filter.streamPrefix' },
    });
  });

  it('reports how far each projection is', async () => {
    await reportIncident(api, { title: 'For the projections' });
    const { projections } = await api.data('{ projections { name checkpoint lag state } }');
    expect(projections.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['incidents', 'action-items', 'search', 'api-keys']),
    );
    for (const projection of projections)
      expect(projection).toEqual({
        name: expect.any(String),
        checkpoint: expect.any(String),
        lag: 0,
        state: expect.stringMatching(/^(catching-up|live)$/),
      });
  });

  it('creates, lists and revokes API keys; a revoked key is refused from then on', async () => {
    const created = await api.data(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name role createdAt revokedAt } } }',
      { input: { name: 'incident portal', role: 'VIEWER' } },
    );
    const { secret, apiKey } = created.createApiKey;
    expect(secret).toEqual(expect.any(String));
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'incident portal',
      role: 'VIEWER',
      createdAt: expect.stringMatching(DATE_TIME),
      revokedAt: null,
    });
    // The new key works at once.
    expect((await api.graphql('{ incidents { totalCount } }', {}, { secret })).body.data).toBeDefined();

    const { apiKeys } = await api.data('{ apiKeys { id name role createdAt revokedAt } }');
    expect(apiKeys).toContainEqual(apiKey);
    expect(apiKeys.some((key: any) => key.role === 'ADMIN')).toBe(true);
    // Secrets are never listed.
    expect(JSON.stringify(apiKeys)).not.toContain(secret);

    const revoked = await api.data('mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', {
      id: apiKey.id,
    });
    expect(revoked.revokeApiKey).toEqual({ id: apiKey.id, revokedAt: expect.stringMatching(DATE_TIME) });
    const refused = await api.graphql('{ incidents { totalCount } }', {}, { secret });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await api.data('{ apiKeys { id revokedAt } }')).apiKeys).toContainEqual(revoked.revokeApiKey);

    // The ADMIN key still works.
    expect((await api.graphql('{ apiKeys { id } }', {}, { secret: ADMIN_SECRET })).status).toBe(200);
  });
});
