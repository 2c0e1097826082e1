/**
 * What the store holds of an event type: its current schema version and the upcasters that read
 * older versions as the current one. Stored events are never rewritten; they are upcast on read.
 */
export interface EventCatalogue<Event extends { type: string; data: unknown }> {
  /** Current schema version of each event type (written into the metadata as `schemaVersion`). */
  readonly versions: Readonly<Record<Event['type'], number>>;
  /** `upcasters[type][v]` turns the data of version v into version v + 1. */
  readonly upcasters: Partial<
    Record<
      Event['type'],
      Readonly<Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>
    >
  >;
}

export class UnknownEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownEventError';
  }
}

/** Reads a stored event as the current version of its type. */
export function upcast<Event extends { type: string; data: unknown }>(
  catalogue: EventCatalogue<Event>,
  type: string,
  schemaVersion: number,
  data: unknown,
): Event {
  const current = (catalogue.versions as Record<string, number>)[type];
  if (current === undefined)
    throw new UnknownEventError(`'${type}' is not an event type this service knows.`);
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current)
    throw new UnknownEventError(
      `'${type}' version ${schemaVersion} cannot be read: this service knows versions 1 to ${current} (a newer service wrote it?).`,
    );
  let upgraded = data as Record<string, unknown>;
  const steps =
    (
      catalogue.upcasters as Record<
        string,
        Record<number, (d: Record<string, unknown>) => Record<string, unknown>>
      >
    )[type] ?? {};
  for (let version = schemaVersion; version < current; version++) {
    const step = steps[version];
    if (!step)
      throw new UnknownEventError(
        `No upcaster reads '${type}' version ${version} as version ${version + 1}.`,
      );
    upgraded = step(upgraded);
  }
  return { type, data: upgraded } as Event;
}
