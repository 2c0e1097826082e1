import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';

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

  it('answers /health with the position of the last stored event', async () => {
    const empty = await fetch(`${baseUrl}/health`);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ status: 'ok', eventStore: { lastPosition: null } });

    const store = app.get<EventStore>(EVENT_STORE);
    const { position } = await store.appendToStream('incident-e2e', [
      { id: randomUUID(), type: 'Probe', data: {} },
    ]);
    const after = await fetch(`${baseUrl}/health`);
    expect(await after.json()).toEqual({ status: 'ok', eventStore: { lastPosition: position } });
  });

  it('keeps its events in an SQLite file under DATA_DIR', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dataDir, 'events.db'))).toBe(true);
  });
});
