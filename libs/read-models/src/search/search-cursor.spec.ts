import { InvalidSearchCursorError, decodeSearchCursor, encodeSearchCursor } from './search.query';

describe('search cursors', () => {
  it('round-trip an offset', () => {
    expect(decodeSearchCursor(encodeSearchCursor(0))).toBe(0);
    expect(decodeSearchCursor(encodeSearchCursor(120))).toBe(120);
  });

  it.each([
    '',
    'garbage',
    Buffer.from('search:-1').toString('base64url'),
    Buffer.from('x:3').toString('base64url'),
  ])('rejects %j', (cursor) => {
    expect(() => decodeSearchCursor(cursor)).toThrow(InvalidSearchCursorError);
  });
});
