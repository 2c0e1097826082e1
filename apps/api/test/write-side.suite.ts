import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  ConcurrencyConflictError,
  DomainRuleError,
  EntityNotFoundError,
  findingIdOf,
  incidentStreamId,
} from '@kb/domain';
import { EventStoreModule, type EventStore, type StoredEvent } from '@kb/event-store';
import { ActionItemsModule } from '../src/action-items/action-items.module';
import { OpenActionItemCommand } from '../src/action-items/open-action-item/open-action-item.command';
import { actionItemTransition } from '../src/action-items/transition-action-item/transition-action-item.resolver';
import { actionItemWrite } from '../src/action-items/action-item.write';
import { CLOCK, CommandExecutor, fieldsOf, type Caller, type WriteOptions } from '@kb/event-sourcing';
import { IncidentsModule } from '../src/incidents/incidents.module';
import { incidentStream, type IncidentCommand } from '@kb/domain';
import { incidentWrite, type IncidentInput } from '../src/incidents/incident.write';
import { LinkIncidentsCommand } from '../src/incidents/link-incidents/link-incidents.command';
import { reportIncidentWrite } from '../src/incidents/report-incident/report-incident.resolver';
import { READ_MODEL_DATA_SOURCE } from '../src/read-side/read-side.module';

/**
 * The write side through the real CommandBus against a real event store. Run once per store kind
 * (embedded SQLite, the EventStoreDB adapter over gRPC); `reopen` gives a new store on the same data,
 * as after a restart of the service.
 */
export interface WriteSideHarness {
  store: EventStore;
  reopen(): Promise<EventStore>;
  close(): Promise<void>;
}

/**
 * The read side is not under test here. Opening an action item counts the incident's action items
 * in the read model (the cap per incident, tested end to end); here that read model is empty.
 */
@Global()
@Module({
  providers: [
    {
      provide: READ_MODEL_DATA_SOURCE,
      useValue: { getRepository: () => ({ countBy: () => Promise.resolve(0) }) },
    },
  ],
  exports: [READ_MODEL_DATA_SOURCE],
})
class EmptyReadModels {}

const caller: Caller = { actor: 'key-contributor-1', correlationId: 'req-1' };

type ReportIncidentInput = Omit<IncidentInput<'ReportIncident'>, 'incidentId'> & WriteOptions;

/** An incident command as its resolver sends it: the input's fields, with its write options. */
function incidentCommand<Type extends IncidentCommand['type']>(
  type: Type,
  input: IncidentInput<Type> & WriteOptions,
  who: Caller,
) {
  return incidentWrite({ type, ...fieldsOf(input) } as IncidentCommand, who, input);
}
const now = new Date();
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

