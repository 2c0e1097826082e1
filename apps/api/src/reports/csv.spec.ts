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

describe('toCsv against formula injection (OWASP)', () => {
  it.each([
    ['=1+2', `"'=1+2"`],
    ['+1', `"'+1"`],
    ['-1', `"'-1"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tcmd', `"'\tcmd"`],
    ['\rcmd', `"'\rcmd"`],
  ])('neutralises the text cell %j with a leading quote, quoted', (text, written) => {
    expect(toCsv(['key'], [[text]])).toBe(`key\r\n${written}\r\n`);
  });

  it('doubles the quotes of a neutralised cell', () => {
    expect(toCsv(['key'], [['=HYPERLINK("http://x","y")']])).toBe(
      `key\r\n"'=HYPERLINK(""http://x"",""y"")"\r\n`,
    );
  });

  it('keeps numbers as numbers, negative ones too, and booleans as they are', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [[-1.5, -0.25, 0, false]])).toBe('a,b,c,d\r\n-1.5,-0.25,0,false\r\n');
  });

  it('leaves text that only holds those characters later on as it is', () => {
    expect(toCsv(['key'], [['checkout-api'], ['a=b'], ['user@example.com']])).toBe(
      'key\r\ncheckout-api\r\na=b\r\nuser@example.com\r\n',
    );
  });

  it('neutralises a header cell too', () => {
    expect(toCsv(['=x'], [])).toBe(`"'=x"\r\n`);
  });
});
