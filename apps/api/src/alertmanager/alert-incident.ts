import { LIMITS, type Severity } from '@kb/domain';
import type { AlertmanagerAlert, AlertmanagerNotification } from './alertmanager-payload';

/** How an episode's incident is reported, made from its firing alerts (docs/integrations.md). */
export interface AlertIncident {
  readonly title: string;
  readonly severity: Severity;
  readonly services: string[];
  readonly tags: string[];
}

/** The `severity` label's values (in any case) and their severity; any other value, or none, is SEV3. */
const SEVERITY_LABELS: Readonly<Record<string, Severity>> = {
  sev1: 'SEV1',
  sev2: 'SEV2',
  sev3: 'SEV3',
  sev4: 'SEV4',
  sev5: 'SEV5',
  critical: 'SEV2',
  error: 'SEV3',
  major: 'SEV3',
  warning: 'SEV4',
  minor: 'SEV4',
  info: 'SEV5',
};
const DEFAULT_SEVERITY: Severity = 'SEV3';
/** The service of alerts that name none (no `service` nor `job` label). */
export const UNKNOWN_SERVICE = 'unknown';
export const ALERTMANAGER_TAG = 'alertmanager';

/**
 * The incident of a notification's firing alerts, within the incident's limits, so that a valid
 * payload is never refused for its labels:
 * - title: the `summary` annotation, else the `alertname` label, of the alert that started first
 *   (then by fingerprint); whitespace collapsed, cut to 200 characters with an ellipsis;
 * - severity: the most severe of the alerts' `severity` labels (SEV3 for an alert without one);
 * - services: each alert's `service` label, else its `job` label, as a name (below), each once, at
 *   most 20; `unknown` when no alert names one;
 * - tags: `alertmanager` and each alertname as a name, each once, at most 30.
 * A name is lower-cased, every character but a-z 0-9 - _ . : / becomes `-`, and it is cut to 64.
 */
export function alertIncidentOf(notification: AlertmanagerNotification): AlertIncident {
  const firing = notification.alerts
    .filter((alert) => alert.status === 'firing')
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || compare(a.fingerprint, b.fingerprint));
  const first = firing[0];
  const services = uniqueNames(firing.map((alert) => alert.labels.service ?? alert.labels.job));
  return {
    title: titleOf(
      [first?.annotations.summary, first?.labels.alertname].find(
        (text): text is string => text !== undefined && text.trim() !== '',
      ) ?? `Alerts of ${notification.groupKey}`,
    ),
    severity: firing.map(severityOf).sort()[0] ?? DEFAULT_SEVERITY,
    services: services.length === 0 ? [UNKNOWN_SERVICE] : services.slice(0, LIMITS.servicesMax),
    tags: uniqueNames([ALERTMANAGER_TAG, ...firing.map((alert) => alert.labels.alertname)]).slice(
      0,
      LIMITS.tagsMax,
    ),
  };
}

export function severityOf(alert: Pick<AlertmanagerAlert, 'labels'>): Severity {
  const label = alert.labels.severity?.trim().toLowerCase();
  return (
    (label !== undefined && Object.hasOwn(SEVERITY_LABELS, label) && SEVERITY_LABELS[label]) ||
    DEFAULT_SEVERITY
  );
}

function titleOf(text: string): string {
  const title = text.replace(/\s+/g, ' ').trim();
  if (title.length <= LIMITS.titleMax) return title;
  let cut = LIMITS.titleMax - 1;
  if (/[\uD800-\uDBFF]/.test(title[cut - 1])) cut -= 1; // never half a surrogate pair
  return `${title.slice(0, cut).trimEnd()}…`;
}

/** A label value as a service or tag name (see alertIncidentOf); null when nothing is left of it. */
export function nameOf(value: string): string | null {
  const name = value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9\-_.:/]/g, '-')
    .slice(0, LIMITS.nameMax);
  return /[a-z0-9]/.test(name) ? name : null;
}

function uniqueNames(values: ReadonlyArray<string | undefined>): string[] {
  const names = values.flatMap((value) => {
    const name = value === undefined ? null : nameOf(value);
    return name === null ? [] : [name];
  });
  return [...new Set(names)];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
