import { decideIncident } from '../incident/incident.decider';
import type { IncidentReported } from '../incident/incident.events';
import { initialIncidentState } from '../incident/incident.state';
import { DomainRuleError } from '../shared/domain-errors';
import { checkFutureInstant, checkOneOf } from '../shared/input-limits';
import { MAX_TIMELINE_ENTRIES_PER_INCIDENT } from '../shared/stream-limits';
import type { AlertGroupEvent, GroupAlert } from './alert-group.events';
import { alertEpisodeIncidentId, alertGroupIdOf } from './alert-group.ids';
import type { AlertGroupState } from './alert-group.state';

/** Limits of one notification (Alertmanager's webhook payload is checked against them first). */
export const ALERT_GROUP_LIMITS = {
  groupKeyMax: 1024,
  alertsMax: 1000,
  fingerprintMax: 128,
  alertnameMax: 200,
} as const;

/**
 * Changes recorded per episode: each becomes a timeline entry of the episode's incident, which
 * holds at most this many. Past it, alerts joining or leaving are not recorded (nor refused).
 */
export const MAX_CHANGES_PER_ALERT_EPISODE = MAX_TIMELINE_ENTRIES_PER_INCIDENT;

const NOTIFICATION_STATUSES = ['firing', 'resolved'] as const;

/** One alert of a notification, as Alertmanager sent it (times as RFC 3339 text). */
export interface NotifiedAlert {
  readonly fingerprint: string;
  readonly alertname: string | null;
  readonly status: string;
  readonly startsAt: string;
  /** null while the alert has not ended (Alertmanager sends 0001-01-01T00:00:00Z). */
  readonly endsAt: string | null;
}

/**
 * The one command of an alert group: a notification of the group arrived. `decide` says what it
 * means: a new episode (the group fired with none open), alerts that joined or left the open
 * episode, the episode resolved, or nothing (a repeat, a resolution of nothing). It is pure: the
 * clock comes in, the ids of episodes' incidents are derived from the group and the episode number.
 */
export type AlertGroupCommand = {
  type: 'ReceiveAlertNotification';
  alertGroupId: string;
  groupKey: string;
  status: string;
  alerts: readonly NotifiedAlert[];
  /**
   * How the episode's incident is reported, should this notification open one (made from the
   * alerts' labels and annotations by the integration). Checked by the incident's own rules here,
   * so an episode is never opened with an incident the incident stream would refuse.
   */
  incident: {
    title: string;
    severity: string;
    services: readonly string[];
    tags: readonly string[];
  };
};

interface CheckedAlert extends GroupAlert {
  readonly index: number;
  readonly status: 'firing' | 'resolved';
  readonly endsAt: string | null;
}

export function decideAlertGroup(
  command: AlertGroupCommand,
  state: AlertGroupState,
  now: Date,
): AlertGroupEvent[] {
  const groupKey = checkGroupKey(command.groupKey);
  if (command.alertGroupId !== alertGroupIdOf(groupKey))
    throw new DomainRuleError('alertGroupId', `is not the id of the group '${groupKey.slice(0, 100)}'`);
  const status = checkOneOf('status', command.status, NOTIFICATION_STATUSES);
  const alerts = checkAlerts(command.alerts);
  const firing = alerts.filter((alert) => alert.status === 'firing');
  if (status === 'firing') {
    if (firing.length === 0)
      throw new DomainRuleError('status', "is 'firing', but none of the alerts is firing");
    return state.open ? change(command, state, firing, now) : fire(command, state, firing, now);
  }
  if (firing.length > 0)
    throw new DomainRuleError('status', `is 'resolved', but alerts[${firing[0].index}] is firing`);
  return resolve(command, state, alerts, now);
}

/** The group fired with no episode open: the next episode begins, with its incident. */
function fire(
  command: AlertGroupCommand,
  state: AlertGroupState,
  firing: readonly CheckedAlert[],
  now: Date,
): AlertGroupEvent[] {
  const episode = state.episode + 1;
  const incidentId = alertEpisodeIncidentId(command.alertGroupId, episode);
  const [reported] = decideIncident(
    {
      type: 'ReportIncident',
      incidentId,
      title: command.incident.title,
      kind: 'INCIDENT',
      severity: command.incident.severity,
      services: command.incident.services,
      tags: command.incident.tags,
      detectionSource: 'MONITORING_ALERT',
      startedAt: episodeStart(state, firing, now),
    },
    initialIncidentState,
    now,
  ) as [IncidentReported];
  const { title, severity, services, tags, startedAt } = reported.data;
  return [
    {
      type: 'AlertGroupFired',
      data: {
        alertGroupId: command.alertGroupId,
        groupKey: command.groupKey,
        episode,
        incidentId,
        previousIncidentId: state.incidentId,
        alerts: firing.map(groupAlert).sort(byFingerprint),
        incident: { title, severity, services, tags, startedAt },
        firedAt: now.toISOString(),
      },
    },
  ];
}

/**
 * When an episode's incident started: at the earliest start of its firing alerts, but never in the
 * future, never before the previous episode was mitigated, and strictly after the previous
 * episode's start (RECURRENCE_OF links only to an incident that started earlier). An alert that
 * Alertmanager resolved and then saw firing again keeps its old startsAt; the new episode starts
 * when the old one ended.
 */
