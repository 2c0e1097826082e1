import type { FactorCategory, FindingKind, IncidentKind, LinkRelation } from '@kb/domain';
import type { WriteSide } from './write-side.fixture';

/**
 * A small hand-written history of realistic failures, and the answers a reviewer would expect from
 * the similarity ranking. The seeded history is ours and its texts are templates; this set is not:
 * the same failure is told in other words on other services, and unrelated failures share services
 * and words with it, so it checks that the ranking finds the failure mode rather than the place.
 */
export interface HandWrittenIncident {
  readonly key: string;
  readonly title: string;
  readonly summary?: string;
  readonly kind?: IncidentKind;
  readonly services: readonly string[];
  readonly startedAt: string;
  readonly findings?: ReadonlyArray<{
    readonly kind: FindingKind;
    readonly category?: FactorCategory;
    readonly description: string;
  }>;
  readonly timeline?: readonly string[];
  readonly links?: ReadonlyArray<{ readonly relation: LinkRelation; readonly to: string }>;
}

const T = (kind: FindingKind, description: string, category?: FactorCategory) => ({
  kind,
  category,
  description,
});

export const HAND_WRITTEN_INCIDENTS: readonly HandWrittenIncident[] = [
  {
    key: 'cert-payments',
    title: 'Payment webhooks rejected after TLS certificate expiry',
    summary:
      'The certificate on the payments callback endpoint expired at midnight; the card processor refused the TLS handshake.',
    services: ['payments'],
    startedAt: '2024-01-10T00:02:00.000Z',
    findings: [
      T(
        'TRIGGER',
        'The TLS certificate expired; its renewal job had been failing silently for a month.',
        'PROCESS',
      ),
      T('CONTRIBUTING_FACTOR', 'No alert on certificate expiry dates.', 'MONITORING_GAP'),
      T('LESSON_LEARNED', 'Alert on every certificate 21 days before it expires.'),
    ],
    timeline: ['Processor support reported handshake failures', 'Certificate renewed by hand'],
  },
  {
    key: 'gateway-route',
    title: 'API gateway outage after a bad route table push',
    summary:
      'A route config pushed to the API gateway sent all traffic to a retired upstream; every API call returned 502.',
    services: ['api-gateway'],
    startedAt: '2024-02-03T14:10:00.000Z',
    findings: [
      T('TRIGGER', 'A route table change pointed to a retired upstream pool.', 'CONFIG_CHANGE'),
      T('LESSON_LEARNED', 'Validate gateway routes against live upstreams before pushing.'),
    ],
  },
  {
    key: 'pool-checkout',
    title: 'Checkout timeouts: database connection pool exhausted',
    summary:
      'Checkout requests waited for a database connection until they timed out during the lunchtime peak.',
    services: ['checkout', 'orders-db'],
    startedAt: '2024-02-20T12:15:00.000Z',
    findings: [
      T('TRIGGER', 'Traffic peak exhausted the connection pool of 20 connections.', 'CAPACITY'),
      T('CONTRIBUTING_FACTOR', 'Slow queries held connections for seconds.', 'CODE_CHANGE'),
      T('LESSON_LEARNED', 'Size connection pools from measured concurrency, not defaults.'),
    ],
  },
  {
    key: 'dns-internal',
    title: 'Internal DNS resolution failures across services',
    summary:
      'The internal resolvers ran out of memory and stopped answering; services could not resolve each other.',
    services: ['dns', 'platform'],
    startedAt: '2024-03-05T09:00:00.000Z',
    findings: [
      T(
        'TRIGGER',
        'Resolver cache grew without bound and the DNS servers were OOM-killed.',
        'INFRASTRUCTURE',
      ),
      T('LESSON_LEARNED', 'Cap resolver cache size and run resolvers on more than one host.'),
    ],
  },
  {
    key: 'disk-logs',
    title: 'Search indexer stopped: disk full of debug logs',
    summary: 'Debug logging left on after an investigation filled the data disk of the indexer nodes.',
    services: ['search'],
    startedAt: '2024-03-18T03:40:00.000Z',
    findings: [
      T('TRIGGER', 'Debug log level left enabled filled the disk.', 'CONFIG_CHANGE'),
      T('CONTRIBUTING_FACTOR', 'No disk usage alert on indexer nodes.', 'MONITORING_GAP'),
      T('LESSON_LEARNED', 'Log rotation and disk alerts on every node class.'),
    ],
  },
  {
    key: 'flag-recs',
    title: 'Feature flag rollout broke recommendations for all users',
    summary: 'A flag meant for 1% of users was enabled for everyone and the new model served empty results.',
    services: ['recommendations'],
    startedAt: '2024-04-02T10:00:00.000Z',
    findings: [
      T('TRIGGER', 'Flag targeting rule typed as 100 instead of 1.', 'CONFIG_CHANGE'),
      T('LESSON_LEARNED', 'Flag changes above 10% need a second reviewer.'),
    ],
  },
  {
    key: 'oom-imageproc',
    title: 'Image processing workers OOM-killed in a loop',
    summary: 'A memory leak in the resize library made workers exceed their memory limit every few minutes.',
    services: ['image-processing'],
    startedAt: '2024-04-15T16:20:00.000Z',
    findings: [
      T('TRIGGER', 'Library upgrade introduced a memory leak on large PNG files.', 'DEPENDENCY'),
      T('LESSON_LEARNED', 'Soak test library upgrades with production-sized images.'),
    ],
  },
  {
    key: 'kafka-lag',
    title: 'Order events delayed: Kafka consumer lag of two hours',
    summary: 'The fulfilment consumer group fell behind after a rebalance storm; orders shipped late.',
    services: ['fulfilment', 'kafka'],
    startedAt: '2024-05-01T08:00:00.000Z',
    findings: [
      T(
        'TRIGGER',
        'Consumers kept rebalancing because processing exceeded max.poll.interval.',
        'CODE_CHANGE',
      ),
      T('CONTRIBUTING_FACTOR', 'Consumer lag was not alerted on.', 'MONITORING_GAP'),
      T('LESSON_LEARNED', 'Alert on consumer lag in minutes, not messages.'),
    ],
  },
  {
    key: 'redis-stampede',
    title: 'Cache stampede on product catalog after Redis flush',
    summary: 'A Redis flush during maintenance sent every request to the catalog database at once.',
    services: ['catalog', 'redis'],
    startedAt: '2024-05-20T21:00:00.000Z',
    findings: [
      T('TRIGGER', 'Maintenance script flushed the whole cache instead of one key prefix.', 'PROCESS'),
      T('CONTRIBUTING_FACTOR', 'No request coalescing on cache misses.', 'CODE_CHANGE'),
      T('LESSON_LEARNED', 'Coalesce cache misses and warm the cache before maintenance.'),
    ],
  },
  {
    key: 'db-failover',
    title: 'Orders database failover took 14 minutes',
    summary: 'The primary lost its disk; the replica was promoted only after manual intervention.',
    services: ['orders-db'],
    startedAt: '2024-06-04T02:30:00.000Z',
    findings: [
      T('TRIGGER', 'Primary database volume failed.', 'HARDWARE'),
      T('CONTRIBUTING_FACTOR', 'Automatic failover was disabled after a previous false positive.', 'PROCESS'),
      T('LESSON_LEARNED', 'Practise failover monthly so it stays trusted and enabled.'),
    ],
  },
  {
    key: 'ratelimit-sms',
    title: 'Login codes not delivered: SMS provider rate limit',
    summary: 'The SMS provider throttled us at 50 requests per second during a marketing campaign.',
    services: ['auth', 'notifications'],
    startedAt: '2024-06-25T18:00:00.000Z',
    findings: [
      T('TRIGGER', 'A campaign tripled login attempts and hit the provider rate limit.', 'USER_BEHAVIOR'),
      T('LESSON_LEARNED', 'Share campaign calendars with the platform team; ask providers for burst quotas.'),
    ],
  },
  {
    key: 'migration-lock',
    title: 'Schema migration locked the users table for 20 minutes',
    summary: 'An ALTER TABLE adding a column with a default rewrote the table under an exclusive lock.',
    services: ['accounts', 'users-db'],
    startedAt: '2024-07-09T11:00:00.000Z',
    findings: [
      T('TRIGGER', 'Migration rewrote the table while holding an exclusive lock.', 'CODE_CHANGE'),
      T('LESSON_LEARNED', 'Review migrations for table rewrites; add columns without defaults first.'),
    ],
  },
  {
    key: 'cron-double',
    title: 'Invoices sent twice by the billing cron job',
    summary: 'Two scheduler instances both ran the nightly invoice job after a deploy.',
    services: ['billing'],
    startedAt: '2024-07-31T01:00:00.000Z',
    findings: [
      T('TRIGGER', 'The scheduler had no leader election; two replicas both fired the job.', 'CODE_CHANGE'),
      T('LESSON_LEARNED', 'Jobs with side effects need a lock or idempotency keys.'),
    ],
  },
  {
    key: 'clock-skew',
    title: 'Token validation failures from clock skew on new hosts',
    summary: 'New hosts came up without NTP; their clocks drifted and issued tokens looked expired.',
    services: ['auth'],
    startedAt: '2024-08-14T07:00:00.000Z',
    findings: [
      T('TRIGGER', 'Host image missed the NTP configuration.', 'INFRASTRUCTURE'),
      T('LESSON_LEARNED', 'Check clock offset in the host readiness probe.'),
    ],
  },
  {
    key: 'network-partition',
    title: 'Network partition between availability zones',
    summary:
      'A cloud provider fault cut traffic between two zones for 25 minutes; cross-zone calls timed out.',
    services: ['platform', 'checkout'],
    startedAt: '2024-08-29T13:00:00.000Z',
    findings: [
      T('TRIGGER', 'Provider network fault between zones.', 'NETWORK'),
      T('CONTRIBUTING_FACTOR', 'Checkout depended on a single-zone inventory service.', 'INFRASTRUCTURE'),
      T('LESSON_LEARNED', 'Keep each request path inside one zone where possible.'),
    ],
  },
  {
    key: 'gateway-cpu',
    title: 'API gateway latency from CPU saturation',
    summary: 'A traffic spike saturated gateway CPU; autoscaling reacted after ten minutes.',
    services: ['api-gateway'],
    startedAt: '2024-09-10T17:30:00.000Z',
    findings: [
      T('TRIGGER', 'Traffic spike from a partner integration retry loop.', 'USER_BEHAVIOR'),
      T('CONTRIBUTING_FACTOR', 'Autoscaling cooldown of ten minutes.', 'CAPACITY'),
      T('LESSON_LEARNED', 'Scale the gateway on request rate, not CPU alone.'),
    ],
  },
  {
    key: 'cert-cdn',
    title: 'CDN served an expired certificate for the marketing site',
    summary: 'The CDN kept the old certificate after renewal because the upload step failed.',
    services: ['cdn', 'marketing-site'],
    startedAt: '2024-09-25T06:00:00.000Z',
    findings: [
      T(
        'TRIGGER',
        'Certificate upload to the CDN failed and nobody noticed; the old one expired.',
        'PROCESS',
      ),
      T('LESSON_LEARNED', 'Probe the served certificate from outside, not only the renewal job.'),
    ],
    links: [{ relation: 'RECURRENCE_OF', to: 'cert-payments' }],
  },
  {
    key: 'pool-inventory',
    title: 'Inventory API errors: connection pool exhausted after deploy',
    summary:
      'A deploy doubled the replicas but the database connection limit stayed the same; new pods could not get connections.',
    services: ['inventory', 'inventory-db'],
    startedAt: '2024-10-08T15:00:00.000Z',
    findings: [
      T('TRIGGER', 'More replicas than the database max_connections allowed.', 'CAPACITY'),
      T('LESSON_LEARNED', 'Put a connection pooler in front of the database.'),
    ],
    links: [{ relation: 'RECURRENCE_OF', to: 'pool-checkout' }],
  },
  {
    key: 'disk-db',
    title: 'Analytics database read-only: disk full',
    summary: 'WAL files piled up when a replication slot was abandoned; the disk filled and writes stopped.',
    services: ['analytics-db'],
    startedAt: '2024-10-22T04:00:00.000Z',
    findings: [
      T('TRIGGER', 'Abandoned replication slot retained WAL until the disk was full.', 'DATA'),
      T('CONTRIBUTING_FACTOR', 'Disk alert threshold at 99% left no time.', 'MONITORING_GAP'),
      T('LESSON_LEARNED', 'Alert on retained WAL and on disk growth rate.'),
    ],
  },
  {
    key: 'chaos-zone',
    title: 'Game day: lose one availability zone',
    summary: 'Planned exercise: drain one zone and watch checkout stay within its error budget.',
    kind: 'GAME_DAY',
    services: ['checkout', 'platform'],
    startedAt: '2024-11-05T10:00:00.000Z',
    findings: [
      T('CONTRIBUTING_FACTOR', 'Session store had no replica outside the drained zone.', 'INFRASTRUCTURE'),
      T('LESSON_LEARNED', 'Run the zone drain quarterly; sessions are now replicated across zones.'),
    ],
  },
  {
    key: 'nearmiss-cert',
    title: 'Near miss: internal CA certificate two days from expiry',
    summary: 'An engineer noticed the internal CA certificate expiring on Saturday; renewed Thursday.',
    kind: 'NEAR_MISS',
    services: ['platform'],
    startedAt: '2024-11-20T09:00:00.000Z',
    findings: [
      T('CONTRIBUTING_FACTOR', 'The CA certificate was not in the expiry inventory.', 'PROCESS'),
      T('LESSON_LEARNED', 'Every certificate, internal ones included, goes into the expiry inventory.'),
    ],
    links: [{ relation: 'RECURRENCE_OF', to: 'cert-cdn' }],
  },
  {
    key: 'flag-search',
    title: 'Search results empty after a feature flag change',
    summary: 'Enabling the new ranking flag for all tenants returned no results for German queries.',
    services: ['search'],
    startedAt: '2024-12-03T09:30:00.000Z',
    findings: [
      T('TRIGGER', 'Flag enabled for every tenant at once without a staged rollout.', 'CONFIG_CHANGE'),
      T('LESSON_LEARNED', 'Roll flags out by percentage with automatic rollback on error rate.'),
    ],
    links: [{ relation: 'RECURRENCE_OF', to: 'flag-recs' }],
  },
  {
    key: 'oom-api',
    title: 'Orders API pods OOM-killed after upgrade of JSON library',
    summary: 'Memory usage grew steadily after a dependency upgrade until the pods were killed.',
    services: ['orders-api'],
    startedAt: '2024-12-17T13:00:00.000Z',
    findings: [
      T('TRIGGER', 'A JSON parser upgrade leaked memory on streamed responses.', 'DEPENDENCY'),
      T('LESSON_LEARNED', 'Watch memory per pod for a day after dependency upgrades.'),
    ],
  },
  {
    key: 'kafka-disk',
    title: 'Kafka brokers out of disk: retention too long',
    summary: 'A topic with 30 days retention and a traffic surge filled broker disks; producers failed.',
    services: ['kafka'],
    startedAt: '2025-01-08T02:00:00.000Z',
    findings: [
      T('TRIGGER', 'Retention configured for 30 days on a high-volume topic.', 'CONFIG_CHANGE'),
      T('LESSON_LEARNED', 'Size retention in bytes as well as days.'),
    ],
  },
  {
    key: 'redis-evict',
    title: 'Session logouts from Redis evictions',
    summary: 'Redis reached maxmemory and evicted sessions; users were logged out.',
    services: ['auth', 'redis'],
    startedAt: '2025-01-22T19:00:00.000Z',
    findings: [
      T('TRIGGER', 'Sessions and cache shared one Redis with allkeys-lru eviction.', 'CAPACITY'),
      T('LESSON_LEARNED', 'Keep sessions in a store that never evicts.'),
    ],
  },
  {
    key: 'dns-external',
    title: 'Customers could not reach the site: DNS provider outage',
    summary: 'Our managed DNS provider had a global outage; name resolution failed for 40 minutes.',
    services: ['dns', 'marketing-site'],
    startedAt: '2025-02-05T15:00:00.000Z',
    findings: [
      T('TRIGGER', 'Managed DNS provider outage.', 'DEPENDENCY'),
      T('LESSON_LEARNED', 'A secondary DNS provider for public zones.'),
    ],
  },
  {
    key: 'cron-missed',
    title: 'Nightly billing cron job never ran after scheduler migration',
    summary: 'Invoices were not sent for three days; the job was missing in the new scheduler.',
    services: ['billing'],
    startedAt: '2025-02-19T01:00:00.000Z',
    findings: [
      T('TRIGGER', 'The job definition was not migrated to the new scheduler.', 'PROCESS'),
      T('CONTRIBUTING_FACTOR', 'No alert when a scheduled job does not run.', 'MONITORING_GAP'),
      T('LESSON_LEARNED', 'Dead man switch alerts for every scheduled job.'),
    ],
  },
  {
    key: 'migration-index',
    title: 'Orders database CPU at 100% after a migration dropped an index',
    summary: 'A migration meant to rename an index dropped it; order lookups scanned the whole table.',
    services: ['orders-api', 'orders-db'],
    startedAt: '2025-03-04T10:00:00.000Z',
    findings: [
      T('TRIGGER', 'Migration dropped an index used by order lookups.', 'CODE_CHANGE'),
      T('LESSON_LEARNED', 'Run migrations against a production-sized copy and compare query plans.'),
    ],
  },
  {
    key: 'retracted-noise',
    title: 'Mobile app crash on startup for Android 14',
    summary: 'A crash in the new onboarding screen on Android 14 devices.',
    services: ['mobile-app'],
    startedAt: '2025-03-18T08:00:00.000Z',
    findings: [
      T('TRIGGER', 'Null pointer in onboarding screen when notifications are denied.', 'CODE_CHANGE'),
      T('LESSON_LEARNED', 'Test with notification permission denied.'),
    ],
  },
  {
    key: 'chaos-redis',
    title: 'Chaos experiment: kill the Redis primary',
    summary: 'Hypothesis: sessions survive a Redis primary failure within 30 seconds.',
    kind: 'CHAOS_EXPERIMENT',
    services: ['redis', 'auth'],
    startedAt: '2025-04-01T10:00:00.000Z',
    findings: [
      T('CONTRIBUTING_FACTOR', 'Clients cached the old primary address for 5 minutes.', 'CONFIG_CHANGE'),
      T('LESSON_LEARNED', 'Use the sentinel-aware client everywhere.'),
    ],
  },
  {
    key: 'pool-reporting',
    title: 'Reporting service: connection pool exhausted by long exports',
    summary: 'CSV exports held database connections for minutes and the pool ran dry.',
    services: ['reporting'],
    startedAt: '2025-04-15T11:00:00.000Z',
    findings: [
      T('TRIGGER', 'Long exports held pooled connections.', 'CAPACITY'),
      T('LESSON_LEARNED', 'Separate pools for interactive and batch work.'),
    ],
  },
  {
    key: 'gateway-deploy',
    title: 'API gateway 5xx after plugin deploy',
    summary: 'A new authentication plugin on the gateway crashed on requests without a body.',
    services: ['api-gateway'],
    startedAt: '2025-04-29T14:00:00.000Z',
    findings: [
      T('TRIGGER', 'Plugin deployed without canary.', 'CODE_CHANGE'),
      T('LESSON_LEARNED', 'Canary every gateway plugin.'),
    ],
  },
];

