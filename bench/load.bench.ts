/**
 * `npm run bench:load`: an open-loop load test of the service as `npm start` serves it, over HTTP on
 * 127.0.0.1, at fixed arrival rates, on the demo history at BENCH_INCIDENTS incidents (default
 * 20,000; `npm run seed`'s, seed BENCH_SEED, default 42).
 *
 * The history is seeded once into `<BENCH_DATA_DIR>/seeded` (default
 * `data-bench-load/<incidents>-<seed>`) by `npm run seed` as a child process; a marker file says it is
 * complete, so later runs reuse it. Each run copies it to `<BENCH_DATA_DIR>/run` and serves that copy,
 * so the bench's own writes never pile up from one run to the next.
 *
 * The service is started as `npm start` does (build if needed, then `node dist/apps/api/src/main.js`)
 * on a free port with a generated bootstrap ADMIN key, which creates a VIEWER key for the reads and a
 * CONTRIBUTOR key for the writes. After sampling a few hundred incident ids, and a warm-up (5 s at
 * 50/s, not reported), each rate of BENCH_RATES (default 100,250,500 requests/s) runs for BENCH_SECONDS
 * (default 30): requests leave on schedule whatever the earlier ones are doing, and each one's latency
 * runs from its scheduled send time to the last byte of its answer (so the queueing of an overloaded
 * service is counted, not hidden). An answer later than 5 s is aborted and counted as a timeout; an
 * answer that is not HTTP 200 or that carries `errors` is an error.
 *
 * The mix: 70% reads (an incident by id, a page of 20 incidents with their findings, a search, a
 * one-year weekly incident trend), 30% writes (report an incident, add a timeline entry, record a
 * finding, open an action item, on incidents the bench reported itself), equal shares within each
 * group; BENCH_WRITE_SHARE (default 0.3) changes the writes' share. One JSON line per rate on
 * stdout, with the CPU the service, the generator and every other process used (percent of one
 * core: other work on the machine skews the figures); progress on stderr.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 20_000);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const RATES = (process.env.BENCH_RATES ?? '100,250,500').split(',').map((r) => Number(r.trim()));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
/** Share of writes in the mix (default 0.3); 0 for reads only, to tell their costs apart. */
const WRITE_SHARE = Number(process.env.BENCH_WRITE_SHARE ?? 0.3);
const DIR = resolve(process.env.BENCH_DATA_DIR ?? join('data-bench-load', `${INCIDENTS}-${SEED}`));
const SEEDED_DIR = join(DIR, 'seeded');
const RUN_DIR = join(DIR, 'run');
const ROOT = resolve(__dirname, '..');
const WARM_UP = { rate: 50, seconds: 5 };
const TIMEOUT_MS = 5_000;
const RSS_EVERY_MS = 200;
const SAMPLE_PAGES = 4;
/** The seed's default end of history; the trend report covers the year before it. */
const UNTIL = '2026-11-01T00:00:00.000Z';
const YEAR = { from: '2025-11-01T00:00:00.000Z', to: UNTIL };
const SECRET = `bench-load-${randomBytes(24).toString('hex')}`;

const log = (line: string) => process.stderr.write(`${line}\n`);

class SetupError extends Error {}

for (const [name, value] of [
  ['BENCH_INCIDENTS', INCIDENTS],
  ['BENCH_SEED', SEED],
  ['BENCH_SECONDS', SECONDS],
  ...RATES.map((rate) => ['BENCH_RATES', rate] as const),
] as const)
  if (!Number.isFinite(value) || value <= 0 || (name !== 'BENCH_SECONDS' && !Number.isInteger(value))) {
    log(`${name} must be a positive ${name === 'BENCH_SECONDS' ? 'number' : 'whole number'}`);
    process.exit(2);
  }
