import { toCsv } from './csv';

describe('toCsv (RFC 4180)', () => {
  it('writes a header row and records, each line ended by CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x'],
          [2.5, null],
        ],
      ),
    ).toBe('a,b\r\n1,x\r\n2.5,\r\n');
  });

  it('quotes fields with commas, quotes or line breaks, doubling the quotes', () => {
    expect(toCsv(['text'], [['a,b'], ['say "hi"'], ['two\nlines'], ['cr\rhere']])).toBe(
      'text\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\rhere"\r\n',
    );
  });

  it('writes only the header when there are no records', () => {
    expect(toCsv(['bucketStart', 'count'], [])).toBe('bucketStart,count\r\n');
  });
});
