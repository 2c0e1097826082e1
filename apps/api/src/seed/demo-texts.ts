import type { ActionItemType, FactorCategory, FindingKind } from '@kb/domain';
import type { Prng } from './prng';

/**
 * The words of the demo history: titles, findings, timeline entries, action items. Blameless like
 * the product: they describe systems and decisions, never people. `{s}` is the service, `{d}` a
 * dependency, `{n}` a number.
 */
export function fill(prng: Prng, template: string, service: string, dependency: string): string {
  return template
    .replace(/\{s\}/g, service)
    .replace(/\{d\}/g, dependency)
    .replace(/\{n\}/g, () => String(prng.int(2, 97)));
}

export const SYMPTOMS: Record<FactorCategory, readonly string[]> = {
  CODE_CHANGE: [
    'Elevated 5xx error rate in {s} after a deploy',
    'Null pointer exceptions in {s} on a new code path',
    '{s} returns wrong totals after release',
    'Crash loop of {s} after rollout',
  ],
  CONFIG_CHANGE: [
    'Connection pool exhaustion in {s} after a config push',
    '{s} rejects traffic after a feature flag flip',
    'Timeouts in {s} after a rate-limit change',
    '{s} routed to the wrong backend after a config change',
  ],
  INFRASTRUCTURE: [
    'Pods of {s} evicted during node pool upgrade',
    '{s} unavailable after a cluster autoscaler failure',
    'Disk full on {s} hosts',
    '{s} lost its persistent volumes during maintenance',
  ],
  DEPENDENCY: [
    'Latency above SLO in {s} because {d} was slow',
    '{s} degraded while {d} was down',
    'Third-party API outage hits {s}',
    'Retries from {s} overloaded {d}',
  ],
  CAPACITY: [
    '{s} saturated during peak traffic',
    'Queue backlog in {s}',
    'Memory exhaustion in {s}',
    'Thread pool starvation in {s}',
  ],
  NETWORK: [
    'Packet loss between {s} and {d}',
    'DNS resolution failures for {s}',
    'Cross-region latency spike for {s}',
    'TLS handshake errors on {s}',
  ],
  HARDWARE: [
    'Disk failure on a {s} database host',
    'Degraded NIC on hosts of {s}',
    'Host reboot loop in the {s} rack',
  ],
  DATA: [
    'Stale results served by {s}',
    'Duplicate records written by {s}',
    'Schema mismatch breaks {s} consumers',
    'Corrupt batch imported into {s}',
  ],
  USER_BEHAVIOR: [
    'Traffic surge from a marketing campaign overwhelms {s}',
    'Unexpected client retry storm on {s}',
    'Bulk export by a large customer slows {s}',
  ],
  SECURITY: [
    'Expired certificate on {s}',
    'Credential rotation breaks {s}',
    'Blocked legitimate traffic to {s} by a WAF rule',
  ],
  PROCESS: [
    'Manual migration step skipped for {s}',
    'Change to {s} outside the maintenance window',
    'Runbook for {s} out of date during failover',
  ],
  MONITORING_GAP: [
    'Silent failure of {s} noticed late',
    '{s} errors hidden by an aggregated dashboard',
    'Alert for {s} never fired',
  ],
  UNKNOWN: ['Intermittent errors in {s}', 'Brief unavailability of {s}', 'Unexplained latency spike in {s}'],
};

export const CHAOS_TITLES = [
  'Chaos experiment: terminate {n}% of {s} pods',
  'Chaos experiment: inject 500 ms latency into {d} for {s}',
  'Chaos experiment: blackhole {d} from {s}',
  'Chaos experiment: fill disk on {s} hosts',
  'Chaos experiment: kill the {s} primary database',
];
export const GAME_DAY_TITLES = [
  'Game day: regional failover of {s}',
  'Game day: restore {s} from backup',
  'Game day: loss of {d} for {s}',
  'Game day: on-call drill for {s}',
];

