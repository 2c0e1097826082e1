/** `scheme://`, the start of a URL or connection string with an authority. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Where a URL's password is: after the user's `:`, up to the last `@` (a password may hold `@`, `/`, `:`). */
function passwordSpan(url: string): { start: number; end: number } | undefined {
  const scheme = SCHEME.exec(url);
  if (!scheme) return undefined;
  const at = url.lastIndexOf('@');
  if (at < scheme[0].length) return undefined;
  const colon = url.indexOf(':', scheme[0].length);
  if (colon < 0 || colon > at) return undefined;
  return { start: colon + 1, end: at };
}

/**
 * The URL with its password replaced by `***` (the user stays), for messages and logs:
 * `esdb://admin:changeit@host:2113` becomes `esdb://admin:***@host:2113`. Everything up to the last
 * `@` counts as the password, so an unencoded `@`, `/` or `:` in it cannot show a part of it (when in
 * doubt, more is hidden rather than less).
 */
export function redactUrl(url: string): string {
  const span = passwordSpan(url);
  return span ? `${url.slice(0, span.start)}***${url.slice(span.end)}` : url;
}

/**
 * `text` (an error message or warning about `url`, e.g. from a client library) with `url`'s password
 * hidden: the whole URL becomes its redacted form, the password (however a parser may have read it:
 * up to the first or the last `@`, encoded or decoded) becomes `***`, and so does a quoted part of
 * the URL at a position inside the password (`Unexpected "chan" at position 10`).
 */
export function hideUrlSecrets(text: string, url: string): string {
  const span = passwordSpan(url);
  if (!span) return text;
  const password = url.slice(span.start, span.end);
  const firstAt = url.indexOf('@', span.start);
  const readings = new Set([password, url.slice(span.start, firstAt)]);
  for (const reading of [...readings]) {
    try {
      readings.add(decodeURIComponent(reading));
    } catch {
      // Not percent-encoded: the reading as it is is enough.
    }
  }
  let hidden = text.split(url).join(redactUrl(url));
  for (const reading of [...readings].filter((r) => r !== '').sort((a, b) => b.length - a.length))
    hidden = hidden.split(reading).join('***');
  return hidden.replace(/"([^"]*)" at position (\d+)/g, (quoted: string, part: string, at: string) => {
    const from = Number(at);
    return from < span.end && from + Math.max(part.length, 1) > span.start
      ? `"***" at position ${at}`
      : quoted;
  });
}
