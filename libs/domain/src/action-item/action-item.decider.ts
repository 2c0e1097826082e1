import { onlyChanged } from '../shared/changes';
import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import {
  checkFreeText,
  checkFutureInstant,
  checkName,
  checkOneOf,
  checkOptionalFreeText,
  checkTitle,
  LIMITS,
} from '../shared/input-limits';
import {
  MAX_ACTION_ITEMS_PER_INCIDENT,
  MAX_EVENTS_PER_ACTION_ITEM,
  withinStreamCap,
} from '../shared/stream-limits';
import {
  ACTION_ITEM_TYPES,
  PRIORITIES,
  type ActionItemStatus,
  type ActionItemType,
  type Priority,
} from '../shared/vocabulary';
import type { IncidentState } from '../incident/incident.state';
import type { ActionItemEvent, ActionItemUpdated } from './action-item.events';
import type { ActionItemDetails, ActionItemState } from './action-item.state';

/**
 * The commands of an action-item stream. OPEN → IN_PROGRESS → DONE, or OPEN → DONE at once (a small
 * fix is often closed without being marked started); OPEN or IN_PROGRESS → WONT_DO with a reason;
 * DONE or WONT_DO → OPEN by reopening.
 */
export type ActionItemCommand = { actionItemId: string } & (
  | {
      type: 'OpenActionItem';
      /** The incident it belongs to, as its own stream shows it (the handler reads that stream). */
      incident: IncidentState;
      /**
       * How many action items the incident has already (the handler counts them in the read model:
       * they live in their own streams, which the incident's stream does not list).
       */
      actionItemsOfIncident: number;
      incidentId: string;
      findingId?: string | null;
      title: string;
      description?: string | null;
      itemType: string;
      priority: string;
      ownerTeam: string;
      assignee?: string | null;
      dueDate?: string | null;
    }
  | {
      type: 'UpdateActionItem';
      title?: string | null;
      description?: string | null;
      priority?: string | null;
      ownerTeam?: string | null;
      assignee?: string | null;
      dueDate?: string | null;
    }
  | { type: 'StartActionItem'; note?: string | null }
  | { type: 'CompleteActionItem'; note?: string | null }
  | { type: 'DropActionItem'; reason?: string | null }
  | { type: 'ReopenActionItem'; note?: string | null }
  /** The deadline watcher's reminder: the due date passed while the item was OPEN or IN_PROGRESS. */
  | { type: 'RecordActionItemOverdue' }
);

export function decideActionItem(
  command: ActionItemCommand,
  state: ActionItemState,
  now: Date,
): ActionItemEvent[] {
  if (command.type === 'OpenActionItem') return open(command, state, now);
  if (!state.exists) throw new EntityNotFoundError('ActionItem', command.actionItemId, 'actionItemId');
  return withinStreamCap(
    decideChange(command, state, now),
    state.eventCount,
    MAX_EVENTS_PER_ACTION_ITEM,
    'actionItemId',
    "an action item's stream",
  );
}

function decideChange(
  command: Exclude<ActionItemCommand, { type: 'OpenActionItem' }>,
  state: ActionItemDetails,
  now: Date,
): ActionItemEvent[] {
  const actionItemId = state.id;
  switch (command.type) {
    case 'UpdateActionItem':
      return update(command, state);
    case 'StartActionItem':
      requireStatus(state, 'start', ['OPEN']);
      return [
        {
          type: 'ActionItemStarted',
          data: { actionItemId, note: checkOptionalFreeText('reason', command.note) },
        },
      ];
    case 'CompleteActionItem':
      requireStatus(state, 'complete', ['OPEN', 'IN_PROGRESS']);
      return [
        {
          type: 'ActionItemCompleted',
          data: {
            actionItemId,
            note: checkOptionalFreeText('reason', command.note),
            completedAt: now.toISOString(),
          },
        },
      ];
    case 'DropActionItem': {
      const reason = checkFreeText('reason', command.reason ?? '', true);
      requireStatus(state, 'drop', ['OPEN', 'IN_PROGRESS']);
      return [{ type: 'ActionItemDropped', data: { actionItemId, reason } }];
    }
    case 'ReopenActionItem':
      requireStatus(state, 'reopen', ['DONE', 'WONT_DO']);
      return [
        {
          type: 'ActionItemReopened',
          data: { actionItemId, note: checkOptionalFreeText('reason', command.note) },
        },
      ];
    case 'RecordActionItemOverdue':
      return overdue(state, now);
    default:
      return assertNever(command);
  }
}

