/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import type { ApiUnderTest } from './support/api-under-test';
import { minutesAgo, mutate, reportIncident, sleep } from './support/graphql-fixtures';
import { describeOnReadModelBackends } from './support/read-model-backends';

jest.setTimeout(60_000);

const EXPERIMENT_FIELDS =
  'experiment { hypothesis steadyState blastRadius abortConditions plannedFor outcome observations concludedAt }';
const FIELDS = `id revision kind status ${EXPERIMENT_FIELDS}`;

const PLAN = `mutation($input: PlanExperimentInput!) { planExperiment(input: $input) { ${FIELDS} } }`;
const CONCLUDE = `mutation($input: ConcludeExperimentInput!) { concludeExperiment(input: $input) { ${FIELDS} } }`;

const SEARCH = `query($q: String!) {
  search(query: $q) { edges { node { snippet result { __typename ... on Incident { id } } } } }
}`;

describeOnReadModelBackends('chaos experiments and game days over GraphQL', (backend) => {
  let api: ApiUnderTest;
  let contributor: string;

  beforeAll(async () => {
    api = await backend.start();
    contributor = (await api.keyFor('CONTRIBUTOR')).secret;
  });
  afterAll(() => backend.stop(api));

  const reportExperiment = (kind = 'CHAOS_EXPERIMENT') =>
    reportIncident(
      api,
      {
        title: 'Chaos: lose a database replica',
        kind,
        severity: 'SEV4',
        services: ['checkout'],
        detectionSource: 'CHAOS_EXPERIMENT',
        startedAt: minutesAgo(90),
      },
      'id revision',
      contributor,
    );
  const plan = (incidentId: string, overrides: Record<string, unknown> = {}) =>
    mutate(
      api,
      'planExperiment',
      'PlanExperimentInput',
      {
        incidentId,
        hypothesis: 'Checkout survives the loss of the gannet replica',
        steadyState: 'checkout p99 < 300 ms on the pelican dashboard',
        blastRadius: ['checkout', 'payments-db'],
        ...overrides,
      },
      FIELDS,
      contributor,
    );
  const incident = async (id: string, asOf?: string) =>
    (
      await api.data(
        `query($id: ID!, $asOf: DateTime) { incident(id: $id, asOf: $asOf) { ${FIELDS} history { type causationId id } } }`,
        { id, asOf },
      )
    ).incident;
  const found = async (words: string) =>
    (await api.data(SEARCH, { q: words })).search.edges.map((edge: any) => edge.node.result.id);

  it('plans, revises and concludes a REFUTED experiment, which goes to IN_REVIEW; search and asOf show it', async () => {
    const { id } = await reportExperiment();
    const planned = await plan(id, {
      abortConditions: 'error rate above 1 % for 2 minutes',
      plannedFor: '2026-03-10T15:00:00+01:00',
      expectedRevision: 0,
    });
    expect(planned).toEqual({
      id,
      revision: 1,
      kind: 'CHAOS_EXPERIMENT',
      status: 'OPEN',
      experiment: {
        hypothesis: 'Checkout survives the loss of the gannet replica',
        steadyState: 'checkout p99 < 300 ms on the pelican dashboard',
        blastRadius: ['checkout', 'payments-db'],
        abortConditions: 'error rate above 1 % for 2 minutes',
        plannedFor: '2026-03-10T14:00:00.000Z',
        outcome: null,
        observations: null,
        concludedAt: null,
      },
    });

    const revised = await plan(id, {
      hypothesis: 'Checkout survives the loss of the cormorant replica',
      blastRadius: ['payments-db'],
      expectedRevision: 1,
    });
    expect(revised).toMatchObject({
      revision: 2,
      experiment: {
        hypothesis: 'Checkout survives the loss of the cormorant replica',
        blastRadius: ['payments-db'],
        abortConditions: null,
        plannedFor: null,
        outcome: null,
      },
    });
    await sleep(5);
    const beforeConclusion = new Date().toISOString();
    await sleep(5);

    const concludedAt = minutesAgo(30);
    const concluded = await api.data(
      CONCLUDE,
      {
        input: {
          incidentId: id,
          outcome: 'REFUTED',
          observations: ' Failover stalled behind the albatross lock ',
          concludedAt,
          expectedRevision: 2,
        },
      },
      contributor,
    );
    expect(concluded.concludeExperiment).toEqual({
      id,
      revision: 4,
      kind: 'CHAOS_EXPERIMENT',
      status: 'IN_REVIEW',
      experiment: {
        hypothesis: 'Checkout survives the loss of the cormorant replica',
        steadyState: 'checkout p99 < 300 ms on the pelican dashboard',
        blastRadius: ['payments-db'],
        abortConditions: null,
        plannedFor: null,
        outcome: 'REFUTED',
        observations: 'Failover stalled behind the albatross lock',
        concludedAt,
      },
    });

    // The history: the status change was caused by the conclusion.
    const now = await incident(id);
    expect(now.history.map((event: any) => event.type)).toEqual([
      'IncidentReported',
      'ExperimentPlanned',
      'ExperimentPlanned',
      'ExperimentConcluded',
      'IncidentStatusChanged',
    ]);
    expect(now.history[4].causationId).toBe(now.history[3].id);

    // Search: the hypothesis, the steady state and the observations find the experiment; the
    // replaced hypothesis no longer does.
    for (const words of ['cormorant', 'pelican', 'albatross']) expect(await found(words)).toEqual([id]);
    expect(await found('gannet')).toEqual([]);

    // Time travel: before the conclusion, the revised plan and no outcome.
    const then = await incident(id, beforeConclusion);
    expect(then).toMatchObject({
      revision: 2,
      status: 'OPEN',
      experiment: {
        hypothesis: 'Checkout survives the loss of the cormorant replica',
        blastRadius: ['payments-db'],
        outcome: null,
        observations: null,
        concludedAt: null,
      },
    });
    expect(then.history.map((event: any) => event.type)).toEqual([
      'IncidentReported',
      'ExperimentPlanned',
      'ExperimentPlanned',
    ]);
  });

  it('refuses an experiment on an incident of kind INCIDENT, whose experiment stays null', async () => {
    const { id } = await reportExperiment('INCIDENT');
    const { status, body } = await api.graphql(
      PLAN,
      {
        input: {
          incidentId: id,
          hypothesis: 'x',
          steadyState: 'y',
          blastRadius: ['checkout'],
        },
      },
      { secret: contributor },
    );
    expect(status).toBe(200);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'only on incidents of kind CHAOS_EXPERIMENT or GAME_DAY; this one is INCIDENT',
        ),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'incidentId' }),
      }),
    ]);
    expect(await incident(id)).toMatchObject({ revision: 0, experiment: null });
  });

  it('concludes a game day once: a second conclusion and a later plan are refused, naming incidentId', async () => {
    const { id } = await reportExperiment('GAME_DAY');
    await plan(id);
    const conclude = (outcome: string) =>
      api.graphql(
        CONCLUDE,
        { input: { incidentId: id, outcome, observations: 'All steady.', concludedAt: minutesAgo(10) } },
        { secret: contributor },
      );
    const first = await conclude('HELD');
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.concludeExperiment).toMatchObject({
      status: 'OPEN',
      experiment: { outcome: 'HELD', observations: 'All steady.' },
    });

    const second = await conclude('REFUTED');
    expect(second.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('the experiment was already concluded HELD'),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'incidentId' }),
      }),
    ]);
    const replanned = await api.graphql(
      PLAN,
      { input: { incidentId: id, hypothesis: 'x', steadyState: 'y', blastRadius: ['checkout'] } },
      { secret: contributor },
    );
    expect(replanned.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'incidentId' },
    });
    expect(await incident(id)).toMatchObject({
      revision: 2,
      status: 'OPEN',
      experiment: { outcome: 'HELD' },
    });
  });

  it('names the field of a bad input, and lets only CONTRIBUTOR or above write', async () => {
    const { id } = await reportExperiment();
    const bad = await api.graphql(
      PLAN,
      { input: { incidentId: id, hypothesis: 'x', steadyState: 'y', blastRadius: ['Payments DB'] } },
      { secret: contributor },
    );
    expect(bad.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'blastRadius[0]' },
    });
    const viewer = (await api.keyFor('VIEWER', 'experiment viewer')).secret;
    const forbidden = await api.graphql(
      PLAN,
      { input: { incidentId: id, hypothesis: 'x', steadyState: 'y', blastRadius: ['checkout'] } },
      { secret: viewer },
    );
    expect(forbidden.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await incident(id)).toMatchObject({ revision: 0, experiment: null });
  });

  it('answers a retry with the same idempotency key with the first result, appending nothing', async () => {
    const { id } = await reportExperiment();
    const first = await plan(id, { idempotencyKey: 'plan-once' });
    const retry = await plan(id, { idempotencyKey: 'plan-once' });
    expect(retry).toEqual(first);
    expect((await incident(id)).history.map((event: any) => event.type)).toEqual([
      'IncidentReported',
      'ExperimentPlanned',
    ]);
  });
});
