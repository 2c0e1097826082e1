/* eslint-disable @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { ApiUnderTest, type GraphQLResponse } from './support/api-under-test';
import {
  allEvents,
  incidentInput,
  minutesAgo,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
} from './support/graphql-fixtures';

jest.setTimeout(60_000);

type Role = 'VIEWER' | 'ANALYST' | 'CONTRIBUTOR' | 'ADMIN';
const ROLES: Role[] = ['VIEWER', 'ANALYST', 'CONTRIBUTOR', 'ADMIN'];
const RANK: Record<Role, number> = { VIEWER: 0, ANALYST: 1, CONTRIBUTOR: 2, ADMIN: 3 };
/** An id that names nothing: operations allowed to the caller fail with NOT_FOUND, and write nothing. */
const NOBODY = '00000000-0000-4000-8000-000000000000';
const AT = '2026-01-01T00:00:00.000Z';

/** Every operation of the contract (webhooks and reports aside) and the least role that may call it. */
interface Operation {
  readonly name: string;
  readonly least: Role;
  readonly document: string;
}
const OPERATIONS: Operation[] = [
  { name: 'incident', least: 'VIEWER', document: `{ incident(id: "${NOBODY}") { id } }` },
  { name: 'incidents', least: 'VIEWER', document: '{ incidents { totalCount } }' },
  { name: 'actionItem', least: 'VIEWER', document: `{ actionItem(id: "${NOBODY}") { id } }` },
  { name: 'actionItems', least: 'VIEWER', document: '{ actionItems { totalCount } }' },
  { name: 'search', least: 'VIEWER', document: '{ search(query: "disk") { totalCount } }' },
  { name: 'projections', least: 'VIEWER', document: '{ projections { name } }' },
  { name: 'events', least: 'ANALYST', document: '{ events(first: 1) { pageInfo { hasNextPage } } }' },
  { name: 'apiKeys', least: 'ADMIN', document: '{ apiKeys { id } }' },
  {
    name: 'reportIncident',
    least: 'CONTRIBUTOR',
    // An empty title: allowed callers get BAD_USER_INPUT and nothing is written.
    document: `mutation { reportIncident(input: { title: "", kind: INCIDENT, severity: SEV3, services: ["api"], detectionSource: OTHER, startedAt: "${AT}" }) { id } }`,
  },
  {
    name: 'reviseIncident',
    least: 'CONTRIBUTOR',
    document: `mutation { reviseIncident(input: { incidentId: "${NOBODY}", title: "t" }) { id } }`,
  },
  {
    name: 'recordMilestone',
    least: 'CONTRIBUTOR',
    document: `mutation { recordMilestone(input: { incidentId: "${NOBODY}", milestone: DETECTED, at: "${AT}" }) { id } }`,
  },
  {
    name: 'reopenIncident',
    least: 'CONTRIBUTOR',
    document: `mutation { reopenIncident(input: { incidentId: "${NOBODY}", reason: "r" }) { id } }`,
  },
  {
    name: 'addTimelineEntry',
    least: 'CONTRIBUTOR',
    document: `mutation { addTimelineEntry(input: { incidentId: "${NOBODY}", at: "${AT}", text: "t" }) { id } }`,
  },
  {
    name: 'recordFinding',
    least: 'CONTRIBUTOR',
    document: `mutation { recordFinding(input: { incidentId: "${NOBODY}", kind: LESSON_LEARNED, description: "d" }) { id } }`,
  },
  {
    name: 'reviseFinding',
    least: 'CONTRIBUTOR',
    document: `mutation { reviseFinding(input: { findingId: "${NOBODY}", description: "d" }) { id } }`,
  },
  {
    name: 'retractFinding',
    least: 'CONTRIBUTOR',
    document: `mutation { retractFinding(input: { findingId: "${NOBODY}", reason: "r" }) { id } }`,
  },
  {
    name: 'linkIncidents',
    least: 'CONTRIBUTOR',
    document: `mutation { linkIncidents(input: { incidentId: "${NOBODY}", relatedIncidentId: "${NOBODY.replace('0000-4', '0001-4')}", relation: RELATED_TO }) { id } }`,
  },
  {
    name: 'publishPostmortem',
    least: 'CONTRIBUTOR',
    document: `mutation { publishPostmortem(input: { incidentId: "${NOBODY}", summary: "s", impact: "i" }) { id } }`,
  },
  {
    name: 'planExperiment',
    least: 'CONTRIBUTOR',
    document: `mutation { planExperiment(input: { incidentId: "${NOBODY}", hypothesis: "h", steadyState: "s", blastRadius: ["checkout"] }) { id } }`,
  },
  {
    name: 'concludeExperiment',
    least: 'CONTRIBUTOR',
    document: `mutation { concludeExperiment(input: { incidentId: "${NOBODY}", outcome: HELD, observations: "o", concludedAt: "${AT}" }) { id } }`,
  },
  {
    name: 'openActionItem',
    least: 'CONTRIBUTOR',
    document: `mutation { openActionItem(input: { incidentId: "${NOBODY}", title: "t", type: PREVENT, priority: P2, ownerTeam: "team" }) { id } }`,
  },
  {
    name: 'updateActionItem',
    least: 'CONTRIBUTOR',
    document: `mutation { updateActionItem(input: { actionItemId: "${NOBODY}", title: "t" }) { id } }`,
  },
  ...['startActionItem', 'completeActionItem', 'dropActionItem', 'reopenActionItem'].map(
    (name): Operation => ({
      name,
      least: 'CONTRIBUTOR',
      document: `mutation { ${name}(input: { actionItemId: "${NOBODY}", reason: "r" }) { id } }`,
    }),
  ),
  {
    name: 'createApiKey',
    least: 'ADMIN',
    // An empty name: BAD_USER_INPUT for an ADMIN, and no key is made.
    document: 'mutation { createApiKey(input: { name: "", role: VIEWER }) { secret } }',
  },
  { name: 'revokeApiKey', least: 'ADMIN', document: `mutation { revokeApiKey(id: "${NOBODY}") { id } }` },
];