export const FINDING_TEXTS: Record<FactorCategory, readonly string[]> = {
  CODE_CHANGE: [
    'A change to {s} shipped without a test for empty responses from {d}.',
    'A refactoring of {s} changed the retry behaviour; the canary was too small to show it.',
    'A release of {s} included a migration that locked a hot table for {n} minutes.',
  ],
  CONFIG_CHANGE: [
    'A config push to {s} removed the connection pool limit.',
    'A feature flag for {s} was enabled for all regions at once instead of progressively.',
    'The timeout of {s} towards {d} was lowered to {n} ms in a routine clean-up.',
  ],
  INFRASTRUCTURE: [
    'The node pool of {s} was upgraded while its pod disruption budget allowed zero healthy pods.',
    'The autoscaler of the cluster running {s} hit a cloud quota.',
    'Log volumes of {s} were not rotated and filled the disk.',
  ],
  DEPENDENCY: [
    '{d} slowed down and {s} had no circuit breaker towards it.',
    '{s} depends synchronously on {d} for a path that could be served from cache.',
    'A provider incident at {d} lasted {n} minutes; {s} had no fallback.',
  ],
  CAPACITY: [
    '{s} ran at {n}% of its capacity before the peak; there was no headroom.',
    'The queue consumers of {s} could not keep up with {n}x the usual volume.',
    'Memory limits of {s} were sized for last year\u2019s traffic.',
  ],
  NETWORK: [
    'A route change between zones added packet loss towards {d}.',
    'The DNS TTL of {s} was too long for the failover to take effect quickly.',
    'An MTU mismatch on the path from {s} to {d} dropped large responses.',
  ],
  HARDWARE: [
    'A failing disk on a {s} host degraded the whole replica set.',
    'A batch of hosts with a firmware fault ran {s}.',
  ],
  DATA: [
    'An upstream export to {s} contained duplicate keys.',
    'A backfill of {s} ran against the live table without throttling.',
    'The cache of {s} kept entries after their source was deleted.',
  ],
  USER_BEHAVIOR: [
    'A campaign drove {n}x the usual traffic to {s} without a heads-up to the owning team.',
    'Clients of {s} retried immediately without backoff.',
  ],
  SECURITY: [
    'The certificate of {s} expired; renewal had silently failed for {n} days.',
    'A secret rotation for {s} was not picked up by the running pods.',
    'A new WAF rule matched normal requests to {s}.',
  ],
  PROCESS: [
    'The change to {s} skipped review because it was marked as a hot-fix.',
    'The runbook for {s} pointed to a dashboard that no longer exists.',
    'Two teams changed {s} and {d} in the same window without knowing of each other.',
  ],
  MONITORING_GAP: [
    'No alert covers the error rate of {s} towards {d}.',
    'The latency alert of {s} uses an average, which hid the p99 for {n} minutes.',
    'The synthetic check of {s} did not exercise the failing path.',
  ],
  UNKNOWN: [
    'The trigger of the errors in {s} could not be determined from the data kept.',
    'Logs of {s} from the time of the incident had already expired.',
  ],
};

const NON_CAUSAL_TEXTS: Record<Exclude<FindingKind, 'TRIGGER' | 'CONTRIBUTING_FACTOR'>, readonly string[]> = {
  LESSON_LEARNED: [
    'Canary config changes to {s} like code changes.',
    'Load-test {s} before each seasonal peak.',
    'Keep the runbook of {s} next to its alerts.',
    'Feature flags for {s} should roll out per region.',
    'Degrade {s} gracefully when {d} is slow instead of failing.',
  ],
  WENT_WELL: [
    'The alert for {s} fired within {n} seconds.',
    'Rolling back {s} took less than {n} minutes.',
    'The incident channel had a clear lead and a scribe from the start.',
    'The status page was updated within {n} minutes.',
    'Failover of {s} to the second region worked as rehearsed.',
  ],
  GOT_LUCKY: [
    'The error happened outside peak hours of {s}.',
    'An engineer from the owning team happened to be looking at the {s} dashboard.',
    'The backup of {s} from the night before was complete.',
    'Only internal traffic used the broken path of {s}.',
  ],
};

export function findingText(
  prng: Prng,
  kind: FindingKind,
  category: FactorCategory | null,
  service: string,
  dependency: string,
): string {
  const templates =
    kind === 'TRIGGER' || kind === 'CONTRIBUTING_FACTOR'
      ? FINDING_TEXTS[category ?? 'UNKNOWN']
      : NON_CAUSAL_TEXTS[kind];
  return fill(prng, prng.pick(templates), service, dependency);
}