/**
 * What a reviewer expects: for each probe (a stored incident by key, or a failure described in
 * words), the incident that should be among the five most similar (or any of several: the incidents
 * of one recurrence chain, of which only the best is listed first), and optionally one that should
 * rank below it.
 */
export interface HandWrittenExpectation {
  readonly probe:
    | { readonly incident: string }
    | {
        readonly title: string;
        readonly summary?: string;
        readonly services?: readonly string[];
        readonly factorCategories?: readonly FactorCategory[];
      };
  readonly expected: readonly string[];
  readonly above?: string;
}

export const HAND_WRITTEN_EXPECTATIONS: readonly HandWrittenExpectation[] = [
  {
    probe: { title: 'TLS certificate expired on the API gateway', services: ['api-gateway'] },
    expected: ['cert-payments'],
    above: 'gateway-route',
  },
  { probe: { incident: 'cert-cdn' }, expected: ['cert-payments'] },
  { probe: { incident: 'nearmiss-cert' }, expected: ['cert-cdn', 'cert-payments'] },
  { probe: { incident: 'pool-inventory' }, expected: ['pool-checkout'] },
  { probe: { incident: 'pool-reporting' }, expected: ['pool-inventory', 'pool-checkout'] },
  { probe: { incident: 'flag-search' }, expected: ['flag-recs'] },
  { probe: { incident: 'oom-api' }, expected: ['oom-imageproc'] },
  { probe: { incident: 'disk-db' }, expected: ['disk-logs'] },
  { probe: { incident: 'kafka-disk' }, expected: ['kafka-lag'] },
  { probe: { incident: 'redis-evict' }, expected: ['redis-stampede'] },
  { probe: { incident: 'dns-external' }, expected: ['dns-internal'] },
  { probe: { incident: 'cron-missed' }, expected: ['cron-double'] },
  { probe: { incident: 'migration-index' }, expected: ['migration-lock'] },
  { probe: { incident: 'chaos-zone' }, expected: ['network-partition'] },
  { probe: { incident: 'chaos-redis' }, expected: ['redis-evict'] },
  { probe: { incident: 'gateway-deploy' }, expected: ['gateway-route'] },
  {
    probe: {
      title: 'Database connection pool exhausted on the payments API',
      summary: 'Requests time out waiting for a connection.',
      services: ['payments'],
    },
    expected: ['pool-checkout'],
    above: 'cert-payments',
  },
  {
    probe: { title: 'Disk full on the logging cluster', factorCategories: ['MONITORING_GAP'] },
    expected: ['disk-logs'],
  },
  {
    probe: { title: 'Cron job ran twice and charged customers twice', services: ['billing'] },
    expected: ['cron-double'],
  },
  {
    probe: { title: 'Users logged out: session store evicted keys', services: ['auth'] },
    expected: ['redis-evict'],
    above: 'clock-skew',
  },
];

