import { ACTION_ITEM_STREAM_PREFIX, INCIDENT_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import { byKey, loadRowsWhereIn, upsertRows } from '../projector/batch-rows';
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
import { countedStemsOf, TermCounts } from './search-terms';

type NewDocument = Omit<SearchDocumentRow, 'revision' | 'retracted'>;
type DocumentChanges = Partial<Pick<SearchDocumentRow, 'title' | 'body' | 'retracted'>>;

/** What an event does to the search documents, at its stream revision. */
type DocumentChange =
  /** Creates the document, or replaces it when the event is newer than what wrote it. */
  | { readonly write: NewDocument; readonly revision: number }
  /** Changes an existing document when the event is newer than what last wrote it. */
  | { readonly revise: string; readonly changes: DocumentChanges; readonly revision: number };

/**
 * One search document per searchable text. Each document remembers the stream revision that last
 * wrote it and takes an event only when the event is newer, so a re-delivered or replayed event
 * changes nothing and a rebuild gives the same rows. A batch loads the documents its events name
 * with one query, folds the events into them in memory and writes each changed document once.
 */
export class SearchProjection implements Projection {
  readonly name = 'search';
  readonly streamPrefixes = [INCIDENT_STREAM_PREFIX, ACTION_ITEM_STREAM_PREFIX];
  readonly tables = ['search_documents', 'search_terms'];

  apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    return this.applyBatch(manager, [event]);
  }

  async applyBatch(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const changes = events.flatMap((event) => documentChangeOf(event) ?? []);
    if (changes.length === 0) return;
    const ids = changes.map((change) => ('write' in change ? change.write.id : change.revise));
    const documents = byKey(await loadRowsWhereIn(manager, SearchDocumentRow, 'id', ids), (row) => row.id);
    const changed = new Set<string>();
    // What each changed document counted for before this batch, to keep search_terms in step.
    const counts = new TermCounts();
    const countedBefore = (id: string) => {
      if (!changed.has(id)) counts.add(countedStemsOf(documents.get(id)), -1);
    };
    for (const change of changes) {
      if ('write' in change) {
        const existing = documents.get(change.write.id);
        if (existing && existing.revision >= change.revision) continue;
        countedBefore(change.write.id);
        documents.set(change.write.id, { ...change.write, retracted: false, revision: change.revision });
        changed.add(change.write.id);
      } else {
        const existing = documents.get(change.revise);
        if (!existing || existing.revision >= change.revision) continue;
        countedBefore(change.revise);
        Object.assign(existing, change.changes, { revision: change.revision });
        changed.add(change.revise);
      }
    }
    const rows = [...changed].map((id) => documents.get(id) as SearchDocumentRow);
    for (const row of rows) counts.add(countedStemsOf(row), 1);
    await upsertRows(manager, SearchDocumentRow, rows);
    await counts.write(manager);
  }
}

function documentChangeOf(event: ProjectedEvent): DocumentChange | undefined {
  if (isIncidentEvent(event)) return incidentDocumentChange(event);
  if (isActionItemEvent(event)) return actionItemDocumentChange(event);
  return undefined;
}

function revise(revision: number, id: string, changes: DocumentChanges): DocumentChange | undefined {
  return Object.keys(changes).length === 0 ? undefined : { revise: id, changes, revision };
}

function incidentDocumentChange(event: ProjectedIncidentEvent): DocumentChange | undefined {
  const { revision } = event;
  switch (event.type) {
    case 'IncidentReported': {
      const { incidentId, title, summary } = event.data;
      return {
        revision,
        write: {
          id: `incident:${incidentId}`,
          resultKind: 'INCIDENT',
          resultId: incidentId,
          incidentId,
          title: indexableText(title),
          body: indexableText(summary),
        },
      };
    }
    case 'IncidentRevised': {
      const { title, summary } = event.data.changes;
      const changes: DocumentChanges = {};
      if (title !== undefined) changes.title = indexableText(title);
      if (summary !== undefined) changes.body = indexableText(summary);
      return revise(revision, `incident:${event.data.incidentId}`, changes);
    }
    case 'TimelineEntryAdded': {
      const { incidentId, entryId, text } = event.data;
      return {
        revision,
        write: {
          id: `timeline:${entryId}`,
          resultKind: 'INCIDENT',
          resultId: incidentId,
          incidentId,
          title: '',
          body: indexableText(text),
        },
      };
    }
    case 'FindingRecorded': {
      const { incidentId, findingId, description } = event.data;
      return {
        revision,
        write: {
          id: `finding:${findingId}`,
          resultKind: 'FINDING',
          resultId: findingId,
          incidentId,
          title: '',
          body: indexableText(description),
        },
      };
    }
    case 'FindingRevised': {
      const { description } = event.data.changes;
      if (description === undefined) return undefined;
      return revise(revision, `finding:${event.data.findingId}`, { body: indexableText(description) });
    }
    case 'FindingRetracted':
      return revise(revision, `finding:${event.data.findingId}`, { retracted: true });
    case 'PostmortemPublished': {
      const { incidentId, summary, impact } = event.data;
      return {
        revision,
        write: {
          id: `postmortem:${incidentId}`,
          resultKind: 'INCIDENT',
          resultId: incidentId,
          incidentId,
          title: '',
          body: indexableText(`${summary}\n${impact}`),
        },
      };
    }
    case 'MilestoneRecorded':
    case 'IncidentStatusChanged':
    case 'IncidentReopened':
    case 'IncidentsLinked':
    case 'PostmortemDueSet':
    case 'PostmortemOverdue':
      return undefined;
    case 'ExperimentPlanned': {
      // A new plan replaces the document of the one before.
      const { incidentId, hypothesis, steadyState } = event.data;
      return {
        revision,
        write: {
          id: `experiment:${incidentId}`,
          resultKind: 'INCIDENT',
          resultId: incidentId,
          incidentId,
          title: '',
          body: indexableText(`${hypothesis}\n${steadyState}`),
        },
      };
    }
    case 'ExperimentConcluded': {
      const { incidentId, observations } = event.data;
      return {
        revision,
        write: {
          id: `experiment-observations:${incidentId}`,
          resultKind: 'INCIDENT',
          resultId: incidentId,
          incidentId,
          title: '',
          body: indexableText(observations),
        },
      };
    }
    default:
      return assertNever(event);
  }
}

function actionItemDocumentChange(event: ProjectedActionItemEvent): DocumentChange | undefined {
  const { revision } = event;
  switch (event.type) {
    case 'ActionItemOpened': {
      const { actionItemId, incidentId, title, description } = event.data;
      return {
        revision,
        write: {
          id: `action-item:${actionItemId}`,
          resultKind: 'ACTION_ITEM',
          resultId: actionItemId,
          incidentId,
          title: indexableText(title),
          body: indexableText(description),
        },
      };
    }
    case 'ActionItemUpdated': {
      const { title, description } = event.data.changes;
      const changes: DocumentChanges = {};
      if (title !== undefined) changes.title = indexableText(title);
      if (description !== undefined) changes.body = indexableText(description);
      return revise(revision, `action-item:${event.data.actionItemId}`, changes);
    }
    case 'ActionItemStarted':
    case 'ActionItemCompleted':
    case 'ActionItemDropped':
    case 'ActionItemReopened':
    case 'ActionItemOverdue':
      return undefined;
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