export const TIMELINE_TEXTS = [
  'Alert fired for {s}',
  'Paged the on-call of {s}',
  'Incident channel opened',
  'Status page updated',
  'Customer support reports errors involving {s}',
  'Rolled back the last deploy of {s}',
  'Scaled {s} from {n} to twice as many replicas',
  'Failed {s} over to the secondary region',
  'Disabled the feature flag suspected for {s}',
  'Opened a ticket with the provider of {d}',
  'Error rate of {s} back to baseline',
  'Restarted the consumers of {s}',
  'Hand-over to the next on-call shift',
  'Confirmed recovery with a synthetic check of {s}',
];

export const ACTION_ITEM_TITLES: Record<ActionItemType, readonly string[]> = {
  INVESTIGATE: [
    'Find out why {s} retried towards {d}',
    'Analyse the memory profile of {s} under load',
    'Check whether other services share the config pattern of {s}',
  ],
  DETECT: [
    'Alert on the error rate of {s} towards {d}',
    'Add a synthetic check for the checkout path through {s}',
    'Alert on p99 latency of {s} instead of the average',
  ],
  MITIGATE: [
    'Add a circuit breaker from {s} to {d}',
    'Serve {s} from cache when {d} is unavailable',
    'Document the rollback of {s} in its runbook',
  ],
  REPAIR: [
    'Fix the empty-response handling in {s}',
    'Restore the connection pool limit of {s}',
    'Repair the records written twice by {s}',
  ],
  PREVENT: [
    'Canary config changes of {s}',
    'Load-test {s} at {n}x the usual traffic before the peak',
    'Automate certificate renewal checks for {s}',
    'Roll out feature flags of {s} per region',
  ],
  PROCESS: [
    'Require review for hot-fixes to {s}',
    'Announce campaigns to the owners of {s}',
    'Run a game day for the failover of {s}',
  ],
};

export const DROP_REASONS = [
  'Superseded by platform-wide alerting',
  'The service is being decommissioned',
  'Covered by another action item',
  'Cost outweighs the risk after re-assessment',
  'No longer reproducible after the migration',
];

export const REOPEN_REASONS = [
  'Errors came back after the fix',
  'Latency regressed during the next peak',
  'The rollback did not cover every region',
];

export const ITEM_REOPEN_NOTES = [
  'The alert never fired in the next game day',
  'The fix regressed in the following release',
  'Review found the change incomplete',
];

export const RETRACT_REASONS = [
  'Recorded on the wrong incident',
  'Duplicate of another finding',
  'Turned out not to be related',
];

export const COMPLETION_NOTES = [
  'Live in all regions',
  'Merged and deployed',
  'Verified in the next game day',
  'Runbook updated and reviewed',
];

export const POSTMORTEM_IMPACTS = [
  '{n}% of requests to {s} failed',
  'Requests to {s} were slow for {n} minutes',
  'No customer impact; caught before it reached production traffic',
  'Some customers saw errors involving {s} for {n} minutes',
  'Internal tools only; {n} teams were slowed down',
];

export const TAGS_BY_CATEGORY: Record<FactorCategory, readonly string[]> = {
  CODE_CHANGE: ['deploy', 'rollout', 'regression'],
  CONFIG_CHANGE: ['config', 'feature-flag', 'rollout'],
  INFRASTRUCTURE: ['k8s', 'disk', 'cloud'],
  DEPENDENCY: ['third-party', 'latency', 'timeout'],
  CAPACITY: ['capacity', 'peak-traffic', 'memory'],
  NETWORK: ['dns', 'network', 'latency'],
  HARDWARE: ['hardware', 'disk'],
  DATA: ['data', 'database', 'cache'],
  USER_BEHAVIOR: ['peak-traffic', 'campaign'],
  SECURITY: ['certificate', 'security', 'secrets'],
  PROCESS: ['process', 'runbook'],
  MONITORING_GAP: ['alerting', 'observability'],
  UNKNOWN: ['needs-analysis'],
};
export const GENERAL_TAGS = ['customer-facing', 'region-eu', 'region-us', 'weekend', 'on-call', 'postmortem'];

/**
 * What makes one failure recognisable when it comes back: the part of the service that broke and
 * the error it gave, as people quote them in titles, timelines and findings. A recurrence of a
 * failure repeats them (and its symptom, trigger and dependency); other failures of the same
 * service and category draw their own.
 */
