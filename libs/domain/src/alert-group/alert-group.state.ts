import type { AlertGroupEvent, GroupAlert } from './alert-group.events';

/** What the rules of an alert group need to know, folded from its events. */
export interface AlertGroupState {
  /** Episodes so far (0: the group never fired). */
  readonly episode: number;
  /** Whether the last episode is still running (fired, not resolved). */
  readonly open: boolean;
  /** The incident of the last episode; null before the first. */
  readonly incidentId: string | null;
  /** When the last episode's incident started. */
  readonly startedAt: string | null;
  /** When the last episode was mitigated; null while it runs. */
  readonly mitigatedAt: string | null;
  /** The firing alerts last notified, by fingerprint (of the last episode, once it resolved). */
  readonly alerts: ReadonlyMap<string, GroupAlert>;
  /** AlertGroupChanged events of the last episode (capped, like an incident's timeline). */
  readonly changes: number;
}

export const initialAlertGroupState: AlertGroupState = {
  episode: 0,
  open: false,
  incidentId: null,
  startedAt: null,
  mitigatedAt: null,
  alerts: new Map(),
  changes: 0,
};

export function evolveAlertGroup(state: AlertGroupState, event: AlertGroupEvent): AlertGroupState {
  switch (event.type) {
    case 'AlertGroupFired': {
      const d = event.data;
      return {
        episode: d.episode,
        open: true,
        incidentId: d.incidentId,
        startedAt: d.incident.startedAt,
        mitigatedAt: null,
        alerts: new Map(d.alerts.map((alert) => [alert.fingerprint, alert])),
        changes: 0,
      };
    }
    case 'AlertGroupChanged': {
      const alerts = new Map(state.alerts);
      for (const alert of event.data.left) alerts.delete(alert.fingerprint);
      for (const alert of event.data.joined) alerts.set(alert.fingerprint, alert);
      return { ...state, alerts, changes: state.changes + 1 };
    }
    case 'AlertGroupResolved':
      return { ...state, open: false, mitigatedAt: event.data.mitigatedAt };
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown alert-group event: ${JSON.stringify(event)}`);
}
