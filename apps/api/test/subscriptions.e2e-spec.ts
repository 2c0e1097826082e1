/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL payloads are untyped JSON: the tests assert their shape. */
import type { Client } from 'graphql-ws';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { UNAUTHENTICATED_CLOSE } from '../src/graphql/websocket/live-sockets';
import { MAX_QUERY_DEPTH } from '../src/graphql/query-limits';
import { ApiUnderTest } from './support/api-under-test';
import {
  LiveSubscription,
  eventually,
  watchStoreSubscriptions,
  type OpenedStoreSubscription,
} from './support/live-subscription';

jest.setTimeout(60_000);

const STARTED_AT = '2026-01-01T00:00:00.000Z';
const EVENT_FIELDS =
  'id streamId revision position type version actor correlationId occurredAt recordedAt data';
const EVENTS_SUBSCRIPTION = `subscription($filter: EventFilter) { events(filter: $filter) { ${EVENT_FIELDS} } }`;
const INCIDENT_FIELDS = `id revision title status mitigatedAt
  timeline { id text at }
  findings { id kind category description retracted }`;

/** An incident as a payload or query shows it: the fields the checks read are typed. */
type IncidentPayload = Record<string, any> & { id: string; revision: number };

interface EventNode {
  id: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
  data: any;
}

