/* eslint-disable @typescript-eslint/no-unsafe-return -- GraphQL responses are untyped JSON: the tests assert their shape. */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_ITEM_FIELDS, INCIDENT_FIELDS } from './support/graphql-fixtures';
import { runCli, ServiceClient } from './support/service-client';
import { freePort, ServiceProcess } from './support/service-process';

/**
 * `npm run backup` and `npm run restore` on the built service, as an operator runs them: a backup
 * taken while mutations keep arriving through GraphQL, restored into a fresh DATA_DIR.
 *
 * The exact comparison: the test stops its writers for a moment, reads every incident and action
 * item (the read models as of the log's head P, which read-your-writes guarantees once every
 * mutation is answered), then starts the writers again and only then the backup. The backup holds
 * the log up to P and perhaps more; the restored log cut at P, its read models rebuilt by
 * `npm run projections:rebuild`, must answer exactly what the original answered at P.
 */
const ADMIN = 'e2e-backup-admin-secret-0123456789';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Ack {
  kind: 'incident' | 'timeline' | 'actionItem';
  id: string;
  revision: number;
  at: number;
}

class Writers {
  readonly acks: Ack[] = [];
  private running: Promise<void>[] = [];
  private stopping = false;

  constructor(
    private readonly client: ServiceClient,
    private readonly incidents: string[],
  ) {}

  start(count: number): void {
    this.stopping = false;
    this.running = Array.from({ length: count }, (_, worker) => this.write(worker));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  private async write(worker: number): Promise<void> {
    for (let i = 0; !this.stopping; i++) {
      const target = this.incidents[(worker * 7 + i) % this.incidents.length];
      const step = i % 4;
      if (step === 0) {
        const id = await reportIncident(this.client, `Load ${worker}-${i}`);
        this.incidents.push(id);
        this.acks.push({ kind: 'incident', id, revision: 0, at: Date.now() });
      } else if (step === 3) {
        const item = await openActionItem(this.client, target, `Follow-up ${worker}-${i}`);
        this.acks.push({ kind: 'actionItem', id: item.id, revision: item.revision, at: Date.now() });
      } else {
        const incident = await addTimelineEntry(this.client, target, `worker ${worker}, step ${i}`);
        this.acks.push({ kind: 'timeline', id: incident.id, revision: incident.revision, at: Date.now() });
      }
    }
  }
}

async function reportIncident(client: ServiceClient, title: string): Promise<string> {
  const data = await client.data(
    'mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }',
    {
      input: {
        title,
        kind: 'INCIDENT',
        severity: 'SEV3',
        services: ['checkout'],
        detectionSource: 'MONITORING_ALERT',
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
    },
  );
  return data.reportIncident.id;
}

async function addTimelineEntry(client: ServiceClient, incidentId: string, text: string) {
  const data = await client.data(
    'mutation($input: AddTimelineEntryInput!) { addTimelineEntry(input: $input) { id revision } }',
    { input: { incidentId, at: new Date().toISOString(), text } },
  );
  return data.addTimelineEntry as { id: string; revision: number };
}

async function openActionItem(client: ServiceClient, incidentId: string, title: string) {
  const data = await client.data(
    'mutation($input: OpenActionItemInput!) { openActionItem(input: $input) { id revision } }',
    { input: { incidentId, title, type: 'PREVENT', priority: 'P3', ownerTeam: 'payments' } },
  );
  return data.openActionItem as { id: string; revision: number };
}

/** Every incident and action item, every field, as the service answers them once caught up. */
async function readModels(client: ServiceClient) {
  await caughtUp(client);
  return {
    incidents: await client.all('incidents', INCIDENT_FIELDS),
    actionItems: await client.all('actionItems', ACTION_ITEM_FIELDS),
  };
}

/** Waits until every projection has applied every event (read-your-writes may have answered from the events). */
async function caughtUp(client: ServiceClient): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { projections } = await client.data<{ projections: { name: string; lag: number }[] }>(
      '{ projections { name lag } }',
    );
    if (projections.every((projection) => projection.lag === 0)) return;
    if (Date.now() > deadline) throw new Error(`Projections behind: ${JSON.stringify(projections)}`);
    await sleep(100);
  }
}

function headOf(eventsDb: string): { position: number; events: number } {
  const db = new Database(eventsDb, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT max(position) AS position, count(*) AS events FROM events').get() as {
      position: number;
      events: number;
    };
  } finally {
    db.close();
  }
}

