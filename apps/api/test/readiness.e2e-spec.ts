import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { describeOnPostgres } from '@kb/read-models/testing/describe-on-postgres';
import { ApiUnderTest } from './support/api-under-test';
import { TcpProxy } from './support/tcp-proxy';

interface ReadyAnswer {
  status: number;
  body: { status?: string; reasons?: string[]; error?: Record<string, unknown> };
}

const report = (title: string) => `mutation { reportIncident(input: { title: "${title}", kind: NEAR_MISS,
  severity: SEV4, services: ["queue"], detectionSource: INTERNAL_REPORT, startedAt: "2026-11-01T08:00:00Z" }) { id } }`;

/**
 * `/health/ready` over HTTP, with the read models in PostgreSQL reached through a proxy the test can
 * cut (the shared server itself stays up): a poison event stalls a projection, then the database goes.
 */
describeOnPostgres('readiness (GET /health/ready) on PostgreSQL', (serverUrl) => {
  jest.setTimeout(60_000);
  const database = `kb_e2e_${randomBytes(6).toString('hex')}`;
  let admin: DataSource; // on the server, not through the proxy
  let direct: DataSource; // on the service's database, not through the proxy
  let proxy: TcpProxy;
  let api: ApiUnderTest;

  beforeAll(async () => {
    admin = await new DataSource({ type: 'postgres', url: serverUrl }).initialize();
    await admin.query(`CREATE DATABASE ${database}`);
    const server = new URL(serverUrl);
    proxy = await TcpProxy.start(Number(server.port || 5432));
    const viaProxy = new URL(serverUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    viaProxy.pathname = `/${database}`;
    api = await ApiUnderTest.start({ DATABASE_URL: viaProxy.toString() });
    const own = new URL(serverUrl);
    own.pathname = `/${database}`;
    direct = await new DataSource({ type: 'postgres', url: own.toString() }).initialize();
  });

  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    await direct?.destroy();
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin?.destroy();
  });

  it('is ready once started, and live answers', async () => {
    expect((await readyWhen((ready) => ready.status === 200)).body.status).toBe('ok');
    const live = await fetch(`${api.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
  });

  it('turns 503 when a poison event stalls a projection, and 200 after the fix and a retry', async () => {
    // The next incident breaks a rule the projection cannot know of: it parks the event.
    await direct.query(`ALTER TABLE incidents ADD CONSTRAINT e2e_poison CHECK (title NOT LIKE 'Poison%')`);
    await api.graphql(report('Poison pill'));

    const stalled = await readyWhen((ready) => ready.status === 503);
    expect(stalled.body.status).toBe('error');
    expect(stalled.body.reasons).toEqual([
      "Projection 'incidents' is stalled by 1 parked event (dead letters) it could not apply: fix the cause (see projection_dead_letters), then run the ADMIN mutation retryDeadLetters.",
    ]);
    expect(Object.keys(stalled.body.error ?? {})).toEqual(['projections']);

    await direct.query('ALTER TABLE incidents DROP CONSTRAINT e2e_poison');
    const { retryDeadLetters } = await api.data<{ retryDeadLetters: unknown[] }>(
      'mutation { retryDeadLetters(projection: "incidents") { projection applied remaining } }',
    );
    expect(retryDeadLetters).toEqual([{ projection: 'incidents', applied: 1, remaining: 0 }]);
    expect((await readyWhen((ready) => ready.status === 200)).body.status).toBe('ok');
  });

  it('turns 503 when the read-model database cannot be reached, and 200 once it can again', async () => {
    proxy.cut();
    try {
      const down = await readyWhen(
        (ready) => ready.status === 503 && (ready.body.reasons ?? []).some((r) => r.includes('read-model')),
      );
      expect(down.body.reasons).toContainEqual(
        expect.stringMatching(/^The read-model database \(PostgreSQL\) does not answer: .+\.$/),
      );
      // Liveness does no I/O: the process still answers, and is not restarted for a database.
      expect((await fetch(`${api.baseUrl}/health/live`)).status).toBe(200);
    } finally {
      proxy.restore();
    }
    const up = await readyWhen((ready) => ready.status === 200, 30_000);
    expect(up.body).toMatchObject({ status: 'ok', error: {} });
    // And the service works again through the same pool.
    expect(await api.data(report('After the outage'))).toMatchObject({
      reportIncident: { id: expect.any(String) },
    });
  });

  /** Asks /health/ready every 100 ms until `done` says yes; fails with the last answer after `timeoutMs`. */
  async function readyWhen(done: (ready: ReadyAnswer) => boolean, timeoutMs = 15_000): Promise<ReadyAnswer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await fetch(`${api.baseUrl}/health/ready`);
      const ready = { status: response.status, body: (await response.json()) as ReadyAnswer['body'] };
      if (done(ready)) return ready;
      if (Date.now() > deadline)
        throw new Error(`/health/ready never answered as expected; last: ${JSON.stringify(ready)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});