/** Writes the set (in startedAt order) and returns the incident id of each key. */
export async function writeHandWrittenIncidents(writer: WriteSide): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const incident of HAND_WRITTEN_INCIDENTS) {
    const id = await writer.reportIncident({
      title: incident.title,
      summary: incident.summary ?? null,
      kind: incident.kind ?? 'INCIDENT',
      severity: 'SEV2',
      services: [...incident.services],
      detectionSource: 'MONITORING_ALERT',
      startedAt: incident.startedAt,
    });
    ids.set(incident.key, id);
    for (const [n, text] of (incident.timeline ?? []).entries())
      await writer.onIncident(id, {
        type: 'AddTimelineEntry',
        at: new Date(Date.parse(incident.startedAt) + (n + 1) * 600_000).toISOString(),
        text,
      });
    for (const finding of incident.findings ?? [])
      await writer.onIncident(id, {
        type: 'RecordFinding',
        kind: finding.kind,
        category: finding.category ?? null,
        description: finding.description,
      });
    for (const link of incident.links ?? []) {
      const related = HAND_WRITTEN_INCIDENTS.find((other) => other.key === link.to);
      const relatedId = ids.get(link.to);
      if (!related || !relatedId)
        throw new Error(`${incident.key} links to ${link.to}, written later or unknown`);
      await writer.onIncident(id, {
        type: 'LinkIncidents',
        relation: link.relation,
        related: { id: relatedId, startedAt: related.startedAt },
      });
    }
  }
  return ids;
}
