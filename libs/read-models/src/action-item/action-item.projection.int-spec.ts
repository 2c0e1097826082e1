import { useProjectionTestbed } from '../testing/projection-testbed';
import type { DataSource } from 'typeorm';
import { actionItemStreamId } from '@kb/domain';
import { describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { ActionItemRow } from './action-item.entity';
import { ActionItemProjection } from './action-item.projection';

describeOnReadModelDatabases('action-item read model', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);

  const startProjector = (target: DataSource) => bed.startProjector(target, [new ActionItemProjection()]);

  async function writeItems() {
    const incidentId = await bed.writer.reportIncident({
      title: 'Checkout errors',
      kind: 'INCIDENT',
      severity: 'SEV2',
      services: ['checkout'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
    });
    await bed.writer.onIncident(incidentId, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'A config push removed the pool limit.',
    });
    const alert = await bed.writer.openActionItem(incidentId, {
      findingId: `${incidentId}:f1`,
      title: 'Alert on pool exhaustion',
      itemType: 'DETECT',
      priority: 'P2',
      ownerTeam: 'team-payments',
      assignee: 'ana',
      dueDate: '2026-03-15T00:00:00Z',
    });
    await bed.writer.onActionItem(alert, {
      type: 'UpdateActionItem',
      priority: 'P1',
      description: 'Page the on-call',
      dueDate: null,
    });
    await bed.writer.onActionItem(alert, { type: 'StartActionItem' });
    await bed.writer.onActionItem(alert, { type: 'CompleteActionItem', note: 'Live in all regions' });
    const review = await bed.writer.openActionItem(incidentId, {
      title: 'Review config pushes',
      itemType: 'PROCESS',
      priority: 'P3',
      ownerTeam: 'team-platform',
    });
    await bed.writer.onActionItem(review, { type: 'DropActionItem', reason: 'Superseded' });
    await bed.writer.onActionItem(review, { type: 'ReopenActionItem', note: 'Needed after all' });
    return { incidentId, alert, review };
  }

  it('projects action items written through the write side', async () => {
    const projector = await startProjector(bed.dataSource);
    const { incidentId, alert, review } = await writeItems();
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);

    const alertEvents = await bed.store.readStream(actionItemStreamId(alert));
    const opened = alertEvents[0].data as { openedAt: string };
    const completed = alertEvents[3].data as { completedAt: string };
    expect(await bed.dataSource.manager.findOneByOrFail(ActionItemRow, { id: alert })).toEqual({
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
      overdueFor: null,
      updatedAt: alertEvents[3].recordedAt.toISOString(),
    });
    expect(await bed.dataSource.manager.findOneByOrFail(ActionItemRow, { id: review })).toMatchObject({
      revision: 2,
      findingId: null,
      assignee: null,
      dueDate: null,
      status: 'OPEN',
      completedAt: null,
    });
  });

  it('stores a due date as ISO-8601 UTC with milliseconds', async () => {
    const projector = await startProjector(bed.dataSource);
    const { alert } = await writeItems();
    await bed.writer.onActionItem(alert, { type: 'ReopenActionItem' });
    await bed.writer.onActionItem(alert, { type: 'UpdateActionItem', dueDate: '2026-04-01T09:30:00+02:00' });
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await bed.dataSource.manager.findOneByOrFail(ActionItemRow, { id: alert })).toMatchObject({
      status: 'OPEN',
      completedAt: null,
      dueDate: '2026-04-01T07:30:00.000Z',
    });
  });

  it('gives the same rows rebuilt from position zero as projected live', async () => {
    const live = await startProjector(bed.dataSource);
    await writeItems();
    await expect(live.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    const rebuilt = await databases.open();
    const rebuild = await startProjector(rebuilt);
    await expect(rebuild.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    const rows = await dumpReadModels(bed.dataSource);
    expect(rows.action_items).toHaveLength(2);
    expect(await dumpReadModels(rebuilt)).toEqual(rows);
  });
});
