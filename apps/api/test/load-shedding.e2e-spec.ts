import type { DataSource } from 'typeorm';
import { ReadPoolBusyError, readPoolOf } from '@kb/read-models';
import { READ_MODEL_DATA_SOURCE } from '../src/read-side/read-side.module';
import { ApiUnderTest, ADMIN_SECRET } from './support/api-under-test';

jest.setTimeout(60_000);

describe('load shedding over HTTP (GRAPHQL_MAX_IN_FLIGHT=2)', () => {
  let api: ApiUnderTest;

  beforeAll(async () => {
    api = await ApiUnderTest.start({ GRAPHQL_MAX_IN_FLIGHT: '2' });
  });
  afterAll(() => api.stop());

  it('answers what is over capacity at once with 503 and a coded error, and the rest as usual', async () => {
    // Each search holds its request for 300 ms in the read worker, so 60 sent at once overlap.
    const pool = readPoolOf(api.app.get<DataSource>(READ_MODEL_DATA_SOURCE))!;
    const slow = jest
      .spyOn(pool, 'query')
      .mockImplementation(() => new Promise((done) => setTimeout(() => done([{ total: 0 }]), 300)));
    const answers = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const response = await fetch(`${api.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_SECRET}` },
          body: JSON.stringify({
            query: 'query($q: String!) { search(query: $q) { totalCount } }',
            variables: { q: 'checkout latency' },
          }),
        });
        return {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: (await response.json()) as {
            data?: unknown;
            errors?: Array<{ extensions?: { code?: string } }>;
          },
        };
      }),
    );
    const refused = answers.filter((a) => a.status === 503);
    const served = answers.filter((a) => a.status === 200);
    expect(refused.length + served.length).toBe(60);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(served.length).toBeLessThan(10); // two at a time, each held 300 ms
    for (const a of refused) {
      expect(a.retryAfter).toBe('1');
      expect(a.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
    for (const a of served) expect(a.body.errors).toBeUndefined();
    slow.mockRestore();
    // Capacity is back once they are answered; /health is never counted.
    expect(await api.data('{ __typename }')).toEqual({ __typename: 'Query' });
    expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
  });

  it('answers a search refused by busy read workers with 503, Retry-After and SERVICE_UNAVAILABLE', async () => {
    const pool = readPoolOf(api.app.get<DataSource>(READ_MODEL_DATA_SOURCE))!;
    const query = jest.spyOn(pool, 'query').mockRejectedValue(new ReadPoolBusyError());
    try {
      const response = await fetch(`${api.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_SECRET}` },
        body: JSON.stringify({
          query: 'query($q: String!) { search(query: $q) { totalCount } }',
          variables: { q: 'x' },
        }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const body = (await response.json()) as {
        data?: unknown;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
      expect(body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(body).not.toHaveProperty('data');
    } finally {
      query.mockRestore();
    }
  });
});
