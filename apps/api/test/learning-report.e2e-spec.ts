import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { Projector } from '@kb/read-models';
import { DatedEvents } from '@kb/read-models/testing/dated-events.fixture';
import { ApiUnderTest } from './support/api-under-test';

jest.setTimeout(60_000);

const PERIOD = { from: '2026-05-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' };
const ASOF = '2026-07-01T00:00:00.000Z';
const POINT_FIELDS = `bucketStart key incidents nearMisses nearMissRatio experiments refutedRate postmortemRate
  medianDaysToPostmortem overduePostmortems actionItemRate onTimeActionItemRate`;

/*
 * The learning report through GraphQL and as CSV. The postmortem deadline and the experiment's
 * conclusion are appended as domain events with chosen times (their commands belong to other parts
 * of the service), then read by the running service's projector. Worked by hand (2026, UTC):
 * - x1 INCIDENT SEV1 started 05-04: resolved 05-05, due 05-10, postmortem published 05-07 (2 days).
 * - x2 INCIDENT SEV2 started 05-12: resolved 05-13, due 05-18, no postmortem: overdue.
 * - x3 NEAR_MISS started 05-20; x4 GAME_DAY started 05-21, concluded REFUTED 05-21 12:00.
 * - an item of x1 due 05-15, completed 05-14 (on time); an item of x2 due 05-20, never done.
 * May as of 07-01: incidents 2, near-misses 1 (0.5), experiments 1 (refuted 1), postmortems 1 of 2
 * majors (0.5), median 2 days, overdue 1, items on both incidents (1), on time 1 of 2 (0.5).
 * June: nothing (zeros, null rates).
 */
describe('learning report over HTTP', () => {
  let api: ApiUnderTest;

  beforeAll(async () => {
    api = await ApiUnderTest.start();
    const events = new DatedEvents(api.app.get<EventStore>(EVENT_STORE));
    const day = (d: string, time = '00:00') => `2026-${d}T${time}:00.000Z`;
    await events.incident('x1', { startedAt: day('05-04'), services: ['checkout'], severity: 'SEV1' });
    await events.resolve('x1', day('05-05'), day('05-10'));
    await events.publishPostmortem('x1', day('05-07'));
    await events.incident('x2', { startedAt: day('05-12'), services: ['payments'], severity: 'SEV2' });
    await events.resolve('x2', day('05-13'), day('05-18'));
    await events.incident('x3', { startedAt: day('05-20'), services: ['checkout'], kind: 'NEAR_MISS' });
    await events.incident('x4', { startedAt: day('05-21'), services: ['checkout'], kind: 'GAME_DAY' });
    await events.experiment('x4', day('05-20'), { outcome: 'REFUTED', at: day('05-21', '12:00') });
    const item = { priority: 'P2' as const, ownerTeam: 'team-a', type: 'REPAIR' };
    await events.openItem('item-1', 'x1', { ...item, dueDate: day('05-15') }, day('05-08'));
    await events.move('item-1', 'complete', day('05-14'));
    await events.openItem('item-2', 'x2', { ...item, dueDate: day('05-20') }, day('05-14'));
    await expect(api.app.get(Projector).waitForPosition(events.lastPosition, 10_000)).resolves.toBe(true);
  });
  afterAll(() => api?.stop());

  const june = {
    bucketStart: '2026-06-01T00:00:00.000Z',
    key: null,
    incidents: 0,
    nearMisses: 0,
    nearMissRatio: null,
    experiments: 0,
    refutedRate: null,
    postmortemRate: null,
    medianDaysToPostmortem: null,
    overduePostmortems: 0,
    actionItemRate: null,
    onTimeActionItemRate: null,
  };

  it('gives every indicator per month as of asOf, the empty month zero-filled', async () => {
    const { learning } = await api.data(
      `query($input: LearningInput!) { learning(input: $input) { ${POINT_FIELDS} } }`,
      { input: { ...PERIOD, bucket: 'MONTH', asOf: ASOF } },
    );
    expect(learning).toEqual([
      {
        bucketStart: '2026-05-01T00:00:00.000Z',
        key: null,
        incidents: 2,
        nearMisses: 1,
        nearMissRatio: 0.5,
        experiments: 1,
        refutedRate: 1,
        postmortemRate: 0.5,
        medianDaysToPostmortem: 2,
        overduePostmortems: 1,
        actionItemRate: 1,
        onTimeActionItemRate: 0.5,
      },
      june,
    ]);
  });

  it('judges as of an earlier instant, and groups by service', async () => {
    // 05-09: x1 published, x2 not resolved yet; the game day concluded after: no refuted rate.
    const { learning } = await api.data(
      `query($input: LearningInput!) { learning(input: $input) { key postmortemRate overduePostmortems refutedRate } }`,
      { input: { ...PERIOD, bucket: 'MONTH', asOf: '2026-05-09T00:00:00Z', groupBy: 'SERVICE' } },
    );
    expect(learning).toEqual([
      { key: 'checkout', postmortemRate: 1, overduePostmortems: 0, refutedRate: null },
      { key: 'payments', postmortemRate: 0, overduePostmortems: 0, refutedRate: null },
    ]);
  });

  it('refuses a period of more than 10 years with the rule, as BAD_USER_INPUT', async () => {
    const { body } = await api.graphql(
      'query($input: LearningInput!) { learning(input: $input) { incidents } }',
      { input: { from: PERIOD.from, to: '2040-01-01T00:00:00Z', bucket: 'YEAR' } },
    );
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/at most 10 years/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  describe('as CSV', () => {
    const csvUrl = (query: string) => `${api.baseUrl}/reports/learning.csv?${query}`;

    it('exports the points for an ANALYST, null rates as empty cells', async () => {
      const analyst = await api.keyFor('ANALYST');
      const response = await fetch(csvUrl(`from=${PERIOD.from}&to=${PERIOD.to}&bucket=MONTH&asOf=${ASOF}`), {
        headers: { authorization: `Bearer ${analyst.secret}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(await response.text()).toBe(
        'bucketStart,key,incidents,nearMisses,nearMissRatio,experiments,refutedRate,postmortemRate,' +
          'medianDaysToPostmortem,overduePostmortems,actionItemRate,onTimeActionItemRate\r\n' +
          '2026-05-01T00:00:00.000Z,,2,1,0.5,1,1,0.5,2,1,1,0.5\r\n' +
          '2026-06-01T00:00:00.000Z,,0,0,,0,,,,0,,\r\n',
      );
    });

    it('refuses a VIEWER and a dimension the report does not have, naming it', async () => {
      const query = `from=${PERIOD.from}&to=${PERIOD.to}&bucket=MONTH`;
      const viewer = await api.keyFor('VIEWER');
      const forbidden = await fetch(csvUrl(query), { headers: { authorization: `Bearer ${viewer.secret}` } });
      expect(forbidden.status).toBe(403);
      const analyst = await api.keyFor('ANALYST', 'another analyst');
      const bad = await fetch(csvUrl(`${query}&groupBy=TAG`), {
        headers: { authorization: `Bearer ${analyst.secret}` },
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'groupBy',
        message: expect.stringContaining('NONE, SERVICE, SEVERITY, KIND'),
      });
    });
  });
});
