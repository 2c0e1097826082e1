import { InvalidEventStoreInputError } from '../errors';
import { comparePositions, decodePosition, encodePosition } from './esdb-position.mapper';

describe('EventStoreDB positions as port positions', () => {
  const MAX_UINT64 = (1n << 64n) - 1n;

  it('encodes commit and prepare zero-padded, and decodes them back', () => {
    const position = { commit: 1234n, prepare: 1200n };
    expect(encodePosition(position)).toBe('00000000000000001234/00000000000000001200');
    expect(decodePosition(encodePosition(position))).toEqual(position);
    expect(decodePosition(encodePosition({ commit: MAX_UINT64, prepare: 0n }))).toEqual({
      commit: MAX_UINT64,
      prepare: 0n,
    });
  });

  it('compares as plain strings in log order', () => {
    const positions = [
      { commit: 9n, prepare: 9n },
      { commit: 10n, prepare: 2n },
      { commit: 10n, prepare: 10n },
      { commit: 123456789n, prepare: 0n },
      { commit: MAX_UINT64, prepare: MAX_UINT64 },
    ];
    const encoded = positions.map(encodePosition);
    expect([...encoded].sort()).toEqual(encoded);
    for (let i = 1; i < positions.length; i++) {
      expect(comparePositions(positions[i - 1], positions[i])).toBeLessThan(0);
      expect(comparePositions(positions[i], positions[i - 1])).toBeGreaterThan(0);
    }
    expect(comparePositions(positions[2], { ...positions[2] })).toBe(0);
  });

  it.each<[string, unknown]>([
    ['garbage', 'garbage'],
    ['one number', '00000000000000001234'],
    ['short parts', '1234/1200'],
    ['beyond uint64', '99999999999999999999/00000000000000000000'],
    ['not a string', 42],
  ])('refuses %s as fromPosition', (_label, value) => {
    expect(() => decodePosition(value)).toThrow(InvalidEventStoreInputError);
    expect(() => decodePosition(value)).toThrow(expect.objectContaining({ field: 'fromPosition' }) as Error);
  });

  it('refuses to encode a value that is no log position', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
  });
});