export const FAILURE_PARTS: Record<FactorCategory, readonly string[]> = {
  CODE_CHANGE: [
    'order serializer',
    'pricing module',
    'session middleware',
    'search indexer',
    'invoice renderer',
  ],
  CONFIG_CHANGE: [
    'connection pool settings',
    'rate limiter',
    'routing table',
    'feature flag service',
    'retry policy',
  ],
  INFRASTRUCTURE: [
    'node pool',
    'persistent volume claims',
    'cluster autoscaler',
    'ingress controller',
    'log shipper',
  ],
  DEPENDENCY: [
    'payment provider client',
    'geocoding client',
    'identity provider client',
    'object storage client',
    'email gateway client',
  ],
  CAPACITY: ['worker pool', 'message consumers', 'read replicas', 'JVM heap', 'request queue'],
  NETWORK: [
    'service mesh sidecar',
    'internal load balancer',
    'resolver cache',
    'cross-zone link',
    'egress proxy',
  ],
  HARDWARE: ['RAID controller', 'network interface', 'SSD array', 'power supply unit', 'memory module'],
  DATA: [
    'nightly import',
    'deduplication job',
    'schema registry',
    'cache warmer',
    'change-data-capture stream',
  ],
  USER_BEHAVIOR: [
    'public search endpoint',
    'bulk export endpoint',
    'mobile sync endpoint',
    'signup form',
    'webhook fan-out',
  ],
  SECURITY: ['TLS certificate', 'signing key', 'web application firewall', 'secret store', 'OAuth client'],
  PROCESS: ['release checklist', 'runbook', 'change calendar', 'hand-over notes', 'approval workflow'],
  MONITORING_GAP: [
    'error-rate alert',
    'latency dashboard',
    'synthetic probe',
    'queue-depth alert',
    'log-based metric',
  ],
  UNKNOWN: ['request path', 'background job', 'startup sequence', 'shutdown hook', 'health check'],
};

export const FAILURE_ERRORS: Record<FactorCategory, readonly string[]> = {
  CODE_CHANGE: [
    'NullPointerException in OrderMapper',
    'TypeError reading undefined totals',
    'panic index out of range',
    'IllegalStateException cart closed',
    'ClassCastException in LineItem',
  ],
  CONFIG_CHANGE: [
    'pool exhausted waiting for connection',
    'HTTP 429 quota exceeded',
    'upstream connect reset before headers',
    'unknown flag variant',
    'deadline exceeded after zero retries',
  ],
  INFRASTRUCTURE: [
    'pods Evicted with DiskPressure',
    'FailedMount volume attachment timeout',
    'FailedScheduling insufficient cpu',
    'OOMKilled sidecar',
    'ImagePullBackOff registry throttled',
  ],
  DEPENDENCY: [
    'ETIMEDOUT calling provider',
    'HTTP 503 from upstream',
    'circuit open on provider calls',
    'ECONNREFUSED from upstream',
    'invalid response schema from provider',
  ],
  CAPACITY: [
    'queue depth over limit',
    'thread pool rejected execution',
    'GC overhead limit exceeded',
    'too many open files',
    'replica lag over threshold',
  ],
  NETWORK: [
    'SERVFAIL from resolver',
    'TLS handshake timeout',
    'connection reset by peer',
    'MTU fragmentation needed',
    'no route to host',
  ],
  HARDWARE: [
    'SMART predictive failure',
    'ECC uncorrectable error',
    'link flapping on bond',
    'controller battery failed',
    'thermal throttling',
  ],
  DATA: [
    'duplicate key violates unique constraint',
    'checksum mismatch in batch',
    'incompatible schema version',
    'stale entries served from cache',
    'null in required column',
  ],
  USER_BEHAVIOR: [
    'request surge from one tenant',
    'retry storm without backoff',
    'export of millions of rows',
    'bot traffic on signup',
    'thundering herd after push notification',
  ],
  SECURITY: [
    'x509 certificate has expired',
    'invalid signature on token',
    'WAF rule blocked requests',
    'secret version not found',
    'OAuth client credentials revoked',
  ],
  PROCESS: [
    'change applied outside the window',
    'runbook step referenced removed tool',
    'two overlapping deploys',
    'missing approval on hot-fix',
    'hand-over skipped',
  ],
  MONITORING_GAP: [
    'alert never fired',
    'dashboard showed averages only',
    'probe checked the wrong path',
    'metric dropped by cardinality limit',
    'silenced alert left silenced',
  ],
  UNKNOWN: [
    'intermittent 502 responses',
    'unexplained restarts',
    'sporadic timeouts',
    'requests stuck in pending',
    'partial responses',
  ],
};