if (!(WRITE_SHARE >= 0 && WRITE_SHARE <= 1)) {
  log('BENCH_WRITE_SHARE must be a number from 0 to 1');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Setup: the seeded history, the service, the keys, the target ids
// ---------------------------------------------------------------------------------------------

/** Seeds `<DIR>/seeded` once (the seed is idempotent: an interrupted run is completed). */
function ensureSeeded(): void {
  const marker = join(SEEDED_DIR, 'bench-load-seeded.json');
  const expected = JSON.stringify({ incidents: INCIDENTS, seed: SEED });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === expected) {
    log(`Reusing the seeded history in ${SEEDED_DIR}`);
    return;
  }
  mkdirSync(SEEDED_DIR, { recursive: true });
  log(`Seeding ${INCIDENTS} incidents (seed ${SEED}) into ${SEEDED_DIR}`);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: SEEDED_DIR };
  // The embedded store and SQLite read models, whatever the caller's environment points at.
  delete env.EVENTSTORE_URL;
  delete env.DATABASE_URL;
  // Its summary goes to stderr with its progress: stdout is for the results.
  const seeded = spawnSync(
    'npm',
    ['run', 'seed', '--', '--incidents', String(INCIDENTS), '--seed', String(SEED)],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 2, 'inherit'],
    },
  );
  if (seeded.status !== 0) throw new SetupError(`npm run seed exited with ${seeded.status ?? seeded.signal}`);
  writeFileSync(marker, expected);
}

