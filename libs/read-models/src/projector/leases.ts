import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Who may do a piece of work that exactly one process must do at a time (apply a projection,
 * deliver webhooks), when several processes share one read-model database.
 *
 * `tryAcquire` never waits: it says whether this process holds the lease now. A holder keeps it
 * until it releases it or its process (or its connection to the database) dies; then `onLost`
 * listeners hear of it and another process's next `tryAcquire` gets it.
 */
export interface Leases {
  /** Connects and listens for announcements (before any lease is asked for). */
  open(): Promise<void>;
  /** True when this process holds the lease named `name` now (taken now or held already). */
  tryAcquire(name: string): Promise<boolean>;
  /** Gives the lease up (no-op when not held). */
  release(name: string): Promise<void>;
  /** Called with the names of the leases lost at once (the database connection dropped). */
  onLost(listener: (names: readonly string[]) => void): void;
  /**
   * Tells the other processes how far projections have come (`name → position`), after commit;
   * best effort and coalesced. Ignored where there are no other processes.
   */
  announce(name: string, position: string): void;
  /** Called with the positions the other processes announce. */
  onAnnounced(listener: (name: string, position: string) => void): void;
  /** Whether other processes can share the database (PostgreSQL) or this one is alone (SQLite). */
  readonly shared: boolean;
  /** Releases every lease and closes the connection. */
  close(): Promise<void>;
}

/** The embedded database: one process, every lease is this process's, nothing to announce. */
export class LocalLeases implements Leases {
  readonly shared = false;
  async open(): Promise<void> {}
  async tryAcquire(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
  onLost(): void {}
  announce(): void {}
  onAnnounced(): void {}
  async close(): Promise<void> {}
}

/** The two-key advisory lock space of this product: leases are (LEASE_SPACE, hash of the name). */
const LEASE_SPACE = 0x6b62_0001;
/** Row locks of a projection's transactions: (ROWS_SPACE, hash of the name). See lockProjectionRows. */
const ROWS_SPACE = 0x6b62_0002;
/** The channel projection positions are announced on. */
const CHANNEL = 'kb_projection_positions';
/** How often the lease connection is checked: a dead one means every lease is lost. */
const HEARTBEAT_MS = 1_000;

interface PgClient {
  query(sql: string, parameters?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  removeAllListeners(event?: string): void;
}

interface Connection {
  readonly client: PgClient;
  /** Runs one statement after the ones before it: pg deprecates overlapping queries on one client. */
  readonly query: (sql: string, parameters?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;
  readonly release: (error?: unknown) => void;
  /** The read models' schema: leases and announcements of other schemas in the database are not ours. */
  readonly schema: string;
}

interface PostgresDriverLike {
  obtainMasterConnection(): Promise<[PgClient, (error?: unknown) => void]>;
}

/**
 * PostgreSQL session advisory locks, held on one connection of this process's own: when the process
 * dies, PostgreSQL ends the session and the locks are free at once. The same connection LISTENs for
 * and NOTIFYs projection positions, so read-your-writes holds on a replica that applies nothing.
 *
 * Losing the connection loses every lease: listeners are told, and the next `tryAcquire` opens a
 * new connection. A holder that has not noticed yet cannot apply anything twice: each projection
 * transaction also takes the rows lock (lockProjectionRows) and reads the stored checkpoint.
 */
export class PostgresAdvisoryLeases implements Leases {
  readonly shared = true;
  private readonly logger = new Logger('Leases');
  private connection: Promise<Connection> | undefined;
  private readonly held = new Set<string>();
  private readonly lostListeners: Array<(names: readonly string[]) => void> = [];
  private readonly announcedListeners: Array<(name: string, position: string) => void> = [];
  private readonly pending = new Map<string, string>();
  private announceScheduled = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly dataSource: DataSource) {}

  async open(): Promise<void> {
    await this.client();
  }

  async tryAcquire(name: string): Promise<boolean> {
    if (this.closed) return false;
    if (this.held.has(name)) return true;
    const { query } = await this.client();
    const { rows } = await query(
      'SELECT pg_try_advisory_lock($1, hashtext(current_schema() || $2)) AS taken',
      [LEASE_SPACE, `.${name}`],
    );
    const taken = rows[0]?.taken === true;
    if (taken) this.held.add(name);
    return taken;
  }

