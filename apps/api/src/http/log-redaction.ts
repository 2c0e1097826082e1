/**
 * Fields pino replaces with `[redacted]` wherever a log call passes them: keys, cookies, secrets,
 * bodies and GraphQL variables never reach a log line. The request log itself holds none of them
 * (request-log.ts builds its lines field by field); this is for any other line that logs an object.
 */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'cookie',
  'secret',
  'apiKey',
  'body',
  'variables',
  'headers',
  'req.headers',
  'req.body',
  'res.headers',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.secret',
  '*.apiKey',
  '*.body',
  '*.variables',
  '*.headers',
];

/** Longest message text kept in a log line. */
const MAX_MESSAGE = 500;

/**
 * A client error's message as it may be logged: GraphQL's own messages repeat the values they refuse
 * (`Variable "$input" got invalid value "…"`, `String cannot represent a non string value: …`,
 * `Expected value of type "X", found "…"`), and the domain's quote them in single quotes (`'…' may
 * hold only …`): the caller's variables or document. Those values, any single-quoted text, and any
 * double-quoted text that is not a plain name (`$input`, `Query`, `input.title`, `[String!]!`) become
 * `…`; the rest (which field, which rule) stays, for whoever reads the debug log.
 */
export function withoutEchoedInput(message: string): string {
  return message
    .slice(0, MAX_MESSAGE * 4)
    .replace(/(cannot represent[^:]*?:) [\s\S]*$/i, '$1 …')
    .replace(/(, found) [\s\S]*$/, '$1 ….')
    .replace(/(got invalid value) [\s\S]*; /, '$1 …; ')
    .replace(/(got invalid value) (?!…)[\s\S]*$/, '$1 …')
    .replace(/"([^"\\]|\\.)*"/g, (quoted) => (isPlainName(quoted.slice(1, -1)) ? quoted : '"…"'))
    .replace(/'[^'\n]*'/g, "'…'")
    .slice(0, MAX_MESSAGE);
}

function isPlainName(text: string): boolean {
  return text.length <= 64 && /^\[?\$?[A-Za-z_]\w*(\.[A-Za-z_]\w*|\[\d+\])*!?\]?!?$/.test(text);
}

/** The path of a URL as it may be logged: no query string (GraphQL GET puts documents there), bounded. */
export function pathForLog(url: string | undefined): string {
  const path = (url ?? '').split('?')[0];
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
