import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { describeOnPostgres } from '@kb/read-models/testing/describe-on-postgres';
import { LocalLeases, PostgresAdvisoryLeases } from './leases';

const waitFor = async (condition: () => boolean, ms = 5_000) => {
  for (const start = Date.now(); !condition();) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 20));
  }
};

describe('LocalLeases', () => {
  it('grants every lease to the one process there is', async () => {
    const leases = new LocalLeases();
    expect(await leases.tryAcquire()).toBe(true);
    expect(leases.shared).toBe(false);
  });
});

describeOnPostgres('PostgresAdvisoryLeases', (url) => {
  const sources: DataSource[] = [];
  const open = async (schema: string) => {
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      extra: { options: `-c search_path=${schema}`, max: 3 },
    });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    sources.push(dataSource);
    return new PostgresAdvisoryLeases(dataSource);
  };
  const schema = `leases_${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    await sources[0]?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const dataSource of sources) await dataSource.destroy();
  });

  it('gives a lease to one process at a time, and to another once released or its holder is gone', async () => {
    const a = await open(schema);
    const b = await open(schema);
    const lost: string[][] = [];
    a.onLost((names) => lost.push([...names]));

    expect(await a.tryAcquire('incidents')).toBe(true);
    expect(await a.tryAcquire('incidents')).toBe(true); // held already
    expect(await b.tryAcquire('incidents')).toBe(false);
    expect(await b.tryAcquire('search')).toBe(true);
    expect(await a.tryAcquire('search')).toBe(false);

    await b.release('search');
    expect(await a.tryAcquire('search')).toBe(true);

    // The holder's session ends (its process died, or the network): the leases are free at once, and
    // the holder hears that it lost them.
    // (Only the session holding this schema's 'incidents' lease: other tests share the server.)
    const [{ terminated }] = await sources[1].query(
      `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = $1
          AND objid::bigint = (hashtext($2)::bigint + 4294967296) % 4294967296`,
      [0x6b62_0001, `${schema}.incidents`],
    );
    expect(terminated).toBe(1);
    await waitFor(() => lost.length > 0);
    expect(lost[0].sort()).toEqual(['incidents', 'search']);
    expect(await b.tryAcquire('incidents')).toBe(true);
    expect(await a.tryAcquire('incidents')).toBe(false); // reconnects, and finds it taken

    await b.close();
    expect(await a.tryAcquire('incidents')).toBe(true);
    await a.close();
  });

  it('keeps the leases of different schemas apart, and announces positions within a schema only', async () => {
    const here = await open(schema);
    const alsoHere = await open(schema);
    const elsewhere = await open(`${schema}_other`);
    const heard: string[] = [];
    const heardElsewhere: string[] = [];
    await here.open();
    await elsewhere.open();
    here.onAnnounced((name, position) => heard.push(`${name}=${position}`));
    elsewhere.onAnnounced((name, position) => heardElsewhere.push(`${name}=${position}`));

    expect(await alsoHere.tryAcquire('incidents')).toBe(true);
    expect(await elsewhere.tryAcquire('incidents')).toBe(true);

    alsoHere.announce('incidents', '0000000000000042');
    alsoHere.announce('search', '0000000000000041');
    await waitFor(() => heard.length === 2);
    expect(heard.sort()).toEqual(['incidents=0000000000000042', 'search=0000000000000041']);
    await new Promise((done) => setTimeout(done, 200));
    expect(heardElsewhere).toEqual([]);
    await sources[sources.length - 1].query(`DROP SCHEMA IF EXISTS ${schema}_other CASCADE`);
    for (const leases of [here, alsoHere, elsewhere]) await leases.close();
  });
});