  async release(name: string): Promise<void> {
    if (!this.held.delete(name)) return;
    const connection = await this.connection;
    await connection
      ?.query('SELECT pg_advisory_unlock($1, hashtext(current_schema() || $2))', [LEASE_SPACE, `.${name}`])
      .catch(() => undefined);
  }

  onLost(listener: (names: readonly string[]) => void): void {
    this.lostListeners.push(listener);
  }

  onAnnounced(listener: (name: string, position: string) => void): void {
    this.announcedListeners.push(listener);
  }

  announce(name: string, position: string): void {
    if (this.closed) return;
    this.pending.set(name, position);
    if (this.announceScheduled) return;
    this.announceScheduled = true;
    // One NOTIFY for every position announced in the same turn of the event loop.
    setImmediate(() => {
      this.announceScheduled = false;
      const positions = [...this.pending].map(([n, p]) => `${n}=${p}`).join(';');
      this.pending.clear();
      void this.client()
        .then(({ query, schema }) => query('SELECT pg_notify($1, $2)', [CHANNEL, `${schema}|${positions}`]))
        .catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    const opened = await connection.catch(() => undefined);
    if (!opened) return;
    // Ending the session frees every advisory lock it holds.
    this.held.clear();
    opened.client.removeAllListeners('notification');
    await opened.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    opened.release();
  }

  private client(): Promise<Connection> {
    this.connection ??= this.connect();
    return this.connection;
  }

  private async connect(): Promise<Connection> {
    const driver = this.dataSource.driver as unknown as PostgresDriverLike;
    let opened: Connection;
    try {
      const [client, release] = await driver.obtainMasterConnection();
      const { rows } = await client.query('SELECT current_schema() AS schema').catch((error: unknown) => {
        release(error);
        throw error;
      });
      let last: Promise<unknown> = Promise.resolve();
      const query = (sql: string, parameters?: unknown[]) => {
        const next = last.then(() => client.query(sql, parameters));
        last = next.catch(() => undefined);
        return next;
      };
      opened = { client, query, release, schema: String(rows[0]?.schema) };
    } catch (error) {
      this.connection = undefined;
      throw error;
    }
    const { client } = opened;
    client.on('error', (error) => this.lose(opened, error));
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const bar = message.payload.indexOf('|');
      if (message.payload.slice(0, bar) !== opened.schema) return;
      for (const pair of message.payload.slice(bar + 1).split(';')) {
        const at = pair.lastIndexOf('=');
        if (at <= 0) continue;
        const name = pair.slice(0, at);
        const position = pair.slice(at + 1);
        for (const listener of this.announcedListeners) listener(name, position);
      }
    });
    try {
      await opened.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.lose(opened, error);
      throw error;
    }
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      opened.query('SELECT 1').catch((error: unknown) => this.lose(opened, error));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    return opened;
  }

  /** The connection is gone: so is every lease held on it. */
  private lose(opened: Connection, error: unknown): void {
    if (this.closed) return;
    const current = this.connection;
    this.connection = undefined;
    clearInterval(this.heartbeat);
    opened.client.removeAllListeners('notification');
    try {
      opened.release(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // Already released.
    }
    if (current === undefined && this.held.size === 0) return;
    const lost = [...this.held];
    this.held.clear();
    if (lost.length > 0)
      this.logger.warn(
        `Lost the database connection that held ${lost.join(', ')} (${error instanceof Error ? error.message : String(error)}); another process may take over.`,
      );
    for (const listener of this.lostListeners) listener(lost);
  }
}

/**
 * Serializes the transactions that write one projection's rows and checkpoint across processes
 * (PostgreSQL: a transaction advisory lock, freed at commit). Taken first in the transaction, so
 * the checkpoint read after it is the last committed one: no event is applied twice, whoever
 * thinks it holds the lease. On SQLite, one process and one connection serialize them already.
 */
export async function lockProjectionRows(manager: EntityManager, name: string): Promise<void> {
  if (manager.connection.options.type !== 'postgres') return;
  await manager.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || $2))', [
    ROWS_SPACE,
    `.${name}`,
  ]);
}

/** Leases fitting the read-model database: advisory locks on PostgreSQL, local on SQLite. */
export function leasesFor(dataSource: DataSource): Leases {
  return dataSource.options.type === 'postgres' ? new PostgresAdvisoryLeases(dataSource) : new LocalLeases();
}
