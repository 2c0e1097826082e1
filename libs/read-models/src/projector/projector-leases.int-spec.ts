import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createReadModelDataSource } from '../read-model-data-source';
import { readModelProjections } from '../read-model-projections';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { dumpReadModels, type ReadModelDatabases } from '../testing/read-model-databases';
import { describeOnPostgres } from '../testing/describe-on-postgres';
import { PostgresAdvisoryLeases } from './leases';
import { applyBatch, rebuildProjections } from './projector';
import type { Projection } from './projection';
import { IncidentProjection } from '../incident/incident.projection';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describeOnPostgres('projectors sharing one PostgreSQL database', (url) => {
  jest.setTimeout(60_000);
  const opened: DataSource[] = [];
  const leases: PostgresAdvisoryLeases[] = [];
  const schemaOf = (dataSource: DataSource) => (dataSource.options as { schema: string }).schema;
  /** A fresh schema per test; every connection to it, and every lease, closed afterwards. */
  const databases: ReadModelDatabases = {
    kind: 'postgres',
    async open() {
      const schema = `kb_lease_${randomBytes(6).toString('hex')}`;
      const dataSource = await createReadModelDataSource({ kind: 'postgres', url, schema });
      opened.push(dataSource);
      return dataSource;
    },
    async cleanup() {
      for (const lease of leases.splice(0)) await lease.close();
      const [first, ...others] = opened.splice(0);
      for (const dataSource of others) if (dataSource.isInitialized) await dataSource.destroy();
      if (!first?.isInitialized) return;
      await first.query(`DROP SCHEMA IF EXISTS "${schemaOf(first)}" CASCADE`);
      await first.destroy();
    },
  };
  const leasesOf = (dataSource: DataSource) => {
    const made = new PostgresAdvisoryLeases(dataSource);
    leases.push(made);
    return made;
  };
  const bed = useProjectionTestbed(databases);

  /** Another process's view of the same schema: its own pool, its own lease connection. */
  const secondConnection = async () => {
    const dataSource = await createReadModelDataSource({
      kind: 'postgres',
      url,
      schema: schemaOf(bed.dataSource),
    });
    opened.push(dataSource);
    return dataSource;
  };

  const report = (title: string) =>
    bed.writer.reportIncident({
      title,
      kind: 'INCIDENT',
      severity: 'SEV3',
      services: ['search'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
    });

  const timeline = (incidentId: string, n: number) =>
    bed.writer.onIncident(incidentId, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:05:00.000Z',
      text: `entry ${n}`,
    });

  it('applies each projection in one process; when its lease connection dies, the other takes over and nothing is applied twice', async () => {
    const otherSource = await secondConnection();
    const leasesA = leasesOf(bed.dataSource);
    const leasesB = leasesOf(otherSource);
    const a = await bed.startProjector(bed.dataSource, readModelProjections(), {
      leases: leasesA,
      leaseRetryMs: 100,
    });
    await until(() => a.status().every((s) => s.state === 'live'));
    const b = await bed.startProjector(otherSource, readModelProjections(), {
      leases: leasesB,
      leaseRetryMs: 100,
    });
    await until(() => b.status().every((s) => s.state === 'standby'));

    // Writes go on throughout: timeline entries make a double application visible (a row twice).
    let writing = true;
    let written = 0;
    const ids: string[] = [];
    let failed: unknown;
    const load = (async () => {
      for (let i = 0; writing; i++) {
        const id = await report(`Incident ${i}`);
        ids.push(id);
        await timeline(id, i);
        written += 2;
      }
    })().catch((error: unknown) => (failed = error));
    await until(() => written >= 40 || failed !== undefined);

    // A network cut of A's lease connection: PostgreSQL ends that session, A's applying connections
    // stay up (it may be mid-transaction), B takes the leases.
    const [{ terminated }] = await bed.dataSource.query(
      `SELECT count(pg_terminate_backend(l.pid))::int AS terminated FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1
          AND l.objid::bigint = (hashtext($2)::bigint + 4294967296) % 4294967296`,
      [0x6b62_0001, `${schemaOf(bed.dataSource)}.incidents`],
    );
    expect(terminated).toBe(1);
    // Each projection is applied again by exactly one of the two within 5 s: by B, or by A when its
    // new connection won the lease back first (both try every 100 ms).
    const appliedOnce = () =>
      a.status().every((s, i) => [s.state, b.status()[i].state].filter((x) => x === 'standby').length === 1);
    const tookOverMs = await until(() => b.status().some((s) => s.state !== 'standby') && appliedOnce());
    expect(tookOverMs).toBeLessThan(5_000);

    try {
      await until(() => written >= 120 || failed !== undefined);
    } finally {
      writing = false;
    }
    await load;
    expect(failed).toBeUndefined();

    // Both projectors see the end of the log: B applies it, A follows B's checkpoint.
    const [last] = await bed.store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(await b.waitForPosition(last.position, 10_000)).toBe(true);
    expect(await a.waitForPosition(last.position, 10_000)).toBe(true);

    // Exactly what one rebuild from the log gives: nothing applied twice, nothing skipped.
    const rebuilt = await createReadModelDataSource({
      kind: 'postgres',
      url,
      schema: `${schemaOf(bed.dataSource)}_rebuilt`,
    });
    try {
      await rebuildProjections(bed.store, rebuilt, readModelProjections());
      const live = await dumpReadModels(bed.dataSource);
      expect(live.timeline_entries?.length).toBe(ids.length);
      expect(live).toEqual(await dumpReadModels(rebuilt));
    } finally {
      await rebuilt.query(`DROP SCHEMA IF EXISTS "${schemaOf(rebuilt)}" CASCADE`);
      await rebuilt.destroy();
    }
  });

  it('lets two processes applying the same batch at once apply it once: the second waits, then skips it', async () => {
    const otherSource = await secondConnection();
    for (let i = 0; i < 5; i++) await report(`Raced ${i}`);
    const batch = await bed.store.readAll({ maxCount: 100 });
    const applied: string[] = [];
    // An incident projection that takes its time inside the transaction, so the two overlap.
    const slow = (): Projection => {
      const inner = new IncidentProjection();
      return {
        name: inner.name,
        tables: inner.tables,
        streamPrefixes: inner.streamPrefixes,
        async apply(manager, event) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          applied.push(event.id);
          await inner.apply(manager, event);
        },
      };
    };
    const [first, second] = await Promise.all([
      applyBatch(bed.dataSource, slow(), batch),
      applyBatch(otherSource, slow(), batch),
    ]);
    expect(applied).toHaveLength(batch.length);
    expect(first.checkpoint).toBe(batch[batch.length - 1].position);
    expect(second.checkpoint).toBe(batch[batch.length - 1].position);
    expect(await bed.dataSource.query('SELECT count(*)::int AS n FROM incidents')).toEqual([{ n: 5 }]);
  });

  it('lets a replica that applies nothing wait for its writes on the shared checkpoints', async () => {
    const otherSource = await secondConnection();
    const applier = await bed.startProjector(bed.dataSource, readModelProjections(), {
      leases: leasesOf(bed.dataSource),
    });
    const watcherLeases = leasesOf(otherSource);
    const watcher = await bed.startProjector(otherSource, readModelProjections(), {
      leases: watcherLeases,
      mayApply: false,
    });
    await until(() => applier.status().every((s) => s.state === 'live'));
    expect(watcher.status().every((s) => s.state === 'standby')).toBe(true);

    for (let i = 0; i < 20; i++) {
      const id = await report(`Watched ${i}`);
      const [last] = await bed.store.readAll({ direction: 'backwards', maxCount: 1 });
      expect(await watcher.waitForPosition(last.position, 5_000)).toBe(true);
      const rows: unknown[] = await otherSource.query('SELECT id FROM incidents WHERE id = $1', [id]);
      expect(rows).toHaveLength(1);
    }
  });

  it('never lets a process without the projector role take a lease, even when nobody holds it', async () => {
    const watcher = await bed.startProjector(bed.dataSource, readModelProjections(), {
      leases: leasesOf(bed.dataSource),
      mayApply: false,
      leaseRetryMs: 50,
    });
    await report('Nobody applies this');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(watcher.status().every((s) => s.state === 'standby' && s.checkpoint === null)).toBe(true);
  });
});
