import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { Projector } from '@kb/read-models';
import { reportIncidentWrite } from '../src/incidents/report-incident/report-incident.resolver';
import { READ_MODEL_DATA_SOURCE } from '../src/read-side/read-side.module';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { HEALTH_STATUS_TTL_MS } from '../src/health/health.controller';

interface HealthBody {
  status?: string;
  reason?: string;
  eventStore?: { lastPosition: string | null };
}

describe('the API on the embedded default (over HTTP)', () => {
  let app: INestApplication;
  let baseUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kb-api-'));
    app = await NestFactory.create(AppModule.register(loadConfig({ DATA_DIR: dataDir })), { logger: false });
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health with the last stored position and how far each projection is', async () => {
    // At start-up the store holds one event, the bootstrap ADMIN key, projected before the service listens.
    const store = app.get<EventStore>(EVENT_STORE);
    const [bootstrapKey] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(bootstrapKey).toMatchObject({ type: 'ApiKeyCreated' });
    const started = await fetch(`${baseUrl}/health`);
    expect(started.status).toBe(200);
    const body = (await started.json()) as { status: string; eventStore: unknown; projections: unknown[] };
    expect(body).toMatchObject({ status: 'ok', eventStore: { lastPosition: bootstrapKey.position } });
    expect(body.projections).toEqual(
      [
        'incidents',
        'action-items',
        'search',
        'incident-facts',
        'api-keys',
        'webhooks',
        'action-item-history',
      ].map((name) => ({
        name,
        checkpoint: bootstrapKey.position,
        state: expect.stringMatching(/^(catching-up|live)$/),
        lastError: null,
        deadLetters: 0,
        lag: 0,
      })),
    );

    const { position } = await store.appendToStream('other-e2e', [
      { id: randomUUID(), type: 'Probe', data: {} },
    ]);
    // The status is computed at most once a second: the new position shows within about a second.
    const after = await healthWhen((health) => health.body.eventStore?.lastPosition === position);
    expect(after.body.eventStore).toEqual({ lastPosition: position });
  });

  it('computes the status once for a flood of concurrent /health calls', async () => {
    await new Promise((resolve) => setTimeout(resolve, HEALTH_STATUS_TTL_MS + 50)); // the last one expired
    const computations = jest.spyOn(app.get(Projector), 'statusWithLag');
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, () => fetch(`${baseUrl}/health`)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(200).fill(200));
      expect(computations).toHaveBeenCalledTimes(1);
    } finally {
      computations.mockRestore();
    }
  });

  it('turns 503 within about a second of the event store failing, and back once it answers', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    const failing = jest.spyOn(store, 'readAll').mockRejectedValue(new Error('disk I/O error'));
    try {
      const down = await healthWhen((health) => health.status === 503);
      expect(down.body).toEqual({
        status: 'unavailable',
        reason: 'The event store does not answer: disk I/O error',
      });
    } finally {
      failing.mockRestore();
    }
    const up = await healthWhen((health) => health.status === 200);
    expect(up.body).toMatchObject({ status: 'ok' });
  });

  /** Asks /health until `done` says yes, for up to three of its cache's seconds. */
  async function healthWhen(
    done: (health: { status: number; body: HealthBody }) => boolean,
  ): Promise<{ status: number; body: HealthBody }> {
    const until = Date.now() + 3 * HEALTH_STATUS_TTL_MS;
    for (;;) {
      const response = await fetch(`${baseUrl}/health`);
      const health = { status: response.status, body: (await response.json()) as HealthBody };
      if (done(health) || Date.now() > until) return health;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('projects what a command writes into the read models (read-your-writes)', async () => {
    const outcome = await app.get(CommandBus).execute(
      reportIncidentWrite(
        {
          title: 'Search latency during reindex',
          kind: 'NEAR_MISS',
          severity: 'SEV4',
          services: ['search'],
          detectionSource: 'INTERNAL_REPORT',
          startedAt: new Date(Date.now() - 60_000).toISOString(),
        },
        { actor: 'system', correlationId: 'e2e' },
      ),
    );
    expect(await app.get(Projector).waitForPosition(outcome.position!, 5_000)).toBe(true);
    const rows: unknown = await app
      .get<DataSource>(READ_MODEL_DATA_SOURCE)
      .query('SELECT id, title, kind FROM incidents WHERE id = ?', [outcome.entityId]);
    expect(rows).toEqual([
      { id: outcome.entityId, title: 'Search latency during reindex', kind: 'NEAR_MISS' },
    ]);
  });

  it('keeps its events and read models in SQLite files under DATA_DIR', () => {
    expect(existsSync(join(dataDir, 'events.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'read-models.db'))).toBe(true);
  });
});
