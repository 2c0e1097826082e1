import { createHash } from 'node:crypto';
import { ALERT_GROUP_LIMITS, DomainRuleError } from '@kb/domain';

/** Limits of Alertmanager's webhook payload beyond the alert group's own (ALERT_GROUP_LIMITS). */
export const PAYLOAD_LIMITS = {
  labelsMax: 100,
  labelTextMax: 1024,
} as const;

/** Labels or annotations by name. */
export type TextMap = Readonly<Record<string, string | undefined>>;

/** One alert of a notification, checked: labels and annotations as given, times as sent. */
export interface AlertmanagerAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: TextMap;
  readonly annotations: TextMap;
  readonly startsAt: string;
  /** null when the alert has not ended (Alertmanager sends Go's zero time, 0001-01-01T00:00:00Z). */
  readonly endsAt: string | null;
  /** Alertmanager's (0.19 and later), or one derived from the labels. */
  readonly fingerprint: string;
}

/** What the service reads of Alertmanager's webhook payload (version 4); the other fields are ignored. */
export interface AlertmanagerNotification {
  readonly status: 'firing' | 'resolved';
  readonly groupKey: string;
  readonly alerts: readonly AlertmanagerAlert[];
}

const STATUSES = ['firing', 'resolved'] as const;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
/** Go's zero time.Time, which Alertmanager sends as the endsAt of an alert that has not ended. */
const GO_ZERO_TIME = /^0001-01-01[Tt]00:00:00(\.0+)?([Zz]|[+-]00:00)$/;
const FINGERPRINT = /^[A-Za-z0-9_.:-]+$/;

/**
 * Checks a request body against Alertmanager's webhook payload, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), strictly: the first
 * problem is refused with a DomainRuleError naming the field (`alerts[3].startsAt`) and the rule.
 */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerNotification {
  if (!isObject(body))
    throw new DomainRuleError(
      null,
      "The body must be Alertmanager's webhook payload: a JSON object (Content-Type: application/json).",
    );
  if (body.version !== '4')
    throw new DomainRuleError(
      'version',
      `must be "4", the version of Alertmanager's webhook payload (not ${shown(body.version)})`,
    );
  const status = statusOf('status', body.status);
  if (typeof body.groupKey !== 'string' || body.groupKey.length === 0)
    throw new DomainRuleError('groupKey', 'must be a non-empty string');
  if (body.groupKey.length > ALERT_GROUP_LIMITS.groupKeyMax)
    throw new DomainRuleError(
      'groupKey',
      `must be at most ${ALERT_GROUP_LIMITS.groupKeyMax} characters (it has ${body.groupKey.length})`,
    );
  const alerts = body.alerts;
  if (!Array.isArray(alerts) || alerts.length === 0)
    throw new DomainRuleError('alerts', 'must be a list of 1 to 1000 alerts');
  if (alerts.length > ALERT_GROUP_LIMITS.alertsMax)
    throw new DomainRuleError(
      'alerts',
      `must hold at most ${ALERT_GROUP_LIMITS.alertsMax} alerts (it holds ${alerts.length}); set max_alerts in the webhook_config`,
    );
  return {
    status,
    groupKey: body.groupKey,
    alerts: alerts.map((alert, i) => alertOf(`alerts[${i}]`, alert)),
  };
}

function alertOf(field: string, alert: unknown): AlertmanagerAlert {
  if (!isObject(alert)) throw new DomainRuleError(field, 'must be an object');
  const labels = textMap(`${field}.labels`, alert.labels);
  const startsAt = timeOf(`${field}.startsAt`, alert.startsAt);
  if (GO_ZERO_TIME.test(startsAt))
    throw new DomainRuleError(`${field}.startsAt`, 'must be set (it is the zero time)');
  const endsAt = timeOf(`${field}.endsAt`, alert.endsAt);
  return {
    status: statusOf(`${field}.status`, alert.status),
    labels,
    annotations: textMap(`${field}.annotations`, alert.annotations),
    startsAt,
    endsAt: GO_ZERO_TIME.test(endsAt) ? null : endsAt,
    fingerprint: fingerprintOf(`${field}.fingerprint`, alert.fingerprint, labels),
  };
}

function statusOf(field: string, value: unknown): 'firing' | 'resolved' {
  if (typeof value !== 'string' || !(STATUSES as readonly string[]).includes(value))
    throw new DomainRuleError(field, `must be "firing" or "resolved" (not ${shown(value)})`);
  return value as 'firing' | 'resolved';
}

/** Labels or annotations: an object of at most 100 strings, names and values at most 1024 characters. */
function textMap(field: string, value: unknown): TextMap {
  if (!isObject(value)) throw new DomainRuleError(field, 'must be an object of strings');
  const entries = Object.entries(value);
  if (entries.length > PAYLOAD_LIMITS.labelsMax)
    throw new DomainRuleError(
      field,
      `must hold at most ${PAYLOAD_LIMITS.labelsMax} entries (it holds ${entries.length})`,
    );
  for (const [name, text] of entries) {
    if (name.length > PAYLOAD_LIMITS.labelTextMax)
      throw new DomainRuleError(
        field,
        `must have names of at most ${PAYLOAD_LIMITS.labelTextMax} characters`,
      );
    if (typeof text !== 'string')
      throw new DomainRuleError(`${field}.${name}`, `must be a string (not ${shown(text)})`);
    if (text.length > PAYLOAD_LIMITS.labelTextMax)
      throw new DomainRuleError(
        `${field}.${name}`,
        `must be at most ${PAYLOAD_LIMITS.labelTextMax} characters (it has ${text.length})`,
      );
  }
  // A copy without a prototype chain to consult: a label named `constructor` is just a label.
  return Object.assign(Object.create(null) as Record<string, string>, value);
}

function timeOf(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value)))
    throw new DomainRuleError(
      field,
      `must be an ISO-8601 time such as 2026-03-01T12:00:00Z (not ${shown(value)})`,
    );
  return value;
}

/** Alertmanager's fingerprint; when it sends none (before 0.19), a hash of the sorted labels. */
function fingerprintOf(field: string, value: unknown, labels: TextMap): string {
  if (value === undefined || value === null || value === '') {
    const sorted = Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name]]);
    return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
  }
  if (
    typeof value !== 'string' ||
    value.length > ALERT_GROUP_LIMITS.fingerprintMax ||
    !FINGERPRINT.test(value)
  )
    throw new DomainRuleError(
      field,
      `must be a string of 1–${ALERT_GROUP_LIMITS.fingerprintMax} letters, digits and - _ . : (not ${shown(value)})`,
    );
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message: JSON, cut to 60 characters. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = (JSON.stringify(value) as string | undefined) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
