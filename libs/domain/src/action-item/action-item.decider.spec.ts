import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import { deciderSpecification, NOW } from '../testing/decider-specification';
import { MAX_ACTION_ITEMS_PER_INCIDENT, MAX_EVENTS_PER_ACTION_ITEM } from '../shared/stream-limits';
import { findingIdOf } from '../incident/incident.ids';
import { evolveIncident, initialIncidentState, type IncidentState } from '../incident/incident.state';
import type { IncidentEvent } from '../incident/incident.events';
import { decideActionItem, type ActionItemCommand } from './action-item.decider';
import type { ActionItemEvent, ActionItemOpened } from './action-item.events';
import { evolveActionItem, initialActionItemState, type ActionItemState } from './action-item.state';

const spec = deciderSpecification<ActionItemCommand, ActionItemEvent, ActionItemState>({
  decide: decideActionItem,
  evolve: evolveActionItem,
  initialState: initialActionItemState,
});

const ITEM = '7d1e4a52-52c4-4d5e-9a7e-6f3f1f1f0001';
const INCIDENT = '0b7c6a52-52c4-4d5e-9a7e-6f3f1f1f0001';
const incidentWith = (...events: IncidentEvent[]): IncidentState =>
  [
    {
      type: 'IncidentReported',
      data: {
        incidentId: INCIDENT,
        title: 't',
        summary: null,
        kind: 'NEAR_MISS',
        severity: 'SEV4',
        services: ['search'],
        tags: [],
        detectionSource: 'INTERNAL_REPORT',
        startedAt: '2026-02-28T10:00:00.000Z',
        detectedAt: null,
        reportedAt: '2026-02-28T10:00:00.000Z',
      },
    } as IncidentEvent,
    ...events,
  ].reduce(evolveIncident, initialIncidentState);
const findingEvent = (n: number): IncidentEvent => ({
  type: 'FindingRecorded',
  data: {
    incidentId: INCIDENT,
    findingId: findingIdOf(INCIDENT, n),
    kind: 'LESSON_LEARNED',
    category: null,
    description: 'd',
  },
});

const openCommand = (
  overrides: Partial<Extract<ActionItemCommand, { type: 'OpenActionItem' }>> = {},
): ActionItemCommand => ({
  type: 'OpenActionItem',
  actionItemId: ITEM,
  incident: incidentWith(findingEvent(1)),
  actionItemsOfIncident: 0,
  incidentId: INCIDENT,
  findingId: findingIdOf(INCIDENT, 1),
  title: ' Alert on pool exhaustion ',
  itemType: 'DETECT',
  priority: 'P2',
  ownerTeam: 'team-payments',
  dueDate: '2026-03-15T00:00:00Z',
  ...overrides,
});
const opened: ActionItemOpened = {
  type: 'ActionItemOpened',
  data: {
    actionItemId: ITEM,
    incidentId: INCIDENT,
    findingId: findingIdOf(INCIDENT, 1),
    title: 'Alert on pool exhaustion',
    description: null,
    type: 'DETECT',
    priority: 'P2',
    ownerTeam: 'team-payments',
    assignee: null,
    dueDate: '2026-03-15T00:00:00.000Z',
    openedAt: NOW.toISOString(),
  },
};
const started: ActionItemEvent = { type: 'ActionItemStarted', data: { actionItemId: ITEM, note: null } };
const completed: ActionItemEvent = {
  type: 'ActionItemCompleted',
  data: { actionItemId: ITEM, note: null, completedAt: NOW.toISOString() },
};
const dropped: ActionItemEvent = {
  type: 'ActionItemDropped',
  data: { actionItemId: ITEM, reason: 'Superseded by platform alerting' },
};
const transition = (
  type: 'StartActionItem' | 'CompleteActionItem' | 'DropActionItem' | 'ReopenActionItem',
  reason?: string,
) =>
  (type === 'DropActionItem'
    ? { type, actionItemId: ITEM, reason }
    : { type, actionItemId: ITEM, note: reason }) as ActionItemCommand;

