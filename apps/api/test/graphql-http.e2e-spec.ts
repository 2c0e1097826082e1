import { getIntrospectionQuery } from 'graphql';
import { ADMIN_SECRET, ApiUnderTest, type GraphQLResponse } from './support/api-under-test';
import { allEvents, incidentInput } from './support/graphql-fixtures';

jest.setTimeout(60_000);

const AUTH = { authorization: `Bearer ${ADMIN_SECRET}` };
const QUERY = '{ projections { name } }';
const REPORT = 'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }';

async function json(response: Response): Promise<GraphQLResponse['body']> {
  return (await response.json()) as GraphQLResponse['body'];
}

describe('GraphQL over HTTP', () => {
  let api: ApiUnderTest;
  const get = (query: string, headers: Record<string, string> = {}, extra = '') =>
    fetch(`${api.baseUrl}/graphql?query=${encodeURIComponent(query)}${extra}`, {
      headers: { ...AUTH, ...headers },
    });
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${api.baseUrl}/graphql`, { method: 'POST', headers: { ...AUTH, ...headers }, body });

  beforeAll(async () => {
    api = await ApiUnderTest.start();
  });
  afterAll(() => api.stop());

  describe('GET and CSRF prevention', () => {
    it('answers a query sent by GET with a header a browser cannot send without a preflight', async () => {
      const preflightHeaders: Array<Record<string, string>> = [
        { 'apollo-require-preflight': 'true' },
        { 'x-apollo-operation-name': 'Projections' },
      ];
      for (const header of preflightHeaders) {
        const response = await get(QUERY, header);
        expect(response.status).toBe(200);
        expect((await json(response)).data).toEqual({
          projections: expect.arrayContaining([{ name: 'incidents' }]),
        });
      }
      // Variables travel in the query string too.
      const withVariables = await get(
        'query($id: ID!) { incident(id: $id) { id } }',
        { 'apollo-require-preflight': 'true' },
        `&variables=${encodeURIComponent(JSON.stringify({ id: 'nothing' }))}`,
      );
      expect(await json(withVariables)).toEqual({ data: { incident: null } });
    });

    it('refuses a simple GET (no preflight header): it could come from any web page', async () => {
      const response = await get(QUERY);
      expect(response.status).toBe(400);
      expect((await json(response)).errors?.[0].message).toContain('Cross-Site Request Forgery');
    });

    it('refuses a POST as text/plain, form or multipart (simple requests), and runs nothing', async () => {
      const body = JSON.stringify({ query: REPORT, variables: { i: incidentInput({ title: 'Via CSRF' }) } });
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const response = await post(body, { 'content-type': contentType });
        expect(response.status).toBe(400);
        expect((await json(response)).errors?.[0].message).toContain('Cross-Site Request Forgery');
      }
      expect(await allEvents(api)).toEqual([]);
    });

    it('refuses a mutation sent by GET with 405, and writes nothing', async () => {
      const response = await get(
        REPORT,
        { 'apollo-require-preflight': 'true' },
        `&variables=${encodeURIComponent(JSON.stringify({ i: incidentInput({ title: 'Via GET' }) }))}`,
      );
      expect(response.status).toBe(405);
      expect((await json(response)).errors?.[0].message).toMatch(/GET.*mutation/);
      expect(await allEvents(api)).toEqual([]);
    });
  });

  describe('media types and status codes', () => {
    const graphqlResponse = 'application/graphql-response+json';

    it('answers in application/graphql-response+json when asked', async () => {
      const response = await post(JSON.stringify({ query: QUERY }), {
        'content-type': 'application/json',
        accept: graphqlResponse,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(graphqlResponse);
      expect((await json(response)).data).toBeDefined();
    });

    it.each([
      ['a document that does not parse', '{ projections { name '],
      ['a document that does not validate', '{ noSuchField }'],
    ])('answers %s with 400 and no data', async (_what, query) => {
      for (const accept of [graphqlResponse, 'application/json']) {
        const response = await post(JSON.stringify({ query }), {
          'content-type': 'application/json',
          accept,
        });
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toContain(accept);
        const body = await json(response);
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0].message).toEqual(expect.any(String));
      }
    });

    it('answers an error of a resolver with 200 and data: null (the request itself was well formed)', async () => {
      const response = await post(JSON.stringify({ query: '{ incidents(first: 1000) { totalCount } }' }), {
        'content-type': 'application/json',
        accept: graphqlResponse,
      });
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body).toMatchObject({
        data: null,
        errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'first' } }],
      });
    });

    it('answers UNAUTHENTICATED with 401 in either media type', async () => {
      for (const accept of [graphqlResponse, 'application/json']) {
        const response = await fetch(`${api.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept },
          body: JSON.stringify({ query: QUERY }),
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toContain(accept);
        expect((await json(response)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      }
    });

    it('refuses a body over 1 MB with 413, and takes one just under it', async () => {
      const padding = (size: number) =>
        JSON.stringify({ query: QUERY, variables: { padding: 'x'.repeat(size) } });
      const tooLarge = await post(padding(1024 * 1024 + 1), { 'content-type': 'application/json' });
      expect(tooLarge.status).toBe(413);
      await tooLarge.arrayBuffer();
      const justUnder = await post(padding(1000 * 1000), { 'content-type': 'application/json' });
      expect(justUnder.status).toBe(200);
      expect((await json(justUnder)).data).toBeDefined();
    });
  });

  describe('the schema', () => {
    it('refuses introspection by default (the service runs as in production)', async () => {
      const { status, body } = await api.graphql('{ __schema { queryType { name } } }');
      expect(status).toBe(400);
      expect(body.errors?.[0].message).toMatch(/introspection/i);
    });
  });
});

describe('GraphQL over HTTP with GRAPHQL_INTROSPECTION=true', () => {
  let api: ApiUnderTest;

  beforeAll(async () => {
    api = await ApiUnderTest.start({ GRAPHQL_INTROSPECTION: 'true' });
  });
  afterAll(() => api.stop());

  it('answers introspection, the whole schema of a tool included, within the query limits', async () => {
    const { body } = await api.graphql('{ __schema { queryType { name } mutationType { name } } }');
    expect(body).toEqual({
      data: { __schema: { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } } },
    });
    const full = await api.graphql<{ __schema: { types: unknown[] } }>(getIntrospectionQuery());
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data?.__schema.types.length).toBeGreaterThan(50);
  });

  it('counts introspection in the cost: the whole schema twice in one document is refused', async () => {
    const whole = getIntrospectionQuery().replace(
      'query IntrospectionQuery {',
      '{ twice: __schema { types { ...FullType } } ',
    );
    const { status, body } = await api.graphql(whole);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(body.errors?.[0].message).toMatch(/costs \d+, more than the limit/);
  });
});

describe('GraphQL over HTTP with GRAPHQL_INTROSPECTION=false', () => {
  let api: ApiUnderTest;

  beforeAll(async () => {
    api = await ApiUnderTest.start({ GRAPHQL_INTROSPECTION: 'false' });
  });
  afterAll(() => api.stop());

  it('refuses introspection, and still answers queries', async () => {
    const { status, body } = await api.graphql('{ __schema { queryType { name } } }');
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0].message).toMatch(/introspection/i);
    const { body: typeQuery } = await api.graphql('{ __type(name: "Incident") { name } }');
    expect(typeQuery.errors?.[0].message).toMatch(/introspection/i);
    expect(await api.data('{ projections { name } }')).toEqual({ projections: expect.any(Array) });
  });
});
