import type { AlertGroupEvent, GroupAlert, IncidentCommand } from '@kb/domain';
import type { Caller } from '@kb/event-sourcing';

/** An event of an alert group's stream, with its revision and who wrote it. */
export interface RecordedGroupEvent {
  readonly event: AlertGroupEvent;
  readonly revision: number;
  readonly caller: Caller;
}

/**
 * A write to an episode's incident that follows from an event of its alert group. Each is built
 * from the stored event alone, and carries an idempotency key derived from the group and the
 * event's revision, and the caller that wrote the event: doing it again replays, never writes twice.
 */
export type FollowUp = {
  readonly incidentId: string;
  readonly idempotencyKey: string;
  readonly caller: Caller;
} & (
  | { readonly kind: 'write'; readonly command: IncidentCommand }
  | { readonly kind: 'link'; readonly relatedIncidentId: string }
);

/** How many alert names a timeline entry or summary lists before "and N more". */
const NAMES_LISTED = 20;

/**
 * The incident writes an alert-group event calls for, in the order to do them:
 * - AlertGroupFired: report the episode's incident, then link it RECURRENCE_OF the previous one;
 * - AlertGroupChanged: a timeline entry naming the alerts that joined and left;
 * - AlertGroupResolved: the MITIGATED milestone.
 */
export function followUpsOf(alertGroupId: string, recorded: RecordedGroupEvent): FollowUp[] {
  const { event, caller } = recorded;
  const idempotencyKey = `alertmanager:${alertGroupId}:${recorded.revision}`;
  switch (event.type) {
    case 'AlertGroupFired': {
      const { incidentId, incident, previousIncidentId } = event.data;
      const report: FollowUp = {
        kind: 'write',
        incidentId,
        idempotencyKey,
        caller,
        command: {
          type: 'ReportIncident',
          incidentId,
          ...incident,
          summary: `Opened from Prometheus Alertmanager: the alert group ${event.data.groupKey} fired (${alertList(event.data.alerts)}).`,
          kind: 'INCIDENT',
          detectionSource: 'MONITORING_ALERT',
        },
      };
      if (previousIncidentId === null) return [report];
      return [
        report,
        {
          kind: 'link',
          incidentId,
          idempotencyKey: `${idempotencyKey}:link`,
          caller,
          relatedIncidentId: previousIncidentId,
        },
      ];
    }
    case 'AlertGroupChanged': {
      const { incidentId, joined, left, changedAt } = event.data;
      const parts = [
        ...(joined.length > 0 ? [`${count(joined.length)} joined (${alertList(joined)})`] : []),
        ...(left.length > 0 ? [`${count(left.length)} left (${alertList(left)})`] : []),
      ];
      return [
        {
          kind: 'write',
          incidentId,
          idempotencyKey,
          caller,
          command: {
            type: 'AddTimelineEntry',
            incidentId,
            at: changedAt,
            text: `Alertmanager: ${parts.join('; ')}.`,
          },
        },
      ];
    }
    case 'AlertGroupResolved': {
      const { incidentId, mitigatedAt } = event.data;
      return [
        {
          kind: 'write',
          incidentId,
          idempotencyKey,
          caller,
          command: { type: 'RecordMilestone', incidentId, milestone: 'MITIGATED', at: mitigatedAt },
        },
      ];
    }
    default:
      return assertNever(event);
  }
}

const count = (n: number) => (n === 1 ? '1 alert' : `${n} alerts`);

/** `CheckoutErrors ×2, PaymentsDown` (alerts without an alertname by fingerprint), at most 20 names. */
function alertList(alerts: readonly GroupAlert[]): string {
  const counts = new Map<string, number>();
  for (const alert of alerts) {
    const name = alert.alertname ?? alert.fingerprint;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts].map(([name, n]) => (n === 1 ? name : `${name} ×${n}`));
  const rest = names.length - NAMES_LISTED;
  return rest > 0 ? `${names.slice(0, NAMES_LISTED).join(', ')} and ${rest} more` : names.join(', ');
}

function assertNever(event: never): never {
  throw new Error(`Unknown alert-group event: ${JSON.stringify(event)}`);
}
