import type { EntityManager } from 'typeorm';
import {
  isActionItemEvent,
  isIncidentEvent,
  type ProjectedActionItemEvent,
  type ProjectedEvent,
  type ProjectedIncidentEvent,
} from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { SearchDocumentRow } from './search-document.entity';
import { indexableText } from './search-snippet';

type NewDocument = Omit<SearchDocumentRow, 'revision' | 'retracted'>;
type DocumentChanges = Partial<Pick<SearchDocumentRow, 'title' | 'body' | 'retracted'>>;

/**
 * One search document per searchable text. Each document remembers the stream revision that last
 * wrote it and takes an event only when the event is newer, so a re-delivered or replayed event
 * changes nothing and a rebuild gives the same rows.
 */
export class SearchProjection implements Projection {
  readonly name = 'search';
  readonly tables = ['search_documents'];

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (isIncidentEvent(event)) return applyIncidentEvent(manager, event);
    if (isActionItemEvent(event)) return applyActionItemEvent(manager, event);
  }
}

async function applyIncidentEvent(manager: EntityManager, event: ProjectedIncidentEvent): Promise<void> {
  const { revision } = event;
  switch (event.type) {
    case 'IncidentReported': {
      const { incidentId, title, summary } = event.data;
      return writeDocument(manager, revision, {
        id: `incident:${incidentId}`,
        resultKind: 'INCIDENT',
        resultId: incidentId,
        incidentId,
        title: indexableText(title),
        body: indexableText(summary),
      });
    }
    case 'IncidentRevised': {
      const { title, summary } = event.data.changes;
      const changes: DocumentChanges = {};
      if (title !== undefined) changes.title = indexableText(title);
      if (summary !== undefined) changes.body = indexableText(summary);
      return reviseDocument(manager, revision, `incident:${event.data.incidentId}`, changes);
    }
    case 'TimelineEntryAdded': {
      const { incidentId, entryId, text } = event.data;
      return writeDocument(manager, revision, {
        id: `timeline:${entryId}`,
        resultKind: 'INCIDENT',
        resultId: incidentId,
        incidentId,
        title: '',
        body: indexableText(text),
      });
    }
    case 'FindingRecorded': {
      const { incidentId, findingId, description } = event.data;
      return writeDocument(manager, revision, {
        id: `finding:${findingId}`,
        resultKind: 'FINDING',
        resultId: findingId,
        incidentId,
        title: '',
        body: indexableText(description),
      });
    }
    case 'FindingRevised': {
      const { description } = event.data.changes;
      if (description === undefined) return;
      const changes = { body: indexableText(description) };
      return reviseDocument(manager, revision, `finding:${event.data.findingId}`, changes);
    }
    case 'FindingRetracted':
      return reviseDocument(manager, revision, `finding:${event.data.findingId}`, { retracted: true });
    case 'PostmortemPublished': {
      const { incidentId, summary, impact } = event.data;
      return writeDocument(manager, revision, {
        id: `postmortem:${incidentId}`,
        resultKind: 'INCIDENT',
        resultId: incidentId,
        incidentId,
        title: '',
        body: indexableText(`${summary}\n${impact}`),
      });
    }
    case 'MilestoneRecorded':
    case 'IncidentStatusChanged':
    case 'IncidentReopened':
    case 'IncidentsLinked':
      return;
    default:
      return assertNever(event);
  }
}

async function applyActionItemEvent(manager: EntityManager, event: ProjectedActionItemEvent): Promise<void> {
  const { revision } = event;
  switch (event.type) {
    case 'ActionItemOpened': {
      const { actionItemId, incidentId, title, description } = event.data;
      return writeDocument(manager, revision, {
        id: `action-item:${actionItemId}`,
        resultKind: 'ACTION_ITEM',
        resultId: actionItemId,
        incidentId,
        title: indexableText(title),
        body: indexableText(description),
      });
    }
    case 'ActionItemUpdated': {
      const { title, description } = event.data.changes;
      const changes: DocumentChanges = {};
      if (title !== undefined) changes.title = indexableText(title);
      if (description !== undefined) changes.body = indexableText(description);
      return reviseDocument(manager, revision, `action-item:${event.data.actionItemId}`, changes);
    }
    case 'ActionItemStarted':
    case 'ActionItemCompleted':
    case 'ActionItemDropped':
    case 'ActionItemReopened':
      return;
    default:
      return assertNever(event);
  }
}

/** Creates the document, or replaces it when the event is newer than what wrote it. */
async function writeDocument(manager: EntityManager, revision: number, document: NewDocument): Promise<void> {
  const existing = await manager.findOneBy(SearchDocumentRow, { id: document.id });
  if (existing && existing.revision >= revision) return;
  await manager.upsert(SearchDocumentRow, { ...document, retracted: false, revision }, ['id']);
}

/** Changes an existing document when the event is newer than what last wrote it. */
async function reviseDocument(
  manager: EntityManager,
  revision: number,
  id: string,
  changes: DocumentChanges,
): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  const existing = await manager.findOneBy(SearchDocumentRow, { id });
  if (!existing || existing.revision >= revision) return;
  await manager.update(SearchDocumentRow, { id }, { ...changes, revision });
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
