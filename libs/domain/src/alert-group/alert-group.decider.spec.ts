import { DomainRuleError } from '../shared/domain-errors';
import { deciderSpecification, NOW } from '../testing/decider-specification';
import { alertGroupCatalogue } from './alert-group.catalogue';
import {
  decideAlertGroup,
  MAX_CHANGES_PER_ALERT_EPISODE,
  type AlertGroupCommand,
  type NotifiedAlert,
} from './alert-group.decider';
import type {
  AlertGroupChanged,
  AlertGroupEvent,
  AlertGroupFired,
  AlertGroupResolved,
  GroupAlert,
} from './alert-group.events';
import { alertEpisodeIncidentId, alertGroupIdOf } from './alert-group.ids';
import { evolveAlertGroup, initialAlertGroupState, type AlertGroupState } from './alert-group.state';

const spec = deciderSpecification<AlertGroupCommand, AlertGroupEvent, AlertGroupState>({
  decide: decideAlertGroup,
  evolve: evolveAlertGroup,
  initialState: initialAlertGroupState,
});

const GROUP_KEY = '{}/{team="payments"}:{alertname="CheckoutErrors"}';
const GROUP = alertGroupIdOf(GROUP_KEY);
const FIRST = alertEpisodeIncidentId(GROUP, 1);
const SECOND = alertEpisodeIncidentId(GROUP, 2);
const LATER = new Date('2026-03-01T13:00:00.000Z');
const EVEN_LATER = new Date('2026-03-01T15:00:00.000Z');

const firing = (fingerprint: string, startsAt: string, alertname = 'CheckoutErrors'): NotifiedAlert => ({
  fingerprint,
  alertname,
  status: 'firing',
  startsAt,
  endsAt: null,
});
const resolved = (alert: NotifiedAlert, endsAt: string): NotifiedAlert => ({
  ...alert,
  status: 'resolved',
  endsAt,
});
const A = firing('aaaa000000000001', '2026-03-01T11:40:00Z');
const B = firing('bbbb000000000002', '2026-03-01T11:30:00.123456789Z', 'CheckoutLatency');
const C = firing('cccc000000000003', '2026-03-01T12:30:00Z', 'PaymentsDown');

const notification = (
  status: string,
  alerts: NotifiedAlert[],
  overrides: Partial<AlertGroupCommand> = {},
): AlertGroupCommand => ({
  type: 'ReceiveAlertNotification',
  alertGroupId: GROUP,
  groupKey: GROUP_KEY,
  status,
  alerts,
  incident: {
    title: '  Checkout error rate above 5%  ',
    severity: 'SEV2',
    services: ['checkout'],
    tags: ['alertmanager', 'checkouterrors'],
  },
  ...overrides,
});

const remembered = (alert: NotifiedAlert): GroupAlert => ({
  fingerprint: alert.fingerprint,
  alertname: alert.alertname,
  startsAt: new Date(alert.startsAt).toISOString(),
});

const fired: AlertGroupFired = {
  type: 'AlertGroupFired',
  data: {
    alertGroupId: GROUP,
    groupKey: GROUP_KEY,
    episode: 1,
    incidentId: FIRST,
    previousIncidentId: null,
    alerts: [remembered(A), remembered(B)],
    incident: {
      title: 'Checkout error rate above 5%',
      severity: 'SEV2',
      services: ['checkout'],
      tags: ['alertmanager', 'checkouterrors'],
      startedAt: '2026-03-01T11:30:00.123Z',
    },
    firedAt: NOW.toISOString(),
  },
};
const changed: AlertGroupChanged = {
  type: 'AlertGroupChanged',
  data: {
    alertGroupId: GROUP,
    episode: 1,
    incidentId: FIRST,
    joined: [remembered(C)],
    left: [remembered(A)],
    changedAt: LATER.toISOString(),
  },
};
const resolvedEvent: AlertGroupResolved = {
  type: 'AlertGroupResolved',
  data: {
    alertGroupId: GROUP,
    episode: 1,
    incidentId: FIRST,
    mitigatedAt: '2026-03-01T12:50:00.000Z',
    resolvedAt: LATER.toISOString(),
  },
};

