import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEY_STREAM_PREFIX } from '@kb/domain';
import { EVENT_STORE, type EventStore, type StoredEvent } from '@kb/event-store';
import { Projector } from '@kb/read-models';
import { CreateApiKeyCommand } from '../src/api-keys/create-api-key/create-api-key.command';
import { apiKeyWrite } from '../src/api-keys/api-key.write';
import { AppModule } from '../src/app.module';
import { ApiKeyAuthenticator } from '../src/auth/api-key.authenticator';
import { loadConfig } from '../src/config/app-config';

/** Every message the app logs, to check that no secret is ever among them. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (message: unknown) => void this.lines.push(String(message));
  error = (message: unknown, ...rest: unknown[]) =>
    void this.lines.push([message, ...rest].map(String).join(' '));
  warn = (message: unknown) => void this.lines.push(String(message));
  debug = (message: unknown) => void this.lines.push(String(message));
  verbose = (message: unknown) => void this.lines.push(String(message));
}

describe('API keys in the running service (embedded store)', () => {
  jest.setTimeout(60_000);
  const dirs: string[] = [];
  const apps: INestApplication[] = [];
  let logger: CapturingLogger;

  const tempDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-api-keys-'));
    dirs.push(dir);
    return dir;
  };

  async function start(env: Record<string, string>): Promise<INestApplication> {
    logger = new CapturingLogger();
    const app = await NestFactory.create(AppModule.register(loadConfig(env)), { logger });
    apps.push(app);
    await app.init();
    return app;
  }

  async function stop(app: INestApplication) {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  const authenticate = (app: INestApplication, secret: string) =>
    app.get(ApiKeyAuthenticator).authenticate(`Bearer ${secret}`);

  const apiKeyEvents = (app: INestApplication): Promise<StoredEvent[]> =>
    app.get<EventStore>(EVENT_STORE).readAll({ filter: { streamPrefixes: [API_KEY_STREAM_PREFIX] } });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('without KB_BOOTSTRAP_API_KEY', () => {
    it('creates one ADMIN key on a fresh store and leaves its secret in a 0600 file, nowhere else', async () => {
      const dataDir = tempDataDir();
      const app = await start({ DATA_DIR: dataDir });
      const file = join(dataDir, 'bootstrap-api-key.txt');

      expect(statSync(file).mode & 0o777).toBe(0o600);
      const content = readFileSync(file, 'utf8');
      expect(content).toMatch(/^kb_[A-Za-z0-9_-]{43}\n$/);
      const secret = content.trim();
      expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

      // Works as soon as start-up is over: no waiting here.
      const principal = await authenticate(app, secret);
      expect(principal).toEqual({ apiKeyId: expect.any(String), role: 'ADMIN' });

      const events = await apiKeyEvents(app);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'ApiKeyCreated',
        data: { apiKeyId: principal!.apiKeyId, name: 'bootstrap', role: 'ADMIN' },
        metadata: { actor: 'system' },
      });
      expect(JSON.stringify(events[0])).not.toContain(secret);
      expect(logger.lines).toContain(
        `An ADMIN API key was created; its secret is in ${file} (readable only by this user)`,
      );
      expect(logger.lines.filter((line) => line.includes(secret))).toEqual([]);
    });

    it('creates no other key on the next start, and the first still works', async () => {
      const dataDir = tempDataDir();
      await stop(await start({ DATA_DIR: dataDir }));
      const file = join(dataDir, 'bootstrap-api-key.txt');
      const secret = readFileSync(file, 'utf8').trim();

      const again = await start({ DATA_DIR: dataDir });
      expect(await apiKeyEvents(again)).toHaveLength(1);
      expect(readFileSync(file, 'utf8').trim()).toBe(secret);
      expect(await authenticate(again, secret)).toMatchObject({ role: 'ADMIN' });
      expect(logger.lines.some((line) => line.includes('An ADMIN API key was created'))).toBe(false);
    });

    it('refuses to start rather than overwrite a secret file the store knows nothing of', async () => {
      const dataDir = tempDataDir();
      const file = join(dataDir, 'bootstrap-api-key.txt');
      writeFileSync(file, 'kb_left-over\n', { mode: 0o600 });
      await expect(start({ DATA_DIR: dataDir })).rejects.toThrow(
        `${file} already exists, but the event store holds no API key`,
      );
      expect(readFileSync(file, 'utf8')).toBe('kb_left-over\n');
    });
  });

  describe('with KB_BOOTSTRAP_API_KEY', () => {
    const chosen = 'a-long-operator-chosen-secret-0123456789';

    it('has an ADMIN key with that secret from start-up, once across restarts, and writes no file', async () => {
      const dataDir = tempDataDir();
      const app = await start({ DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: chosen });
      const principal = await authenticate(app, chosen);
      expect(principal).toEqual({ apiKeyId: expect.any(String), role: 'ADMIN' });
      expect(existsSync(join(dataDir, 'bootstrap-api-key.txt'))).toBe(false);
      expect(logger.lines.filter((line) => line.includes(chosen))).toEqual([]);
      await stop(app);

      const again = await start({ DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: chosen });
      const events = await apiKeyEvents(again);
      expect(events.map((e) => [e.type, e.metadata.actor])).toEqual([['ApiKeyCreated', 'system']]);
      expect(await authenticate(again, chosen)).toEqual(principal);
    });

    it('keeps the key revoked once it was revoked, across restarts', async () => {
      const dataDir = tempDataDir();
      const app = await start({ DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: chosen });
      const { apiKeyId } = (await authenticate(app, chosen))!;
      await app
        .get(CommandBus)
        .execute(
          apiKeyWrite({ type: 'RevokeApiKey', apiKeyId }, { actor: apiKeyId, correlationId: 'test' }, {}),
        );
      await stop(app);

      const again = await start({ DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: chosen });
      expect(await authenticate(again, chosen)).toBeNull();
      expect((await apiKeyEvents(again)).map((e) => e.type)).toEqual(['ApiKeyCreated', 'ApiKeyRevoked']);
      expect(logger.lines.some((line) => line.includes('stays revoked'))).toBe(true);
    });
  });

  it('authenticates a created VIEWER key as VIEWER until it is revoked', async () => {
    const app = await start({ DATA_DIR: tempDataDir() });
    const bus = app.get(CommandBus);
    const projector = app.get(Projector);
    const admin = { actor: 'key-admin', correlationId: 'req-1' };

    const created = await bus.execute(
      new CreateApiKeyCommand({ name: ' Wall dashboard ', role: 'VIEWER' }, admin),
    );
    expect(created).toMatchObject({
      entityId: expect.any(String),
      state: { exists: true, name: 'Wall dashboard', role: 'VIEWER', revokedAt: null },
      secret: expect.stringMatching(/^kb_/),
    });
    expect(JSON.stringify(created.events)).not.toContain(created.secret);
    await expect(projector.waitForPosition(created.position!, 10_000)).resolves.toBe(true);
    expect(await authenticate(app, created.secret)).toEqual({ apiKeyId: created.entityId, role: 'VIEWER' });

    const revoked = await bus.execute(
      apiKeyWrite({ type: 'RevokeApiKey', apiKeyId: created.entityId }, admin, {}),
    );
    expect(revoked.state).toMatchObject({ revokedAt: expect.any(String) });
    await expect(projector.waitForPosition(revoked.position!, 10_000)).resolves.toBe(true);
    expect(await authenticate(app, created.secret)).toBeNull();

    // Revoking again changes nothing and succeeds.
    const again = await bus.execute(
      apiKeyWrite({ type: 'RevokeApiKey', apiKeyId: created.entityId }, admin, {}),
    );
    expect(again).toMatchObject({ position: null, events: [], state: revoked.state });
    const stored = await apiKeyEvents(app);
    expect(
      stored.filter((e) => e.streamId === `api-key-${created.entityId}`).map((e) => e.metadata.actor),
    ).toEqual(['key-admin', 'key-admin']);
  });
});
