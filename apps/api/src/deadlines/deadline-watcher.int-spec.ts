import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { incidentStream, actionItemStream, type IncidentCommand, type ActionItemCommand } from '@kb/domain';
import { CommandExecutor, SYSTEM_ACTOR, type CommandContext } from '@kb/event-sourcing';
import { openEventStore, type EventStore } from '@kb/event-store';
import { reminderEventId } from './deadline-watcher';

const DAY = 86_400_000;
const NOW = new Date('2026-03-20T12:00:00.000Z');
const user = { actor: 'key-1', correlationId: 'c' };
const system = (): CommandContext => ({
  actor: SYSTEM_ACTOR,
  correlationId: randomUUID(),
  eventIdOf: reminderEventId,
});

/**
 * What the lease is a backstop for: two writers (two stores on one file, two executors, as two
 * processes) deciding the same reminder at the same moment. The derived event id and the expected
 * revision leave exactly one reminder in the stream, whichever wins.
 */
describe('reminders decided by two processes at once', () => {
  let dir: string;
  let stores: EventStore[];
  let executors: CommandExecutor[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-deadlines-'));
    const file = join(dir, 'events.db');
    stores = [openEventStore({ kind: 'embedded', file }), openEventStore({ kind: 'embedded', file })];
    executors = stores.map((store) => new CommandExecutor(store, () => NOW));
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function lateIncident(): Promise<string> {
    const incidentId = randomUUID();
    const run = (command: IncidentCommand) =>
      executors[0].execute(incidentStream, incidentId, command, user, command);
    await run({
      type: 'ReportIncident',
      incidentId,
      title: 'Checkout down',
      kind: 'INCIDENT',
      severity: 'SEV1',
      services: ['checkout'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: new Date(NOW.getTime() - 10 * DAY).toISOString(),
    });
    await run({
      type: 'RecordMilestone',
      incidentId,
      milestone: 'RESOLVED',
      at: new Date(NOW.getTime() - 9 * DAY).toISOString(),
    });
    return incidentId;
  }

  it('leaves one PostmortemOverdue and one ActionItemOverdue, with the derived ids, in 20 races', async () => {
    for (let race = 0; race < 20; race++) {
      const incidentId = await lateIncident();
      const actionItemId = randomUUID();
      const { state: incident } = await executors[0].load(incidentStream, incidentId);
      const open: ActionItemCommand = {
        type: 'OpenActionItem',
        actionItemId,
        incident,
        actionItemsOfIncident: 0,
        incidentId,
        title: 'Alert on pool exhaustion',
        itemType: 'DETECT',
        priority: 'P2',
        ownerTeam: 'payments',
        dueDate: NOW.toISOString(),
      };
      await new CommandExecutor(stores[0], () => new Date(NOW.getTime() - DAY)).execute(
        actionItemStream,
        actionItemId,
        open,
        user,
        open,
      );
      const later = (executor: number) =>
        new CommandExecutor(stores[executor], () => new Date(NOW.getTime() + 1));

      const outcomes = await Promise.allSettled(
        [0, 1].flatMap((i) => [
          later(i).execute(
            incidentStream,
            incidentId,
            { type: 'RecordPostmortemOverdue', incidentId },
            system(),
            {},
          ),
          later(i).execute(
            actionItemStream,
            actionItemId,
            { type: 'RecordActionItemOverdue', actionItemId },
            system(),
            {},
          ),
        ]),
      );
      // Each writer either wrote (or found its own write there) or was refused after the other's.
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') expect(String(outcome.reason)).toMatch(/already recorded overdue/);

      const incidentEvents = await stores[1].readStream(`incident-${incidentId}`);
      const itemEvents = await stores[1].readStream(`action-item-${actionItemId}`);
      const reminders = [...incidentEvents, ...itemEvents].filter((e) => e.type.endsWith('Overdue'));
      expect(reminders.map((e) => e.type).sort()).toEqual(['ActionItemOverdue', 'PostmortemOverdue']);
      for (const reminder of reminders) {
        expect(reminder.id).toBe(reminderEventId(reminder));
        expect(reminder.metadata.actor).toBe(SYSTEM_ACTOR);
      }
    }
  });
});
