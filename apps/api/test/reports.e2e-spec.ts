import { ApiUnderTest } from './support/api-under-test';
import { mutate, openActionItem, recordFinding, reportIncident } from './support/graphql-fixtures';

jest.setTimeout(60_000);

const DAY = { from: '2026-10-01T00:00:00.000Z', to: '2026-10-04T00:00:00.000Z' };

/**
 * The five reports through GraphQL and as CSV, on a small history written through the API: the
 * figures are worked out by hand here (the libraries' tests cover the definitions in depth).
 */
describe('failure-trend reports over HTTP', () => {
  let api: ApiUnderTest;
  let first: { id: string };
  let second: { id: string };

  beforeAll(async () => {
    api = await ApiUnderTest.start();
    // Two incidents on 1 October, detected after 10 and 20 minutes; a near-miss on 3 October.
    first = await reportIncident(api, {
      services: ['checkout'],
      startedAt: '2026-10-01T10:00:00.000Z',
      detectedAt: '2026-10-01T10:10:00.000Z',
    });
    second = await reportIncident(api, {
      services: ['checkout', 'payments'],
      startedAt: '2026-10-01T14:00:00.000Z',
      detectedAt: '2026-10-01T14:20:00.000Z',
    });
    await reportIncident(api, {
      kind: 'NEAR_MISS',
      services: ['search'],
      startedAt: '2026-10-03T09:00:00.000Z',
    });
    for (const incident of [first, second])
      await recordFinding(api, {
        incidentId: incident.id,
        kind: 'CONTRIBUTING_FACTOR',
        category: 'CONFIG_CHANGE',
        description: 'A config push without a canary stage.',
      });
    await mutate(
      api,
      'linkIncidents',
      'LinkIncidentsInput',
      { incidentId: second.id, relatedIncidentId: first.id, relation: 'RECURRENCE_OF' },
      'id',
    );
    await openActionItem(api, { incidentId: first.id });
  });
  afterAll(() => api?.stop());

  it('incidentTrend counts per UTC day, every bucket of the period there, zero-filled', async () => {
    const { incidentTrend } = await api.data(
      'query($input: TrendInput!) { incidentTrend(input: $input) { bucketStart key count } }',
      { input: { ...DAY, bucket: 'DAY' } },
    );
    expect(incidentTrend).toEqual([
      { bucketStart: '2026-10-01T00:00:00.000Z', key: null, count: 2 },
      { bucketStart: '2026-10-02T00:00:00.000Z', key: null, count: 0 },
      { bucketStart: '2026-10-03T00:00:00.000Z', key: null, count: 1 },
    ]);
    const bySevice = await api.data(
      'query($input: TrendInput!) { incidentTrend(input: $input) { bucketStart key count } }',
      { input: { ...DAY, bucket: 'DAY', groupBy: 'SERVICE' } },
    );
    expect(bySevice.incidentTrend).toEqual([
      { bucketStart: '2026-10-01T00:00:00.000Z', key: 'checkout', count: 2 },
      { bucketStart: '2026-10-01T00:00:00.000Z', key: 'payments', count: 1 },
      { bucketStart: '2026-10-03T00:00:00.000Z', key: 'search', count: 1 },
    ]);
  });

  it('responseTimes gives count, mean, median and p90 of the time to detect', async () => {
    const { responseTimes } = await api.data(
      `query($input: TrendInput!) { responseTimes(input: $input) {
         bucketStart incidents detect { count meanSeconds medianSeconds p90Seconds } resolve { count } } }`,
      { input: { from: DAY.from, to: '2026-10-02T00:00:00.000Z', bucket: 'DAY' } },
    );
    // 600 s and 1,200 s: mean and median 900 s, p90 = 600 + 0.9 × 600 = 1,140 s.
    expect(responseTimes).toEqual([
      {
        bucketStart: '2026-10-01T00:00:00.000Z',
        incidents: 2,
        detect: { count: 2, meanSeconds: 900, medianSeconds: 900, p90Seconds: 1140 },
        resolve: { count: 0 },
      },
    ]);
  });

  it('contributingFactors and recurrence see the shared configuration change', async () => {
    const data = await api.data(
      `query($input: PeriodInput!) {
         contributingFactors(input: $input) { category incidents share previousPeriodIncidents }
         recurrence(input: $input) { incidents recurrences repeatRate clusters { service category incidents { id } } } }`,
      { input: DAY },
    );
    expect(data.contributingFactors).toEqual([
      { category: 'CONFIG_CHANGE', incidents: 2, share: 1, previousPeriodIncidents: 0 },
    ]);
    expect(data.recurrence).toMatchObject({ incidents: 3, recurrences: 1, repeatRate: 1 / 3 });
    expect(data.recurrence.clusters).toEqual([
      { service: 'checkout', category: 'CONFIG_CHANGE', incidents: [{ id: first.id }, { id: second.id }] },
    ]);
  });

  it("recurrence looks up the clusters' incidents only when they are selected (directly or in a fragment)", async () => {
    const withoutIncidents = await api.data(
      `query($input: PeriodInput!) { recurrence(input: $input) { recurrences clusters { service category } } }`,
      { input: DAY },
    );
    expect(withoutIncidents.recurrence.clusters).toEqual([
      { service: 'checkout', category: 'CONFIG_CHANGE' },
    ]);
    const inFragment = await api.data(
      `query($input: PeriodInput!) { recurrence(input: $input) { clusters { ...cluster } } }
       fragment cluster on RecurrenceCluster { service incidents { id } }`,
      { input: DAY },
    );
    expect(inFragment.recurrence.clusters).toEqual([
      { service: 'checkout', incidents: [{ id: first.id }, { id: second.id }] },
    ]);
  });

  it('actionItemHealth counts the open action item', async () => {
    const { actionItemHealth } = await api.data(
      `{ actionItemHealth(input: {}) { key open inProgress done wontDo overdue completionRate medianDaysToClose } }`,
    );
    expect(actionItemHealth).toEqual([
      {
        key: null,
        open: 1,
        inProgress: 0,
        done: 0,
        wontDo: 0,
        overdue: 0,
        completionRate: 0,
        medianDaysToClose: null,
      },
    ]);
  });

  it('refuses a period that ends before it starts, naming the rule', async () => {
    const { body } = await api.graphql(
      'query($input: TrendInput!) { incidentTrend(input: $input) { count } }',
      { input: { from: DAY.to, to: DAY.from, bucket: 'DAY' } },
    );
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/before|after|less than/i),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  describe('as CSV', () => {
    const csvUrl = (report: string, query: string) => `${api.baseUrl}/reports/${report}.csv?${query}`;

    it('exports a report for an ANALYST as RFC 4180 text with a header row', async () => {
      const analyst = await api.keyFor('ANALYST');
      const response = await fetch(csvUrl('incidentTrend', `from=${DAY.from}&to=${DAY.to}&bucket=DAY`), {
        headers: { authorization: `Bearer ${analyst.secret}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(await response.text()).toBe(
        'bucketStart,key,count\r\n' +
          '2026-10-01T00:00:00.000Z,,2\r\n' +
          '2026-10-02T00:00:00.000Z,,0\r\n' +
          '2026-10-03T00:00:00.000Z,,1\r\n',
      );
    });

    it('refuses a VIEWER (403), a request without a key (401) and bad parameters (400, naming them)', async () => {
      const viewer = await api.keyFor('VIEWER');
      const query = `from=${DAY.from}&to=${DAY.to}`;
      const forbidden = await fetch(csvUrl('contributingFactors', query), {
        headers: { authorization: `Bearer ${viewer.secret}` },
      });
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });
      expect((await fetch(csvUrl('contributingFactors', query))).status).toBe(401);

      const bad = await fetch(csvUrl('incidentTrend', `${query}&bucket=FORTNIGHT`), {
        headers: { authorization: `Bearer ${(await api.keyFor('ANALYST')).secret}` },
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bucket' });
    });
  });
});
