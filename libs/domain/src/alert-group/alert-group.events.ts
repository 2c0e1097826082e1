import type { Severity } from '../shared/vocabulary';

/**
 * The events of an alert group's stream (`alert-group-<uuid>`): what the notifications of one
 * Prometheus Alertmanager group (its `groupKey`) meant. An EPISODE runs from the group firing to its
 * resolution; each episode is one incident. The stream is the write side's memory of the group:
 * it is never served by the `events` query or subscription, nor delivered to webhooks; what people
 * see is the incident each episode reports. Names never change; payloads are plain JSON.
 */
export type AlertGroupEvent = AlertGroupFired | AlertGroupChanged | AlertGroupResolved;

export type AlertGroupEventType = AlertGroupEvent['type'];

/** A firing alert as the group remembers it: Alertmanager's fingerprint, its alertname, its start. */
export interface GroupAlert {
  fingerprint: string;
  alertname: string | null;
  startsAt: string;
}

/** The group fired with no episode open: episode `episode` began, reported as incident `incidentId`. */
export interface AlertGroupFired {
  type: 'AlertGroupFired';
  data: {
    alertGroupId: string;
    groupKey: string;
    /** 1 for the group's first episode, then 2, 3, ... */
    episode: number;
    incidentId: string;
    /** The incident of the episode before, which this one is a recurrence of; null for episode 1. */
    previousIncidentId: string | null;
    /** The firing alerts, by fingerprint. */
    alerts: GroupAlert[];
    /** The incident as it is reported (kind INCIDENT, detection source MONITORING_ALERT). */
    incident: { title: string; severity: Severity; services: string[]; tags: string[]; startedAt: string };
    firedAt: string;
  };
}

/** Alerts joined or left the firing group during an episode. */
export interface AlertGroupChanged {
  type: 'AlertGroupChanged';
  data: {
    alertGroupId: string;
    episode: number;
    incidentId: string;
    joined: GroupAlert[];
    left: GroupAlert[];
    changedAt: string;
  };
}

/** Every alert of the group resolved: the episode ended, its incident MITIGATED at `mitigatedAt`. */
export interface AlertGroupResolved {
  type: 'AlertGroupResolved';
  data: {
    alertGroupId: string;
    episode: number;
    incidentId: string;
    mitigatedAt: string;
    resolvedAt: string;
  };
}

export const alertGroupStreamId = (alertGroupId: string) => `alert-group-${alertGroupId}`;
export const ALERT_GROUP_STREAM_PREFIX = 'alert-group-';
