import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { apiKeyStreamId, type ApiKeyCommand, apiKeyStream } from '@kb/domain';
import { CommandExecutor } from '@kb/event-sourcing';
import { toProjectedEvent } from '../projector/projected-event';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { ApiKeyProjection } from './api-key.projection';
import { findApiKeyById, findApiKeyBySecretHash, listApiKeys } from './api-key.query';

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

describeOnReadModelDatabases('API key read model', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);
  let lastPosition = '';

  const startProjector = (target: DataSource) => bed.startProjector(target, [new ApiKeyProjection()]);

  async function onKey(apiKeyId: string, command: ApiKeyCommand, executor: CommandExecutor) {
    const outcome = await executor.execute(
      apiKeyStream,
      apiKeyId,
      command,
      { actor: 'key-admin-1', correlationId: 'req-api-keys' },
      command,
    );
    if (outcome.position) lastPosition = outcome.position;
  }

  /** Three keys a second apart: a portal (CONTRIBUTOR), a dashboard (VIEWER, revoked), an admin. */
  async function writeKeys() {
    let now = Date.parse('2026-03-01T12:00:00.000Z');
    const executor = new CommandExecutor(bed.store, () => new Date((now += 1000)));
    const ids = { portal: randomUUID(), dashboard: randomUUID(), admin: randomUUID() };
    const create = (apiKeyId: string, name: string, role: string, secret: string) =>
      onKey(apiKeyId, { type: 'CreateApiKey', apiKeyId, name, role, secretHash: hashOf(secret) }, executor);
    await create(ids.portal, 'Postmortem portal', 'CONTRIBUTOR', 'kb_portal');
    await create(ids.dashboard, 'Wall dashboard', 'VIEWER', 'kb_dashboard');
    await create(ids.admin, 'Ops admin', 'ADMIN', 'kb_admin');
    await onKey(ids.dashboard, { type: 'RevokeApiKey', apiKeyId: ids.dashboard }, executor);
    return ids;
  }

  it('lists every key oldest first, revoked ones with revokedAt, never with a secret hash', async () => {
    const projector = await startProjector(bed.dataSource);
    const ids = await writeKeys();
    await expect(projector.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);

    expect(await listApiKeys(bed.dataSource)).toEqual([
      {
        id: ids.portal,
        revision: 0,
        name: 'Postmortem portal',
        role: 'CONTRIBUTOR',
        createdAt: '2026-03-01T12:00:01.000Z',
        revokedAt: null,
      },
      {
        id: ids.dashboard,
        revision: 1,
        name: 'Wall dashboard',
        role: 'VIEWER',
        createdAt: '2026-03-01T12:00:02.000Z',
        revokedAt: '2026-03-01T12:00:04.000Z',
      },
      {
        id: ids.admin,
        revision: 0,
        name: 'Ops admin',
        role: 'ADMIN',
        createdAt: '2026-03-01T12:00:03.000Z',
        revokedAt: null,
      },
    ]);
    expect(await findApiKeyById(bed.dataSource, ids.admin)).toMatchObject({ name: 'Ops admin' });
    expect(await findApiKeyById(bed.dataSource, randomUUID())).toBeNull();
  });

  it('finds a key by the hash of its secret, revoked or not, and nothing for an unknown hash', async () => {
    const projector = await startProjector(bed.dataSource);
    const ids = await writeKeys();
    await expect(projector.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);

    expect(await findApiKeyBySecretHash(bed.dataSource, hashOf('kb_portal'))).toEqual({
      id: ids.portal,
      revision: 0,
      name: 'Postmortem portal',
      role: 'CONTRIBUTOR',
      createdAt: '2026-03-01T12:00:01.000Z',
      revokedAt: null,
      secretHash: hashOf('kb_portal'),
    });
    expect(await findApiKeyBySecretHash(bed.dataSource, hashOf('kb_dashboard'))).toMatchObject({
      id: ids.dashboard,
      revokedAt: '2026-03-01T12:00:04.000Z',
    });
    expect(await findApiKeyBySecretHash(bed.dataSource, hashOf('kb_nobody'))).toBeNull();
  });

  it('applies an event it has already applied without change', async () => {
    const projector = await startProjector(bed.dataSource);
    const ids = await writeKeys();
    await expect(projector.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);
    const before = await dumpReadModels(bed.dataSource);
    const projection = new ApiKeyProjection();
    for (const stored of await bed.store.readStream(apiKeyStreamId(ids.dashboard)))
      await bed.dataSource.transaction((manager) => projection.apply(manager, toProjectedEvent(stored)));
    expect(await dumpReadModels(bed.dataSource)).toEqual(before);
  });

  it('gives the same rows rebuilt from position zero as projected live', async () => {
    const live = await startProjector(bed.dataSource);
    await writeKeys();
    await expect(live.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);
    const rebuilt = await databases.open();
    const rebuild = await startProjector(rebuilt);
    await expect(rebuild.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);
    const rows = await dumpReadModels(bed.dataSource);
    expect(rows.api_keys).toHaveLength(3);
    expect(await dumpReadModels(rebuilt)).toEqual(rows);
  });
});