/** Once per due date, and only once it has passed while the item is OPEN or IN_PROGRESS. */
function overdue(state: ActionItemDetails, now: Date): ActionItemEvent[] {
  const { dueDate, status } = state;
  if (dueDate === null) throw new DomainRuleError(null, 'The action item has no due date.');
  if (status !== 'OPEN' && status !== 'IN_PROGRESS')
    throw new DomainRuleError(
      null,
      `The action item is ${status}: only an OPEN or IN_PROGRESS item is overdue.`,
    );
  if (state.overdueFor.includes(dueDate))
    throw new DomainRuleError(
      null,
      `The action item was already recorded overdue for its due date ${dueDate}.`,
    );
  if (Date.parse(dueDate) >= now.getTime())
    throw new DomainRuleError(null, `The action item is due at ${dueDate}; that has not passed yet.`);
  return [
    {
      type: 'ActionItemOverdue',
      data: { actionItemId: state.id, incidentId: state.incidentId, dueDate, status },
    },
  ];
}

function open(
  command: Extract<ActionItemCommand, { type: 'OpenActionItem' }>,
  state: ActionItemState,
  now: Date,
): ActionItemEvent[] {
  if (state.exists)
    throw new DomainRuleError(
      'actionItemId',
      `an action item with the id '${command.actionItemId}' already exists`,
    );
  const incident = command.incident;
  if (!incident.exists) throw new EntityNotFoundError('Incident', command.incidentId, 'incidentId');
  if (command.actionItemsOfIncident >= MAX_ACTION_ITEMS_PER_INCIDENT)
    throw new DomainRuleError(
      'incidentId',
      `an incident has at most ${MAX_ACTION_ITEMS_PER_INCIDENT} action items; this one has ${command.actionItemsOfIncident}`,
    );
  let findingId: string | null = null;
  if (command.findingId != null) {
    const finding = incident.findings.find((f) => f.id === command.findingId);
    if (!finding) throw new EntityNotFoundError('Finding', command.findingId, 'findingId');
    if (finding.retracted)
      throw new DomainRuleError('findingId', 'the finding was retracted; name another finding or none');
    findingId = finding.id;
  }
  const openedAt = now.toISOString();
  return [
    {
      type: 'ActionItemOpened',
      data: {
        actionItemId: command.actionItemId,
        incidentId: incident.id,
        findingId,
        title: checkTitle('title', command.title),
        description: checkOptionalFreeText('description', command.description),
        type: checkOneOf<ActionItemType>('type', command.itemType, ACTION_ITEM_TYPES),
        priority: checkOneOf<Priority>('priority', command.priority, PRIORITIES),
        ownerTeam: checkName('ownerTeam', command.ownerTeam),
        assignee: checkAssignee(command.assignee),
        dueDate: checkDueDate(command.dueDate, openedAt),
        openedAt,
      },
    },
  ];
}

function update(
  command: Extract<ActionItemCommand, { type: 'UpdateActionItem' }>,
  state: ActionItemDetails,
): ActionItemEvent[] {
  const given: ActionItemUpdated['data']['changes'] = {};
  if (command.title != null) given.title = checkTitle('title', command.title);
  if (command.description !== undefined)
    given.description = checkOptionalFreeText('description', command.description);
  if (command.priority != null)
    given.priority = checkOneOf<Priority>('priority', command.priority, PRIORITIES);
  if (command.ownerTeam != null) given.ownerTeam = checkName('ownerTeam', command.ownerTeam);
  if (command.assignee !== undefined) given.assignee = checkAssignee(command.assignee);
  if (command.dueDate !== undefined) given.dueDate = checkDueDate(command.dueDate, state.openedAt);
  if (Object.keys(given).length === 0)
    throw new DomainRuleError(
      null,
      'Give at least one field to change (title, description, priority, ownerTeam, assignee, dueDate).',
    );
  const changes = onlyChanged(given, state);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'ActionItemUpdated', data: { actionItemId: state.id, changes } }];
}

function requireStatus(state: ActionItemDetails, action: string, allowed: readonly ActionItemStatus[]): void {
  if (!allowed.includes(state.status))
    throw new DomainRuleError(
      null,
      `An action item can ${action} only when ${allowed.join(' or ')}; it is ${state.status} (OPEN → IN_PROGRESS → DONE, OPEN → DONE, OPEN or IN_PROGRESS → WONT_DO, DONE or WONT_DO → OPEN).`,
    );
}

function checkAssignee(value: string | null | undefined): string | null {
  if (value == null) return null;
  const assignee = value.trim();
  if (assignee.length === 0) return null;
  if (assignee.length > LIMITS.assigneeMax)
    throw new DomainRuleError('assignee', `must be at most ${LIMITS.assigneeMax} characters`);
  return assignee;
}

function checkDueDate(value: string | null | undefined, openedAt: string): string | null {
  if (value == null) return null;
  const dueDate = checkFutureInstant('dueDate', value);
  if (dueDate < openedAt)
    throw new DomainRuleError('dueDate', `must not be before the item was opened (${openedAt})`);
  return dueDate;
}

function assertNever(command: never): never {
  throw new Error(`Unknown action item command: ${JSON.stringify(command)}`);
}
