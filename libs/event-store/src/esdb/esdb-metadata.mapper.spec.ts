import { fromEsdbStreamMetadata, toEsdbStreamMetadata } from './esdb-metadata.mapper';

describe('stream metadata in EventStoreDB format', () => {
  it('puts system settings under $ keys and application keys at the top level', () => {
    expect(
      toEsdbStreamMetadata({ maxCount: 5, truncateBefore: 2, custom: { owner: 'sre', maxCount: 'app' } }),
    ).toEqual({
      owner: 'sre',
      maxCount: 'app',
      $maxCount: 5,
      $tb: 2,
    });
    expect(toEsdbStreamMetadata({})).toEqual({});
  });

  it('reads it back, leaving other system keys out', () => {
    expect(
      fromEsdbStreamMetadata({
        $maxCount: 5,
        $tb: 2,
        $acl: { $r: 'x' },
        $maxAge: 60,
        owner: 'sre',
        maxCount: 'app',
      }),
    ).toEqual({ maxCount: 5, truncateBefore: 2, custom: { owner: 'sre', maxCount: 'app' } });
    expect(fromEsdbStreamMetadata({ $tb: 3 })).toEqual({ truncateBefore: 3 });
    expect(fromEsdbStreamMetadata('not an object')).toEqual({});
  });

  it("clamps a soft delete's truncate-before (Int64.MaxValue) to the largest safe integer", () => {
    expect(fromEsdbStreamMetadata(JSON.parse('{"$tb": 9223372036854775807}'))).toEqual({
      truncateBefore: Number.MAX_SAFE_INTEGER,
    });
  });
});