/** A fresh copy of the seeded history for this run. */
function prepareRunDir(): void {
  rmSync(RUN_DIR, { recursive: true, force: true });
  cpSync(SEEDED_DIR, RUN_DIR, { recursive: true });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

function startService(port: number): ChildProcess {
  const built = spawnSync(process.execPath, ['scripts/build-if-needed.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.status !== 0) throw new SetupError('scripts/build-if-needed.js failed');
  const logFile = join(DIR, 'service.log');
  const out = openSync(logFile, 'w');
  log(`Starting the service on 127.0.0.1:${port} (its log: ${logFile})`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: RUN_DIR,
    KB_BOOTSTRAP_API_KEY: SECRET,
  };
  // The embedded store and SQLite read models, whatever the caller's environment points at.
  delete env.EVENTSTORE_URL;
  delete env.DATABASE_URL;
  // BENCH_NODE_ARGS: extra node flags for the service alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeArgs, 'dist/apps/api/src/main.js'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', out, out],
  });
}

async function stopService(service: ChildProcess): Promise<void> {
  if (service.exitCode !== null || service.signalCode !== null) return;
  const exited = new Promise<void>((done) => service.once('exit', () => done()));
  service.kill('SIGTERM');
  const timer = setTimeout(() => {
    log('The service did not stop within 10 s of SIGTERM: SIGKILL');
    service.kill('SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Waits (at most 5 minutes) until /health answers 200 with every projection live and no lag. */
async function waitUntilReady(base: string, service: ChildProcess): Promise<void> {
  const deadline = Date.now() + 300_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (service.exitCode !== null || service.signalCode !== null)
      throw new SetupError(
        `the service exited (${service.exitCode ?? service.signalCode}) before it was ready`,
      );
    try {
      const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) });
      const body = (await response.json()) as { projections?: Array<{ state: string; lag: number }> };
      const projections = body.projections ?? [];
      if (
        response.status === 200 &&
        projections.length > 0 &&
        projections.every((p) => p.state === 'live' && p.lag === 0)
      )
        return;
      last = `HTTP ${response.status}, projections ${projections.map((p) => `${p.state}/${p.lag}`).join(' ')}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new SetupError(`the service was not ready within 5 minutes: ${last}`);
}

/** A setup request (not timed): its data, or an error naming what went wrong. */
async function graphql<T>(
  base: string,
  secret: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (response.status !== 200 || body.errors || !body.data)
    throw new SetupError(
      `setup request failed: HTTP ${response.status} ${JSON.stringify(body.errors ?? body)}`,
    );
  return body.data;
}

async function createKey(base: string, role: 'VIEWER' | 'CONTRIBUTOR'): Promise<string> {
  const data = await graphql<{ createApiKey: { secret: string } }>(
    base,
    SECRET,
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { name: `bench-load ${role.toLowerCase()}`, role } },
  );
  return data.createApiKey.secret;
}

/** A few hundred incident ids (newest first) and the cursors of their pages. */
async function sampleIncidents(base: string, secret: string): Promise<{ ids: string[]; cursors: string[] }> {
  const ids: string[] = [];
  const cursors: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < SAMPLE_PAGES; page++) {
    const data: {
      incidents: {
        edges: Array<{ node: { id: string } }>;
        pageInfo: { endCursor: string | null; hasNextPage: boolean };
      };
    } = await graphql(
      base,
      secret,
      'query($after: String) { incidents(first: 100, after: $after) { edges { node { id } } pageInfo { endCursor hasNextPage } } }',
      { after },
    );
    for (const edge of data.incidents.edges) ids.push(edge.node.id);
    after = data.incidents.pageInfo.endCursor;
    if (after === null || !data.incidents.pageInfo.hasNextPage) break;
    cursors.push(after);
  }
  if (ids.length === 0) throw new SetupError('the service lists no incidents: is the history seeded?');
  return { ids, cursors };
}

// ---------------------------------------------------------------------------------------------
// The operations: request bodies built from pre-serialised parts
// ---------------------------------------------------------------------------------------------

/** `{"query":...,"variables":` — a body is this, the variables' JSON, and `}`. */
const prefix = (query: string) => `{"query":${JSON.stringify(query)},"variables":`;
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

const Q = {
  incidentById: prefix(
    'query($id: ID!) { incident(id: $id) { id title status severity startedAt services findings { id kind description } } }',
  ),
  incidentsPage: prefix(
    'query($after: String) { incidents(first: 20, after: $after) { edges { node { id title status severity startedAt findings { id kind description } } } pageInfo { endCursor hasNextPage } } }',
  ),
  search: prefix(
    'query($q: String!) { search(query: $q, first: 20) { totalCount edges { node { score snippet result { __typename ... on Incident { id title } ... on Finding { id incidentId } ... on ActionItem { id title } } } } } }',
  ),
  incidentTrend: prefix('query($input: TrendInput!) { incidentTrend(input: $input) { bucketStart count } }'),
  reportIncident: prefix('mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }'),
  addTimelineEntry: prefix(
    'mutation($input: AddTimelineEntryInput!) { addTimelineEntry(input: $input) { id revision } }',
  ),
  recordFinding: prefix('mutation($input: RecordFindingInput!) { recordFinding(input: $input) { id } }'),
  openActionItem: prefix('mutation($input: OpenActionItemInput!) { openActionItem(input: $input) { id } }'),
};

/** Words of the seeded texts (apps/api/src/seed/demo-texts.ts). */
const SEARCH_TERMS = [
  'latency',
  'deploy',
  'connection pool',
  'certificate',
  'timeouts',
  'disk full',
  'queue backlog',
  'DNS resolution',
  'retry storm',
  'feature flag',
  'memory exhaustion',
  'runbook',
];
const SERVICES = ['checkout-api', 'payments-gateway', 'search-indexer', 'auth-service', 'edge-proxy'];
const CATEGORIES = ['CODE_CHANGE', 'CONFIG_CHANGE', 'CAPACITY', 'DEPENDENCY', 'NETWORK'];

type OperationName =
  | 'incidentById'
  | 'incidentsPage'
  | 'search'
  | 'incidentTrend'
  | 'reportIncident'
  | 'addTimelineEntry'
  | 'recordFinding'
  | 'openActionItem';

const READS: readonly OperationName[] = ['incidentById', 'incidentsPage', 'search', 'incidentTrend'];
const WRITES: readonly OperationName[] = [
  'reportIncident',
  'addTimelineEntry',
  'recordFinding',
  'openActionItem',
];
const OPERATIONS: readonly OperationName[] = [...READS, ...WRITES];

interface Targets {
  /** Read bodies built once: one per sampled id, cursor, search term; the trend's one. */
  readonly incidentById: string[];
  readonly incidentsPage: string[];
  readonly search: string[];
  readonly incidentTrend: string[];
  /** Incidents this bench reported (a ring of the latest), the targets of the other writes. */
  readonly reported: string[];
}

const REPORTED_KEPT = 2_000;
let reportedNext = 0;
function remember(targets: Targets, id: string): void {
  if (targets.reported.length < REPORTED_KEPT) targets.reported.push(id);
  else targets.reported[reportedNext++ % REPORTED_KEPT] = id;
}

let sequence = 0;
/** The body of one request of `operation`; writes are built now (they carry the time and a target). */
function bodyOf(operation: OperationName, targets: Targets): string {
  switch (operation) {
    case 'incidentById':
    case 'incidentsPage':
    case 'search':
    case 'incidentTrend':
      return pick(targets[operation]);
    case 'reportIncident': {
      const n = ++sequence;
      const service = pick(SERVICES);
      return `${Q.reportIncident}${JSON.stringify({
        input: {
          title: `Load test incident ${n}: latency above SLO in ${service}`,
          summary: `Reported by the load benchmark (request ${n}).`,
          kind: 'INCIDENT',
          severity: 'SEV3',
          detectionSource: 'MONITORING_ALERT',
          services: [service],
          tags: ['bench-load'],
          startedAt: new Date(Date.now() - 60_000).toISOString(),
        },
      })}}`;
    }
    case 'addTimelineEntry':
      return `${Q.addTimelineEntry}${JSON.stringify({
        input: {
          incidentId: pick(targets.reported),
          at: new Date().toISOString(),
          text: `Load benchmark timeline entry ${++sequence}: rolled back the deploy`,
        },
      })}}`;
    case 'recordFinding':
      return `${Q.recordFinding}${JSON.stringify({
        input: {
          incidentId: pick(targets.reported),
          kind: 'CONTRIBUTING_FACTOR',
          category: pick(CATEGORIES),
          description: `Load benchmark finding ${++sequence}: the connection pool was too small for peak traffic`,
        },
      })}}`;
    case 'openActionItem':
      return `${Q.openActionItem}${JSON.stringify({
        input: {
          incidentId: pick(targets.reported),
          title: `Load benchmark action item ${++sequence}: add an alert on queue backlog`,
          ownerTeam: 'sre',
          priority: 'P3',
          type: 'PREVENT',
        },
      })}}`;
  }
}

function buildTargets(sample: { ids: string[]; cursors: string[] }): Targets {
  return {
    incidentById: sample.ids.map((id) => `${Q.incidentById}${JSON.stringify({ id })}}`),
    incidentsPage: [null, ...sample.cursors].map(
      (after) => `${Q.incidentsPage}${JSON.stringify({ after })}}`,
    ),
    search: SEARCH_TERMS.map((q) => `${Q.search}${JSON.stringify({ q })}}`),
    incidentTrend: [
      `${Q.incidentTrend}${JSON.stringify({ input: { ...YEAR, bucket: 'WEEK', groupBy: 'NONE' } })}}`,
    ],
    reported: [],
  };
}

// ---------------------------------------------------------------------------------------------
// The open-loop generator
// ---------------------------------------------------------------------------------------------

interface Phase {
  sent: number;
  answered: number;
  errors: number;
  timeouts: number;
  /** Latency in ms per request, by operation, as finished. */
  latencies: Record<OperationName, number[]>;
  firstErrors: string[];
  lastAnswerAt: number;
}

const ERRORS_KEPT = 5;
const ERRORS_MARK = Buffer.from('"errors":');

function recordError(phase: Phase, operation: OperationName, message: string): void {
  if (phase.firstErrors.length < ERRORS_KEPT)
    phase.firstErrors.push(`${operation}: ${message.slice(0, 300)}`);
}

/**
 * Sends one request on behalf of its scheduled time; resolves when it is answered, failed or aborted.
 * Never rejects.
 */
function send(
  agent: http.Agent,
  port: number,
  secrets: { read: string; write: string },
  operation: OperationName,
  body: string,
  scheduled: number,
  phase: Phase,
  targets: Targets,
): Promise<void> {
  return new Promise((done) => {
    let settled = false;
    const finish = (kind: 'ok' | 'error' | 'timeout', message?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const now = performance.now();
      phase.latencies[operation].push(now - scheduled);
      if (kind === 'timeout') phase.timeouts++;
      else {
        phase.answered++;
        phase.lastAnswerAt = now;
        if (kind === 'error') {
          phase.errors++;
          recordError(phase, operation, message ?? 'error');
        }
      }
      done();
    };
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${READS.includes(operation) ? secrets.read : secrets.write}`,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => finish('error', `response: ${error.message}`));
        response.on('end', () => {
          const answer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          if (response.statusCode !== 200 || answer.indexOf(ERRORS_MARK) !== -1) {
            finish('error', `HTTP ${response.statusCode}: ${answer.toString('utf8', 0, 600)}`);
            return;
          }
          if (operation === 'reportIncident') {
            try {
              const parsed = JSON.parse(answer.toString('utf8')) as {
                data: { reportIncident: { id: string } };
              };
              remember(targets, parsed.data.reportIncident.id);
            } catch (error) {
              finish('error', `unreadable answer: ${error instanceof Error ? error.message : String(error)}`);
              return;
            }
          }
          finish('ok');
        });
      },
    );
    const timer = setTimeout(
      () => {
        finish('timeout');
        request.destroy();
      },
      Math.max(0, scheduled + TIMEOUT_MS - performance.now()),
    );
    request.on('error', (error) => finish('error', `request: ${error.message}`));
    request.end(body);
  });
}

