import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SubscriptionMessage } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

/** What the embedded store promises beyond the shared contract: group commit, durability, other writers. */
describe('embedded SQLite store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-events-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const event = (i: number) => ({ id: randomUUID(), type: 'Happened', data: { i } });

  it('writes concurrent appends in group commits: 32 writers pay about one commit per round', async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    const rounds = 20;
    await Promise.all(
      Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; i < rounds; i++) await store.appendToStream(`s-${w}`, [event(i)]);
      }),
    );
    const { commits, writes } = store.stats();
    expect(writes).toBe(32 * rounds);
    expect(commits).toBeLessThanOrEqual(rounds * 2);
    for (let w = 0; w < 32; w++) expect(await store.readStream(`s-${w}`)).toHaveLength(rounds);
    await store.close();
  });

  it('tells onCommit of each group commit: its writes and how long it took', async () => {
    const commits: Array<{ writes: number; seconds: number }> = [];
    const store = SqliteEventStore.open({
      file: join(dir, 'events.db'),
      onCommit: (writes, seconds) => commits.push({ writes, seconds }),
    });
    await Promise.all(Array.from({ length: 16 }, (_, w) => store.appendToStream(`s-${w}`, [event(w)])));
    await store.appendToStream('s-0', [event(99)], { expectedRevision: 5 }).catch(() => undefined);
    expect(commits.length).toBe(store.stats().commits);
    expect(commits.reduce((sum, commit) => sum + commit.writes, 0)).toBe(17);
    expect(commits[0].writes).toBeGreaterThan(1);
    for (const commit of commits) expect(commit.seconds).toBeGreaterThan(0);
    await store.close();
  });

  it('checks every append of a group commit against its own expected revision', async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    const results = await Promise.allSettled([
      store.appendToStream('a', [event(1)], { expectedRevision: 'no_stream' }),
      store.appendToStream('a', [event(2)], { expectedRevision: 0 }),
      store.appendToStream('a', [event(3)], { expectedRevision: 0 }),
      store.appendToStream('b', [event(4)], { expectedRevision: 3 }),
      store.appendToStream('c', [event(5)], { expectedRevision: 'no_stream' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(store.stats().commits).toBe(1);
    expect((await store.readStream('a')).map((e) => e.data)).toEqual([{ i: 1 }, { i: 2 }]);
    await store.close();
  });

  it('loses no acknowledged append when the process is killed mid-write (SIGKILL)', async () => {
    const file = join(dir, 'events.db');
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../test/append-until-killed.ts'), file],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' } },
    );
    const acknowledged: string[] = [];
    const lines = createInterface({ input: child.stdout });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      lines.on('line', (line) => {
        acknowledged.push(line);
        if (acknowledged.length === 2000) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          child.once('exit', () => resolve());
        }
      });
    });
    const store = SqliteEventStore.open({ file });
    const stored = new Set<string>();
    for (let page = await store.readAll(); page.length > 0;) {
      page.forEach((e) => stored.add(e.id));
      page = await store.readAll({ fromPosition: page[page.length - 1].position });
    }
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    await store.close();
  });

  it('wakes its subscriptions for events another process (connection) commits to the same file', async () => {
    const file = join(dir, 'events.db');
    const reader = SqliteEventStore.open({ file, pollIntervalMs: 20 });
    const writer = SqliteEventStore.open({ file });
    const subscription = reader.subscribeToAll();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const message of subscription as AsyncIterable<SubscriptionMessage>) {
        if (message.kind === 'event') seen.push(message.event.id);
        if (seen.length === 3) break;
      }
    })();
    const written = [event(1), event(2), event(3)];
    for (const e of written) await writer.appendToStream('other', [e]);
    await Promise.race([
      reading,
      new Promise((_, reject) => setTimeout(() => reject(new Error('not woken')), 5000)),
    ]);
    expect(seen).toEqual(written.map((e) => e.id));
    await subscription.close();
    await writer.close();
    await reader.close();
  });

  it('keeps expected revisions right when two connections write the same stream in turn', async () => {
    const file = join(dir, 'events.db');
    const a = SqliteEventStore.open({ file });
    const b = SqliteEventStore.open({ file });
    await a.appendToStream('shared', [event(0)], { expectedRevision: 'no_stream' });
    await b.appendToStream('shared', [event(1)], { expectedRevision: 0 });
    await expect(a.appendToStream('shared', [event(2)], { expectedRevision: 0 })).rejects.toMatchObject({
      actual: 1,
    });
    await a.appendToStream('shared', [event(2)], { expectedRevision: 1 });
    await b.appendToStream('shared', [event(3)], { expectedRevision: 2 });
    expect((await a.readStream('shared')).map((e) => e.data)).toEqual([
      { i: 0 },
      { i: 1 },
      { i: 2 },
      { i: 3 },
    ]);
    await a.close();
    await b.close();
  });

  it('refuses every call once closed, with an error that says so', async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    await store.close();
    await expect(store.appendToStream('a', [event(1)])).rejects.toThrow('closed');
    await expect(store.readStream('a')).rejects.toThrow('closed');
  });

  it('reads far behind the head through a rare filter in windows, the event loop free between', async () => {
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    // 100,000 events of incidents, then one of an API key: a filter on API keys matches nothing for
    // 100,000 positions, which one statement would scan with the event loop held.
    for (let batch = 0; batch < 100; batch++)
      await store.appendToStream(
        `incident-${batch}`,
        Array.from({ length: 1_000 }, (_, i) => event(i)),
      );
    await store.appendToStream('api-key-1', [event(0)]);
    const filter = { streamPrefixes: ['api-key-'] };

    /** Runs `work` and counts the turns the event loop made meanwhile (other callbacks served). */
    async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
      let turns = 0;
      let running = true;
      const tick = () => {
        if (!running) return;
        turns += 1;
        setImmediate(tick);
      };
      setImmediate(tick);
      const result = await work();
      running = false;
      return { result, turns };
    }

    const read = await turnsDuring(() => store.readAll({ filter }));
    expect(read.result.map((e) => e.streamId)).toEqual(['api-key-1']);
    expect(read.turns).toBeGreaterThanOrEqual(4); // 5 windows of 20,000 positions

    const subscription = store.subscribeToAll({ filter });
    const followed = await turnsDuring(async () => {
      for await (const message of subscription) if (message.kind === 'event') return message.event.streamId;
      return null;
    });
    await subscription.close();
    expect(followed.result).toBe('api-key-1');
    expect(followed.turns).toBeGreaterThanOrEqual(4);

    // Up to maxCount across windows, in order.
    await store.appendToStream('api-key-2', [event(0)]);
    expect((await store.readAll({ filter, maxCount: 1 })).map((e) => e.streamId)).toEqual(['api-key-1']);
    expect((await store.readAll({ filter })).map((e) => e.streamId)).toEqual(['api-key-1', 'api-key-2']);
    await store.close();
  }, 60_000);
});
