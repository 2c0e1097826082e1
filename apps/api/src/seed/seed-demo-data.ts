import {
  ACTION_ITEM_STREAM_PREFIX,
  INCIDENT_STREAM_PREFIX,
  incidentStreamId,
  type IncidentKind,
  type IncidentReported,
  type Severity,
} from '@kb/domain';
import { StreamNotFoundError, type EventStore, type Position } from '@kb/event-store';
import {
  rebuildProjections,
  type Projection,
  type RebuildPassProgress,
  type RebuildProgress,
} from '@kb/read-models';
import type { DataSource } from 'typeorm';
import { demoHistory, historyKey, type DemoHistoryOptions } from './demo-history';

/** Appends in flight at once: enough for the embedded store's group commits (up to 1,000 appends each). */
const APPENDS_IN_FLIGHT = 2000;

export class SeedRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedRefusedError';
  }
}

export interface WriteSummary {
  readonly incidents: number;
  readonly actionItems: number;
  readonly events: number;
  /** Streams that were already stored by an earlier run of the same history (idempotent appends). */
  readonly streamsAlreadyStored: number;
  readonly byKind: Record<IncidentKind, number>;
  readonly bySeverity: Record<Severity, number>;
  readonly seconds: number;
}

export interface WriteProgress {
  readonly incidents: number;
  readonly events: number;
}

/**
 * Appends the demo history, each stream in one append with expectedRevision `no_stream`, many
 * streams at once. Into a store that already holds incidents or action items it refuses, unless they
 * are this very history (same options): then every append of a stream already there is an
 * idempotent no-op (same event ids) and the run completes what an interrupted one left out.
 */
export async function writeDemoHistory(
  store: EventStore,
  options: DemoHistoryOptions,
  onProgress?: (progress: WriteProgress) => void,
): Promise<WriteSummary> {
  const started = process.hrtime.bigint();
  const before = await checkStoreIsEmptyOrOurs(store, options);
  const summary = {
    incidents: 0,
    actionItems: 0,
    events: 0,
    streamsAlreadyStored: 0,
    byKind: { INCIDENT: 0, NEAR_MISS: 0, CHAOS_EXPERIMENT: 0, GAME_DAY: 0 },
    bySeverity: { SEV1: 0, SEV2: 0, SEV3: 0, SEV4: 0, SEV5: 0 },
  };
  let pending: Array<Promise<void>> = [];
  const drain = async () => {
    await Promise.all(pending);
    pending = [];
    onProgress?.({ incidents: summary.incidents, events: summary.events });
  };
  for (const incident of demoHistory(options)) {
    const reported = incident.streams[0].events[0].data as IncidentReported['data'];
    summary.incidents += 1;
    summary.actionItems += incident.streams.length - 1;
    summary.byKind[reported.kind] += 1;
    summary.bySeverity[reported.severity] += 1;
    for (const stream of incident.streams) {
      summary.events += stream.events.length;
      pending.push(
        store
          .appendToStream(stream.streamId, stream.events, { expectedRevision: 'no_stream' })
          .then((result) => {
            if (before !== null && result.position <= before) summary.streamsAlreadyStored += 1;
          }),
      );
    }
    if (pending.length >= APPENDS_IN_FLIGHT) await drain();
  }
  await drain();
  return { ...summary, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** The store's last position when it already holds this history; null when it holds none of ours. */
async function checkStoreIsEmptyOrOurs(
  store: EventStore,
  options: DemoHistoryOptions,
): Promise<Position | null> {
  const [existing] = await store.readAll({
    maxCount: 1,
    filter: { streamPrefixes: [INCIDENT_STREAM_PREFIX, ACTION_ITEM_STREAM_PREFIX] },
  });
  if (!existing) return null;
  const [first] = demoHistory(options);
  const firstEvent = first.streams[0].events[0];
  let ours = false;
  try {
    const [stored] = await store.readStream(incidentStreamId(first.incidentId), { maxCount: 1 });
    ours = stored?.id === firstEvent.id;
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  if (!ours)
    throw new SeedRefusedError(
      `The event store already holds incidents or action items, and not of this demo history (${historyKey(options)}). ` +
        'Seeding would mix two histories: seed into an empty event store (a fresh DATA_DIR), ' +
        'or run again with the options of the history it holds to complete it.',
    );
  const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
  return last.position;
}

/**
 * Rebuilds every projection from the whole log in one pass (each page of events read once, handed
 * to every projection): the fastest way into empty read models.
 */
export async function catchUpReadModels(
  store: EventStore,
  dataSource: DataSource,
  projections: readonly Projection[],
  onProgress?: (progress: RebuildPassProgress) => void,
): Promise<{ events: number; parked: number; seconds: number; projections: RebuildProgress[] }> {
  const started = process.hrtime.bigint();
  let events = 0;
  const results = await rebuildProjections(store, dataSource, projections, {
    onProgress: (progress) => {
      events = progress.events;
      onProgress?.(progress);
    },
  });
  return {
    events,
    parked: results.reduce((sum, result) => sum + result.parked, 0),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    projections: results,
  };
}
