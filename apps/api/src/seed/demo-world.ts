import type { FactorCategory } from '@kb/domain';
import { Prng } from './prng';

/**
 * The organisation the demo history happens in: about 40 teams owning about 300 services, with a
 * skewed popularity (a few services have most of the incidents) and a weak spot per service (the
 * factor category its failures lean to), all drawn from the seed.
 */
export interface DemoService {
  readonly name: string;
  readonly team: string;
  /** Relative share of incidents (Zipf-like over a random ranking). */
  readonly weight: number;
  /** The factor category this service's triggers lean to. */
  readonly weakSpot: FactorCategory;
}

export interface DemoWorld {
  readonly teams: readonly string[];
  readonly services: readonly DemoService[];
  readonly servicesByTeam: ReadonlyMap<string, readonly DemoService[]>;
  /** Teams that own fixes for many others (platform, SRE, observability, ...). */
  readonly platformTeams: readonly string[];
}

const PRODUCT_DOMAINS = [
  'checkout',
  'payments',
  'billing',
  'search',
  'catalog',
  'pricing',
  'inventory',
  'orders',
  'shipping',
  'returns',
  'accounts',
  'auth',
  'notifications',
  'email',
  'recommendations',
  'reviews',
  'cart',
  'promotions',
  'loyalty',
  'fraud',
  'ledger',
  'invoicing',
  'support',
  'content',
  'media',
  'maps',
  'partners',
  'marketplace',
  'subscriptions',
  'mobile',
  'web',
  'analytics',
  'reporting',
  'tax',
];
const PLATFORM_DOMAINS = ['platform', 'sre', 'observability', 'security', 'data-platform', 'network'];

const PRODUCT_SUFFIXES = [
  'api',
  'worker',
  'db',
  'cache',
  'web',
  'gateway',
  'scheduler',
  'ingest',
  'sync',
  'indexer',
  'store',
  'events',
  'batch',
  'admin',
  'exporter',
  'proxy',
];
const PLATFORM_SERVICES: Record<string, string[]> = {
  platform: ['k8s-control-plane', 'service-mesh', 'ci-runner', 'deployer', 'feature-flags', 'config-service'],
  sre: ['load-balancer', 'dns', 'cdn', 'status-page', 'paging'],
  observability: ['metrics-pipeline', 'log-pipeline', 'tracing', 'alertmanager'],
  security: ['secrets-vault', 'certificate-manager', 'waf', 'identity-provider'],
  'data-platform': ['kafka', 'postgres-fleet', 'redis-fleet', 'object-storage', 'warehouse', 'etl'],
  network: ['edge-routers', 'vpn', 'nat-gateway', 'private-link'],
};

const WEAK_SPOTS: ReadonlyArray<readonly [FactorCategory, number]> = [
  ['CODE_CHANGE', 30],
  ['CONFIG_CHANGE', 18],
  ['DEPENDENCY', 14],
  ['CAPACITY', 12],
  ['INFRASTRUCTURE', 9],
  ['DATA', 7],
  ['NETWORK', 5],
  ['USER_BEHAVIOR', 3],
  ['HARDWARE', 2],
];
const PLATFORM_WEAK_SPOTS: Record<string, FactorCategory> = {
  platform: 'CONFIG_CHANGE',
  sre: 'INFRASTRUCTURE',
  observability: 'CAPACITY',
  security: 'SECURITY',
  'data-platform': 'CAPACITY',
  network: 'NETWORK',
};

/** Zipf exponent of service popularity: the top service has ~7% of incidents, the median ~0.2%. */
const POPULARITY_EXPONENT = 0.85;

export function demoWorld(seed: number): DemoWorld {
  const prng = Prng.of('world', seed);
  const drafts: Array<{ name: string; team: string; weakSpot: FactorCategory }> = [];
  for (const domain of PRODUCT_DOMAINS) {
    const team = `team-${domain}`;
    for (const suffix of prng.sample(PRODUCT_SUFFIXES, prng.int(5, 10)))
      drafts.push({ name: `${domain}-${suffix}`, team, weakSpot: prng.weighted(WEAK_SPOTS) });
  }
  for (const domain of PLATFORM_DOMAINS)
    for (const name of PLATFORM_SERVICES[domain])
      drafts.push({
        name,
        team: `team-${domain}`,
        weakSpot: prng.chance(0.6) ? PLATFORM_WEAK_SPOTS[domain] : prng.weighted(WEAK_SPOTS),
      });
  const ranks = prng.sample(
    drafts.map((_, i) => i),
    drafts.length,
  );
  const services = drafts.map((draft, i) => ({
    ...draft,
    weight: 1 / Math.pow(ranks[i] + 1, POPULARITY_EXPONENT),
  }));
  const servicesByTeam = new Map<string, DemoService[]>();
  for (const service of services) {
    const list = servicesByTeam.get(service.team) ?? [];
    list.push(service);
    servicesByTeam.set(service.team, list);
  }
  return {
    teams: [...servicesByTeam.keys()],
    services,
    servicesByTeam,
    platformTeams: PLATFORM_DOMAINS.map((domain) => `team-${domain}`),
  };
}

/** Picks services by weight quickly: cumulative weights and a binary search. */
export class WeightedServices {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(private readonly services: readonly DemoService[]) {
    let sum = 0;
    for (const service of services) {
      sum += service.weight;
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  pick(prng: Prng): DemoService {
    const x = prng.float() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid] > x) high = mid;
      else low = mid + 1;
    }
    return this.services[low];
  }
}
