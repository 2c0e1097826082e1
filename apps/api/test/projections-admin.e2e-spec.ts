import { ApiUnderTest } from './support/api-under-test';

const REPORT = `mutation { reportIncident(input: { title: "Queue backlog", kind: NEAR_MISS, severity: SEV4,
  services: ["queue"], detectionSource: INTERNAL_REPORT, startedAt: "2026-11-01T08:00:00Z" }) { id } }`;

describe('projection status and admin operations over GraphQL', () => {
  let api: ApiUnderTest;
  beforeAll(async () => {
    api = await ApiUnderTest.start();
    await api.data(REPORT);
  }, 60_000);
  afterAll(() => api?.stop());

  it('shows every projection live with no lag to a VIEWER', async () => {
    const viewer = await api.keyFor('VIEWER');
    const { projections } = await api.data<{ projections: Array<Record<string, unknown>> }>(
      '{ projections { name checkpoint lag state deadLetters lastError } }',
      {},
      viewer.secret,
    );
    expect(projections.map((p) => p.name)).toEqual([
      'incidents',
      'action-items',
      'search',
      'incident-facts',
      'api-keys',
      'webhooks',
      'action-item-history',
    ]);
    for (const projection of projections)
      expect(projection).toMatchObject({ lag: 0, state: 'live', deadLetters: 0, lastError: null });
  });

  it('rebuilds a projection for an ADMIN, and the rows are the same afterwards', async () => {
    const query = '{ incidents { totalCount edges { node { id title kind } } } }';
    const before = await api.data(query);
    const { rebuildProjections } = await api.data<{ rebuildProjections: unknown[] }>(
      'mutation { rebuildProjections(projection: "incidents") { projection events parked } }',
    );
    expect(rebuildProjections).toEqual([{ projection: 'incidents', events: expect.any(Number), parked: 0 }]);
    expect((rebuildProjections[0] as { events: number }).events).toBeGreaterThanOrEqual(1);
    expect(await api.data(query)).toEqual(before);
  });

  it('retries dead letters (none here) and names the rule for an unknown projection', async () => {
    const { retryDeadLetters } = await api.data<{ retryDeadLetters: unknown[] }>(
      'mutation { retryDeadLetters(projection: "search") { projection applied remaining } }',
    );
    expect(retryDeadLetters).toEqual([{ projection: 'search', applied: 0, remaining: 0 }]);

    const { body } = await api.graphql('mutation { rebuildProjections(projection: "nope") { projection } }');
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('must be one of incidents, action-items'),
      extensions: { code: 'BAD_USER_INPUT', field: 'projection' },
    });
  });

  it('refuses both to a CONTRIBUTOR', async () => {
    const contributor = await api.keyFor('CONTRIBUTOR');
    for (const mutation of [
      'mutation { rebuildProjections { projection } }',
      'mutation { retryDeadLetters { projection } }',
    ]) {
      const { body } = await api.graphql(mutation, {}, { secret: contributor.secret });
      expect(body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
  });
});
