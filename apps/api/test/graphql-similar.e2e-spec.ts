/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import type { ApiUnderTest } from './support/api-under-test';
import { minutesAgo, mutate, recordFinding, reportIncident } from './support/graphql-fixtures';
import { describeOnReadModelBackends } from './support/read-model-backends';

jest.setTimeout(120_000);

const SIMILAR_FIELDS = 'incident { id title } score reasons lessons { id description retracted }';

describeOnReadModelBackends('similar incidents over GraphQL', (backend) => {
  let api: ApiUnderTest;
  let viewer: string;
  const ids: Record<string, string> = {};
  const lessons: Record<string, string> = {};

  beforeAll(async () => {
    api = await backend.start();
    viewer = (await api.keyFor('VIEWER')).secret;
    const certificate = await reportIncident(api, {
      title: 'Payment webhooks rejected: TLS certificate expired',
      summary: 'The callback endpoint served an expired certificate.',
      services: ['payments'],
      startedAt: minutesAgo(3_000),
    });
    ids.certificate = certificate.id;
    await recordFinding(api, {
      incidentId: certificate.id,
      kind: 'TRIGGER',
      category: 'PROCESS',
      description: 'The certificate renewal job had been failing for a month.',
    });
    const kept = await recordFinding(api, {
      incidentId: certificate.id,
      kind: 'LESSON_LEARNED',
      description: 'Alert on every certificate 21 days before it expires.',
    });
    lessons.kept = kept.id;
    const retracted = await recordFinding(api, {
      incidentId: certificate.id,
      kind: 'LESSON_LEARNED',
      description: 'Renew certificates by hand.',
    });
    await mutate(
      api,
      'retractFinding',
      'RetractFindingInput',
      { findingId: retracted.id, reason: 'Not what we learned' },
      'id',
    );
    ids.gateway = (
      await reportIncident(api, {
        title: 'API gateway outage after a route push',
        services: ['api-gateway'],
        startedAt: minutesAgo(2_000),
      })
    ).id;
    ids.probe = (
      await reportIncident(api, {
        title: 'TLS certificate expired on the API gateway',
        services: ['api-gateway'],
        startedAt: minutesAgo(100),
      })
    ).id;
  });
  afterAll(() => backend.stop(api));

  it('Incident.similar: earlier incidents, best first, with reasons and the lessons not retracted', async () => {
    const { incident } = await api.data(
      `query($id: ID!) { incident(id: $id) { similar(first: 5) { ${SIMILAR_FIELDS} } } }`,
      { id: ids.probe },
      viewer,
    );
    expect(incident.similar.map((s: any) => s.incident.id)).toEqual([ids.certificate, ids.gateway]);
    const [certificate, gateway] = incident.similar;
    expect(certificate.reasons).toEqual([
      'shared words: tls, expired, certificate',
      'same kind: INCIDENT',
      'recent: 2 days before',
    ]);
    expect(certificate.lessons).toEqual([
      {
        id: lessons.kept,
        description: 'Alert on every certificate 21 days before it expires.',
        retracted: false,
      },
    ]);
    expect(gateway.reasons).toEqual([
      'same service: api-gateway',
      'same kind: INCIDENT',
      'recent: 1 day before',
    ]);
    expect(gateway.lessons).toEqual([]);
    for (const { score } of incident.similar) expect(score).toBeGreaterThan(0);
    expect(certificate.score).toBeGreaterThan(gateway.score);
    expect(certificate.score).toBeLessThanOrEqual(1);

    // Earlier only: the first incident has nothing before it.
    const first = await api.data(`query($id: ID!) { incident(id: $id) { similar { score } } }`, {
      id: ids.certificate,
    });
    expect(first.incident.similar).toEqual([]);
  });

  it('Incident.similar on a page of incidents', async () => {
    const { incidents } = await api.data(
      `{ incidents(first: 3) { edges { node { id similar(first: 1) { incident { id } } } } } }`,
      {},
      viewer,
    );
    const byId = new Map(
      incidents.edges.map((e: any) => [e.node.id, e.node.similar.map((s: any) => s.incident.id)]),
    );
    expect(Object.fromEntries(byId)).toEqual({
      [ids.probe]: [ids.certificate],
      [ids.gateway]: [],
      [ids.certificate]: [],
    });
  });

  it('similarIncidents: a failure described in words, before it is reported', async () => {
    const query = `query($input: SimilarIncidentsInput!, $first: Int) { similarIncidents(input: $input, first: $first) { ${SIMILAR_FIELDS} } }`;
    const { similarIncidents } = await api.data(
      query,
      { input: { title: 'Certificate expired', services: ['payments'], factorCategories: ['PROCESS'] } },
      viewer,
    );
    expect(similarIncidents[0].incident.id).toBe(ids.certificate);
    expect(similarIncidents[0].reasons).toEqual([
      'same service: payments',
      'same factor: PROCESS',
      'shared words: expired, certificate',
      'recent: 2 days before',
    ]);
    expect(similarIncidents[0].score).toBeLessThanOrEqual(1);
    expect(similarIncidents[0].score).toBeGreaterThan(similarIncidents[1].score);
    expect(similarIncidents.map((s: any) => s.incident.id)).toContain(ids.probe);

    const before = await api.data(
      query,
      { input: { title: 'Certificate expired', before: minutesAgo(2_500) } },
      viewer,
    );
    expect(before.similarIncidents.map((s: any) => s.incident.id)).toEqual([ids.certificate]);

    const refused = await api.graphql(
      query,
      { input: { title: 'Certificate expired' }, first: 51 },
      { secret: viewer },
    );
    expect(refused.body.errors?.[0]?.message).toMatch(/first.*from 1 to 50, got 51/);
    const anonymous = await api.graphql(query, { input: { title: 'x' } }, { secret: null });
    expect(anonymous.body.data ?? null).toBeNull();
  });
});
