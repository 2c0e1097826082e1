/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { ApiUnderTest, ADMIN_SECRET } from './support/api-under-test';
import {
  minutesAgo,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
  sleep,
} from './support/graphql-fixtures';
import { parsePrometheusText, samplesOf, valueOf, type MetricFamily } from './support/prometheus-text';
import { describeOnReadModelBackends } from './support/read-model-backends';
import { WebhookReceiver } from './support/webhook-receiver';

const DAY_MINUTES = 24 * 60;
const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'];
const KINDS = ['INCIDENT', 'NEAR_MISS', 'CHAOS_EXPERIMENT', 'GAME_DAY'];

async function scrape(api: ApiUnderTest, authorization?: string): Promise<Response> {
  return fetch(`${api.baseUrl}/metrics`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

async function metrics(api: ApiUnderTest): Promise<{ text: string; families: Map<string, MetricFamily> }> {
  const response = await scrape(api);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return { text, families: parsePrometheusText(text) };
}

/** Every label value of the exposition, of every series. */
function labelValues(families: Map<string, MetricFamily>): Set<string> {
  return new Set(
    [...families.values()].flatMap((family) => family.samples.flatMap((s) => Object.values(s.labels))),
  );
}

const milestone = (api: ApiUnderTest, incidentId: string, name: string, at: string) =>
  mutate(api, 'recordMilestone', 'RecordMilestoneInput', { incidentId, milestone: name, at }, 'id status');

describeOnReadModelBackends('GET /metrics', (backend) => {
  let api: ApiUnderTest;
  const people = ['alice.example', 'bob.martin', 'carol-oncall'];

  beforeAll(async () => {
    api = await backend.start();
  }, 60_000);

  afterAll(async () => {
    await backend.stop(api);
  });

  it("counts what teams alert on as the read models do: open incidents, overdue items and postmortems, and no person's name", async () => {
    const contributor = await api.keyFor('CONTRIBUTOR', 'metrics seeder');
    const report = (overrides: Record<string, unknown>) =>
      reportIncident(api, overrides, 'id', contributor.secret);
    // Open ones of several severities and kinds, one MITIGATED (still open).
    const open = [
      await report({ severity: 'SEV1', kind: 'INCIDENT', title: 'Checkout down' }),
      await report({ severity: 'SEV1', kind: 'INCIDENT', title: 'Login down' }),
      await report({ severity: 'SEV2', kind: 'NEAR_MISS', title: 'Almost expired certificate' }),
      await report({ severity: 'SEV3', kind: 'GAME_DAY', title: 'Region failover drill' }),
      await report({ severity: 'SEV4', kind: 'CHAOS_EXPERIMENT', title: 'Kill a cache node' }),
    ];
    await milestone(api, open[1].id, 'MITIGATED', minutesAgo(30));
    // Resolved ones: due (SEV1, SEV2 incidents resolved 9 days ago, no postmortem), not due yet
    // (resolved an hour ago), done (postmortem published), or out of the policy (SEV3, near miss).
    const resolved = async (overrides: Record<string, unknown>, resolvedMinutesAgo: number) => {
      const incident = await report({ startedAt: minutesAgo(10 * DAY_MINUTES), ...overrides });
      await milestone(api, incident.id, 'RESOLVED', minutesAgo(resolvedMinutesAgo));
      return incident;
    };
    await resolved({ severity: 'SEV1', title: 'Queue backlog' }, 9 * DAY_MINUTES);
    await resolved({ severity: 'SEV2', title: 'Slow search' }, 9 * DAY_MINUTES);
    await resolved({ severity: 'SEV2', title: 'Stale cache' }, 8 * DAY_MINUTES);
    // Past the default policy's 5 days, not past the 7 the gauge once assumed.
    await resolved({ severity: 'SEV2', title: 'Retry storm' }, 6 * DAY_MINUTES);
    await resolved({ severity: 'SEV1', title: 'DNS outage' }, 60);
    await resolved({ severity: 'SEV3', title: 'Minor blip' }, 9 * DAY_MINUTES);
    await resolved({ severity: 'SEV1', kind: 'NEAR_MISS', title: 'Close call' }, 9 * DAY_MINUTES);
    const published = await resolved({ severity: 'SEV1', title: 'Disk full' }, 9 * DAY_MINUTES);
    await recordFinding(
      api,
      {
        incidentId: published.id,
        kind: 'TRIGGER',
        category: 'CAPACITY',
        description: 'Logs filled the disk.',
      },
      'id',
    );
    await mutate(
      api,
      'publishPostmortem',
      'PublishPostmortemInput',
      { incidentId: published.id, summary: 'Disk full.', impact: 'Writes failed for 20 minutes.' },
      'id',
    );

    // Action items of three teams, each with a person assigned: overdue (due when opened), due
    // tomorrow, without a due date, and done after its due date (not overdue).
    const item = async (ownerTeam: string, assignee: string, due: 'past' | 'future' | 'none' | 'done') => {
      const opened = await openActionItem(
        api,
        {
          incidentId: open[0].id,
          ownerTeam,
          assignee,
          ...(due === 'future' ? { dueDate: new Date(Date.now() + 86_400_000).toISOString() } : {}),
        },
        'id openedAt',
        contributor.secret,
      );
      if (due === 'past' || due === 'done')
        await mutate(
          api,
          'updateActionItem',
          'UpdateActionItemInput',
          { actionItemId: opened.id, dueDate: opened.openedAt },
          'id',
        );
      if (due === 'done') {
        await mutate(api, 'startActionItem', 'ActionItemTransitionInput', { actionItemId: opened.id }, 'id');
        await mutate(
          api,
          'completeActionItem',
          'ActionItemTransitionInput',
          { actionItemId: opened.id },
          'id',
        );
      }
    };
    await item('team-payments', people[0], 'past');
    await item('team-payments', people[1], 'past');
    await item('team-payments', people[2], 'future');
    await item('team-search', people[0], 'past');
    await item('team-search', people[1], 'done');
    await item('team-infra', people[2], 'none');
    await sleep(5); // the items due "when opened" are now past due

    const { families } = await metrics(api);

    // What the read models say, through GraphQL.
    const incidents = (
      await api.data(
        '{ incidents(first: 100) { totalCount edges { node { id kind severity status resolvedAt postmortemDueAt postmortem { publishedAt } } } } }',
      )
    ).incidents;
    expect(incidents.totalCount).toBe(incidents.edges.length);
    const nodes = incidents.edges.map((edge: any) => edge.node);
    for (const severity of SEVERITIES)
      for (const kind of KINDS)
        expect([severity, kind, valueOf(families, 'kb_incidents_open', { severity, kind })]).toEqual([
          severity,
          kind,
          nodes.filter(
            (n: any) =>
              n.severity === severity && n.kind === kind && ['OPEN', 'MITIGATED'].includes(n.status),
          ).length,
        ]);
    expect(valueOf(families, 'kb_incidents_open', { severity: 'SEV1', kind: 'INCIDENT' })).toBe(2);

    const overdue = (
      await api.data(
        '{ actionItems(first: 100, filter: { overdue: true }) { totalCount edges { node { ownerTeam } } } }',
      )
    ).actionItems;
    const overdueByTeam = new Map<string, number>();
    for (const edge of overdue.edges)
      overdueByTeam.set(edge.node.ownerTeam, (overdueByTeam.get(edge.node.ownerTeam) ?? 0) + 1);
    expect(Object.fromEntries(overdueByTeam)).toEqual({ 'team-payments': 2, 'team-search': 1 });
    const overdueSamples = samplesOf(families, 'kb_action_items_overdue');
    expect(Object.fromEntries(overdueSamples.map((s) => [s.labels.owner_team, s.value]))).toEqual(
      Object.fromEntries(overdueByTeam),
    );

    // The deadline the postmortem policy set (5 days after resolution by default), as the API shows it.
    for (const severity of ['SEV1', 'SEV2'])
      expect(valueOf(families, 'kb_postmortems_overdue', { severity })).toBe(
        nodes.filter(
          (n: any) =>
            n.severity === severity &&
            n.postmortemDueAt !== null &&
            Date.parse(n.postmortemDueAt) < Date.now() &&
            n.postmortem === null,
        ).length,
      );
    expect(valueOf(families, 'kb_postmortems_overdue', { severity: 'SEV2' })).toBe(3);
    expect(valueOf(families, 'kb_postmortems_overdue', { severity: 'SEV1' })).toBe(1);

    // No label names a person: neither an assignee nor an actor (the API keys that wrote).
    const values = labelValues(families);
    for (const person of [...people, contributor.id]) expect(values).not.toContain(person);
    const actors = new Set(
      (await api.data('{ events(first: 1000) { edges { node { actor } } } }')).events.edges.map(
        (edge: any) => edge.node.actor,
      ),
    );
    expect(actors.size).toBeGreaterThan(1);
    for (const actor of actors) expect(values).not.toContain(actor);
  }, 60_000);

  it('shows the write and read sides at work: appends, group commits, projections, process', async () => {
    const { families } = await metrics(api);
    expect(
      valueOf(families, 'kb_event_store_append_duration_seconds_count', { outcome: 'ok' }),
    ).toBeGreaterThan(20);
    expect(valueOf(families, 'kb_event_store_group_commit_writes_count')).toBeGreaterThan(0);
    expect(valueOf(families, 'kb_event_store_group_commit_duration_seconds_count')).toBe(
      valueOf(families, 'kb_event_store_group_commit_writes_count'),
    );
    expect(
      valueOf(families, 'kb_projection_events_applied_total', { projection: 'incidents' }),
    ).toBeGreaterThan(0);
    const projections = samplesOf(families, 'kb_projection_lag_events').map((s) => s.labels.projection);
    expect(projections).toContain('incidents');
    for (const projection of projections) {
      const states = samplesOf(families, 'kb_projection_state', { projection });
      expect(states.reduce((sum, s) => sum + s.value, 0)).toBe(1);
      expect(valueOf(families, 'kb_projection_dead_letters', { projection })).toBe(0);
    }
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    for (const outcome of ['delivered', 'retrying', 'failed'])
      expect(valueOf(families, 'kb_webhook_delivery_attempts_total', { outcome })).toBeGreaterThanOrEqual(0);
  });

  it('times HTTP requests by the route that matched and GraphQL operations by their name', async () => {
    await api.data('query MetricsProbe { incidents(first: 1) { totalCount } }');
    const invalid = await api.graphql('query BrokenProbe { noSuchField }');
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const forbidden = await api.graphql('query KeysProbe { apiKeys { id } }', undefined, {
      secret: (await api.keyFor('VIEWER')).secret,
    });
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await api.graphql(
      'mutation ProbeWrite($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }',
      {
        input: { title: 'x' },
      },
    );
    expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${api.baseUrl}/no/such/path-3f1c?secret=1`)).status).toBe(404);

    const { families } = await metrics(api);
    const graphql = 'kb_graphql_operation_duration_seconds_count';
    expect(valueOf(families, graphql, { operation: 'MetricsProbe', type: 'query', outcome: 'ok' })).toBe(1);
    expect(
      valueOf(families, graphql, {
        operation: 'BrokenProbe',
        type: 'query',
        outcome: 'GRAPHQL_VALIDATION_FAILED',
      }),
    ).toBe(1);
    expect(valueOf(families, graphql, { operation: 'KeysProbe', type: 'query', outcome: 'FORBIDDEN' })).toBe(
      1,
    );
    expect(valueOf(families, graphql, { operation: 'ProbeWrite', type: 'mutation' })).toBe(1);
    expect(
      valueOf(families, 'kb_graphql_operation_duration_seconds_sum', { operation: 'MetricsProbe' }),
    ).toBeGreaterThan(0);

    const http = 'kb_http_request_duration_seconds_count';
    expect(valueOf(families, http, { method: 'POST', route: '/graphql', outcome: '2xx' })).toBeGreaterThan(4);
    expect(valueOf(families, http, { method: 'GET', route: '/health', outcome: '2xx' })).toBe(1);
    expect(valueOf(families, http, { method: 'GET', route: 'unmatched', outcome: '4xx' })).toBe(1);
    expect(valueOf(families, http, { method: 'GET', route: '/metrics', outcome: '2xx' })).toBeGreaterThan(0);
    for (const value of labelValues(families)) expect(value).not.toMatch(/no\/such|3f1c|secret/);
  });

  it('keeps the operation label to a bounded set under a flood of made-up operation names', async () => {
    const post = (body: unknown) =>
      fetch(`${api.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_SECRET}` },
        body: JSON.stringify(body),
      });
    for (let batch = 0; batch < 25; batch++)
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => post({ query: `query Flood_${batch}_${i} { __typename }` })),
      );
    // Names no document has, which Apollo refuses: they must not become labels either.
    const hostile = ['evil"} 1\nkb_pwned 1', 'x'.repeat(5000), 'Flood_but_valid_and_unknown'];
    for (const operationName of hostile) await post({ query: '{ __typename }', operationName });

    const { text, families } = await metrics(api);
    const operations = new Set(
      samplesOf(families, 'kb_graphql_operation_duration_seconds_count').map((s) => s.labels.operation),
    );
    // 200 names at most, plus (anonymous) and (other).
    expect(operations.size).toBeLessThanOrEqual(202);
    expect(operations).toContain('(other)');
    const others = samplesOf(families, 'kb_graphql_operation_duration_seconds_count', {
      operation: '(other)',
    });
    expect(others.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(250 + hostile.length - 200);
    expect(text).not.toContain('kb_pwned');
    expect(text).not.toContain('x'.repeat(100));
  }, 60_000);
});

describe('GET /metrics with METRICS_KEY', () => {
  const key = 'scrape-key-0123456789abcdef';
  let api: ApiUnderTest;

  beforeAll(async () => {
    api = await ApiUnderTest.start({ METRICS_KEY: key, WEBHOOK_FIRST_RETRY_MS: '50' });
  }, 60_000);

  afterAll(async () => {
    await api.stop();
  });

  it('answers 401 without the key, with another key or an API key, and the metrics with it', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${key}x`,
      `Bearer ${key.slice(0, -1)}`,
      `Basic ${key}`,
      `Bearer ${ADMIN_SECRET}`,
      key,
    ]) {
      const response = await scrape(api, authorization);
      expect([authorization, response.status]).toEqual([authorization, 401]);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain('kb_http_request_duration_seconds');
    }
    const response = await scrape(api, `Bearer ${key}`);
    expect(response.status).toBe(200);
    const families = parsePrometheusText(await response.text());
    expect(
      valueOf(families, 'kb_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/metrics',
        outcome: '4xx',
      }),
    ).toBe(6);
  });

  it('counts webhook deliveries by outcome and their delay from the recording of the event', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      receiver.failNext = 1;
      await api.data('mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }', {
        input: { url: receiver.url, eventTypes: ['IncidentReported'] },
      });
      await reportIncident(api, { title: 'Delivered twice, once late' });
      const deadline = Date.now() + 15_000;
      while (receiver.delivered.length === 0 && Date.now() < deadline) await sleep(50);
      expect(receiver.delivered).toHaveLength(1);
      const families = parsePrometheusText(await (await scrape(api, `Bearer ${key}`)).text());
      expect(valueOf(families, 'kb_webhook_delivery_attempts_total', { outcome: 'retrying' })).toBe(1);
      expect(valueOf(families, 'kb_webhook_delivery_attempts_total', { outcome: 'delivered' })).toBe(1);
      expect(valueOf(families, 'kb_webhook_delivery_attempts_total', { outcome: 'failed' })).toBe(0);
      expect(valueOf(families, 'kb_webhook_delivery_delay_seconds_count')).toBe(1);
      expect(valueOf(families, 'kb_webhook_delivery_delay_seconds_sum')).toBeGreaterThan(0);
      for (const value of labelValues(families)) expect(value).not.toContain('127.0.0.1');
    } finally {
      await receiver.down();
    }
  }, 30_000);
});
