import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { AppendReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type {
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  JsonValue,
  Position,
  StoredEvent,
  StreamMetadata,
} from '../../src';

/**
 * Translation between EventStoreDB's wire messages and the port's values, for the fake server. It is
 * written independently of the adapter's mappers, so that a mistake on one side is not mirrored on
 * the other.
 */

const JSON_CONTENT_TYPE = 'application/json';
const TICKS_PER_MILLISECOND = 10_000n;
const PORT_POSITION_DIGITS = 20;

export function streamNameOf(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

export function toStreamIdentifier(streamName: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

// ---- positions --------------------------------------------------------------------------------------
// The embedded store's positions are 20-digit zero-padded integers; on the wire both the commit and the
// prepare position carry that integer.

export function toLogPosition(position: Position): bigint {
  if (!/^\d{20}$/.test(position)) throw new Error(`Not a position of the embedded store: ${position}`);
  return BigInt(position);
}

export function toPortPosition(logPosition: bigint): Position {
  return logPosition.toString().padStart(PORT_POSITION_DIGITS, '0');
}

// ---- events -------------------------------------------------------------------------------------------

export function toRecordedEvent(event: StoredEvent): ReadResp.ReadEvent.RecordedEvent {
  const logPosition = toLogPosition(event.position).toString();
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(toStreamIdentifier(event.streamId))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(logPosition)
    .setPreparePosition(logPosition)
    .setData(Buffer.from(JSON.stringify(event.data), 'utf8'))
    .setCustomMetadata(Buffer.from(JSON.stringify(event.metadata), 'utf8'));
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', JSON_CONTENT_TYPE)
    .set('created', (BigInt(event.recordedAt.getTime()) * TICKS_PER_MILLISECOND).toString());
  return recorded;
}

/** As the server does: results of $all carry the commit position, results of a stream do not. */
export function toReadResp(event: StoredEvent, withCommitPosition: boolean): ReadResp {
  const readEvent = new ReadResp.ReadEvent().setEvent(toRecordedEvent(event));
  if (withCommitPosition) readEvent.setCommitPosition(toLogPosition(event.position).toString());
  else readEvent.setNoPosition(new Empty());
  return new ReadResp().setEvent(readEvent);
}

export function fromProposedMessage(message: AppendReq.ProposedMessage): EventToAppend {
  const contentType = message.getMetadataMap().get('content-type');
  if (contentType !== JSON_CONTENT_TYPE)
    throw new WireError(`The fake server stores JSON events only, not '${contentType ?? 'none'}'.`);
  const metadataBytes = message.getCustomMetadata_asU8();
  return {
    id: uuidOf(message.getId()),
    type: message.getMetadataMap().get('type') ?? '',
    data: parseJson(message.getData_asU8()),
    metadata: metadataBytes.length === 0 ? {} : (parseJson(metadataBytes) as JsonObject),
  };
}

export function parseJson(bytes: Uint8Array): JsonValue {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as JsonValue;
  } catch {
    throw new WireError('The event data is marked as JSON but is not.');
  }
}

function uuidOf(uuid: UUID | undefined): string {
  if (!uuid) throw new WireError('A proposed message has no id.');
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured();
  if (!structured) throw new WireError('A proposed message has an empty id.');
  const hex = [structured.getMostSignificantBits(), structured.getLeastSignificantBits()]
    .map((bits) => BigInt.asUintN(64, BigInt(bits)).toString(16).padStart(16, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- expected revisions -------------------------------------------------------------------------------

/** The options of Append, Delete and Tombstone share this oneof and its field numbers. */
interface ExpectedRevisionOptions {
  getExpectedStreamRevisionCase(): number;
  getRevision(): string;
}

const REVISION = 2;
const NO_STREAM = 3;
const ANY = 4;
const STREAM_EXISTS = 5;

export function expectedRevisionOf(options: ExpectedRevisionOptions): ExpectedRevision {
  switch (options.getExpectedStreamRevisionCase()) {
    case REVISION:
      return Number(options.getRevision());
    case NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
      return 'stream_exists';
    case ANY:
      return 'any';
    default:
      throw new WireError('The request has no expected revision.');
  }
}

/** EventStoreDB's numeric expected version, as its gRPC error metadata reports it. */
export function expectedVersionNumber(expected: ExpectedRevision): string {
  if (typeof expected === 'number') return String(expected);
  return { any: '-2', no_stream: '-1', stream_exists: '-4' }[expected];
}

// ---- stream metadata ----------------------------------------------------------------------------------

export function toWireMetadata(metadata: StreamMetadata): JsonObject {
  const raw: JsonObject = { ...(metadata.custom ?? {}) };
  if (metadata.maxCount !== undefined) raw.$maxCount = metadata.maxCount;
  if (metadata.truncateBefore !== undefined) raw.$tb = metadata.truncateBefore;
  return raw;
}

export function fromWireMetadata(raw: JsonValue): StreamMetadata {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new WireError('Stream metadata must be a JSON object.');
  const { $maxCount, $tb, ...rest } = raw;
  const custom = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('$')));
  return {
    ...(typeof $maxCount === 'number' ? { maxCount: $maxCount } : {}),
    ...(typeof $tb === 'number' ? { truncateBefore: $tb } : {}),
    ...(Object.keys(custom).length > 0 ? { custom } : {}),
  };
}

/** A request the fake cannot make sense of: answered with INVALID_ARGUMENT. */
export class WireError extends Error {}
