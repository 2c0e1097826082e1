import { inputDigest, nameBasedUuid } from './deterministic-id';

describe('name-based ids and input digests', () => {
  it('gives the same UUID v5 for the same name, another for another name', () => {
    const id = nameBasedUuid('ReportIncident\nkey-1\nretry-42');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameBasedUuid('ReportIncident\nkey-1\nretry-42')).toBe(id);
    expect(nameBasedUuid('ReportIncident\nkey-2\nretry-42')).not.toBe(id);
  });

  it('digests input regardless of key order and undefined fields, but not of values', () => {
    expect(inputDigest({ a: 1, b: [1, { c: 'x', d: undefined }] })).toBe(
      inputDigest({ b: [1, { c: 'x' }], a: 1 }),
    );
    expect(inputDigest({ a: 1 })).not.toBe(inputDigest({ a: 2 }));
    expect(inputDigest({ a: [1, 2] })).not.toBe(inputDigest({ a: [2, 1] }));
  });
});