describe('alert group rules', () => {
  describe('a firing notification with no episode open', () => {
    it('begins episode 1: its incident starts at the earliest alert, with the alerts by fingerprint', () => {
      spec
        .given([])
        .when(notification('firing', [B, A]))
        .then([fired]);
    });

    it('derives the incident id from the group and the episode, so deciding again names the same one', () => {
      expect(FIRST).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(alertEpisodeIncidentId(GROUP, 1)).toBe(FIRST);
      expect(SECOND).not.toBe(FIRST);
      expect(alertEpisodeIncidentId(alertGroupIdOf('{}:{alertname="Other"}'), 1)).not.toBe(FIRST);
      expect(alertGroupIdOf(GROUP_KEY)).toBe(GROUP);
    });

    it('counts only the firing alerts of a firing notification', () => {
      const [event] = spec
        .given([])
        .when(notification('firing', [A, resolved(B, '2026-03-01T11:50:00Z')]))
        .decision();
      expect((event as AlertGroupFired).data).toMatchObject({
        alerts: [remembered(A)],
        incident: { startedAt: '2026-03-01T11:40:00.000Z' },
      });
    });

    it('never starts the incident in the future (a clock ahead of ours)', () => {
      const [event] = spec
        .given([])
        .when(notification('firing', [firing('f1', '2026-03-01T12:30:00Z')]))
        .decision();
      expect((event as AlertGroupFired).data.incident.startedAt).toBe(NOW.toISOString());
    });

    it("refuses an incident the incident's rules would refuse, naming the field", () => {
      spec
        .given([])
        .when(
          notification('firing', [A], { incident: { ...notification('firing', []).incident, services: [] } }),
        )
        .thenThrows(DomainRuleError, 'services: must name at least 1');
      spec
        .given([])
        .when(
          notification('firing', [A], {
            incident: { ...notification('firing', []).incident, tags: ['Has Spaces'] },
          }),
        )
        .thenThrows(DomainRuleError, /tags\[0\]: 'Has Spaces' may hold only/);
    });
  });

  describe('a firing notification during an episode', () => {
    it('decides nothing when the same alerts fire again (a repeat)', () => {
      spec
        .given([fired])
        .when(notification('firing', [A, B]), LATER)
        .then([]);
    });

    it('records the alerts that joined and left', () => {
      spec
        .given([fired])
        .when(notification('firing', [B, C, resolved(A, '2026-03-01T12:40:00Z')]), LATER)
        .then([changed]);
    });

    it('counts an alert missing from the notification as left', () => {
      const [event] = spec
        .given([fired])
        .when(notification('firing', [B]), LATER)
        .decision();
      expect((event as AlertGroupChanged).data).toMatchObject({ joined: [], left: [remembered(A)] });
    });

    it('remembers the alerts as changed: the same notification again decides nothing', () => {
      spec
        .given([fired, changed])
        .when(notification('firing', [B, C]), EVEN_LATER)
        .then([]);
    });

    it(`records at most ${MAX_CHANGES_PER_ALERT_EPISODE} changes per episode, then no more (nor refuses)`, () => {
      const flaps: AlertGroupEvent[] = [fired];
      for (let i = 0; i < MAX_CHANGES_PER_ALERT_EPISODE; i++)
        flaps.push({
          type: 'AlertGroupChanged',
          data: {
            ...changed.data,
            joined: i % 2 === 0 ? [remembered(C)] : [],
            left: i % 2 === 0 ? [] : [remembered(C)],
          },
        });
      spec
        .given(flaps)
        .when(notification('firing', [A, B, C]), LATER)
        .then([]);
      const oneBefore = spec.given(flaps.slice(0, -1)).when(notification('firing', [A, B]), LATER);
      expect(oneBefore.decision()).toHaveLength(1);
    });
  });

  describe('a resolved notification', () => {
    const allResolved = [resolved(A, '2026-03-01T12:40:00Z'), resolved(B, '2026-03-01T12:50:00Z')];

    it('ends the episode, mitigated when its last alert ended', () => {
      spec.given([fired]).when(notification('resolved', allResolved), LATER).then([resolvedEvent]);
    });

    it('decides nothing when the episode is resolved already, or the group never fired', () => {
      spec.given([fired, resolvedEvent]).when(notification('resolved', allResolved), EVEN_LATER).then([]);
      spec.given([]).when(notification('resolved', allResolved)).then([]);
    });

    it('is mitigated never before the incident started, nor in the future', () => {
      const early = spec
        .given([fired])
        .when(notification('resolved', [resolved(A, '2026-03-01T11:00:00Z')]), LATER)
        .decision();
      expect((early[0] as AlertGroupResolved).data.mitigatedAt).toBe(fired.data.incident.startedAt);
      const ahead = spec
        .given([fired])
        .when(notification('resolved', [resolved(A, '2026-03-01T14:00:00Z')]), LATER)
        .decision();
      expect((ahead[0] as AlertGroupResolved).data.mitigatedAt).toBe(LATER.toISOString());
    });
  });

  describe('firing again after the episode resolved', () => {
    it('begins the next episode, its incident a recurrence of the one before', () => {
      const C2 = firing('cccc000000000003', '2026-03-01T14:10:00Z', 'PaymentsDown');
      const [event] = spec
        .given([fired, resolvedEvent])
        .when(notification('firing', [C2]), EVEN_LATER)
        .decision();
      expect(event).toEqual({
        type: 'AlertGroupFired',
        data: {
          ...fired.data,
          episode: 2,
          incidentId: SECOND,
          previousIncidentId: FIRST,
          alerts: [remembered(C2)],
          incident: { ...fired.data.incident, startedAt: '2026-03-01T14:10:00.000Z' },
          firedAt: EVEN_LATER.toISOString(),
        },
      });
    });

    it('starts the next incident no earlier than the previous one was mitigated', () => {
      // Alertmanager resolved A (say, on its resolve_timeout) and then saw it firing again, unchanged.
      const [event] = spec
        .given([fired, resolvedEvent])
        .when(notification('firing', [A]), EVEN_LATER)
        .decision();
      expect((event as AlertGroupFired).data.incident.startedAt).toBe(resolvedEvent.data.mitigatedAt);
    });

    it('starts it strictly after the previous one started (a recurrence is of an earlier incident)', () => {
      const instant: AlertGroupResolved = {
        ...resolvedEvent,
        data: { ...resolvedEvent.data, mitigatedAt: fired.data.incident.startedAt },
      };
      const [event] = spec
        .given([fired, instant])
        .when(notification('firing', [B]), EVEN_LATER)
        .decision();
      expect((event as AlertGroupFired).data.incident.startedAt).toBe('2026-03-01T11:30:00.124Z');
    });
  });

  describe('refuses a notification that contradicts itself, naming the field', () => {
    it.each<[string, AlertGroupCommand, string | RegExp]>([
      [
        'firing with no firing alert',
        notification('firing', [resolved(A, '2026-03-01T12:00:00Z')]),
        "status: is 'firing', but none of the alerts is firing",
      ],
      [
        'resolved with a firing alert',
        notification('resolved', [resolved(A, '2026-03-01T12:00:00Z'), B]),
        "status: is 'resolved', but alerts[1] is firing",
      ],
      ['an unknown status', notification('pending', [A]), /status: must be one of firing, resolved/],
      [
        'an unknown alert status',
        notification('firing', [A, { ...B, status: 'active' }]),
        /alerts\[1\]\.status: must be one of firing, resolved/,
      ],
      ['no alerts', notification('firing', []), 'alerts: must hold at least one alert'],
      [
        '1001 alerts',
        notification(
          'firing',
          Array.from({ length: 1001 }, (_, i) => firing(`f${i}`, A.startsAt)),
        ),
        'alerts: must hold at most 1000 alerts (it holds 1001)',
      ],
      [
        'a fingerprint twice',
        notification('firing', [A, B, { ...A }]),
        "alerts[2].fingerprint: 'aaaa000000000001' is given already, by alerts[0]",
      ],
      [
        'an empty fingerprint',
        notification('firing', [firing('', A.startsAt)]),
        'alerts[0].fingerprint: must be 1–128 characters long',
      ],
      [
        'a time that is not RFC 3339',
        notification('firing', [A, firing('f2', 'yesterday')]),
        /alerts\[1\]\.startsAt: 'yesterday' is not an RFC 3339 date-time/,
      ],
      ['an empty group key', notification('firing', [A], { groupKey: '' }), 'groupKey: must not be empty'],
      [
        'a group key over 1024 characters',
        notification('firing', [A], { groupKey: 'k'.repeat(1025) }),
        'groupKey: must be at most 1024 characters (it has 1025)',
      ],
      [
        'the id of another group',
        notification('firing', [A], { alertGroupId: alertGroupIdOf('other') }),
        /alertGroupId: is not the id of the group/,
      ],
    ])('%s', (_, command, message) => {
      spec.given([]).when(command).thenThrows(DomainRuleError, message);
    });
  });

  it('folds its events into the group as it is now', () => {
    expect([fired, changed, resolvedEvent].reduce(evolveAlertGroup, initialAlertGroupState)).toEqual({
      episode: 1,
      open: false,
      incidentId: FIRST,
      startedAt: fired.data.incident.startedAt,
      mitigatedAt: resolvedEvent.data.mitigatedAt,
      alerts: new Map([
        [B.fingerprint, remembered(B)],
        [C.fingerprint, remembered(C)],
      ]),
      changes: 1,
    });
  });

  it('has version 1 of its event types in its catalogue', () => {
    expect(alertGroupCatalogue.versions).toEqual({
      AlertGroupFired: 1,
      AlertGroupChanged: 1,
      AlertGroupResolved: 1,
    });
  });
});
