import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { webhookStreamId, type WebhookCommand, webhookStream } from '@kb/domain';
import { CommandExecutor } from '@kb/event-sourcing';
import { toProjectedEvent } from '../projector/projected-event';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { WebhookProjection } from './webhook.projection';
import { findWebhookById, listWebhooks } from './webhook.query';

const secretOf = (name: string) => `whsec_${name.padEnd(43, 'A')}=`;

describeOnReadModelDatabases('webhook read model', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);
  let lastPosition = '';
  const positions: Record<string, string> = {};

  const startProjector = (target: DataSource) => bed.startProjector(target, [new WebhookProjection()]);

  async function onWebhook(webhookId: string, command: WebhookCommand, executor: CommandExecutor) {
    const outcome = await executor.execute(
      webhookStream,
      webhookId,
      command,
      { actor: 'key-admin-1', correlationId: 'req-webhooks' },
      command,
    );
    if (outcome.position) {
      lastPosition = outcome.position;
      if (command.type === 'CreateWebhook') positions[webhookId] = outcome.position;
    }
  }

  /** Three webhooks a second apart: chat (two types), pager (all, deleted later), archive (all). */
  async function writeWebhooks() {
    let now = Date.parse('2026-03-01T12:00:00.000Z');
    const executor = new CommandExecutor(bed.store, () => new Date((now += 1000)));
    const ids = { chat: randomUUID(), pager: randomUUID(), archive: randomUUID() };
    const create = (webhookId: string, url: string, eventTypes: string[], name: string) =>
      onWebhook(
        webhookId,
        { type: 'CreateWebhook', webhookId, url, eventTypes, secret: secretOf(name), allowPlainHttp: true },
        executor,
      );
    await create(
      ids.chat,
      'https://chat.example.com/kb',
      ['IncidentReported', 'PostmortemPublished'],
      'chat',
    );
    await create(ids.pager, 'https://pager.example.com/hook', [], 'pager');
    await create(ids.archive, 'http://localhost:9000/archive', [], 'archive');
    await onWebhook(ids.pager, { type: 'DeleteWebhook', webhookId: ids.pager }, executor);
    await onWebhook(ids.pager, { type: 'DeleteWebhook', webhookId: ids.pager }, executor); // writes nothing
    return ids;
  }

  it('lists the webhooks that are not deleted, oldest first, with where they were created in the log', async () => {
    const projector = await startProjector(bed.dataSource);
    const ids = await writeWebhooks();
    await expect(projector.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);

    expect(await listWebhooks(bed.dataSource)).toEqual([
      {
        id: ids.chat,
        revision: 0,
        url: 'https://chat.example.com/kb',
        eventTypes: ['IncidentReported', 'PostmortemPublished'],
        createdAt: '2026-03-01T12:00:01.000Z',
        createdPosition: positions[ids.chat],
        deletedAt: null,
      },
      {
        id: ids.archive,
        revision: 0,
        url: 'http://localhost:9000/archive',
        eventTypes: [],
        createdAt: '2026-03-01T12:00:03.000Z',
        createdPosition: positions[ids.archive],
        deletedAt: null,
      },
    ]);
    expect(await findWebhookById(bed.dataSource, ids.pager)).toEqual({
      id: ids.pager,
      revision: 1,
      url: 'https://pager.example.com/hook',
      eventTypes: [],
      createdAt: '2026-03-01T12:00:02.000Z',
      createdPosition: positions[ids.pager],
      deletedAt: '2026-03-01T12:00:04.000Z',
    });
    expect(await findWebhookById(bed.dataSource, randomUUID())).toBeNull();
  });

  it('never holds a signing secret, in any column', async () => {
    const projector = await startProjector(bed.dataSource);
    await writeWebhooks();
    await expect(projector.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);
    const rows = await bed.dataSource.query('SELECT * FROM webhooks');
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toContain('whsec_');
  });

  it('applies an event it has already applied without change', async () => {
    const projector = await startProjector(bed.dataSource);
    const ids = await writeWebhooks();
    await expect(projector.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);
    const before = await dumpReadModels(bed.dataSource);
    const projection = new WebhookProjection();
    for (const stored of await bed.store.readStream(webhookStreamId(ids.pager)))
      await bed.dataSource.transaction((manager) => projection.apply(manager, toProjectedEvent(stored)));
    expect(await dumpReadModels(bed.dataSource)).toEqual(before);
  });

  it('gives the same rows rebuilt from position zero as projected live', async () => {
    const live = await startProjector(bed.dataSource);
    await writeWebhooks();
    await expect(live.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);
    const rebuilt = await databases.open();
    const rebuild = await startProjector(rebuilt);
    await expect(rebuild.waitForPosition(lastPosition, 10_000)).resolves.toBe(true);
    const rows = await dumpReadModels(bed.dataSource);
    expect(rows.webhooks).toHaveLength(3);
    expect(await dumpReadModels(rebuilt)).toEqual(rows);
  });
});