describe('GraphQL subscriptions over graphql-ws (a real client against the running service)', () => {
  let api: ApiUnderTest;
  let store: EventStore;
  let watch: ReturnType<typeof watchStoreSubscriptions>;
  let analyst: string;
  let viewer: string;
  const clients: Client[] = [];

  /** A graphql-ws client disposed after the test file. */
  const client = (secret: string | null) => {
    const c = api.wsClient(secret);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    api = await ApiUnderTest.start();
    store = api.app.get<EventStore>(EVENT_STORE);
    watch = watchStoreSubscriptions(store);
    analyst = (await api.keyFor('ANALYST')).secret;
    viewer = (await api.keyFor('VIEWER')).secret;
  });

  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.dispose()));
    watch?.restore();
    await api?.stop();
  });

  // ---- writes, as a client makes them -------------------------------------------------------------

  async function reportIncident(title: string): Promise<{ id: string; revision: number }> {
    const data = await api.data<{ reportIncident: { id: string; revision: number } }>(
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id revision } }`,
      {
        input: {
          title,
          kind: 'INCIDENT',
          severity: 'SEV3',
          services: ['checkout'],
          detectionSource: 'MONITORING_ALERT',
          startedAt: STARTED_AT,
        },
      },
    );
    return data.reportIncident;
  }

  async function addTimelineEntry(incidentId: string, text: string): Promise<number> {
    const data = await api.data<{ addTimelineEntry: { revision: number } }>(
      `mutation($input: AddTimelineEntryInput!) { addTimelineEntry(input: $input) { revision } }`,
      { input: { incidentId, at: '2026-01-01T00:30:00.000Z', text } },
    );
    return data.addTimelineEntry.revision;
  }

  async function openActionItem(incidentId: string, title: string): Promise<string> {
    const data = await api.data<{ openActionItem: { id: string } }>(
      `mutation($input: OpenActionItemInput!) { openActionItem(input: $input) { id } }`,
      { input: { incidentId, title, type: 'PREVENT', priority: 'P2', ownerTeam: 'payments' } },
    );
    return data.openActionItem.id;
  }

  async function reviseTitle(incidentId: string, title: string): Promise<number> {
    const data = await api.data<{ reviseIncident: { revision: number } }>(
      `mutation($input: ReviseIncidentInput!) { reviseIncident(input: $input) { revision } }`,
      { input: { incidentId, title } },
    );
    return data.reviseIncident.revision;
  }

  /** The `events` query's list after `after` (exclusive), every page of it. */
  async function eventsQuery(
    after: string | null,
    filter: Record<string, unknown> = {},
  ): Promise<EventNode[]> {
    const nodes: EventNode[] = [];
    let cursor = after;
    for (;;) {
      const data = await api.data<{
        events: {
          edges: Array<{ node: EventNode }>;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }>(
        `query($filter: EventFilter, $after: String) {
          events(filter: $filter, first: 1000, after: $after) {
            edges { node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor }
          }
        }`,
        { filter, after: cursor },
        analyst,
      );
      nodes.push(...data.events.edges.map((e) => e.node));
      if (!data.events.pageInfo.hasNextPage) return nodes;
      cursor = data.events.pageInfo.endCursor;
    }
  }

  /** The position of the newest event in the store. */
  async function head(): Promise<string> {
    const [newest] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    return newest.position;
  }

  /** Resolves once the server has opened `count` more store subscriptions than `before`. */
  async function serverSubscribed(before: number, count = 1): Promise<OpenedStoreSubscription[]> {
    await eventually(() => watch.opened.length >= before + count, `${count} store subscription(s) to open`);
    return watch.opened.slice(before, before + count);
  }

  /**
   * Resolves once the store subscription has handed on every event up to `position` and asked for
   * the next one (so whatever it sent for them is on the socket), then makes a round trip on the
   * client's socket, so those messages have arrived.
   */
  async function drained(sub: OpenedStoreSubscription, position: string, on: Client): Promise<void> {
    await eventually(
      () => sub.lastYielded !== null && sub.lastYielded >= position && sub.pulledAfterLast,
      `the store subscription to pass ${position}`,
    );
    const probe = new LiveSubscription(on, 'subscription { noSuchField }');
    await probe.ended();
  }

  const positionsOf = (events: EventNode[]) => events.map((e) => e.position);

  // ---- 1. events: catch-up with no gap and no duplicate ------------------------------------------

  it('events with fromPosition from the middle of the log, with 200+ concurrent writes during the catch-up, delivers every later event exactly once in store order', async () => {
    // A log with history: 60 incidents, each with a timeline entry.
    for (let batch = 0; batch < 6; batch++)
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const { id } = await reportIncident(`history ${batch}-${i}`);
          await addTimelineEntry(id, `history entry ${batch}-${i}`);
        }),
      );
    const history = await eventsQuery(null);
    expect(history.length).toBeGreaterThanOrEqual(120);
    const middle = history[Math.floor(history.length / 2)].position;

    // Four writers at once: 4 × 14 rounds × 4 mutations = 224, each appending one event.
    let written = 0;
    const writer = async (w: number) => {
      for (let round = 0; round < 14; round++) {
        const { id } = await reportIncident(`concurrent ${w}-${round}`);
        await addTimelineEntry(id, `entry ${w}-${round}`);
        await openActionItem(id, `action ${w}-${round}`);
        await reviseTitle(id, `concurrent ${w}-${round} (revised)`);
        written += 4;
      }
    };
    const writing = Promise.all([0, 1, 2, 3].map(writer));
    // Subscribe once the log has grown past the middle while the writers go on: the subscription
    // catches up on history and early writes, and switches to live ones, with writes all along.
    await eventually(() => written >= 40, 'the first 40 concurrent writes');
    const sub = new LiveSubscription<{ events: EventNode }>(client(analyst), EVENTS_SUBSCRIPTION, {
      filter: { fromPosition: middle },
    });
    await sub.until((s) => s.values.length > 0, 'the first caught-up event');
    expect(written).toBeLessThan(224); // still writing while it catches up
    await writing;

    const expected = await eventsQuery(middle);
    // The history after the middle, then one event per concurrent mutation.
    expect(expected.length).toBe(history.length - Math.floor(history.length / 2) - 1 + 224);
    const last = expected.at(-1)!.position;
    await sub.until((s) => s.values.some((v) => v.events.position === last), 'the last written event');

    const received = sub.values.map((v) => v.events);
    expect(sub.errors).toEqual([]);
    // Strictly increasing positions, all after fromPosition: store order, no duplicate.
    expect(received[0].position > middle).toBe(true);
    for (let i = 1; i < received.length; i++)
      expect(received[i].position > received[i - 1].position).toBe(true);
    // Exactly the events query's list over the same range: no gap, no duplicate, same content.
    expect(positionsOf(received)).toEqual(positionsOf(expected));
    expect(received).toEqual(expected);
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
    sub.stop();
  });

  it('events without fromPosition delivers only events stored after subscribing', async () => {
    const before = watch.opened.length;
    const sub = new LiveSubscription<{ events: EventNode }>(client(analyst), EVENTS_SUBSCRIPTION);
    await serverSubscribed(before);
    const from = await head();

    const { id } = await reportIncident('only new events');
    await addTimelineEntry(id, 'a new entry');
    const expected = await eventsQuery(from);
    expect(expected.map((e) => e.type)).toEqual(['IncidentReported', 'TimelineEntryAdded']);
    await sub.until((s) => s.values.length >= 2, 'the two new events');

    expect(sub.values.map((v) => v.events)).toEqual(expected);
    sub.stop();
  });

  // ---- 2. filters -------------------------------------------------------------------------------

  it('filters by types and by streamPrefix, and never serves API-key streams', async () => {
    const from = await head();
    const on = client(analyst);
    const subscribe = (filter: Record<string, unknown>) =>
      new LiveSubscription<{ events: EventNode }>(on, EVENTS_SUBSCRIPTION, {
        filter: { ...filter, fromPosition: from },
      });
    const byType = subscribe({ types: ['TimelineEntryAdded', 'ActionItemOpened'] });
    const incidents = subscribe({ streamPrefix: 'incident-' });
    const actionItems = subscribe({ streamPrefix: 'action-item-' });
    const shortPrefix = subscribe({ streamPrefix: 'a' }); // matches action-item-, never api-key-
    const everything = subscribe({});

    // API-key events (created and revoked) in between the knowledge base's own.
    const { id } = await reportIncident('filters');
    const key = await api.keyFor('VIEWER', 'filter test key');
    await addTimelineEntry(id, 'filtered entry');
    await api.data('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id });
    await openActionItem(id, 'filtered action');
    await reviseTitle(id, 'filters (revised)');

    const all = await eventsQuery(from);
    expect(all.map((e) => e.type)).toEqual([
      'IncidentReported',
      'TimelineEntryAdded',
      'ActionItemOpened',
      'IncidentRevised',
    ]);
    const cases: Array<[LiveSubscription<{ events: EventNode }>, EventNode[]]> = [
      [byType, all.filter((e) => e.type === 'TimelineEntryAdded' || e.type === 'ActionItemOpened')],
      [incidents, all.filter((e) => e.streamId.startsWith('incident-'))],
      [actionItems, all.filter((e) => e.streamId.startsWith('action-item-'))],
      [shortPrefix, all.filter((e) => e.streamId.startsWith('action-item-'))],
      [everything, all],
    ];
    for (const [sub, expected] of cases) {
      const last = expected.at(-1)!.position;
      await sub.until((s) => s.values.some((v) => v.events.position === last), `event ${last}`);
      expect(sub.values.map((v) => v.events)).toEqual(expected);
      expect(sub.errors).toEqual([]);
      sub.stop();
    }
    // The same filters over the query give the same lists.
    expect(await eventsQuery(from, { types: ['TimelineEntryAdded', 'ActionItemOpened'] })).toEqual(
      cases[0][1],
    );
    expect(await eventsQuery(from, { streamPrefix: 'action-item-' })).toEqual(cases[2][1]);
    // And over the whole log, no API-key stream ever shows.
    expect((await eventsQuery(null)).filter((e) => !/^(incident|action-item)-/.test(e.streamId))).toEqual([]);
  });

  it.each([
    ['an API-key streamPrefix', { streamPrefix: 'api-key-' }, 'filter.streamPrefix'],
    ['a streamPrefix of no stream of the knowledge base', { streamPrefix: 'other-' }, 'filter.streamPrefix'],
    ['a malformed fromPosition', { fromPosition: 'not-a-position' }, 'fromPosition'],
  ])('events with %s is refused with BAD_USER_INPUT', async (_, filter, field) => {
    const sub = new LiveSubscription(client(analyst), EVENTS_SUBSCRIPTION, { filter });
    await sub.ended();
    expect(sub.values).toEqual([]);
    expect(sub.errors).toEqual([
      expect.objectContaining({
        message: expect.any(String),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      }),
    ]);
  });

  // ---- 3. incidentChanged -----------------------------------------------------------------------

  it('incidentChanged(id) fires once per change of that incident only, carrying the read model after the change', async () => {
    const a = await reportIncident('watched incident');
    const b = await reportIncident('other incident');
    const on = client(viewer);
    // For each notification, an HTTP query sent at that very moment.
    const queriedAtArrival: Array<Promise<{ incident: IncidentPayload }>> = [];
    const before = watch.opened.length;
    const watched = new LiveSubscription<{ incidentChanged: IncidentPayload }>(
      on,
      `subscription($id: ID) { incidentChanged(id: $id) { ${INCIDENT_FIELDS} } }`,
      { id: a.id },
      () => {
        queriedAtArrival.push(
          api.data<{ incident: IncidentPayload }>(
            `query($id: ID!) { incident(id: $id) { ${INCIDENT_FIELDS} } }`,
            { id: a.id },
            viewer,
          ),
        );
      },
    );
    const any = new LiveSubscription<{ incidentChanged: IncidentPayload }>(
      on,
      `subscription { incidentChanged { id revision title } }`,
    );
    // An id that is only the start of a's id names no incident: nothing may fire for it.
    const partialId = new LiveSubscription<{ incidentChanged: IncidentPayload }>(
      on,
      `subscription($id: ID) { incidentChanged(id: $id) { id revision } }`,
      { id: a.id.slice(0, 8) },
    );
    const [, anyStore, partialIdStore] = await serverSubscribed(before, 3);

    const changes: Array<{ id: string; revision: number; check: (incident: any) => void }> = [];
    const change = async (
      id: string,
      write: () => Promise<unknown>,
      check: (incident: any) => void = () => undefined,
    ) => {
      await write();
      const { incident } = await api.data(
        `query($id: ID!) { incident(id: $id) { revision } }`,
        { id },
        viewer,
      );
      changes.push({ id, revision: incident.revision, check });
      if (id !== a.id) return;
      const count = changes.filter((c) => c.id === a.id).length;
      await watched.until((s) => s.values.length >= count, `notification ${count} of the watched incident`);
      await queriedAtArrival[count - 1]; // before the next write, which could change what it reads
    };

    await change(
      a.id,
      () => addTimelineEntry(a.id, 'paged the on-call'),
      (incident) =>
        expect((incident.timeline as Array<{ text: string }>).map((t) => t.text)).toEqual([
          'paged the on-call',
        ]),
    );
    await change(b.id, () => reviseTitle(b.id, 'other incident, revised'));
    await change(
      a.id,
      () =>
        api.data(`mutation($input: RecordFindingInput!) { recordFinding(input: $input) { id } }`, {
          input: { incidentId: a.id, kind: 'TRIGGER', category: 'CONFIG_CHANGE', description: 'a bad flag' },
        }),
      (incident) =>
        expect(incident.findings).toEqual([
          expect.objectContaining({
            kind: 'TRIGGER',
            category: 'CONFIG_CHANGE',
            description: 'a bad flag',
            retracted: false,
          }),
        ]),
    );
    // One change, two events (MilestoneRecorded and IncidentStatusChanged): one notification.
    await change(
      a.id,
      () =>
        api.data(`mutation($input: RecordMilestoneInput!) { recordMilestone(input: $input) { id } }`, {
          input: { incidentId: a.id, milestone: 'MITIGATED', at: '2026-01-01T01:00:00.000Z' },
        }),
      (incident) =>
        expect(incident).toMatchObject({ status: 'MITIGATED', mitigatedAt: '2026-01-01T01:00:00.000Z' }),
    );
    await change(b.id, () => addTimelineEntry(b.id, 'not the watched one'));
    await change(
      a.id,
      () => reviseTitle(a.id, 'watched incident, revised'),
      (incident) => expect(incident.title).toBe('watched incident, revised'),
    );

    const ofA = changes.filter((c) => c.id === a.id);
    expect(watched.values.map((v) => v.incidentChanged.revision)).toEqual(ofA.map((c) => c.revision));
    watched.values.forEach((v, i) => {
      expect(v.incidentChanged.id).toBe(a.id);
      ofA[i].check(v.incidentChanged);
    });
    // The read model already showed each change when its notification arrived.
    const queried = (await Promise.all(queriedAtArrival)).map((d) => d.incident);
    expect(queried).toEqual(watched.values.map((v) => v.incidentChanged));

    // Without an id: every change of every incident, once each, in order (showing that change, or
    // a later one when the incident changed again before the notification was made).
    const end = await head();
    await drained(anyStore, end, on);
    expect(any.values.map((v) => v.incidentChanged.id)).toEqual(changes.map((c) => c.id));
    any.values.forEach((v, i) =>
      expect(v.incidentChanged.revision).toBeGreaterThanOrEqual(changes[i].revision),
    );

    // The partial id's subscription saw all of it go by, and sent nothing.
    await drained(partialIdStore, end, on);
    expect(partialId.values).toEqual([]);
    expect(partialId.errors).toEqual([]);
    for (const sub of [watched, any, partialId]) sub.stop();
  });

  // ---- 4. authentication and roles --------------------------------------------------------------

  it('refuses a connection without a valid key, closing it with 4401 and a reason that says UNAUTHENTICATED', async () => {
    const revoked = await api.keyFor('ADMIN', 'to be revoked');
    await api.data('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: revoked.id });
    for (const secret of [null, 'not-a-key-of-this-service', revoked.secret]) {
      const sub = new LiveSubscription(client(secret), `subscription { incidentChanged { id } }`);
      await sub.ended();
      expect({ secret, closed: sub.closed, values: sub.values }).toEqual({
        secret,
        closed: { code: 4401, reason: UNAUTHENTICATED_CLOSE.reason },
        values: [],
      });
    }
    expect(UNAUTHENTICATED_CLOSE.reason).toMatch(
      /^UNAUTHENTICATED: .*connectionParams.*authorization.*Bearer/,
    );
  });

  it('lets a VIEWER subscribe to incidentChanged but not to events (FORBIDDEN)', async () => {
    const on = client(viewer);
    const events = new LiveSubscription(on, EVENTS_SUBSCRIPTION);
    await events.ended();
    expect(events.values).toEqual([]);
    expect(events.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);

    const before = watch.opened.length;
    const changed = new LiveSubscription<{ incidentChanged: IncidentPayload }>(
      on,
      `subscription { incidentChanged { id } }`,
    );
    await serverSubscribed(before);
    const { id } = await reportIncident('seen by a viewer');
    await changed.until((s) => s.values.length >= 1, 'the notification');
    expect(changed.values).toEqual([{ incidentChanged: { id } }]);
    expect(changed.errors).toEqual([]);
    changed.stop();
  });

  // ---- 5. cleanup -------------------------------------------------------------------------------

  it('closes its store subscription when the client unsubscribes or disconnects, however many times', async () => {
    const before = watch.opened.length;
    const on = client(analyst);
    for (let i = 0; i < 25; i++) {
      const opened = watch.opened.length;
      const subs = [
        new LiveSubscription(on, EVENTS_SUBSCRIPTION),
        new LiveSubscription(on, `subscription { incidentChanged { id } }`),
      ];
      await serverSubscribed(opened, 2);
      for (const sub of subs) sub.stop();
    }
    // And a client that goes away with subscriptions open.
    const leaving = api.wsClient(analyst);
    const opened = watch.opened.length;
    const subs = [
      new LiveSubscription(leaving, EVENTS_SUBSCRIPTION),
      new LiveSubscription(leaving, `subscription { incidentChanged { id } }`),
    ];
    await serverSubscribed(opened, 2);
    await leaving.dispose();
    expect(subs.map((s) => s.values)).toEqual([[], []]);

    const ours = watch.opened.slice(before);
    expect(ours).toHaveLength(52);
    // Closed, and their loops over the store returned: nothing of them is left running.
    await eventually(() => ours.every((s) => s.closed && s.finished), 'every store subscription to end');
  });

  // ---- 6. documents are checked as over HTTP ----------------------------------------------------

  it('refuses subscriptions nested deeper than the depth limit with QUERY_TOO_COMPLEX, as over HTTP', async () => {
    let selection = 'id';
    for (let i = 0; i < MAX_QUERY_DEPTH; i++) selection = `links { incident { ${selection} } }`;
    const before = watch.opened.length;
    const sub = new LiveSubscription(client(viewer), `subscription { incidentChanged { ${selection} } }`);
    await sub.ended();
    expect(sub.values).toEqual([]);
    expect(sub.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
    ]);
    expect(watch.opened.length).toBe(before); // refused before it ran: no store subscription
    // The same depth over HTTP, for comparison.
    const http = await api.graphql(`query { incident(id: "x") { ${selection} } }`);
    expect(http.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
    ]);
  });

  it('answers a malformed or invalid document with a coded error for that subscription, keeping the connection', async () => {
    const on = client(viewer);
    const cases: Array<[string, string]> = [
      ['subscription { incidentChanged { id }', 'GRAPHQL_PARSE_FAILED'],
      ['subscription { incidentChanged { noSuchField } }', 'GRAPHQL_VALIDATION_FAILED'],
    ];
    for (const [query, code] of cases) {
      const sub = new LiveSubscription(on, query);
      await sub.ended();
      expect({ query, errors: sub.errors, closed: sub.closed }).toEqual({
        query,
        errors: [expect.objectContaining({ extensions: expect.objectContaining({ code }) })],
        closed: null,
      });
    }
    // The connection still serves.
    const before = watch.opened.length;
    const changed = new LiveSubscription<{ incidentChanged: IncidentPayload }>(
      on,
      `subscription { incidentChanged { id } }`,
    );
    await serverSubscribed(before);
    const { id } = await reportIncident('after bad documents');
    await changed.until((s) => s.values.length >= 1, 'the notification');
    expect(changed.values).toEqual([{ incidentChanged: { id } }]);
    changed.stop();
  });
});
