/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- responses are untyped JSON: the tests assert their shape. */
import { CommandBus } from '@nestjs/cqrs';
import { alertGroupIdOf, alertEpisodeIncidentId } from '@kb/domain';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@kb/event-store';
import { alertGroupWriteOf } from '../src/alertmanager/alert-intake';
import { parseAlertmanagerPayload } from '../src/alertmanager/alertmanager-payload';
import { ApiUnderTest } from './support/api-under-test';
import { allEvents, minutesAgo, mutate } from './support/graphql-fixtures';

jest.setTimeout(60_000);

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** One alert as Alertmanager sends it in a webhook notification. */
function alert(
  fingerprint: string,
  alertname: string,
  startsAt: string,
  options: { endsAt?: string; labels?: Record<string, string>; summary?: string } = {},
) {
  return {
    status: options.endsAt === undefined ? 'firing' : 'resolved',
    labels: { alertname, service: 'checkout', severity: 'critical', ...options.labels },
    annotations: options.summary === undefined ? {} : { summary: options.summary },
    startsAt,
    endsAt: options.endsAt ?? ZERO_TIME,
    generatorURL: `http://prometheus:9090/graph?g0.expr=${alertname}`,
    fingerprint,
  };
}

/** Alertmanager's webhook payload (version 4) for a group and its alerts. */
function notification(groupKey: string, alerts: Array<ReturnType<typeof alert>>) {
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'knowledge-base',
    groupLabels: { team: 'payments' },
    commonLabels: { team: 'payments' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

const INCIDENT = `id title summary kind severity status services tags detectionSource startedAt
  mitigatedAt timeline { at text } links { relation incident { id } }`;

/**
 * Incidents opened from Prometheus Alertmanager, through real HTTP: the webhook, then the
 * knowledge base as a client sees it (GraphQL, the events query, the reports) and the store.
 */
describe('incidents from Prometheus Alertmanager over HTTP', () => {
  let api: ApiUnderTest;
  let contributor: { secret: string; id: string };

  beforeAll(async () => {
    api = await ApiUnderTest.start();
    contributor = await api.keyFor('CONTRIBUTOR');
  });
  afterAll(() => api?.stop());

  async function send(
    body: unknown,
    options: { secret?: string | null; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<{ status: number; body: any }> {
    const secret = options.secret === undefined ? contributor.secret : options.secret;
    const response = await fetch(`${api.baseUrl}/ingest/alertmanager`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
        ...options.headers,
      },
      body: options.raw ?? JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  const incident = async (id: string) =>
    (await api.data(`{ incident(id: "${id}") { ${INCIDENT} } }`)).incident;

  /** Every event of the store, the alert groups' included. */
  const storeEvents = (): Promise<StoredEvent[]> => api.app.get<EventStore>(EVENT_STORE).readAll();

  describe('a group firing, repeated, joined, left, resolved and firing again', () => {
    const groupKey = '{}/{team="payments"}:{alertname=~"Checkout.*"}';
    const errorsStart = minutesAgo(60);
    const latencyStart = minutesAgo(55);
    const A = alert('aaaa000000000001', 'CheckoutErrors', errorsStart, {
      summary: 'Checkout error rate above 5%',
    });
    const B = alert('bbbb000000000002', 'CheckoutLatency', latencyStart, { labels: { severity: 'warning' } });
    const C = alert('cccc000000000003', 'PaymentsDown', minutesAgo(40), { labels: { service: 'payments' } });
    const sent: unknown[] = [];
    let first: string;
    let second: string;

    async function accept(body: unknown, correlationId?: string): Promise<string | null> {
      const answer = await send(body, {
        headers: correlationId ? { 'x-correlation-id': correlationId } : {},
      });
      expect(answer).toEqual({ status: 200, body: { incidentId: expect.any(String) } });
      sent.push(body);
      return answer.body.incidentId;
    }

    it('reports an incident for the group firing, as the key that sent it', async () => {
      first = (await accept(notification(groupKey, [A, B]), 'am-notify-1'))!;
      expect(first).toBe(alertEpisodeIncidentId(alertGroupIdOf(groupKey), 1));
      expect(await incident(first)).toEqual({
        id: first,
        title: 'Checkout error rate above 5%',
        summary: `Opened from Prometheus Alertmanager: the alert group ${groupKey} fired (CheckoutErrors, CheckoutLatency).`,
        kind: 'INCIDENT',
        severity: 'SEV2',
        status: 'OPEN',
        services: ['checkout'],
        tags: ['alertmanager', 'checkouterrors', 'checkoutlatency'],
        detectionSource: 'MONITORING_ALERT',
        startedAt: errorsStart,
        mitigatedAt: null,
        timeline: [],
        links: [],
      });
      const events = await allEvents(api);
      expect(events.map((e) => [e.type, e.actor, e.correlationId])).toEqual([
        ['IncidentReported', contributor.id, 'am-notify-1'],
      ]);
    });

    it('writes nothing for a plain repeat of the group (its alerts in another order, a summary changed)', async () => {
      const before = (await storeEvents()).length;
      const repeat = {
        ...notification(groupKey, [B, { ...A, annotations: { summary: 'Checkout error rate 7%' } }]),
      };
      expect(await accept({ ...repeat, externalURL: 'http://alertmanager-2:9093' })).toBe(first);
      expect(await storeEvents()).toHaveLength(before);
    });

    it('adds a timeline entry when an alert joins, and when one leaves', async () => {
      expect(await accept(notification(groupKey, [A, B, C]))).toBe(first);
      expect(
        await accept(notification(groupKey, [{ ...A, status: 'resolved', endsAt: minutesAgo(30) }, B, C])),
      ).toBe(first);
      expect((await incident(first)).timeline).toEqual([
        { at: expect.any(String), text: 'Alertmanager: 1 alert joined (PaymentsDown).' },
        { at: expect.any(String), text: 'Alertmanager: 1 alert left (CheckoutErrors).' },
      ]);
    });

    it('records the MITIGATED milestone at the latest endsAt when the group resolves', async () => {
      const lastEnd = minutesAgo(20);
      const resolved = notification(groupKey, [
        { ...B, status: 'resolved', endsAt: minutesAgo(25) },
        { ...C, status: 'resolved', endsAt: lastEnd },
      ]);
      expect(await accept(resolved)).toBe(first);
      expect(await incident(first)).toMatchObject({ status: 'MITIGATED', mitigatedAt: lastEnd });
      const before = (await storeEvents()).length;
      expect(await accept(resolved)).toBe(first);
      expect(await storeEvents()).toHaveLength(before);
    });

    it('reports a new incident, linked RECURRENCE_OF the first, when the group fires again', async () => {
      const again = alert('aaaa000000000001', 'CheckoutErrors', minutesAgo(10), {
        summary: 'Checkout error rate above 5%',
      });
      second = (await accept(notification(groupKey, [again])))!;
      expect(second).not.toBe(first);
      expect(await incident(second)).toMatchObject({
        status: 'OPEN',
        startedAt: again.startsAt,
        links: [{ relation: 'RECURRENCE_OF', incident: { id: first } }],
      });
      expect((await incident(first)).status).toBe('MITIGATED');
    });

    it('is seen by the recurrence report', async () => {
      const { recurrence } = await api.data(
        'query($input: PeriodInput!) { recurrence(input: $input) { incidents recurrences } }',
        { input: { from: minutesAgo(24 * 60), to: minutesAgo(-10) } },
      );
      expect(recurrence).toEqual({ incidents: 2, recurrences: 1 });
    });

    it('writes nothing twice when every notification of the sequence is retried', async () => {
      const before = await storeEvents();
      for (const body of sent) expect((await send(body)).status).toBe(200);
      await Promise.all(sent.map((body) => send(body)));
      expect(await storeEvents()).toEqual(before);
      const types = (await allEvents(api)).map((e) => e.type);
      expect(types).toEqual([
        'IncidentReported',
        'TimelineEntryAdded',
        'TimelineEntryAdded',
        'MilestoneRecorded',
        'IncidentStatusChanged',
        'IncidentReported',
        'IncidentsLinked',
      ]);
    });

    it('keeps the alert groups out of the events query', async () => {
      const stored = await storeEvents();
      expect(stored.filter((e) => e.streamId.startsWith('alert-group-')).map((e) => e.type)).toEqual([
        'AlertGroupFired',
        'AlertGroupChanged',
        'AlertGroupChanged',
        'AlertGroupResolved',
        'AlertGroupFired',
      ]);
      expect((await allEvents(api)).filter((e) => !e.streamId.startsWith('incident-'))).toEqual([]);
      const { body } = await api.graphql(
        '{ events(filter: { streamPrefix: "alert-group-" }) { edges { cursor } } }',
      );
      expect(body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  });

  it('opens one incident for notifications of a new group arriving at once', async () => {
    const groupKey = '{}:{alertname="DiskFull"}';
    const disk = (n: number) =>
      alert(`d${n}`, 'DiskFull', minutesAgo(15), { labels: { service: 'storage' } });
    const admin = await api.keyFor('ADMIN');
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => send(notification(groupKey, [disk(1)]))),
      send(notification(groupKey, [disk(1)]), { secret: admin.secret }),
      send(notification(groupKey, [disk(1), disk(2)])),
      send(notification(groupKey, [disk(2), disk(3)])),
    ]);
    const ids = new Set(answers.map((answer) => answer.status === 200 && answer.body.incidentId));
    expect(ids).toEqual(new Set([alertEpisodeIncidentId(alertGroupIdOf(groupKey), 1)]));
    const [id] = ids;
    const reported = (await allEvents(api, { types: ['IncidentReported'] })).filter(
      (e) => e.streamId === `incident-${id}`,
    );
    expect(reported).toHaveLength(1);
  });

  it('heals a crash between the group and the incident: the next notification reports it, once', async () => {
    const groupKey = '{}:{alertname="QueueBacklog"}';
    const backlog = alert('q1', 'QueueBacklog', minutesAgo(30), { labels: { service: 'queue' } });
    const first = notification(groupKey, [backlog]);
    // The group's write, and then nothing: as if the service stopped before the incident's write.
    const caller = { actor: contributor.id, correlationId: 'crashed' };
    await api.app.get(CommandBus).execute(alertGroupWriteOf(parseAlertmanagerPayload(first), caller));
    const id = alertEpisodeIncidentId(alertGroupIdOf(groupKey), 1);
    expect(await incident(id)).toBeNull();

    // Another notification of the group (an alert joined) comes first: both writes are done, in order.
    const joined = notification(groupKey, [backlog, alert('q2', 'QueueStalled', minutesAgo(5))]);
    expect(await send(joined)).toEqual({ status: 200, body: { incidentId: id } });
    expect(await incident(id)).toMatchObject({
      title: 'QueueBacklog',
      timeline: [{ text: 'Alertmanager: 1 alert joined (QueueStalled).' }],
    });
    const before = await storeEvents();
    expect(await send(first)).toEqual({ status: 200, body: { incidentId: id } });
    expect(await storeEvents()).toEqual(before);
    const history = (await allEvents(api)).filter((e) => e.streamId === `incident-${id}`);
    expect(history.map((e) => [e.type, e.correlationId])).toEqual([
      ['IncidentReported', 'crashed'],
      ['TimelineEntryAdded', expect.any(String)],
    ]);
  });

  it('keeps a MITIGATED time that people recorded first', async () => {
    const groupKey = '{}:{alertname="CacheMisses"}';
    const misses = alert('m1', 'CacheMisses', minutesAgo(50), { labels: { service: 'cache' } });
    const { body } = await send(notification(groupKey, [misses]));
    const mitigatedAt = minutesAgo(45);
    await mutate(
      api,
      'recordMilestone',
      'RecordMilestoneInput',
      { incidentId: body.incidentId, milestone: 'MITIGATED', at: mitigatedAt },
      'id',
      contributor.secret,
    );
    const before = (await storeEvents()).length;
    const resolved = notification(groupKey, [{ ...misses, status: 'resolved', endsAt: minutesAgo(30) }]);
    expect(await send(resolved)).toEqual({ status: 200, body: { incidentId: body.incidentId } });
    expect(await incident(body.incidentId)).toMatchObject({ status: 'MITIGATED', mitigatedAt });
    // Only the group's own record of the resolution: nothing on the incident.
    const after = await storeEvents();
    expect(after.slice(before).map((e) => e.type)).toEqual(['AlertGroupResolved']);
  });

  it('answers null for a resolved group it never saw, and writes nothing', async () => {
    const before = (await storeEvents()).length;
    const resolved = notification('{}:{alertname="NeverSeen"}', [
      alert('n1', 'NeverSeen', minutesAgo(10), { endsAt: minutesAgo(5) }),
    ]);
    expect(await send(resolved)).toEqual({ status: 200, body: { incidentId: null } });
    expect(await storeEvents()).toHaveLength(before);
  });

  describe('refusals', () => {
    const valid = () => notification('{}:{alertname="Refused"}', [alert('r1', 'Refused', minutesAgo(5))]);

    it.each<[string, unknown, string | null, RegExp]>([
      ['version 3', { ...valid(), version: '3' }, 'version', /^version: must be "4"/],
      [
        'a startsAt that is no time',
        { ...valid(), alerts: [alert('r1', 'Refused', 'five minutes ago')] },
        'alerts[0].startsAt',
        /^alerts\[0\]\.startsAt: must be an ISO-8601 time/,
      ],
      ['no alerts', { ...valid(), alerts: [] }, 'alerts', /^alerts: must be a list of 1 to 1000 alerts$/],
      ['a body that is not an object', [1, 2], null, /^The body must be Alertmanager's webhook payload/],
      [
        'a firing status with only resolved alerts',
        {
          ...valid(),
          status: 'firing',
          alerts: [alert('r1', 'Refused', minutesAgo(5), { endsAt: minutesAgo(1) })],
        },
        'status',
        /^status: is 'firing', but none of the alerts is firing$/,
      ],
    ])(
      'answers 400 for %s, with the field and the rule, and writes nothing',
      async (_, body, field, message) => {
        const before = (await storeEvents()).length;
        const answer = await send(body);
        expect(answer).toEqual({
          status: 400,
          body: { code: 'BAD_USER_INPUT', field, message: expect.stringMatching(message) },
        });
        expect(await storeEvents()).toHaveLength(before);
      },
    );

    it('answers 400 for a body that is not JSON', async () => {
      const answer = await send(null, { raw: '{"version": "4",' });
      expect(answer).toEqual({
        status: 400,
        body: { code: 'BAD_USER_INPUT', message: expect.stringMatching(/^The body is not JSON: /) },
      });
    });

    it('answers 413 for a body over 1 MiB, saying what to change', async () => {
      const big = { ...valid(), padding: 'x'.repeat(1024 * 1024) };
      const answer = await send(big);
      expect(answer).toEqual({
        status: 413,
        body: {
          code: 'PAYLOAD_TOO_LARGE',
          message: expect.stringMatching(/larger than 1048576 bytes.*max_alerts/),
        },
      });
    });

    it('answers 415 for a compressed body', async () => {
      const answer = await send(valid(), { headers: { 'content-encoding': 'gzip' } });
      expect(answer).toEqual({
        status: 415,
        body: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'The body must not be compressed (Content-Encoding: gzip).',
        },
      });
    });

    it('answers 401 without a valid key, before looking at the payload', async () => {
      for (const secret of [null, 'kb_not-a-key']) {
        const answer = await send({ nonsense: true }, { secret });
        expect(answer).toEqual({
          status: 401,
          body: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/^No valid API key/) },
        });
      }
    });

    it('answers 403 to VIEWER and ANALYST keys', async () => {
      for (const role of ['VIEWER', 'ANALYST'] as const) {
        const { secret } = await api.keyFor(role);
        const before = (await storeEvents()).length;
        expect(await send(valid(), { secret })).toEqual({
          status: 403,
          body: {
            code: 'FORBIDDEN',
            message: `This API key's role ${role} may not report incidents; it needs CONTRIBUTOR or above.`,
          },
        });
        expect(await storeEvents()).toHaveLength(before);
      }
    });
  });
});
