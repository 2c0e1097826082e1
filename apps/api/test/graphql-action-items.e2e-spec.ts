/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { ApiUnderTest } from './support/api-under-test';
import {
  ACTION_ITEM_FIELDS,
  DATE_TIME,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
  sleep,
} from './support/graphql-fixtures';

jest.setTimeout(60_000);

const ACTION_ITEMS_PAGE = `query($filter: ActionItemFilter, $first: Int, $after: String) {
  actionItems(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id title status overdue } } pageInfo { hasNextPage endCursor }
  }
}`;

describe('action items over GraphQL', () => {
  let api: ApiUnderTest;
  let contributor: { secret: string; id: string };

  beforeAll(async () => {
    api = await ApiUnderTest.start();
    contributor = await api.keyFor('CONTRIBUTOR');
  });
  afterAll(() => api.stop());

  const actionItem = async (id: string, asOf?: string) =>
    (
      await api.data(
        'query($id: ID!, $asOf: DateTime) { actionItem(id: $id, asOf: $asOf) { ' +
          ACTION_ITEM_FIELDS +
          ' } }',
        { id, asOf },
      )
    ).actionItem;
  const page = async (variables: Record<string, unknown>) =>
    (await api.data(ACTION_ITEMS_PAGE, variables)).actionItems;
  const transition = (name: string, input: Record<string, unknown>) =>
    mutate(api, name, 'ActionItemTransitionInput', input, ACTION_ITEM_FIELDS, contributor.secret);

  it('takes an action item through its life, each mutation answering with the item as written', async () => {
    const incident = await reportIncident(api, { title: 'Disk full on the queue hosts' });
    const finding = await recordFinding(api, {
      incidentId: incident.id,
      kind: 'CONTRIBUTING_FACTOR',
      category: 'CAPACITY',
      description: 'No alert on disk usage.',
    });
    const dueDate = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const opened = await openActionItem(
      api,
      {
        incidentId: incident.id,
        findingId: finding.id,
        title: '  Alert on disk usage  ',
        description: 'Page at 80%.',
        type: 'DETECT',
        priority: 'P1',
        ownerTeam: 'platform',
        assignee: 'queue on-call',
        dueDate,
      },
      ACTION_ITEM_FIELDS,
      contributor.secret,
    );
    expect(opened).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: 0,
      incidentId: incident.id,
      findingId: finding.id,
      title: 'Alert on disk usage',
      description: 'Page at 80%.',
      type: 'DETECT',
      priority: 'P1',
      ownerTeam: 'platform',
      assignee: 'queue on-call',
      dueDate,
      status: 'OPEN',
      overdue: false,
      openedAt: expect.stringMatching(DATE_TIME),
      completedAt: null,
      incident: { id: incident.id, title: 'Disk full on the queue hosts' },
      history: [
        expect.objectContaining({
          streamId: `action-item-${opened.id}`,
          revision: 0,
          type: 'ActionItemOpened',
          actor: contributor.id,
          data: expect.objectContaining({ actionItemId: opened.id, incidentId: incident.id }),
          occurredAt: expect.stringMatching(DATE_TIME),
          recordedAt: expect.stringMatching(DATE_TIME),
        }),
      ],
    });
    const id: string = opened.id;

    const updated = await mutate(
      api,
      'updateActionItem',
      'UpdateActionItemInput',
      { actionItemId: id, priority: 'P2', assignee: 'storage team', expectedRevision: 0 },
      ACTION_ITEM_FIELDS,
      contributor.secret,
    );
    // Only the fields given change.
    expect(updated).toMatchObject({
      revision: 1,
      priority: 'P2',
      assignee: 'storage team',
      title: 'Alert on disk usage',
      ownerTeam: 'platform',
      dueDate,
    });

    expect(await transition('startActionItem', { actionItemId: id })).toMatchObject({
      status: 'IN_PROGRESS',
      revision: 2,
    });
    const done = await transition('completeActionItem', { actionItemId: id, reason: 'Alert shipped.' });
    expect(done).toMatchObject({
      status: 'DONE',
      completedAt: expect.stringMatching(DATE_TIME),
      overdue: false,
    });
    expect(
      await transition('reopenActionItem', { actionItemId: id, reason: 'It fires too late.' }),
    ).toMatchObject({ status: 'OPEN' });
    const dropped = await transition('dropActionItem', {
      actionItemId: id,
      reason: 'Replaced by autoscaling.',
      expectedRevision: 4,
    });
    expect(dropped).toMatchObject({ status: 'WONT_DO', revision: 5 });
    expect(dropped.history.map((event: any) => event.type)).toEqual([
      'ActionItemOpened',
      'ActionItemUpdated',
      'ActionItemStarted',
      'ActionItemCompleted',
      'ActionItemReopened',
      'ActionItemDropped',
    ]);

    // The incident lists it.
    const { incident: withItems } = await api.data(
      'query($id: ID!) { incident(id: $id) { actionItems { id status incident { id } } } }',
      { id: incident.id },
    );
    expect(withItems.actionItems).toEqual([{ id, status: 'WONT_DO', incident: { id: incident.id } }]);
  });

  it('answers null for an action item id that names nothing', async () => {
    expect(await actionItem('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('serves history to ANALYST and above; a VIEWER gets FORBIDDEN naming ANALYST, and the item without it', async () => {
    const incident = await reportIncident(api, { title: 'Whose action item history' });
    const { id } = await openActionItem(api, { incidentId: incident.id }, 'id', contributor.secret);
    const viewer = (await api.keyFor('VIEWER')).secret;
    const withHistory = 'query($id: ID!) { actionItem(id: $id) { id title history { type } } }';

    const refused = await api.graphql(withHistory, { id }, { secret: viewer });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        message: "This API key's role VIEWER may not read ActionItem.history; it needs ANALYST or above.",
        path: ['actionItem', 'history'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    expect(refused.body.data).toEqual({ actionItem: null });
    expect(await api.data('query($id: ID!) { actionItem(id: $id) { id title } }', { id }, viewer)).toEqual({
      actionItem: { id, title: 'Add a canary stage' },
    });
    const analyst = (await api.keyFor('ANALYST')).secret;
    expect(await api.data(withHistory, { id }, analyst)).toEqual({
      actionItem: { id, title: 'Add a canary stage', history: [{ type: 'ActionItemOpened' }] },
    });
  });

  it('opens at most 200 action items per incident, counted in the read model', async () => {
    const incident = await reportIncident(api, { title: 'Many action items' });
    const other = await reportIncident(api, { title: 'Another incident' });
    for (let n = 1; n <= 200; n++)
      await openActionItem(api, { incidentId: incident.id, title: `Item ${n}` }, 'id', contributor.secret);

    const { body } = await api.graphql(
      'mutation($input: OpenActionItemInput!) { openActionItem(input: $input) { id } }',
      {
        input: {
          incidentId: incident.id,
          title: 'One too many',
          type: 'PREVENT',
          priority: 'P2',
          ownerTeam: 'payments',
        },
      },
      { secret: contributor.secret },
    );
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'incidentId: an incident has at most 200 action items; this one has 200',
        extensions: {
          code: 'BAD_USER_INPUT',
          field: 'incidentId',
          rule: 'an incident has at most 200 action items; this one has 200',
        },
      }),
    ]);
    // Nothing was written, and the cap is per incident.
    const count = async (incidentId: string) =>
      (
        await api.data('query($f: ActionItemFilter) { actionItems(filter: $f, first: 0) { totalCount } }', {
          f: { incidentId },
        })
      ).actionItems.totalCount;
    expect(await count(incident.id)).toBe(200);
    await openActionItem(api, { incidentId: other.id }, 'id', contributor.secret);
    expect(await count(other.id)).toBe(1);
  });

  it('is overdue once its due date is past while OPEN or IN_PROGRESS, and the overdue filter finds it', async () => {
    const incident = await reportIncident(api, { title: 'Overdue items' });
    const ownerTeams = ['overdue-team'];
    const late = await openActionItem(
      api,
      { incidentId: incident.id, ownerTeam: 'overdue-team' },
      'id openedAt',
    );
    // A due date may not be before the item was opened; the instant it was opened is past already.
    const lateNow = await mutate(
      api,
      'updateActionItem',
      'UpdateActionItemInput',
      { actionItemId: late.id, dueDate: late.openedAt },
      'overdue dueDate status',
    );
    expect(lateNow).toEqual({ overdue: true, dueDate: late.openedAt, status: 'OPEN' });
    const inTime = await openActionItem(api, {
      incidentId: incident.id,
      ownerTeam: 'overdue-team',
      dueDate: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const noDue = await openActionItem(api, { incidentId: incident.id, ownerTeam: 'overdue-team' });
    const doneLate = await openActionItem(
      api,
      { incidentId: incident.id, ownerTeam: 'overdue-team' },
      'id openedAt',
    );
    await mutate(
      api,
      'updateActionItem',
      'UpdateActionItemInput',
      { actionItemId: doneLate.id, dueDate: doneLate.openedAt },
      'id',
    );
    await transition('startActionItem', { actionItemId: doneLate.id });
    expect((await transition('completeActionItem', { actionItemId: doneLate.id })).overdue).toBe(false);

    const ids = async (filter: Record<string, unknown>) =>
      (await page({ filter: { ownerTeams, ...filter } })).edges.map((edge: any) => edge.node.id);
    expect(await ids({ overdue: true })).toEqual([late.id]);
    expect(new Set(await ids({ overdue: false }))).toEqual(new Set([inTime.id, noDue.id, doneLate.id]));

    await transition('startActionItem', { actionItemId: late.id });
    expect((await actionItem(late.id)).overdue).toBe(true);
    expect(await ids({ overdue: true, statuses: ['IN_PROGRESS'] })).toEqual([late.id]);
  });

  it('filters by incident, status, owner team and priority, and pages with first/after', async () => {
    const one = await reportIncident(api, { title: 'Filter one' });
    const two = await reportIncident(api, { title: 'Filter two' });
    const a = await openActionItem(api, { incidentId: one.id, ownerTeam: 'alpha-team', priority: 'P1' });
    const b = await openActionItem(api, { incidentId: one.id, ownerTeam: 'beta-team', priority: 'P3' });
    const c = await openActionItem(api, { incidentId: two.id, ownerTeam: 'alpha-team', priority: 'P3' });
    await transition('startActionItem', { actionItemId: c.id });

    const ids = async (filter: Record<string, unknown>) =>
      (await page({ filter })).edges.map((edge: any) => edge.node.id);
    // Most recently opened first.
    expect(await ids({ incidentId: one.id })).toEqual([b.id, a.id]);
    expect(await ids({ ownerTeams: ['alpha-team'] })).toEqual([c.id, a.id]);
    expect(await ids({ ownerTeams: ['alpha-team', 'beta-team'], priorities: ['P3'] })).toEqual([c.id, b.id]);
    expect(await ids({ ownerTeams: ['alpha-team', 'beta-team'], statuses: ['IN_PROGRESS'] })).toEqual([c.id]);
    expect(await ids({ incidentId: two.id, statuses: ['OPEN'] })).toEqual([]);

    const filter = { ownerTeams: ['alpha-team', 'beta-team'] };
    const first = await page({ filter, first: 2 });
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    // An item opened after the first page does not disturb the next one.
    const d = await openActionItem(api, { incidentId: two.id, ownerTeam: 'beta-team' });
    const second = await page({ filter, first: 2, after: first.pageInfo.endCursor });
    expect(second.totalCount).toBe(4);
    expect([...first.edges, ...second.edges].map((edge: any) => edge.node.id)).toEqual([c.id, b.id, a.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(await ids(filter)).toEqual([d.id, c.id, b.id, a.id]);

    const tooMany = await api.graphql(ACTION_ITEMS_PAGE, { first: 101 });
    expect(tooMany.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    const incidentCursor = (await api.data('{ incidents(first: 1) { pageInfo { endCursor } } }')).incidents
      .pageInfo.endCursor;
    const wrongList = await api.graphql(ACTION_ITEMS_PAGE, { after: incidentCursor });
    expect(wrongList.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });

  it('shows a write to the list and search queried right after the mutation (read-your-writes)', async () => {
    const incident = await reportIncident(api, { title: 'Read your writes for items' });
    for (let i = 0; i < 3; i++) {
      const word = `quokka${i}x${Date.now()}`;
      const item = await openActionItem(api, { incidentId: incident.id, title: `Fix the ${word}` });
      const listed = await page({ filter: { incidentId: incident.id }, first: 1 });
      expect(listed.edges[0].node.id).toBe(item.id);
      const { search } = await api.data(
        'query($q: String!) { search(query: $q) { edges { node { result { ... on ActionItem { id title } } } } } }',
        { q: word },
      );
      expect(search.edges.map((edge: any) => edge.node.result)).toEqual([
        { id: item.id, title: `Fix the ${word}` },
      ]);
      await transition('startActionItem', { actionItemId: item.id });
      const started = await page({
        filter: { incidentId: incident.id, statuses: ['IN_PROGRESS'] },
        first: 1,
      });
      expect(started.edges[0].node).toMatchObject({ id: item.id, status: 'IN_PROGRESS' });
    }
  });

  it('shows the action item as it was at asOf between writes, with the history up to then', async () => {
    const incident = await reportIncident(api, { title: 'Time travel for items' });
    const item = await openActionItem(api, { incidentId: incident.id, title: 'Before', priority: 'P4' });
    await sleep(5);
    const afterOpen = new Date().toISOString();
    await sleep(5);
    await mutate(
      api,
      'updateActionItem',
      'UpdateActionItemInput',
      { actionItemId: item.id, title: 'After', priority: 'P1' },
      'id',
    );
    await transition('startActionItem', { actionItemId: item.id });
    await sleep(5);
    const afterStart = new Date().toISOString();
    await sleep(5);
    await transition('completeActionItem', { actionItemId: item.id });

    const atOpen = await actionItem(item.id, afterOpen);
    expect(atOpen).toMatchObject({
      revision: 0,
      title: 'Before',
      priority: 'P4',
      status: 'OPEN',
      completedAt: null,
    });
    expect(atOpen.history.map((event: any) => event.type)).toEqual(['ActionItemOpened']);
    const atStart = await actionItem(item.id, afterStart);
    expect(atStart).toMatchObject({ revision: 2, title: 'After', priority: 'P1', status: 'IN_PROGRESS' });
    expect(atStart.history.map((event: any) => event.type)).toEqual([
      'ActionItemOpened',
      'ActionItemUpdated',
      'ActionItemStarted',
    ]);
    expect(atStart.incident).toEqual({ id: incident.id, title: 'Time travel for items' });
    expect(await actionItem(item.id)).toMatchObject({
      status: 'DONE',
      completedAt: expect.stringMatching(DATE_TIME),
    });
    expect(await actionItem(item.id, '2020-01-01T00:00:00.000Z')).toBeNull();
  });

  it('judges overdue at asOf when travelling in time', async () => {
    const incident = await reportIncident(api, { title: 'Overdue in the past' });
    const item = await openActionItem(api, { incidentId: incident.id }, 'id');
    const dueDate = new Date(Date.now() + 1_500).toISOString();
    const updated = await mutate(
      api,
      'updateActionItem',
      'UpdateActionItemInput',
      { actionItemId: item.id, dueDate },
      'overdue history { recordedAt }',
    );
    expect(updated.overdue).toBe(false);
    const updatedAt: string = updated.history[1].recordedAt;
    await sleep(new Date(dueDate).getTime() - Date.now() + 20);
    // Known then, with the due date still ahead: not overdue at that instant, though it is now.
    expect(await actionItem(item.id, updatedAt)).toMatchObject({ dueDate, overdue: false });
    expect((await actionItem(item.id, new Date().toISOString())).overdue).toBe(true);
    expect((await actionItem(item.id)).overdue).toBe(true);
  });
});
