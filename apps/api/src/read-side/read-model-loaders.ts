import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import {
  actionItemsByIds,
  actionItemsByIncidentIds,
  findingsByIds,
  findingsByIncidentIds,
  incidentsByIds,
  lessonsByIncidentIds,
  linksByIncidentIds,
  similarToIncidents,
  timelineByIncidentIds,
  type ActionItemRow,
  type FindingRow,
  type IncidentLinkRow,
  type IncidentRow,
  type SimilarityMatch,
  type TimelineEntryRow,
} from '@kb/read-models';

/** A loader of rows by id: a missing id gives null. */
function byId<Row>(load: (ids: readonly string[]) => Promise<Map<string, Row>>) {
  return new DataLoader<string, Row | null>(async (ids) => {
    const rows = await load(ids);
    return ids.map((id) => rows.get(id) ?? null);
  });
}

/** A loader of each incident's rows: every id gets its group (empty when there is none). */
function byIncident<Row>(load: (ids: readonly string[]) => Promise<Map<string, Row[]>>) {
  return new DataLoader<string, Row[]>(async (ids) => {
    const groups = await load(ids);
    return ids.map((id) => groups.get(id) ?? []);
  });
}

/**
 * `load` over slices of `size` ids, the event loop let free between two: reading and mapping rows
 * happens on the main thread, and some fields ask for hundreds of parents' rows at once (the lessons
 * of 50 similar incidents for each of 10 incidents).
 */
function inSlices<Row>(size: number, load: (ids: readonly string[]) => Promise<Map<string, Row>>) {
  return async (ids: readonly string[]): Promise<Map<string, Row>> => {
    const result = new Map<string, Row>();
    for (let start = 0; start < ids.length; start += size) {
      if (start > 0) await yieldToEventLoop();
      for (const [id, row] of await load(ids.slice(start, start + size))) result.set(id, row);
    }
    return result;
  };
}

/** Parents per slice of a loader whose parents can number hundreds in one request. */
const SLICE = 100;

/**
 * The read-model loaders of one request: nested fields of a page (findings, action items, links,
 * timeline, the incident of an action item) are fetched with one statement per kind, not one per
 * parent (no N+1). Made fresh for every request, so nothing is cached across requests.
 */
export class ReadModelLoaders {
  readonly incident: DataLoader<string, IncidentRow | null>;
  readonly actionItem: DataLoader<string, ActionItemRow | null>;
  readonly finding: DataLoader<string, FindingRow | null>;
  readonly findingsOfIncident: DataLoader<string, FindingRow[]>;
  /** LESSON_LEARNED findings not retracted, for similar incidents (hundreds of incidents at once). */
  readonly lessonsOfIncident: DataLoader<string, FindingRow[]>;
  readonly timelineOfIncident: DataLoader<string, TimelineEntryRow[]>;
  readonly linksOfIncident: DataLoader<string, IncidentLinkRow[]>;
  readonly actionItemsOfIncident: DataLoader<string, ActionItemRow[]>;
  /** `Incident.similar` of a page: the incidents asking for the same count ranked in one batch. */
  readonly similarOfIncident: DataLoader<{ incidentId: string; first: number }, SimilarityMatch[], string>;

  constructor(dataSource: DataSource) {
    this.incident = byId((ids) => incidentsByIds(dataSource, ids));
    this.actionItem = byId((ids) => actionItemsByIds(dataSource, ids));
    this.finding = byId((ids) => findingsByIds(dataSource, ids));
    this.findingsOfIncident = byIncident((ids) => findingsByIncidentIds(dataSource, ids));
    this.lessonsOfIncident = byIncident(inSlices(SLICE, (ids) => lessonsByIncidentIds(dataSource, ids)));
    this.timelineOfIncident = byIncident((ids) => timelineByIncidentIds(dataSource, ids));
    this.linksOfIncident = byIncident((ids) => linksByIncidentIds(dataSource, ids));
    this.actionItemsOfIncident = byIncident((ids) => actionItemsByIncidentIds(dataSource, ids));
    this.similarOfIncident = new DataLoader(
      async (keys) => {
        const counts = [...new Set(keys.map((key) => key.first))];
        const rankings = new Map<number, Map<string, SimilarityMatch[]>>();
        for (const first of counts)
          rankings.set(
            first,
            await similarToIncidents(
              dataSource,
              keys.filter((key) => key.first === first).map((key) => key.incidentId),
              first,
            ),
          );
        return keys.map((key) => rankings.get(key.first)?.get(key.incidentId) ?? []);
      },
      { cacheKeyFn: (key) => `${key.first}:${key.incidentId}` },
    );
  }

  /** Forgets what was loaded: a subscription calls it before each event, whose rows have changed. */
  clearAll(): void {
    for (const loader of [
      this.incident,
      this.actionItem,
      this.finding,
      this.findingsOfIncident,
      this.lessonsOfIncident,
      this.timelineOfIncident,
      this.linksOfIncident,
      this.actionItemsOfIncident,
      this.similarOfIncident,
    ] as Array<DataLoader<string, unknown>>)
      loader.clearAll();
  }
}
