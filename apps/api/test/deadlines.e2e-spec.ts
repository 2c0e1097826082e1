import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { ApiUnderTest } from './support/api-under-test';
import {
  allEvents,
  minutesAgo,
  mutate,
  openActionItem,
  reportIncident,
  sleep,
} from './support/graphql-fixtures';
import { eventually, LiveSubscription } from './support/live-subscription';
import { describeOnReadModelBackends } from './support/read-model-backends';
import { WebhookReceiver } from './support/webhook-receiver';

const DAY_MINUTES = 24 * 60;
const REMINDERS = ['PostmortemOverdue', 'ActionItemOverdue'];

/**
 * The postmortem policy and the deadline watcher as clients meet them: the deadline on the incident
 * (now and as of an earlier instant), and the reminders reaching a webhook and an `events`
 * subscription like any other event, each once.
 */
describeOnReadModelBackends('postmortem deadlines and overdue reminders', (backend) => {
  let api: ApiUnderTest;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    api = await backend.start({ DEADLINE_SCAN_MS: '200', POSTMORTEM_DUE_DAYS_SEV1: '3' });
  }, 60_000);

  afterAll(async () => {
    await backend.stop(api);
    await receiver.down();
  });

  it('sets postmortemDueAt by the policy on the first resolution, keeps it through a correction, and shows it as it was', async () => {
    const sev2 = await reportIncident(api, { severity: 'SEV2', startedAt: minutesAgo(60) });
    const beforeResolution = new Date().toISOString();
    await sleep(5);
    const resolvedAt = minutesAgo(30);
    const resolved = await mutate(
      api,
      'recordMilestone',
      'RecordMilestoneInput',
      { incidentId: sev2.id, milestone: 'RESOLVED', at: resolvedAt },
      'status resolvedAt postmortemDueAt',
    );
    const dueAt = new Date(Date.parse(resolvedAt) + 5 * DAY_MINUTES * 60_000).toISOString();
    expect(resolved).toEqual({ status: 'RESOLVED', resolvedAt, postmortemDueAt: dueAt });

    // A corrected resolution time moves resolvedAt, not the deadline.
    const corrected = await mutate(
      api,
      'recordMilestone',
      'RecordMilestoneInput',
      { incidentId: sev2.id, milestone: 'RESOLVED', at: minutesAgo(20) },
      'resolvedAt postmortemDueAt',
    );
    expect(corrected.postmortemDueAt).toBe(dueAt);

    const asOf = await api.data(
      'query($id: ID!, $asOf: DateTime) { before: incident(id: $id, asOf: $asOf) { postmortemDueAt } now: incident(id: $id) { postmortemDueAt } }',
      { id: sev2.id, asOf: beforeResolution },
    );
    expect(asOf).toEqual({ before: { postmortemDueAt: null }, now: { postmortemDueAt: dueAt } });

    // SEV1 has its own days (POSTMORTEM_DUE_DAYS_SEV1=3); a near miss expects no postmortem.
    const sev1 = await reportIncident(api, { severity: 'SEV1', startedAt: minutesAgo(60) });
    const nearMiss = await reportIncident(api, {
      severity: 'SEV1',
      kind: 'NEAR_MISS',
      startedAt: minutesAgo(60),
    });
    const at = minutesAgo(10);
    for (const incident of [sev1, nearMiss])
      await mutate(
        api,
        'recordMilestone',
        'RecordMilestoneInput',
        { incidentId: incident.id, milestone: 'RESOLVED', at },
        'id',
      );
    const read = await api.data(
      'query($a: ID!, $b: ID!) { a: incident(id: $a) { postmortemDueAt } b: incident(id: $b) { postmortemDueAt } }',
      { a: sev1.id, b: nearMiss.id },
    );
    expect(read).toEqual({
      a: { postmortemDueAt: new Date(Date.parse(at) + 3 * DAY_MINUTES * 60_000).toISOString() },
      b: { postmortemDueAt: null },
    });
  });

  it('sends each reminder once to a webhook and an events subscription, as actor system', async () => {
    const webhook: { secret: string } = (
      await api.data(
        'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id } } }',
        { input: { url: receiver.url, eventTypes: REMINDERS } },
      )
    ).createWebhook;
    const client = api.wsClient();
    const live = new LiveSubscription<{
      events: { id: string; type: string; streamId: string; actor: string; data: unknown };
    }>(
      client,
      'subscription($filter: EventFilter) { events(filter: $filter) { id type streamId actor data } }',
      { filter: { types: REMINDERS } },
    );
    try {
      await sleep(300); // the subscription starts at the end of the log: let it be registered first

      // Resolved 9 days ago: its deadline (5 days) passed 4 days ago. An item due when it was opened.
      const late = await reportIncident(api, { severity: 'SEV2', startedAt: minutesAgo(10 * DAY_MINUTES) });
      await mutate(
        api,
        'recordMilestone',
        'RecordMilestoneInput',
        { incidentId: late.id, milestone: 'RESOLVED', at: minutesAgo(9 * DAY_MINUTES) },
        'id',
      );
      const item = await openActionItem(api, { incidentId: late.id }, 'id openedAt');
      await mutate(
        api,
        'updateActionItem',
        'UpdateActionItemInput',
        { actionItemId: item.id, dueDate: item.openedAt },
        'id',
      );
      // And one completed straight from OPEN, past its due date: no reminder for it.
      const done = await openActionItem(api, { incidentId: late.id }, 'id openedAt');
      await mutate(
        api,
        'updateActionItem',
        'UpdateActionItemInput',
        { actionItemId: done.id, dueDate: done.openedAt },
        'id',
      );
      const completed = await mutate(
        api,
        'completeActionItem',
        'ActionItemTransitionInput',
        { actionItemId: done.id },
        'status',
      );
      expect(completed.status).toBe('DONE');

      await live.until((s) => s.values.length >= 2, 'two reminders on the subscription');
      await eventually(() => receiver.delivered.length >= 2, 'two reminders delivered to the webhook');
      // Several more scans: nothing more is written.
      await sleep(1_000);

      const types = live.values.map((v) => v.events.type).sort();
      expect(types).toEqual(['ActionItemOverdue', 'PostmortemOverdue']);
      for (const value of live.values) expect(value.events.actor).toBe('system');
      const byType = Object.fromEntries(live.values.map((v) => [v.events.type, v.events]));
      expect(byType.PostmortemOverdue.streamId).toBe(`incident-${late.id}`);
      expect(byType.ActionItemOverdue.streamId).toBe(`action-item-${item.id}`);
      expect(byType.ActionItemOverdue.data).toMatchObject({
        actionItemId: item.id,
        incidentId: late.id,
        status: 'OPEN',
      });

      expect(receiver.delivered).toHaveLength(2);
      const verifier = new StandardWebhook(webhook.secret);
      const delivered = receiver.delivered.map((d) => verifier.verify(d.body, d.headers) as { type: string });
      expect(delivered.map((d) => d.type).sort()).toEqual(['ActionItemOverdue', 'PostmortemOverdue']);

      const inLog = await allEvents(api, { types: REMINDERS });
      expect(inLog.map((e: { streamId: string }) => e.streamId).sort()).toEqual(
        [`action-item-${item.id}`, `incident-${late.id}`].sort(),
      );
      expect(live.values).toHaveLength(2);
    } finally {
      live.stop();
      await client.dispose();
    }
  }, 60_000);
});
