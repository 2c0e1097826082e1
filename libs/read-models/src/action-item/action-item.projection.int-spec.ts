import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { actionItemStreamId } from '@kb/domain';
import { SqliteEventStore } from '@kb/event-store';
import { Projector } from '../projector/projector';
import { describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { WriteSide } from '../testing/write-side.fixture';
import { ActionItemRow } from './action-item.entity';
import { ActionItemProjection } from './action-item.projection';

describeOnReadModelDatabases('action-item read model', (databases) => {
  jest.setTimeout(30_000);
  let dir: string;
  let store: SqliteEventStore;
  let dataSource: DataSource;
  let writer: WriteSide;
  const projectors: Projector[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-action-item-rm-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    dataSource = await databases.open();
    writer = new WriteSide(store);
  });
  afterEach(async () => {
    for (const projector of projectors.splice(0)) await projector.stop();
    await store.close();
    await databases.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const startProjector = async (target: DataSource) => {
    const projector = new Projector(store, target, [new ActionItemProjection()]);
    projectors.push(projector);
    await projector.start();
    return projector;
  };

  async function writeItems() {
    const incidentId = await writer.reportIncident({
      title: 'Checkout errors',
      kind: 'INCIDENT',
      severity: 'SEV2',
      services: ['checkout'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
    });
    await writer.onIncident(incidentId, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'A config push removed the pool limit.',
    });
    const alert = await writer.openActionItem(incidentId, {
      findingId: `${incidentId}:f1`,
      title: 'Alert on pool exhaustion',
      itemType: 'DETECT',
      priority: 'P2',
      ownerTeam: 'team-payments',
      assignee: 'ana',
      dueDate: '2026-03-15T00:00:00Z',
    });
    await writer.onActionItem(alert, {
      type: 'UpdateActionItem',
      priority: 'P1',
      description: 'Page the on-call',
      dueDate: null,
    });
    await writer.onActionItem(alert, { type: 'StartActionItem' });
    await writer.onActionItem(alert, { type: 'CompleteActionItem', note: 'Live in all regions' });
    const review = await writer.openActionItem(incidentId, {
      title: 'Review config pushes',
      itemType: 'PROCESS',
      priority: 'P3',
      ownerTeam: 'team-platform',
    });
    await writer.onActionItem(review, { type: 'DropActionItem', reason: 'Superseded' });
    await writer.onActionItem(review, { type: 'ReopenActionItem', note: 'Needed after all' });
    return { incidentId, alert, review };
  }

  it('projects action items written through the write side', async () => {
    const projector = await startProjector(dataSource);
    const { incidentId, alert, review } = await writeItems();
    await expect(projector.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);

    const alertEvents = await store.readStream(actionItemStreamId(alert));
    const opened = alertEvents[0].data as { openedAt: string };
    const completed = alertEvents[3].data as { completedAt: string };
    expect(await dataSource.manager.findOneByOrFail(ActionItemRow, { id: alert })).toEqual({
      id: alert,
      revision: 3,
      incidentId,
      findingId: `${incidentId}:f1`,
      title: 'Alert on pool exhaustion',
      description: 'Page the on-call',
      type: 'DETECT',
      priority: 'P1',
      ownerTeam: 'team-payments',
      assignee: 'ana',
      dueDate: null,
      status: 'DONE',
      openedAt: opened.openedAt,
      completedAt: completed.completedAt,
      updatedAt: alertEvents[3].recordedAt.toISOString(),
    });
    expect(await dataSource.manager.findOneByOrFail(ActionItemRow, { id: review })).toMatchObject({
      revision: 2,
      findingId: null,
      assignee: null,
      dueDate: null,
      status: 'OPEN',
      completedAt: null,
    });
  });

  it('stores a due date as ISO-8601 UTC with milliseconds', async () => {
    const projector = await startProjector(dataSource);
    const { alert } = await writeItems();
    await writer.onActionItem(alert, { type: 'ReopenActionItem' });
    await writer.onActionItem(alert, { type: 'UpdateActionItem', dueDate: '2026-04-01T09:30:00+02:00' });
    await expect(projector.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await dataSource.manager.findOneByOrFail(ActionItemRow, { id: alert })).toMatchObject({
      status: 'OPEN',
      completedAt: null,
      dueDate: '2026-04-01T07:30:00.000Z',
    });
  });

  it('gives the same rows rebuilt from position zero as projected live', async () => {
    const live = await startProjector(dataSource);
    await writeItems();
    await expect(live.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);
    const rebuilt = await databases.open();
    const rebuild = await startProjector(rebuilt);
    await expect(rebuild.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);
    const rows = await dumpReadModels(dataSource);
    expect(rows.action_items).toHaveLength(2);
    expect(await dumpReadModels(rebuilt)).toEqual(rows);
  });
});
