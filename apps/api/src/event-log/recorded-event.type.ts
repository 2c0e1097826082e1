import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { StoredEvent } from '@kb/event-store';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';

@ObjectType({
  description:
    'One immutable event as stored. occurredAt is when it happened in the world; recordedAt is when the store took it.',
})
export class RecordedEvent {
  @Field(() => ID)
  id!: string;

  @Field()
  streamId!: string;

  @Field(() => Int)
  revision!: number;

  @Field({
    description: 'Global position in the store, opaque and increasing; resume a subscription from it.',
  })
  position!: string;

  @Field()
  type!: string;

  @Field(() => Int, { description: 'Schema version of the payload (metadata schemaVersion).' })
  version!: number;

  @Field(() => JSONScalar)
  data!: unknown;

  @Field({ description: 'The API key id that wrote it, or `system`.' })
  actor!: string;

  @Field(() => String, { nullable: true })
  correlationId!: string | null;

  @Field(() => String, { nullable: true })
  causationId!: string | null;

  @Field(() => DateTimeScalar)
  occurredAt!: string;

  @Field(() => DateTimeScalar)
  recordedAt!: string;
}

/** An event of the store as the API shows it: its payload as stored, its metadata spelled out. */
export function toRecordedEvent(event: StoredEvent): RecordedEvent {
  const meta = event.metadata;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    type: event.type,
    version: typeof meta.schemaVersion === 'number' ? meta.schemaVersion : 1,
    data: event.data,
    actor: text(meta.actor) ?? 'unknown',
    correlationId: text(meta.correlationId),
    causationId: text(meta.causationId),
    occurredAt: text(meta.occurredAt) ?? event.recordedAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
  };
}
