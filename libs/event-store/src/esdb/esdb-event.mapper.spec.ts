import type { ResolvedEvent } from '@eventstore/db-client';
import { toClientExpectedRevision, toEventData, toStoredEvent } from './esdb-event.mapper';

describe('events between the port and @eventstore/db-client', () => {
  const created = new Date('2026-01-02T03:04:05.678Z');

  it('sends the writer id and JSON content', () => {
    const original = {
      id: 'A0B1C2D3-0000-4000-8000-000000000001',
      type: 'Opened',
      data: { n: 1 },
      metadata: { k: 'v' },
    };
    const serialized = {
      id: original.id.toLowerCase(),
      type: 'Opened',
      data: '{"n":1}',
      metadata: '{"k":"v"}',
    };
    expect(toEventData(serialized, original)).toEqual({
      id: 'a0b1c2d3-0000-4000-8000-000000000001',
      contentType: 'application/json',
      type: 'Opened',
      data: { n: 1 },
      metadata: { k: 'v' },
    });
    expect(toEventData(serialized, { ...original, metadata: undefined }).metadata).toEqual({});
  });

  it('maps expected revisions to the client', () => {
    expect(toClientExpectedRevision(4)).toBe(4n);
    expect(toClientExpectedRevision('no_stream')).toBe('no_stream');
  });

  it('reads a recorded JSON event into a stored event', () => {
    const resolved = {
      event: {
        id: 'e1',
        streamId: 's-1',
        revision: 3n,
        type: 'Opened',
        isJson: true,
        data: { n: 1 },
        metadata: undefined,
        created,
        position: { commit: 42n, prepare: 40n },
      },
    } as unknown as ResolvedEvent;
    expect(toStoredEvent(resolved)).toEqual({
      id: 'e1',
      streamId: 's-1',
      revision: 3,
      position: '00000000000000000042/00000000000000000040',
      type: 'Opened',
      data: { n: 1 },
      metadata: {},
      recordedAt: created,
    });
  });

  it('decodes binary data written by other clients, and skips unresolved links', () => {
    const binary = {
      event: {
        id: 'e2',
        streamId: 's-1',
        revision: 0n,
        type: 'Raw',
        isJson: false,
        data: Buffer.from('plain text'),
        metadata: Buffer.from([1, 2]),
        created,
      },
      commitPosition: 7n,
    } as unknown as ResolvedEvent;
    expect(toStoredEvent(binary)).toMatchObject({
      data: 'plain text',
      metadata: {},
      position: '00000000000000000007/00000000000000000007',
    });
    expect(toStoredEvent({})).toBeUndefined();
  });
});
