import { MATCH_END, MATCH_START, indexableText, toHtmlSnippet } from './search-snippet';

describe('toHtmlSnippet', () => {
  it('escapes the text and turns the match markers into <mark> tags', () => {
    expect(toHtmlSnippet(`<script>alert("x")</script> & ${MATCH_START}pool${MATCH_END}'s limit`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>pool</mark>&#39;s limit',
    );
  });

  it("turns PostgreSQL's stand-ins for < > & back before escaping", () => {
    expect(toHtmlSnippet(`\uE002b\uE003 \uE004 ${MATCH_START}x${MATCH_END}`)).toBe(
      '&lt;b&gt; &amp; <mark>x</mark>',
    );
  });

  it('leaves <mark> written in the text escaped', () => {
    expect(toHtmlSnippet('<mark>fake</mark>')).toBe('&lt;mark&gt;fake&lt;/mark&gt;');
  });
});

describe('indexableText', () => {
  it('drops the match markers so text cannot forge a mark', () => {
    expect(indexableText(`a${MATCH_START}b${MATCH_END}c\uE002\uE003\uE004`)).toBe('abc');
    expect(indexableText(null)).toBe('');
  });
});