export function writeSideSuite(name: string, openHarness: () => Promise<WriteSideHarness>): void {
  describe(`write side through the CommandBus: ${name}`, () => {
    jest.setTimeout(60_000);
    let harness: WriteSideHarness;
    let app: TestingModule;
    let bus: CommandBus;

    async function start(store: EventStore) {
      app = await Test.createTestingModule({
        imports: [
          CqrsModule.forRoot(),
          EventStoreModule.forStore(store),
          EmptyReadModels,
          IncidentsModule,
          ActionItemsModule,
        ],
      })
        .overrideProvider(CLOCK)
        .useValue(() => new Date())
        .compile();
      await app.init();
      bus = app.get(CommandBus);
    }

    beforeAll(async () => {
      harness = await openHarness();
      await start(harness.store);
    });
    afterAll(async () => {
      await app?.close();
      await harness?.close();
    });

    const reportInput = (overrides: Partial<ReportIncidentInput> = {}): ReportIncidentInput => ({
      title: 'Checkout errors after a config push',
      kind: 'INCIDENT',
      severity: 'SEV2',
      services: ['checkout', 'payments'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: minutesAgo(120),
      detectedAt: minutesAgo(115),
      ...overrides,
    });
    const report = (overrides: Partial<ReportIncidentInput> = {}, who: Caller = caller) =>
      bus.execute(reportIncidentWrite(reportInput(overrides), who));
    const stored = (incidentId: string) => harness.store.readStream(incidentStreamId(incidentId));

    it('takes an incident from report to closed postmortem, with metadata on every event', async () => {
      const reported = await report();
      const id = reported.entityId;
      await bus.execute(
        incidentCommand(
          'RecordMilestone',
          { incidentId: id, milestone: 'MITIGATED', at: minutesAgo(90) },
          caller,
        ),
      );
      await bus.execute(
        incidentCommand(
          'RecordMilestone',
          { incidentId: id, milestone: 'RESOLVED', at: minutesAgo(60) },
          caller,
        ),
      );
      const finding = await bus.execute(
        incidentCommand(
          'RecordFinding',
          {
            incidentId: id,
            kind: 'TRIGGER',
            category: 'CONFIG_CHANGE',
            description: 'A config push removed the pool limit.',
          },
          caller,
        ),
      );
      expect(finding.state).toMatchObject({ status: 'IN_REVIEW' });
      const closed = await bus.execute(
        incidentCommand(
          'PublishPostmortem',
          { incidentId: id, summary: 'Pool exhaustion', impact: '4% of checkouts failed' },
          caller,
        ),
      );
      expect(closed.state).toMatchObject({ status: 'CLOSED' });

      const events = await stored(id);
      expect(events.map((e) => e.type)).toEqual([
        'IncidentReported',
        'MilestoneRecorded',
        'IncidentStatusChanged',
        'MilestoneRecorded',
        'IncidentStatusChanged',
        // A SEV2 incident resolved for the first time: the postmortem policy's deadline.
        'PostmortemDueSet',
        'FindingRecorded',
        'IncidentStatusChanged',
        'PostmortemPublished',
        'IncidentStatusChanged',
      ]);
      expect(closed.revision).toBe(9);
      for (const event of events) {
        expect(event.metadata).toMatchObject({ actor: caller.actor, correlationId: caller.correlationId });
        expect(Date.parse(event.metadata.occurredAt as string)).not.toBeNaN();
      }
      expect(events[6].metadata.schemaVersion).toBe(2);
      expect(events[0].metadata.schemaVersion).toBe(1);
      // A status change names the event that caused it, the deadline the resolution's status change;
      // a command's own event has no cause.
      expect(events[2].metadata.causationId).toBe(events[1].id);
      expect(events[5].metadata.causationId).toBe(events[4].id);
      expect(events[7].metadata.causationId).toBe(events[6].id);
      expect(events[9].metadata.causationId).toBe(events[8].id);
      expect(events[0].metadata.causationId).toBeNull();
    });

    it('applies 50 concurrent commands to one incident exactly once, revisions 0..50 without a gap', async () => {
      const { entityId: id } = await report();
      const commands = Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? incidentCommand(
              'AddTimelineEntry',
              { incidentId: id, at: minutesAgo(100 - i), text: `step ${i}` },
              caller,
            )
          : incidentCommand(
              'RecordFinding',
              { incidentId: id, kind: 'LESSON_LEARNED', description: `lesson ${i}` },
              caller,
            ),
      );
      const outcomes = await Promise.all(commands.map((c) => bus.execute(c)));
      const events = await stored(id);
      expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 51 }, (_, i) => i));
      expect(new Set(outcomes.map((o) => o.revision)).size).toBe(50);
      const texts = events
        .slice(1)
        .map(
          (e) =>
            (e.data as { text?: string; description?: string }).text ??
            (e.data as { description: string }).description,
        );
      expect(new Set(texts)).toEqual(
        new Set(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? `step ${i}` : `lesson ${i}`))),
      );
    });

    it('refuses a stale expectedRevision with the current revision, and appends nothing', async () => {
      const { entityId: id } = await report();
      await bus.execute(incidentCommand('ReviseIncident', { incidentId: id, severity: 'SEV1' }, caller));
      const stale = Array.from({ length: 50 }, (_, i) =>
        bus.execute(
          incidentCommand(
            'AddTimelineEntry',
            { incidentId: id, at: minutesAgo(10), text: `late ${i}`, expectedRevision: 0 },
            caller,
          ),
        ),
      );
      for (const attempt of stale) {
        await expect(attempt).rejects.toThrow(ConcurrencyConflictError);
        await expect(attempt).rejects.toMatchObject({ expectedRevision: 0, currentRevision: 1 });
      }
      expect(await stored(id)).toHaveLength(2);
      const fresh = await bus.execute(
        incidentCommand(
          'AddTimelineEntry',
          { incidentId: id, at: minutesAgo(10), text: 'on time', expectedRevision: 1 },
          caller,
        ),
      );
      expect(fresh.revision).toBe(2);
    });

    it('decides again on fresh state when another process wrote first (no expectedRevision given)', async () => {
      const { entityId: id } = await report();
      // A second executor on the same store stands for another process: it wins the race once.
      let raced = false;
      const appendRacing: EventStore['appendToStream'] = async (streamId, events, options) => {
        if (!raced) {
          raced = true;
          const other = new CommandExecutor(harness.store, () => new Date());
          await other.execute(
            incidentStream,
            id,
            {
              type: 'AddTimelineEntry',
              incidentId: id,
              at: minutesAgo(5),
              text: 'written by the other process',
            },
            { actor: 'other', correlationId: 'req-other' },
            {},
          );
        }
        return harness.store.appendToStream(streamId, events, options);
      };
      const racing = new Proxy(harness.store, {
        get: (target, property: keyof EventStore) =>
          property === 'appendToStream'
            ? appendRacing
            : (target[property] as (...a: unknown[]) => unknown).bind(target),
      });
      const executor = new CommandExecutor(racing, () => new Date());
      const outcome = await executor.execute(
        incidentStream,
        id,
        { type: 'AddTimelineEntry', incidentId: id, at: minutesAgo(4), text: 'mine' },
        caller,
        {},
      );
      expect(raced).toBe(true);
      expect(outcome.revision).toBe(2);
      const events = await stored(id);
      expect(events.map((e) => (e.data as { entryId?: string }).entryId)).toEqual([
        undefined,
        `${id}:t1`,
        `${id}:t2`,
      ]);
    });

    it('replays an idempotent retry, refuses the same key with other input, and remembers keys across a restart', async () => {
      const key = `key-${randomUUID()}`;
      const first = await report({ idempotencyKey: key });
      const retry = await report({ idempotencyKey: key });
      expect(retry.entityId).toBe(first.entityId);
      expect(retry.replayed).toBe(true);
      expect(retry.revision).toBe(first.revision);
      expect(await stored(first.entityId)).toHaveLength(1);
      await expect(report({ idempotencyKey: key, title: 'Another title' })).rejects.toThrow(DomainRuleError);
      await expect(report({ idempotencyKey: key, title: 'Another title' })).rejects.toMatchObject({
        field: 'idempotencyKey',
      });

      const entryKey = `key-${randomUUID()}`;
      const entry = {
        incidentId: first.entityId,
        at: minutesAgo(3),
        text: 'Rolled back',
        idempotencyKey: entryKey,
      };
      await bus.execute(incidentCommand('AddTimelineEntry', entry, caller));

      await app.close();
      const reopened = await harness.reopen();
      await start(reopened);
      harness.store = reopened;

      const again = await bus.execute(incidentCommand('AddTimelineEntry', entry, caller));
      expect(again.replayed).toBe(true);
      expect(await stored(first.entityId)).toHaveLength(2);
      const afterRestart = await report({ idempotencyKey: key });
      expect(afterRestart.entityId).toBe(first.entityId);
      expect(afterRestart.replayed).toBe(true);
      // Keys belong to their caller: another caller's same key is a new request.
      const someoneElse = await report(
        { idempotencyKey: key },
        { actor: 'key-other', correlationId: 'req-9' },
      );
      expect(someoneElse.entityId).not.toBe(first.entityId);
    });

    it('reads an event stored in an older schema version as the current one', async () => {
      const { entityId: id } = await report();
      const v1: StoredEvent['data'] = {
        incidentId: id,
        findingId: findingIdOf(id, 1),
        kind: 'WENT_WELL',
        description: 'Rollback was quick',
      };
      await harness.store.appendToStream(incidentStreamId(id), [
        {
          id: randomUUID(),
          type: 'FindingRecorded',
          data: v1,
          metadata: { actor: 'system', schemaVersion: 1 },
        },
      ]);
      const executor = app.get(CommandExecutor);
      const loaded = await executor.load(incidentStream, id);
      expect(loaded.state).toMatchObject({
        findings: [{ id: findingIdOf(id, 1), kind: 'WENT_WELL', category: null }],
      });
      expect((await stored(id))[1].data).toEqual(v1); // the stored event is never rewritten
    });

    it('tells the state of an incident as it was known at an instant', async () => {
      const { entityId: id } = await report();
      await sleep(15);
      const between = new Date();
      await sleep(15);
      await bus.execute(incidentCommand('ReviseIncident', { incidentId: id, severity: 'SEV1' }, caller));
      const executor = app.get(CommandExecutor);
      expect((await executor.load(incidentStream, id, { asOf: between })).state).toMatchObject({
        severity: 'SEV2',
      });
      expect((await executor.load(incidentStream, id)).state).toMatchObject({ severity: 'SEV1' });
      expect((await executor.load(incidentStream, id, { asOf: new Date(0) })).state).toEqual({
        exists: false,
      });
    });

    it('links incidents after reading the other one from its own stream', async () => {
      const earlier = await report({ startedAt: minutesAgo(60 * 24 * 30), detectedAt: null });
      const later = await report();
      const linked = await bus.execute(
        new LinkIncidentsCommand(
          { incidentId: later.entityId, relatedIncidentId: earlier.entityId, relation: 'RECURRENCE_OF' },
          caller,
        ),
      );
      expect(linked.state).toMatchObject({
        links: [{ relatedIncidentId: earlier.entityId, relation: 'RECURRENCE_OF' }],
      });
      await expect(
        bus.execute(
          new LinkIncidentsCommand(
            { incidentId: earlier.entityId, relatedIncidentId: later.entityId, relation: 'RECURRENCE_OF' },
            caller,
          ),
        ),
      ).rejects.toThrow(/started earlier/);
      await expect(
        bus.execute(
          new LinkIncidentsCommand(
            { incidentId: later.entityId, relatedIncidentId: randomUUID(), relation: 'RELATED_TO' },
            caller,
          ),
        ),
      ).rejects.toThrow(EntityNotFoundError);
    });

    it('opens action items for an incident and its finding, and moves them through their states', async () => {
      const { entityId: incidentId } = await report();
      const finding = await bus.execute(
        incidentCommand(
          'RecordFinding',
          {
            incidentId,
            kind: 'CONTRIBUTING_FACTOR',
            category: 'MONITORING_GAP',
            description: 'No alert on pool use',
          },
          caller,
        ),
      );
      const findingId = findingIdOf(incidentId, 1);
      expect(finding.events[0].data).toMatchObject({ findingId });
      const opened = await bus.execute(
        new OpenActionItemCommand(
          {
            incidentId,
            findingId,
            title: 'Alert on pool exhaustion',
            type: 'DETECT',
            priority: 'P2',
            ownerTeam: 'team-payments',
          },
          caller,
        ),
      );
      const move = (
        transition: 'start' | 'complete' | 'drop' | 'reopen',
        reason?: string,
        idempotencyKey?: string,
      ) => {
        // As the resolver sends it: the domain command of the move, with the caller's input.
        const input = { actionItemId: opened.entityId, reason, idempotencyKey };
        return bus.execute(actionItemWrite(actionItemTransition(transition, input), caller, input));
      };
      await move('start', undefined, 'k-start');
      await expect(move('complete', undefined, 'k-start')).rejects.toMatchObject({ field: 'idempotencyKey' });
      const done = await move('complete');
      expect(done.state).toMatchObject({ status: 'DONE', incidentId, findingId });
      await expect(move('drop', 'no longer needed')).rejects.toThrow(
        /drop only when OPEN or IN_PROGRESS; it is DONE/,
      );
      expect((await move('reopen', 'The alert never fired')).state).toMatchObject({
        status: 'OPEN',
        completedAt: null,
      });

      await expect(
        bus.execute(
          new OpenActionItemCommand(
            { incidentId: randomUUID(), title: 'x', type: 'REPAIR', priority: 'P3', ownerTeam: 'team-a' },
            caller,
          ),
        ),
      ).rejects.toThrow(EntityNotFoundError);
      await expect(
        bus.execute(
          actionItemWrite(actionItemTransition('start', { actionItemId: 'not-an-id' }), caller, {}),
        ),
      ).rejects.toThrow(EntityNotFoundError);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
