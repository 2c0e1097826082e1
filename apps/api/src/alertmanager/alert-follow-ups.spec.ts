import type { AlertGroupEvent } from '@kb/domain';
import { followUpsOf } from './alert-follow-ups';

const GROUP = '2f0e7b7c-0000-5000-8000-000000000001';
const INCIDENT = '8c41aaaa-0000-5000-8000-000000000002';
const PREVIOUS = '8c41aaaa-0000-5000-8000-000000000001';
const caller = { actor: 'key-1', correlationId: 'req-1' };
const alert = (alertname: string | null, fingerprint = alertname ?? 'ffff') => ({
  fingerprint,
  alertname,
  startsAt: '2026-03-01T11:30:00.000Z',
});

const fired = (previousIncidentId: string | null): AlertGroupEvent => ({
  type: 'AlertGroupFired',
  data: {
    alertGroupId: GROUP,
    groupKey: '{}:{alertname="CheckoutErrors"}',
    episode: previousIncidentId === null ? 1 : 2,
    incidentId: INCIDENT,
    previousIncidentId,
    alerts: [alert('CheckoutErrors', 'a1'), alert('CheckoutErrors', 'a2')],
    incident: {
      title: 'Checkout error rate above 5%',
      severity: 'SEV2',
      services: ['checkout'],
      tags: ['alertmanager', 'checkouterrors'],
      startedAt: '2026-03-01T11:30:00.000Z',
    },
    firedAt: '2026-03-01T11:31:00.000Z',
  },
});

describe('the incident writes of an alert group event', () => {
  it('reports the incident of a first episode, as the caller that wrote the event', () => {
    expect(followUpsOf(GROUP, { event: fired(null), revision: 0, caller })).toEqual([
      {
        kind: 'write',
        incidentId: INCIDENT,
        idempotencyKey: `alertmanager:${GROUP}:0`,
        caller,
        command: {
          type: 'ReportIncident',
          incidentId: INCIDENT,
          title: 'Checkout error rate above 5%',
          summary:
            'Opened from Prometheus Alertmanager: the alert group {}:{alertname="CheckoutErrors"} fired (CheckoutErrors ×2).',
          kind: 'INCIDENT',
          severity: 'SEV2',
          services: ['checkout'],
          tags: ['alertmanager', 'checkouterrors'],
          detectionSource: 'MONITORING_ALERT',
          startedAt: '2026-03-01T11:30:00.000Z',
        },
      },
    ]);
  });

  it('then links the incident of a later episode RECURRENCE_OF the one before', () => {
    const [report, link] = followUpsOf(GROUP, { event: fired(PREVIOUS), revision: 7, caller });
    expect(report).toMatchObject({ idempotencyKey: `alertmanager:${GROUP}:7` });
    expect(link).toEqual({
      kind: 'link',
      incidentId: INCIDENT,
      idempotencyKey: `alertmanager:${GROUP}:7:link`,
      caller,
      relatedIncidentId: PREVIOUS,
    });
  });

  it('adds a timeline entry naming the alerts that joined and left', () => {
    const event: AlertGroupEvent = {
      type: 'AlertGroupChanged',
      data: {
        alertGroupId: GROUP,
        episode: 1,
        incidentId: INCIDENT,
        joined: [alert('CheckoutLatency'), alert(null, '9a3b7c0d11e2f455')],
        left: [alert('CheckoutErrors')],
        changedAt: '2026-03-01T11:45:00.000Z',
      },
    };
    expect(followUpsOf(GROUP, { event, revision: 1, caller })).toEqual([
      expect.objectContaining({
        command: {
          type: 'AddTimelineEntry',
          incidentId: INCIDENT,
          at: '2026-03-01T11:45:00.000Z',
          text: 'Alertmanager: 2 alerts joined (CheckoutLatency, 9a3b7c0d11e2f455); 1 alert left (CheckoutErrors).',
        },
      }),
    ]);
  });

  it('lists at most 20 alert names', () => {
    const event: AlertGroupEvent = {
      type: 'AlertGroupChanged',
      data: {
        alertGroupId: GROUP,
        episode: 1,
        incidentId: INCIDENT,
        joined: Array.from({ length: 25 }, (_, i) => alert(`A${i}`)),
        left: [],
        changedAt: '2026-03-01T11:45:00.000Z',
      },
    };
    const [entry] = followUpsOf(GROUP, { event, revision: 1, caller });
    expect(entry.kind === 'write' && entry.command).toMatchObject({
      text: expect.stringMatching(/^Alertmanager: 25 alerts joined \(A0, .*, A19 and 5 more\)\.$/),
    });
  });

  it('records the MITIGATED milestone of a resolved episode', () => {
    const event: AlertGroupEvent = {
      type: 'AlertGroupResolved',
      data: {
        alertGroupId: GROUP,
        episode: 1,
        incidentId: INCIDENT,
        mitigatedAt: '2026-03-01T12:10:00.000Z',
        resolvedAt: '2026-03-01T12:11:00.000Z',
      },
    };
    expect(followUpsOf(GROUP, { event, revision: 2, caller })).toEqual([
      {
        kind: 'write',
        incidentId: INCIDENT,
        idempotencyKey: `alertmanager:${GROUP}:2`,
        caller,
        command: {
          type: 'RecordMilestone',
          incidentId: INCIDENT,
          milestone: 'MITIGATED',
          at: '2026-03-01T12:10:00.000Z',
        },
      },
    ]);
  });
});