describe('action item rules', () => {
  it('opens an item for an existing incident and one of its findings', () => {
    spec.given([]).when(openCommand()).then([opened]);
  });

  it('refuses an incident that does not exist', () => {
    spec
      .given([])
      .when(openCommand({ incident: initialIncidentState }))
      .thenThrows(EntityNotFoundError, /incidentId/);
  });

  it('refuses a finding that is not of that incident, or retracted', () => {
    spec
      .given([])
      .when(openCommand({ findingId: findingIdOf(INCIDENT, 2) }))
      .thenThrows(EntityNotFoundError, /findingId/);
    const retracted: IncidentEvent = {
      type: 'FindingRetracted',
      data: { incidentId: INCIDENT, findingId: findingIdOf(INCIDENT, 1), reason: 'x' },
    };
    spec
      .given([])
      .when(openCommand({ incident: incidentWith(findingEvent(1), retracted) }))
      .thenThrows(DomainRuleError, /retracted/);
  });

  describe(`at most ${MAX_ACTION_ITEMS_PER_INCIDENT} action items per incident (counted by the handler)`, () => {
    it('opens one more below the cap', () => {
      spec
        .given([])
        .when(openCommand({ actionItemsOfIncident: MAX_ACTION_ITEMS_PER_INCIDENT - 1 }))
        .then([opened]);
    });

    it('refuses one more at the cap, naming the incident and the cap', () => {
      spec
        .given([])
        .when(openCommand({ actionItemsOfIncident: MAX_ACTION_ITEMS_PER_INCIDENT }))
        .thenThrows(
          DomainRuleError,
          'incidentId: an incident has at most 200 action items; this one has 200',
        );
    });
  });

  describe(`at most ${MAX_EVENTS_PER_ACTION_ITEM} events per action-item stream`, () => {
    const update = (n: number): ActionItemEvent => ({
      type: 'ActionItemUpdated',
      data: { actionItemId: ITEM, changes: { title: `Title ${n}` } },
    });
    /** The opening and `n` updates: a stream of n + 1 events. */
    const openedAndUpdated = (n: number) => [opened, ...Array.from({ length: n }, (_, i) => update(i))];

    it('takes the event that makes it full', () => {
      spec
        .given(openedAndUpdated(MAX_EVENTS_PER_ACTION_ITEM - 2))
        .when(transition('StartActionItem'))
        .then([started]);
    });

    it('refuses any change once it is full, naming the action item and the cap', () => {
      spec
        .given(openedAndUpdated(MAX_EVENTS_PER_ACTION_ITEM - 1))
        .when(transition('StartActionItem'))
        .thenThrows(
          DomainRuleError,
          "actionItemId: an action item's stream holds at most 1000 events; this one has 1000 and the change would add 1",
        );
    });
  });

  it.each([
    [{ dueDate: '2026-02-28T00:00:00Z' }, /dueDate: must not be before the item was opened/],
    [{ ownerTeam: 'Payments Team' }, /ownerTeam: 'Payments Team' may hold only lowercase/],
    [{ title: '' }, /title: must not be empty/],
    [{ itemType: 'FIX' }, /type: must be one of INVESTIGATE/],
    [{ priority: 'P0' }, /priority: must be one of P1, P2, P3, P4/],
    [{ assignee: 'x'.repeat(201) }, /assignee: must be at most 200/],
  ])('refuses bad input %j', (overrides, message) => {
    spec.given([]).when(openCommand(overrides)).thenThrows(DomainRuleError, message);
  });

  describe('OPEN → IN_PROGRESS → DONE, or OPEN → DONE at once', () => {
    it('starts an open item and completes a started one', () => {
      spec.given([opened]).when(transition('StartActionItem')).then([started]);
      spec.given([opened, started]).when(transition('CompleteActionItem')).then([completed]);
    });

    it('completes an item straight from OPEN, without marking it started', () => {
      spec.given([opened]).when(transition('CompleteActionItem')).then([completed]);
    });

    it('refuses to complete an item that is DONE or WONT_DO', () => {
      spec
        .given([opened, completed])
        .when(transition('CompleteActionItem'))
        .thenThrows(DomainRuleError, /complete only when OPEN or IN_PROGRESS; it is DONE/);
      spec
        .given([opened, dropped])
        .when(transition('CompleteActionItem'))
        .thenThrows(DomainRuleError, /complete only when OPEN or IN_PROGRESS; it is WONT_DO/);
    });

    it('refuses to start an item twice', () => {
      spec
        .given([opened, started])
        .when(transition('StartActionItem'))
        .thenThrows(DomainRuleError, /it is IN_PROGRESS/);
    });
  });

  describe('OPEN or IN_PROGRESS → WONT_DO, with a reason', () => {
    it.each([
      ['OPEN', [opened]],
      ['IN_PROGRESS', [opened, started]],
    ])('drops an item that is %s', (_status, given) => {
      spec.given(given).when(transition('DropActionItem', 'Superseded by platform alerting')).then([dropped]);
    });

    it('needs a reason', () => {
      spec
        .given([opened])
        .when(transition('DropActionItem'))
        .thenThrows(DomainRuleError, 'reason: must not be empty');
    });

    it('cannot drop a DONE item', () => {
      spec
        .given([opened, started, completed])
        .when(transition('DropActionItem', 'x'))
        .thenThrows(DomainRuleError, /it is DONE/);
    });
  });

  describe('DONE or WONT_DO → OPEN by reopening', () => {
    it.each([
      ['DONE', [opened, started, completed]],
      ['WONT_DO', [opened, dropped]],
    ])('reopens an item that is %s', (_status, given) => {
      spec
        .given(given)
        .when(transition('ReopenActionItem', 'The alert never fired'))
        .then([{ type: 'ActionItemReopened', data: { actionItemId: ITEM, note: 'The alert never fired' } }]);
    });

    it('cannot reopen an open item', () => {
      spec
        .given([opened])
        .when(transition('ReopenActionItem'))
        .thenThrows(DomainRuleError, /reopen only when DONE or WONT_DO/);
    });
  });

  describe('updates', () => {
    it('change only the fields given; null clears an optional one', () => {
      spec
        .given([opened])
        .when({
          type: 'UpdateActionItem',
          actionItemId: ITEM,
          priority: 'P1',
          ownerTeam: 'team-payments',
          dueDate: null,
        })
        .then([
          {
            type: 'ActionItemUpdated',
            data: { actionItemId: ITEM, changes: { priority: 'P1', dueDate: null } },
          },
        ]);
    });

    it('keep the due date on or after the opening', () => {
      spec
        .given([opened])
        .when({ type: 'UpdateActionItem', actionItemId: ITEM, dueDate: '2026-01-01T00:00:00Z' })
        .thenThrows(DomainRuleError, /dueDate: must not be before the item was opened/);
    });

    it('of an item that does not exist say so', () => {
      spec
        .given([])
        .when({ type: 'UpdateActionItem', actionItemId: ITEM, title: 'x' })
        .thenThrows(EntityNotFoundError, ITEM);
    });
  });

  describe('overdue reminders (the deadline watcher)', () => {
    const overdue = { type: 'RecordActionItemOverdue', actionItemId: ITEM } as ActionItemCommand;
    const afterDue = new Date('2026-03-15T00:00:00.001Z');
    const reminder = (
      status: 'OPEN' | 'IN_PROGRESS',
      dueDate = '2026-03-15T00:00:00.000Z',
    ): ActionItemEvent => ({
      type: 'ActionItemOverdue',
      data: { actionItemId: ITEM, incidentId: INCIDENT, dueDate, status },
    });

    it('records an OPEN or IN_PROGRESS item overdue once its due date has passed', () => {
      spec
        .given([opened])
        .when(overdue, afterDue)
        .then([reminder('OPEN')]);
      spec
        .given([opened, started])
        .when(overdue, afterDue)
        .then([reminder('IN_PROGRESS')]);
    });

    it('refuses before the due date has passed, and for an item without one', () => {
      spec
        .given([opened])
        .when(overdue, new Date('2026-03-15T00:00:00.000Z'))
        .thenThrows(DomainRuleError, /due at 2026-03-15T00:00:00.000Z; that has not passed yet/);
      spec
        .given([
          opened,
          { type: 'ActionItemUpdated', data: { actionItemId: ITEM, changes: { dueDate: null } } },
        ])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /has no due date/);
    });

    it('refuses a DONE or WONT_DO item', () => {
      spec
        .given([opened, completed])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /it is DONE|is DONE/);
      spec
        .given([opened, dropped])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /is WONT_DO/);
    });

    it('refuses a second reminder for the same due date, even after a reopening', () => {
      spec
        .given([opened, reminder('OPEN')])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /already recorded overdue for its due date 2026-03-15T00:00:00.000Z/);
      spec
        .given([
          opened,
          reminder('OPEN'),
          completed,
          { type: 'ActionItemReopened', data: { actionItemId: ITEM, note: null } },
        ])
        .when(overdue, afterDue)
        .thenThrows(DomainRuleError, /already recorded overdue/);
    });

    it('reminds again for a new due date that passes too', () => {
      const later = '2026-03-20T00:00:00.000Z';
      spec
        .given([
          opened,
          reminder('OPEN'),
          { type: 'ActionItemUpdated', data: { actionItemId: ITEM, changes: { dueDate: later } } },
        ])
        .when(overdue, new Date('2026-03-21T00:00:00.000Z'))
        .then([reminder('OPEN', later)]);
    });

    it('of an item that does not exist say so', () => {
      spec.given([]).when(overdue, afterDue).thenThrows(EntityNotFoundError, ITEM);
    });
  });
});