describe('backup and restore of the embedded event store (service process, CLI)', () => {
  jest.setTimeout(240_000);
  const services: ServiceProcess[] = [];
  const folders: string[] = [];

  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  const folder = () => {
    const made = mkdtempSync(join(tmpdir(), 'kb-backup-e2e-'));
    folders.push(made);
    return made;
  };
  const start = async (on?: { dataDir: string; port: number }) => {
    const service = await ServiceProcess.start({ KB_BOOTSTRAP_API_KEY: ADMIN }, on);
    services.push(service);
    return service;
  };

  it('backs up under load every acknowledged write; the restore rebuilds the read models as they were', async () => {
    const original = await start();
    const client = new ServiceClient(original.baseUrl, ADMIN);
    const incidents: string[] = [];
    for (let i = 0; i < 6; i++) incidents.push(await reportIncident(client, `Seed ${i}`));
    const writers = new Writers(client, incidents);
    writers.start(3);
    await sleep(1000);

    // The point P: writers paused, every mutation answered, so the read models show the log up to P.
    await writers.stop();
    const head = headOf(join(original.dataDir, 'events.db'));
    const atHead = await readModels(client);
    expect(atHead.incidents.length).toBeGreaterThan(6);
    expect(atHead.actionItems.length).toBeGreaterThan(0);

    writers.start(3);
    await sleep(300);
    const work = folder();
    const backupFile = join(work, 'kb-backup.db');
    const backupStarted = Date.now();
    const backup = await runCli('backup', [backupFile], { DATA_DIR: original.dataDir });
    const backupEnded = Date.now();
    await sleep(300);
    await writers.stop();

    expect(backup).toEqual({ code: 0, stdout: expect.stringMatching(/^Backed up /), stderr: '' });
    const reported = /Backed up ([\d,]+) events in [\d,]+ streams, up to position (\d{20})/.exec(
      backup.stdout,
    )!;
    const [events, lastPosition] = [Number(reported[1].replace(/,/g, '')), Number(reported[2])];
    expect(lastPosition).toBeGreaterThanOrEqual(head.position);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    // The writers ran before, during and after the backup.
    expect(writers.acks.filter((ack) => ack.at < backupStarted).length).toBeGreaterThan(10);
    expect(writers.acks.filter((ack) => ack.at > backupEnded).length).toBeGreaterThan(0);

    // Restore into a fresh DATA_DIR: the CLI rebuilds the read models.
    const restoredDir = join(work, 'restored');
    const restore = await runCli('restore', [backupFile], { DATA_DIR: restoredDir });
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`Restored ${reported[1]} events`);
    expect(restore.stdout).toContain('Read models rebuilt');
    expect(headOf(join(restoredDir, 'events.db'))).toEqual({ position: lastPosition, events });

    // Every mutation acknowledged before the backup began is there.
    const restored = await start({ dataDir: restoredDir, port: await freePort() });
    const restoredClient = new ServiceClient(restored.baseUrl, ADMIN);
    await caughtUp(restoredClient);
    const before = writers.acks.filter((ack) => ack.at < backupStarted);
    const missing: string[] = [];
    for (const ack of before) {
      const query =
        ack.kind === 'actionItem'
          ? 'query($id: ID!) { node: actionItem(id: $id) { revision } }'
          : 'query($id: ID!) { node: incident(id: $id) { revision } }';
      const { node } = await restoredClient.data(query, { id: ack.id });
      if (node === null || node.revision < ack.revision)
        missing.push(`${ack.kind} ${ack.id}@${ack.revision}`);
    }
    expect(missing).toEqual([]);
    await restored.stop();
    services.splice(services.indexOf(restored), 1);

    // The restored log cut at P, rebuilt with `npm run projections:rebuild`, answers as the original did at P.
    const cutDir = join(work, 'cut');
    mkdirSync(cutDir, { mode: 0o700 });
    copyFileSync(join(work, 'kb-backup.db'), join(cutDir, 'events.db'));
    const cut = new Database(join(cutDir, 'events.db'));
    cut.prepare('DELETE FROM events WHERE position > ?').run(head.position);
    cut.close();
    expect(headOf(join(cutDir, 'events.db'))).toEqual(head);
    const rebuild = await runCli('rebuild-projections', [], { DATA_DIR: cutDir });
    expect(rebuild.code).toBe(0);
    const asAtP = await start({ dataDir: cutDir, port: await freePort() });
    expect(await readModels(new ServiceClient(asAtP.baseUrl, ADMIN))).toEqual(atHead);
  });

  it('refuses clearly: a store in use, an existing store without --force, EventStoreDB, no file', async () => {
    const service = await start();
    await reportIncident(new ServiceClient(service.baseUrl, ADMIN), 'Before the backup');
    const work = folder();
    const backupFile = join(work, 'kb.db');
    expect((await runCli('backup', [backupFile], { DATA_DIR: service.dataDir })).code).toBe(0);

    const inUse = await runCli('restore', [backupFile, '--force'], { DATA_DIR: service.dataDir });
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toMatch(
      /^Nothing was restored: .*events\.db is in use by a running service or command/,
    );

    // Killed: its events.db (and -wal) stay, and are not replaced without --force.
    await service.kill();
    const exists = await runCli('restore', [backupFile], { DATA_DIR: service.dataDir });
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/events\.db exists already: .*add --force to move the present one aside/);
    const forced = await runCli('restore', [backupFile, '--force'], { DATA_DIR: service.dataDir });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(
      /The event store that was there is now .*events\.db\.before-restore-\d{8}T\d{6}Z/,
    );

    const esdb = { DATA_DIR: work, EVENTSTORE_URL: 'esdb://localhost:2113?tls=false' };
    for (const command of ['backup', 'restore']) {
      const refused = await runCli(command, [join(work, 'other.db')], esdb);
      expect([command, refused.code]).toEqual([command, 2]);
      expect(refused.stderr).toContain(
        'EVENTSTORE_URL is set: the events are in EventStoreDB, which this command does not',
      );
    }
    const usage = await runCli('restore', [], { DATA_DIR: work });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(
      /^npm run restore needs the backup file: npm run restore -- <file>\.\n\nUsage:/,
    );
    expect(await runCli('backup', [backupFile], { DATA_DIR: work })).toEqual({
      code: 1,
      stdout: '',
      stderr: `There is no event store to back up: ${join(work, 'events.db')} does not exist.\n`,
    });
  });
});
