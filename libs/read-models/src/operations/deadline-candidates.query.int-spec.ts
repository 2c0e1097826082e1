import type { Severity } from '@kb/domain';
import { ActionItemProjection } from '../action-item/action-item.projection';
import { ActionItemRow } from '../action-item/action-item.entity';
import { IncidentRow } from '../incident/incident.entity';
import { IncidentProjection } from '../incident/incident.projection';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { WriteSide } from '../testing/write-side.fixture';
import { deadlineCandidates } from './deadline-candidates.query';

/** The writer's clock starts on 2026-03-01 12:00; the scan looks at 2026-03-10. */
const SCAN_AT = new Date('2026-03-10T00:00:00.000Z');

describeOnReadModelDatabases('the deadline watcher’s candidates', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);

  async function incident(severity: Severity, resolvedAt: string | null, kind = 'INCIDENT') {
    const id = await bed.writer.reportIncident({
      title: `${severity} ${kind}`,
      kind,
      severity,
      services: ['checkout'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-02-01T08:00:00.000Z',
    });
    if (resolvedAt)
      await bed.writer.onIncident(id, { type: 'RecordMilestone', milestone: 'RESOLVED', at: resolvedAt });
    return id;
  }

  it('are the passed deadlines with nothing done and no reminder yet, earliest first, bounded', async () => {
    const projector = await bed.startProjector(bed.dataSource, [
      new IncidentProjection(),
      new ActionItemProjection(),
    ]);
    // Deadlines 5 days after resolution (the default policy).
    const dueFeb25 = await incident('SEV1', '2026-02-20T10:00:00.000Z');
    const dueFeb22 = await incident('SEV2', '2026-02-17T10:00:00.000Z');
    const dueMar06 = await incident('SEV2', '2026-03-01T10:00:00.000Z');
    await incident('SEV3', '2026-02-10T10:00:00.000Z'); // no deadline
    await incident('SEV1', '2026-02-10T10:00:00.000Z', 'NEAR_MISS'); // no deadline
    await incident('SEV1', null); // not resolved
    const published = await incident('SEV1', '2026-02-18T10:00:00.000Z');
    await bed.writer.onIncident(published, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'A config push.',
    });
    await bed.writer.onIncident(published, { type: 'PublishPostmortem', summary: 's', impact: 'i' });
    const reminded = await incident('SEV2', '2026-02-19T10:00:00.000Z');
    await bed.writer.onIncident(reminded, { type: 'RecordPostmortemOverdue' });

    const item = (dueDate: string | null) =>
      bed.writer.openActionItem(dueFeb25, {
        title: 'Add an alert',
        itemType: 'DETECT',
        priority: 'P2',
        ownerTeam: 'team-payments',
        dueDate,
      });
    const openLate = await item('2026-03-03T00:00:00.000Z');
    const startedLate = await item('2026-03-02T00:00:00.000Z');
    await bed.writer.onActionItem(startedLate, { type: 'StartActionItem' });
    const doneLate = await item('2026-03-02T00:00:00.000Z');
    await bed.writer.onActionItem(doneLate, { type: 'CompleteActionItem' });
    await item('2026-03-20T00:00:00.000Z'); // not due yet
    await item(null); // no due date
    const remindedItem = await item('2026-03-04T00:00:00.000Z');
    const movedItem = await item('2026-03-05T00:00:00.000Z');
    // Later: the reminders of two items, then one of them due again later (a new deadline, passed too).
    const later = new WriteSide(bed.store, '2026-03-08T00:00:00.000Z');
    await later.onActionItem(remindedItem, { type: 'RecordActionItemOverdue' });
    await later.onActionItem(movedItem, { type: 'RecordActionItemOverdue' });
    await later.onActionItem(movedItem, { type: 'UpdateActionItem', dueDate: '2026-03-09T00:00:00.000Z' });
    await expect(projector.waitForPosition(later.lastPosition, 10_000)).resolves.toBe(true);

    expect(await deadlineCandidates(bed.dataSource, SCAN_AT)).toEqual({
      incidentIds: [dueFeb22, dueFeb25, dueMar06],
      actionItemIds: [startedLate, openLate, movedItem],
    });
    expect(await deadlineCandidates(bed.dataSource, SCAN_AT, 1)).toEqual({
      incidentIds: [dueFeb22],
      actionItemIds: [startedLate],
    });
    // Only deadlines before the scan's instant.
    expect(await deadlineCandidates(bed.dataSource, new Date('2026-03-06T10:00:00.000Z'))).toEqual({
      incidentIds: [dueFeb22, dueFeb25],
      actionItemIds: [startedLate, openLate],
    });

    const rows = await bed.dataSource.manager.findBy(IncidentRow, {});
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(dueFeb25)).toMatchObject({
      postmortemDueAt: '2026-02-25T10:00:00.000Z',
      postmortemOverdueFor: null,
    });
    expect(byId.get(reminded)).toMatchObject({
      postmortemDueAt: '2026-02-24T10:00:00.000Z',
      postmortemOverdueFor: '2026-02-24T10:00:00.000Z',
    });
    expect(byId.get(published)?.postmortemDueAt).toBe('2026-02-23T10:00:00.000Z');
    expect(await bed.dataSource.manager.findOneByOrFail(ActionItemRow, { id: movedItem })).toMatchObject({
      dueDate: '2026-03-09T00:00:00.000Z',
      overdueFor: '2026-03-05T00:00:00.000Z',
    });
  });
});
