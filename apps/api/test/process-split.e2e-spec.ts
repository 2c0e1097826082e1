/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { join } from 'node:path';
import { openEventStore, type EventStore } from '@kb/event-store';
import { createReadModelDataSource, rebuildProjections } from '@kb/read-models';
import { describeOnPostgres } from '@kb/read-models/testing/describe-on-postgres';
import { dumpReadModels } from '@kb/read-models/testing/read-model-databases';
import { projections } from '../src/read-side/projections';
import { minutesAgo, sleep } from './support/graphql-fixtures';
import { useFreshDatabase } from './support/fresh-database';
import { ServiceProcess } from './support/service-process';

jest.setTimeout(240_000);

const ADMIN = 'process-split-admin-secret-0123456789';

/** Delivery state (not projected from events alone) and the API keys' last use stay out of the comparison. */
const NOT_PROJECTED = ['webhook_deliveries', 'webhook_checkpoints'];

interface ProjectionHealth {
  name: string;
  state: string;
  checkpoint: string | null;
}

async function graphql(service: ServiceProcess, query: string, variables?: unknown): Promise<any> {
  const response = await fetch(`${service.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`${service.baseUrl}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function projectionsOf(service: ServiceProcess): Promise<ProjectionHealth[]> {
  const health = (await fetch(`${service.baseUrl}/health`).then((r) => r.json())) as {
    projections: ProjectionHealth[];
  };
  return health.projections;
}

/**
 * Production's shape on one machine: two API replicas (KB_ROLES=api) and two projector processes on
 * one PostgreSQL database and one event store (the embedded one, shared through its file).
 */
describeOnPostgres('API and projector as separate processes', (serverUrl) => {
  const processes: ServiceProcess[] = [];
  let dataDir: string;

  // Processes first (they share the DATA_DIR, removed with the first), then the database.
  const db = useFreshDatabase(serverUrl, 'kb_split', async () => {
    for (const service of processes) await service.stop({ keepDataDir: true }).catch(() => undefined);
    if (processes[0]) await processes[0].stop();
  });

  it('applies each projection in exactly one projector, fails over within 5 s of a SIGKILL, and every replica reads its own writes', async () => {
    const env = { DATABASE_URL: db.url, KB_BOOTSTRAP_API_KEY: ADMIN };
    const first = await ServiceProcess.start(env, undefined, 'projector');
    processes.push(first);
    dataDir = first.dataDir;
    const second = await ServiceProcess.start(env, { dataDir }, 'projector');
    processes.push(second);
    const apiA = await ServiceProcess.start({ ...env, KB_ROLES: 'api' }, { dataDir });
    const apiB = await ServiceProcess.start({ ...env, KB_ROLES: 'api' }, { dataDir });
    processes.push(apiA, apiB);

    // Each projection is applied by one projector; the other stands by; the API replicas apply none.
    const [ofFirst, ofSecond] = await Promise.all([projectionsOf(first), projectionsOf(second)]);
    for (const [i, projection] of ofFirst.entries()) {
      const states = [projection.state, ofSecond[i].state].sort();
      expect(states[1]).toBe('standby');
      expect(states[0]).not.toBe('standby');
    }
    for (const api of [apiA, apiB])
      expect((await projectionsOf(api)).every((p) => p.state === 'standby')).toBe(true);

    // A write load through both replicas; each write is read back at once from the replica that
    // answered it (and a finding from the other one).
    const replicas = [apiA, apiB];
    const misses: string[] = [];
    let written = 0;
    let loading = true;
    const writer = async (w: number) => {
      for (let i = 0; loading; i++) {
        const here = replicas[(w + i) % 2];
        const there = replicas[(w + i + 1) % 2];
        const { reportIncident } = await graphql(
          here,
          `
            mutation ($input: ReportIncidentInput!) {
              reportIncident(input: $input) {
                id
              }
            }
          `,
          {
            input: {
              title: `Split ${w}-${i}`,
              kind: i % 3 === 0 ? 'NEAR_MISS' : 'INCIDENT',
              severity: 'SEV3',
              services: [`svc-${w}`],
              detectionSource: 'MONITORING_ALERT',
              startedAt: minutesAgo(60),
            },
          },
        );
        const read = await graphql(
          here,
          `
            query ($id: ID!) {
              incident(id: $id) {
                id
                title
              }
            }
          `,
          {
            id: reportIncident.id,
          },
        );
        if (read.incident?.title !== `Split ${w}-${i}`) misses.push(`${here.baseUrl} incident ${w}-${i}`);
        const { recordFinding } = await graphql(
          there,
          `
            mutation ($input: RecordFindingInput!) {
              recordFinding(input: $input) {
                id
              }
            }
          `,
          {
            input: {
              incidentId: reportIncident.id,
              kind: 'CONTRIBUTING_FACTOR',
              category: 'CAPACITY',
              description: `Finding ${w}-${i}`,
            },
          },
        );
        const again = await graphql(
          there,
          `
            query ($id: ID!) {
              incident(id: $id) {
                findings {
                  id
                }
              }
            }
          `,
          {
            id: reportIncident.id,
          },
        );
        if (!again.incident?.findings.some((f: { id: string }) => f.id === recordFinding.id))
          misses.push(`${there.baseUrl} finding ${w}-${i}`);
        written += 2;
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
    await sleep(3_000);

    // Kill the projector that applies the incidents projection, mid-load.
    const incidentsHolder = (await projectionsOf(first)).find((p) => p.name === 'incidents')?.state;
    const [victim, survivor] = incidentsHolder === 'standby' ? [second, first] : [first, second];
    const applying = (await projectionsOf(victim)).filter((p) => p.state !== 'standby').map((p) => p.name);
    expect(applying).toContain('incidents');
    const killedAt = Date.now();
    await victim.kill();
    let tookOverMs = Number.POSITIVE_INFINITY;
    while (Date.now() - killedAt < 15_000) {
      const states = await projectionsOf(survivor);
      if (states.every((p) => p.state === 'live' || p.state === 'catching-up')) {
        tookOverMs = Date.now() - killedAt;
        break;
      }
      await sleep(50);
    }
    expect(tookOverMs).toBeLessThan(5_000);

    await sleep(3_000);
    loading = false;
    await load;
    expect(written).toBeGreaterThan(40);
    expect(misses).toEqual([]);

    // Everything applied once and nothing skipped: the live read models equal a rebuild from the log.
    const { projections: lagging } = await graphql(apiA, '{ projections { name lag } }');
    for (let i = 0; i < 100 && lagging.some((p: { lag: number }) => p.lag > 0); i++) {
      await sleep(100);
      lagging.splice(0, lagging.length, ...(await graphql(apiA, '{ projections { name lag } }')).projections);
    }
    expect(lagging.every((p: { lag: number }) => p.lag === 0)).toBe(true);
    await Promise.all(processes.filter((p) => !p.exited).map((p) => p.stop({ keepDataDir: true })));

    const live = await createReadModelDataSource({ kind: 'postgres', url: db.url });
    const rebuiltDb = `${db.name}_rebuilt`;
    await db.admin.query(`CREATE DATABASE ${rebuiltDb}`);
    const rebuiltUrl = new URL(db.url);
    rebuiltUrl.pathname = `/${rebuiltDb}`;
    const rebuilt = await createReadModelDataSource({ kind: 'postgres', url: rebuiltUrl.toString() });
    let store: EventStore | undefined;
    try {
      store = openEventStore({ kind: 'embedded', file: join(dataDir, 'events.db') });
      await rebuildProjections(store, rebuilt, projections());
      const [liveRows, rebuiltRows] = await Promise.all([dumpReadModels(live), dumpReadModels(rebuilt)]);
      for (const table of NOT_PROJECTED) {
        delete liveRows[table];
        delete rebuiltRows[table];
      }
      expect((liveRows.incidents ?? []).length).toBeGreaterThan(20);
      expect(liveRows).toEqual(rebuiltRows);
    } finally {
      await store?.close();
      await live.destroy();
      await rebuilt.destroy();
      await db.admin.query(`DROP DATABASE IF EXISTS ${rebuiltDb} WITH (FORCE)`);
    }
  });
});
