import { WebhookCheckpointRow } from '@kb/read-models';
import { describeOnReadModelDatabases } from '@kb/read-models/testing/read-model-databases';
import { pullBackWebhookCheckpoints } from './after-restore';

const at = (position: number) => position.toString().padStart(20, '0');

describeOnReadModelDatabases('after a restore, webhook checkpoints beyond the log', (databases) => {
  afterEach(() => databases.cleanup());

  it('are brought back to its end; the others stay where they are', async () => {
    const dataSource = await databases.open();
    const updatedAt = '2025-01-01T00:00:00.000Z';
    await dataSource.manager.insert(WebhookCheckpointRow, [
      { webhookId: 'behind', position: at(90), updatedAt },
      { webhookId: 'at-end', position: at(100), updatedAt },
      { webhookId: 'beyond', position: at(1234), updatedAt },
    ]);

    expect(await pullBackWebhookCheckpoints(dataSource, at(100))).toBe(1);

    const rows = await dataSource.manager.find(WebhookCheckpointRow, { order: { webhookId: 'ASC' } });
    expect(rows.map((row) => [row.webhookId, row.position])).toEqual([
      ['at-end', at(100)],
      ['behind', at(90)],
      ['beyond', at(100)],
    ]);
    expect(rows.find((row) => row.webhookId === 'beyond')!.updatedAt).not.toBe(updatedAt);
  });
});