function episodeStart(state: AlertGroupState, firing: readonly CheckedAlert[], now: Date): string {
  let start = Math.min(now.getTime(), ...firing.map((alert) => Date.parse(alert.startsAt)));
  if (state.mitigatedAt !== null) start = Math.max(start, Date.parse(state.mitigatedAt));
  if (state.startedAt !== null) start = Math.max(start, Date.parse(state.startedAt) + 1);
  return new Date(start).toISOString();
}

/** Alerts joined or left the open episode: recorded; a plain repeat decides nothing. */
function change(
  command: AlertGroupCommand,
  state: AlertGroupState,
  firing: readonly CheckedAlert[],
  now: Date,
): AlertGroupEvent[] {
  const firingNow = new Set(firing.map((alert) => alert.fingerprint));
  const joined = firing
    .filter((alert) => !state.alerts.has(alert.fingerprint))
    .map(groupAlert)
    .sort(byFingerprint);
  const left = [...state.alerts.values()]
    .filter((alert) => !firingNow.has(alert.fingerprint))
    .sort(byFingerprint);
  if (joined.length === 0 && left.length === 0) return [];
  if (state.changes >= MAX_CHANGES_PER_ALERT_EPISODE) return [];
  return [
    {
      type: 'AlertGroupChanged',
      data: {
        alertGroupId: command.alertGroupId,
        episode: state.episode,
        incidentId: state.incidentId!,
        joined,
        left,
        changedAt: now.toISOString(),
      },
    },
  ];
}

/**
 * Every alert resolved: the open episode ends, mitigated when the last alert ended (never before
 * the episode started, never in the future). With no episode open there is nothing to resolve.
 */
function resolve(
  command: AlertGroupCommand,
  state: AlertGroupState,
  alerts: readonly CheckedAlert[],
  now: Date,
): AlertGroupEvent[] {
  if (!state.open) return [];
  const ends = alerts.flatMap((alert) => (alert.endsAt === null ? [] : [Date.parse(alert.endsAt)]));
  const lastEnd = ends.length === 0 ? now.getTime() : Math.max(...ends);
  const mitigatedAt = Math.max(Date.parse(state.startedAt!), Math.min(lastEnd, now.getTime()));
  return [
    {
      type: 'AlertGroupResolved',
      data: {
        alertGroupId: command.alertGroupId,
        episode: state.episode,
        incidentId: state.incidentId!,
        mitigatedAt: new Date(mitigatedAt).toISOString(),
        resolvedAt: now.toISOString(),
      },
    },
  ];
}

function checkGroupKey(groupKey: string): string {
  if (groupKey.length === 0) throw new DomainRuleError('groupKey', 'must not be empty');
  if (groupKey.length > ALERT_GROUP_LIMITS.groupKeyMax)
    throw new DomainRuleError(
      'groupKey',
      `must be at most ${ALERT_GROUP_LIMITS.groupKeyMax} characters (it has ${groupKey.length})`,
    );
  return groupKey;
}

/** 1–1000 alerts, each fingerprint once; times normalised to RFC 3339 UTC with milliseconds. */
function checkAlerts(alerts: readonly NotifiedAlert[]): CheckedAlert[] {
  if (alerts.length === 0) throw new DomainRuleError('alerts', 'must hold at least one alert');
  if (alerts.length > ALERT_GROUP_LIMITS.alertsMax)
    throw new DomainRuleError(
      'alerts',
      `must hold at most ${ALERT_GROUP_LIMITS.alertsMax} alerts (it holds ${alerts.length})`,
    );
  const seen = new Map<string, number>();
  return alerts.map((alert, index) => {
    const field = `alerts[${index}]`;
    const { fingerprint, alertname } = alert;
    if (fingerprint.length === 0 || fingerprint.length > ALERT_GROUP_LIMITS.fingerprintMax)
      throw new DomainRuleError(
        `${field}.fingerprint`,
        `must be 1–${ALERT_GROUP_LIMITS.fingerprintMax} characters long`,
      );
    const first = seen.get(fingerprint);
    if (first !== undefined)
      throw new DomainRuleError(
        `${field}.fingerprint`,
        `'${fingerprint}' is given already, by alerts[${first}]`,
      );
    seen.set(fingerprint, index);
    if (alertname !== null && alertname.length > ALERT_GROUP_LIMITS.alertnameMax)
      throw new DomainRuleError(
        `${field}.alertname`,
        `must be at most ${ALERT_GROUP_LIMITS.alertnameMax} characters (it has ${alertname.length})`,
      );
    return {
      index,
      fingerprint,
      alertname,
      status: checkOneOf(`${field}.status`, alert.status, NOTIFICATION_STATUSES),
      startsAt: checkFutureInstant(`${field}.startsAt`, alert.startsAt),
      endsAt: alert.endsAt === null ? null : checkFutureInstant(`${field}.endsAt`, alert.endsAt),
    };
  });
}

const groupAlert = ({ fingerprint, alertname, startsAt }: CheckedAlert): GroupAlert => ({
  fingerprint,
  alertname,
  startsAt,
});

const byFingerprint = (a: GroupAlert, b: GroupAlert) =>
  a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