describe('errors over GraphQL: the contract’s codes and shapes', () => {
  let api: ApiUnderTest;
  const secrets = {} as Record<Role, string>;
  /** Every error seen, to check that none carries a stack trace. */
  const seen: NonNullable<GraphQLResponse['body']['errors']> = [];

  const send = async (query: string, variables?: Record<string, unknown>, secret?: string | null) => {
    const response = await api.graphql(query, variables, { secret });
    seen.push(...(response.body.errors ?? []));
    return response;
  };
  const errorOf = async (query: string, variables?: Record<string, unknown>, secret?: string | null) => {
    const { body } = await send(query, variables, secret);
    expect(body.errors).toHaveLength(1);
    return body.errors![0];
  };

  beforeAll(async () => {
    api = await ApiUnderTest.start({ NODE_ENV: 'production' });
    for (const role of ROLES) secrets[role] = (await api.keyFor(role)).secret;
  });
  afterAll(() => api.stop());

  describe('FORBIDDEN: which role may call which operation', () => {
    const cases = OPERATIONS.flatMap((operation) =>
      ROLES.map((role) => ({ ...operation, role, allowed: RANK[role] >= RANK[operation.least] })),
    );
    it.each(cases)('$name as $role: allowed $allowed', async ({ document, role, allowed, least, name }) => {
      const { status, body } = await send(document, undefined, secrets[role]);
      const codes = (body.errors ?? []).map((error) => error.extensions?.code);
      if (allowed) {
        expect(codes).not.toContain('FORBIDDEN');
        // Nothing else in the way: the operation ran (its input names nothing, or breaks a rule).
        for (const code of codes) expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(code);
      } else {
        expect(status).toBe(200);
        expect(body.errors).toEqual([
          expect.objectContaining({
            message: expect.stringContaining(least),
            path: [name],
            extensions: { code: 'FORBIDDEN' },
          }),
        ]);
        expect(body.data ?? null).toBeNull();
      }
    });

    it('wrote nothing while refusing or failing those calls', async () => {
      expect(await allEvents(api)).toEqual([]);
    });
  });

  describe('UNAUTHENTICATED (HTTP 401)', () => {
    it.each([
      ['no Authorization header', null],
      ['an unknown key', 'not-a-key-of-this-service-000000'],
      ['a malformed header', 'Basic dXNlcjpwYXNz'],
    ])('refuses %s', async (_what, secret) => {
      const headers: Record<string, string> = {};
      if (secret !== null) headers.authorization = secret.startsWith('Basic') ? secret : `Bearer ${secret}`;
      const response = await fetch(`${api.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ projections { name } }' }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as GraphQLResponse['body'];
      seen.push(...(body.errors ?? []));
      expect(body.errors).toEqual([
        {
          message: expect.stringContaining('Authorization: Bearer'),
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ]);
      expect(body.data ?? null).toBeNull();
    });

    it('refuses a revoked key', async () => {
      const key = await api.keyFor('ADMIN', 'to be revoked');
      expect((await send('{ apiKeys { id } }', undefined, key.secret)).status).toBe(200);
      await api.data('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id });
      const refused = await send('{ apiKeys { id } }', undefined, key.secret);
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('BAD_USER_INPUT names the field and the rule', () => {
    it('refuses a title over 200 characters', async () => {
      const error = await errorOf('mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }', {
        i: incidentInput({ title: 'x'.repeat(201) }),
      });
      expect(error).toMatchObject({
        message: expect.stringMatching(/title.*at most 200 characters/),
        path: ['reportIncident'],
        extensions: { code: 'BAD_USER_INPUT', field: 'title', rule: expect.stringContaining('200') },
      });
    });

    it('refuses a bad service name, naming which one', async () => {
      const error = await errorOf('mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }', {
        i: incidentInput({ services: ['api', 'Not A Name'] }),
      });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'services[1]' });
    });

    it('refuses a DateTime that is not RFC 3339, in a variable (HTTP 400)', async () => {
      const { status, body } = await send(
        'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }',
        {
          i: incidentInput({ startedAt: 'yesterday at noon' }),
        },
      );
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/startedAt.*RFC 3339/),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
      expect(body.data ?? null).toBeNull();
    });

    it('refuses a missing required variable (HTTP 400)', async () => {
      const { status, body } = await send(
        'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }',
      );
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('$i'),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
    });

    it('refuses a DateTime that is not RFC 3339, written in the query', async () => {
      const { status, body } = await send(`{ incident(id: "${NOBODY}", asOf: "2026-13-45") { id } }`);
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('RFC 3339'),
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
    });

    it('refuses a cursor the list did not give, and first over 100', async () => {
      expect(await errorOf('{ incidents(after: "garbage") { totalCount } }')).toMatchObject({
        message: expect.stringContaining('cursor'),
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      });
      expect(await errorOf('{ actionItems(first: 500) { totalCount } }')).toMatchObject({
        message: expect.stringContaining('100'),
        extensions: { code: 'BAD_USER_INPUT', field: 'first' },
      });
    });

    it('refuses what a rule of the domain forbids, saying which rule', async () => {
      const incident = await reportIncident(api, { startedAt: minutesAgo(60) });
      // A rule about the whole command: no field.
      const reopen = await errorOf(
        'mutation($i: ReopenIncidentInput!) { reopenIncident(input: $i) { id } }',
        { i: { incidentId: incident.id, reason: 'again' } },
      );
      expect(reopen).toMatchObject({
        message: expect.stringContaining('already OPEN'),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      const trigger = await errorOf('mutation($i: RecordFindingInput!) { recordFinding(input: $i) { id } }', {
        i: { incidentId: incident.id, kind: 'TRIGGER', description: 'A deploy.' },
      });
      expect(trigger.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'category' });
      const future = await errorOf(
        'mutation($i: RecordMilestoneInput!) { recordMilestone(input: $i) { id } }',
        {
          i: {
            incidentId: incident.id,
            milestone: 'RESOLVED',
            at: new Date(Date.now() + 3_600_000).toISOString(),
          },
        },
      );
      expect(future).toMatchObject({
        message: expect.stringContaining('future'),
        extensions: { code: 'BAD_USER_INPUT', field: 'at' },
      });
      const item = await openActionItem(api, { incidentId: incident.id });
      const drop = await errorOf(
        'mutation($i: ActionItemTransitionInput!) { dropActionItem(input: $i) { id } }',
        { i: { actionItemId: item.id } },
      );
      expect(drop.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    });
  });

  describe('NOT_FOUND', () => {
    it('names the field whose id names nothing', async () => {
      const incident = await reportIncident(api);
      const cases: Array<[string, string, Record<string, unknown>, string]> = [
        ['reviseIncident', 'ReviseIncidentInput', { incidentId: NOBODY, title: 't' }, 'incidentId'],
        ['reviseFinding', 'ReviseFindingInput', { findingId: NOBODY, description: 'd' }, 'findingId'],
        [
          'linkIncidents',
          'LinkIncidentsInput',
          { incidentId: incident.id, relatedIncidentId: NOBODY, relation: 'RELATED_TO' },
          'relatedIncidentId',
        ],
        [
          'openActionItem',
          'OpenActionItemInput',
          {
            incidentId: incident.id,
            findingId: NOBODY,
            title: 't',
            type: 'REPAIR',
            priority: 'P1',
            ownerTeam: 'x',
          },
          'findingId',
        ],
        ['completeActionItem', 'ActionItemTransitionInput', { actionItemId: NOBODY }, 'actionItemId'],
      ];
      for (const [name, type, input, field] of cases) {
        const error = await errorOf(`mutation($i: ${type}!) { ${name}(input: $i) { id } }`, { i: input });
        expect(error).toMatchObject({
          message: expect.stringContaining(NOBODY),
          path: [name],
          extensions: { code: 'NOT_FOUND', field },
        });
      }
      expect((await errorOf(`mutation { revokeApiKey(id: "${NOBODY}") { id } }`)).extensions?.code).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('CONFLICT', () => {
    it('refuses a stale expectedRevision, carrying the current revision, and writes nothing', async () => {
      const incident = await reportIncident(api);
      await mutate(
        api,
        'reviseIncident',
        'ReviseIncidentInput',
        { incidentId: incident.id, severity: 'SEV1' },
        'id',
      );
      const error = await errorOf('mutation($i: ReviseIncidentInput!) { reviseIncident(input: $i) { id } }', {
        i: { incidentId: incident.id, title: 'Stale', expectedRevision: 0 },
      });
      expect(error).toMatchObject({
        path: ['reviseIncident'],
        extensions: { code: 'CONFLICT', currentRevision: 1 },
      });
      const item = await openActionItem(api, { incidentId: incident.id });
      const itemError = await errorOf(
        'mutation($i: ActionItemTransitionInput!) { startActionItem(input: $i) { id } }',
        { i: { actionItemId: item.id, expectedRevision: 3 } },
      );
      expect(itemError.extensions).toMatchObject({ code: 'CONFLICT', currentRevision: 0 });

      const { incident: after } = await api.data('query($id: ID!) { incident(id: $id) { title revision } }', {
        id: incident.id,
      });
      expect(after.revision).toBe(1);
      expect(after.title).not.toBe('Stale');
    });
  });

  describe('idempotencyKey', () => {
    const history = async (id: string) =>
      (await api.data('query($id: ID!) { incident(id: $id) { history { id } } }', { id })).incident.history;

    it('answers a retry with the first result and appends nothing', async () => {
      const input = incidentInput({ title: 'Retried report', idempotencyKey: 'report-1' });
      const first = await mutate(api, 'reportIncident', 'ReportIncidentInput', input, 'id revision');
      const again = await mutate(api, 'reportIncident', 'ReportIncidentInput', input, 'id revision');
      expect(again).toEqual(first);
      expect(await history(first.id)).toHaveLength(1);

      const findingInput = {
        incidentId: first.id,
        kind: 'LESSON_LEARNED',
        description: 'Once.',
        idempotencyKey: 'f-1',
      };
      const finding = await recordFinding(api, findingInput, 'id');
      expect(await recordFinding(api, findingInput, 'id')).toEqual(finding);
      expect(await history(first.id)).toHaveLength(2);

      const itemInput = { incidentId: first.id, idempotencyKey: 'item-1' };
      const item = await openActionItem(api, itemInput, 'id');
      expect(await openActionItem(api, itemInput, 'id')).toEqual(item);
      const start = { actionItemId: item.id, idempotencyKey: 'start-1' };
      const started = await mutate(
        api,
        'startActionItem',
        'ActionItemTransitionInput',
        start,
        'id status revision',
      );
      // Without the key, a second start would be refused (it is IN_PROGRESS already).
      expect(
        await mutate(api, 'startActionItem', 'ActionItemTransitionInput', start, 'id status revision'),
      ).toEqual(started);
      const events = await allEvents(api, { streamPrefix: `action-item-${item.id}` });
      expect(events.map((event) => event.type)).toEqual(['ActionItemOpened', 'ActionItemStarted']);
    });

    it('refuses the same key with other input, and writes nothing', async () => {
      const first = await reportIncident(api, { title: 'Keyed', idempotencyKey: 'report-2' });
      const error = await errorOf('mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }', {
        i: incidentInput({ title: 'Keyed, but another title', idempotencyKey: 'report-2' }),
      });
      expect(error).toMatchObject({
        message: expect.stringContaining('idempotencyKey'),
        extensions: { code: 'BAD_USER_INPUT', field: 'idempotencyKey' },
      });
      expect(await history(first.id)).toHaveLength(1);

      await mutate(
        api,
        'addTimelineEntry',
        'AddTimelineEntryInput',
        {
          incidentId: first.id,
          at: minutesAgo(10),
          text: 'One',
          idempotencyKey: 'entry-1',
        },
        'id',
      );
      const other = await errorOf(
        'mutation($i: AddTimelineEntryInput!) { addTimelineEntry(input: $i) { id } }',
        {
          i: { incidentId: first.id, at: minutesAgo(10), text: 'Two', idempotencyKey: 'entry-1' },
        },
      );
      expect(other.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
      expect(await history(first.id)).toHaveLength(2);
    });
  });

  describe('QUERY_TOO_COMPLEX', () => {
    it('refuses a query nested too deep, before running it', async () => {
      let selection = 'id';
      for (let i = 0; i < 10; i++) selection = `links { incident { ${selection} } }`;
      const { status, body } = await send(`{ incidents { edges { node { ${selection} } } } }`);
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('deep'),
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        }),
      ]);
      expect(body.data).toBeUndefined();
    });

    it('refuses a query that would cost too much, before running it', async () => {
      // Ten nested lists a node: each estimated at ten items of three fields.
      const fields = Array.from({ length: 10 }, (_, i) => `f${i}: findings { id kind description }`).join(
        ' ',
      );
      const { status, body } = await send(`{ incidents(first: 100) { edges { node { ${fields} } } } }`);
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringContaining('costs'),
          extensions: { code: 'QUERY_TOO_COMPLEX' },
        }),
      ]);
      expect(body.data).toBeUndefined();
      // The cost counts the page size given in a variable too.
      const { body: viaVariable } = await send(
        `query($n: Int) { incidents(first: $n) { edges { node { ${fields} } } } }`,
        { n: 100 },
      );
      expect(viaVariable.errors?.[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX' });
      // A small page of the same is fine.
      expect(
        (await send(`{ incidents(first: 5) { edges { node { ${fields} } } } }`)).body.errors,
      ).toBeUndefined();
    });
  });

  it('showed no stack trace in any of those errors (NODE_ENV is not development)', () => {
    expect(seen.length).toBeGreaterThan(50);
    for (const error of seen) expect(error.extensions ?? {}).not.toHaveProperty('stacktrace');
  });
});