/**
 * Runs `rate` requests/s for `seconds`: request i is due at start + i / rate, sent then whatever the
 * earlier ones are doing (a late timer sends every due request at once, each timed from its own due
 * time). Resolves when every request has finished (each is bounded by the 5 s timeout).
 */
async function runPhase(
  agent: http.Agent,
  port: number,
  secrets: { read: string; write: string },
  targets: Targets,
  rate: number,
  seconds: number,
  servicePid: number,
): Promise<{
  phase: Phase;
  peakRssKb: number;
  elapsedMs: number;
  cpu: { service: number; generator: number; others: number };
}> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const phase: Phase = {
    sent: 0,
    answered: 0,
    errors: 0,
    timeouts: 0,
    latencies: Object.fromEntries(OPERATIONS.map((o) => [o, [] as number[]])) as Record<
      OperationName,
      number[]
    >,
    firstErrors: [],
    lastAnswerAt: 0,
  };
  const cpuBefore = {
    service: serviceCpuMs(servicePid),
    generator: process.cpuUsage(),
    machine: machineBusyMs(),
  };
  let peakRssKb = 0;
  const sampleRss = () => {
    try {
      const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${servicePid}/status`, 'utf8'));
      if (match) peakRssKb = Math.max(peakRssKb, Number(match[1]));
    } catch {
      // The service is gone: the requests will say so.
    }
  };
  sampleRss();
  const rssTimer = setInterval(sampleRss, RSS_EVERY_MS);
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  await new Promise<void>((allSent) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < total && start + i * interval <= now) {
        const scheduled = start + i * interval;
        i++;
        // 70% reads, 30% writes (by default), equal shares within each group.
        const operation = Math.random() < WRITE_SHARE ? pick(WRITES) : pick(READS);
        const sending = send(
          agent,
          port,
          secrets,
          operation,
          bodyOf(operation, targets),
          scheduled,
          phase,
          targets,
        );
        phase.sent++;
        inFlight.add(sending);
        void sending.then(() => inFlight.delete(sending));
      }
      if (i >= total) {
        allSent();
        return;
      }
      setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsedMs = (phase.lastAnswerAt > 0 ? phase.lastAnswerAt : performance.now()) - start;
  clearInterval(rssTimer);
  sampleRss();
  const wallMs = performance.now() - start;
  const generator = process.cpuUsage(cpuBefore.generator);
  const cpu = {
    // Percent of one core over the phase (2 cores: up to 200 between them).
    service: Math.round((100 * (serviceCpuMs(servicePid) - cpuBefore.service)) / wallMs),
    generator: Math.round((100 * (generator.user + generator.system)) / 1000 / wallMs),
    others: 0,
  };
  // Whatever else ran on the machine meanwhile (other processes share the cores and skew the figures).
  cpu.others = Math.max(
    0,
    Math.round((100 * (machineBusyMs() - cpuBefore.machine)) / wallMs) - cpu.service - cpu.generator,
  );
  return { phase, peakRssKb, elapsedMs, cpu };
}

/** CPU time the process has used (user + system), from /proc/<pid>/stat; 0 when it is gone. */
function serviceCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** CPU time all cores spent busy (not idle, not waiting for I/O), from /proc/stat; 0 if unreadable. */
function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal (guest time is already in user and nice).
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = (() => {
  const ticks = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(ticks.stdout?.trim()) || 100;
})();

/**
 * After a rate, waits (at most 30 s) until the service is idle again: /health answers within 50 ms
 * with no projection lag. An overloaded rate leaves work behind (requests the bench gave up on are
 * still being served) that must not be charged to the next one.
 */
async function waitUntilIdle(base: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const started = performance.now();
    try {
      const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5_000) });
      const body = (await response.json()) as { projections?: Array<{ lag: number }> };
      if (
        response.status === 200 &&
        performance.now() - started < 50 &&
        (body.projections ?? []).every((p) => p.lag === 0)
      )
        return;
    } catch {
      // Busy or gone: try again until the deadline.
    }
    await sleep(500);
  }
  log('  the service was not idle within 30 s; going on');
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
const ms = (value: number) => Math.round(value * 10) / 10;

function report(rate: number, seconds: number, run: Awaited<ReturnType<typeof runPhase>>) {
  const { phase } = run;
  const all = OPERATIONS.flatMap((o) => phase.latencies[o]).sort((a, b) => a - b);
  const byOperation: Record<string, { count: number; p50: number; p95: number; p99: number }> = {};
  for (const operation of OPERATIONS) {
    const list = phase.latencies[operation].sort((a, b) => a - b);
    byOperation[operation] = {
      count: list.length,
      p50: ms(percentile(list, 0.5)),
      p95: ms(percentile(list, 0.95)),
      p99: ms(percentile(list, 0.99)),
    };
  }
  // Answered per second of the phase: from its first scheduled send to its last answer.
  const answeredWindowS = Math.max(seconds, run.elapsedMs / 1000);
  return {
    rate,
    seconds,
    sent: phase.sent,
    achievedRate: Math.round((phase.answered / answeredWindowS) * 10) / 10,
    errors: phase.errors,
    timeouts: phase.timeouts,
    p50: ms(percentile(all, 0.5)),
    p95: ms(percentile(all, 0.95)),
    p99: ms(percentile(all, 0.99)),
    max: ms(all.length > 0 ? all[all.length - 1] : 0),
    peakRssMb: Math.round(run.peakRssKb / 1024),
    serviceCpuPct: run.cpu.service,
    generatorCpuPct: run.cpu.generator,
    otherCpuPct: run.cpu.others,
    byOperation,
    firstErrors: phase.firstErrors,
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  ensureSeeded();
  prepareRunDir();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const service = startService(port);
  // Interrupted: the service must not outlive the bench.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      service.kill('SIGKILL');
      process.exit(130);
    });
  // Idle sockets are closed after 2 s, before the service's keep-alive timeout (Node's 5 s) closes
  // them: a request sent on a socket the service is closing fails with ECONNRESET, an error of the
  // generator, not of the service.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 2_000 });
  try {
    await waitUntilReady(base, service);
    log('The service is ready: projections live, lag 0');
    const secrets = { read: await createKey(base, 'VIEWER'), write: await createKey(base, 'CONTRIBUTOR') };
    const sample = await sampleIncidents(base, secrets.read);
    const targets = buildTargets(sample);
    log(`Sampled ${sample.ids.length} incident ids on ${sample.cursors.length + 1} pages`);
    // A few incidents of the bench's own, so the first writes have targets.
    for (let i = 0; i < 20; i++) {
      const body = JSON.parse(bodyOf('reportIncident', targets)) as {
        query: string;
        variables: Record<string, unknown>;
      };
      const data = await graphql<{ reportIncident: { id: string } }>(
        base,
        secrets.write,
        body.query,
        body.variables,
      );
      remember(targets, data.reportIncident.id);
    }
    const pid = service.pid;
    if (pid === undefined) throw new SetupError('the service has no pid');

    log(`Warm-up: ${WARM_UP.seconds} s at ${WARM_UP.rate}/s`);
    const warm = await runPhase(agent, port, secrets, targets, WARM_UP.rate, WARM_UP.seconds, pid);
    log(
      `  warm-up: ${warm.phase.errors} errors, ${warm.phase.timeouts} timeouts, ` +
        `CPU service ${warm.cpu.service}% / generator ${warm.cpu.generator}% / ` +
        `other processes ${warm.cpu.others}% of a core`,
    );
    if (warm.phase.firstErrors.length > 0)
      log(`  first warm-up errors: ${warm.phase.firstErrors.join(' | ')}`);
    await waitUntilIdle(base);

    for (const rate of RATES) {
      if (service.exitCode !== null || service.signalCode !== null) {
        log('The service has exited: no more rates are run');
        break;
      }
      log(`Rate ${rate}/s for ${SECONDS} s`);
      const result = report(rate, SECONDS, await runPhase(agent, port, secrets, targets, rate, SECONDS, pid));
      log(
        `  sent ${result.sent}, answered ${result.achievedRate}/s, p50 ${result.p50} / p95 ${result.p95} / p99 ${result.p99} ms, ` +
          `${result.errors} errors, ${result.timeouts} timeouts, peak RSS ${result.peakRssMb} MB, ` +
          `CPU service ${result.serviceCpuPct}% / generator ${result.generatorCpuPct}% / ` +
          `other processes ${result.otherCpuPct}% of a core`,
      );
      process.stdout.write(`${JSON.stringify(result)}\n`);
      await waitUntilIdle(base);
    }
    return 0;
  } finally {
    agent.destroy();
    log('Stopping the service');
    await stopService(service);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(
      error instanceof SetupError
        ? `Setup failed: ${error.message}`
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error),
    );
    const serviceLog = join(DIR, 'service.log');
    if (existsSync(serviceLog)) {
      const lines = readFileSync(serviceLog, 'utf8').trimEnd().split('\n');
      log(`The service's last log lines:\n${lines.slice(-20).join('\n')}`);
    }
    process.exit(1);
  },
);
