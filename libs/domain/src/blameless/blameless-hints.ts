/**
 * Advisory "blameless hints": spots wording that puts the blame on people so authors can rephrase
 * toward systems and conditions. Never used to block a write.
 *
 * The text is split once into word tokens and every pattern is a bounded look around a trigger word,
 * so the cost is linear in the length of the text whatever it contains (no backtracking regexes).
 */

export const BLAME_KINDS = [
  'human-error',
  'should-have',
  'carelessness',
  'negligence',
  'person-failed-to',
  'fault',
  'person-as-cause',
] as const;

export type BlameKind = (typeof BLAME_KINDS)[number];

export interface BlameFinding {
  readonly kind: BlameKind;
  /** The exact matched text, so `text.slice(index, index + match.length) === match`. */
  readonly match: string;
  readonly index: number;
  readonly hint: string;
}

const ADVICE: Record<BlameKind, string> = {
  'human-error':
    'describe the conditions that made the mistake easy to make (tooling, defaults, missing guardrails) rather than the person.',
  'should-have':
    'hindsight makes the right move look obvious; describe what was known at the time and why the action taken made sense then.',
  carelessness:
    "this judges a person's character; describe the conditions instead (time pressure, workload, missing checks, confusing tooling).",
  negligence:
    'this is a legal judgement, not a finding; name the safeguard that was missing or the signal that was easy to miss.',
  'person-failed-to':
    'describe what the system did not provide (an alert, a checklist step, a safe default) rather than what a person failed to do.',
  fault:
    'assigning fault ends the inquiry; ask how the system allowed this and record those contributing factors instead.',
  'person-as-cause':
    'a person is named as the cause; describe the action and what made it possible or likely (review, tests, rollout safeguards).',
};

/** Every blaming phrase in the text, in order of appearance (for highlighting). */
export function findBlame(text: string): BlameFinding[] {
  const scan = tokenize(text);
  const findings: BlameFinding[] = [];
  const seen = new Set<string>();
  scan.tokens.forEach((token, i) => {
    for (const { kind, match } of MATCHERS_BY_TRIGGER.get(token.lower) ?? []) {
      const span = match(scan, i);
      if (span === undefined) continue;
      const index = scan.tokens[span.from].start;
      const key = `${kind}@${index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const matched = text.slice(index, scan.tokens[span.to].end);
      findings.push({ kind, match: matched, index, hint: hintFor(kind, matched) });
    }
  });
  return findings.sort(
    (a, b) => a.index - b.index || BLAME_KINDS.indexOf(a.kind) - BLAME_KINDS.indexOf(b.kind),
  );
}

/** At most one hint per kind, in order of first appearance; [] when the wording is blameless. */
export function blamelessHints(text: string): string[] {
  const kinds = new Set<BlameKind>();
  const hints: string[] = [];
  for (const finding of findBlame(text)) {
    if (kinds.has(finding.kind)) continue;
    kinds.add(finding.kind);
    hints.push(finding.hint);
  }
  return hints;
}

function hintFor(kind: BlameKind, matched: string): string {
  return `"${matched.replace(/\s+/g, ' ').trim()}": ${ADVICE[kind]}`;
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface Token {
  readonly start: number;
  readonly end: number;
  /** Original spelling, without a possessive 's. */
  readonly bareText: string;
  /** Lower case, curly apostrophes made straight. */
  readonly lower: string;
  /** `lower` without a possessive 's. */
  readonly bare: string;
  readonly possessive: boolean;
  /** Only spaces, line breaks, hyphens, quotes or emphasis marks since the previous token. */
  readonly joined: boolean;
}

interface Scan {
  readonly tokens: readonly Token[];
  /** Words written in lower case somewhere in the text: such a word is not a person's name. */
  readonly lowercaseWords: ReadonlySet<string>;
}

interface Span {
  readonly from: number;
  readonly to: number;
}

const WORD = /[\p{L}\p{N}@_'’]+/gu;
const SOFT_SEPARATOR = /^[\s\-*_~'"’‘“”`]*$/u;
const POSSESSIVE_SUFFIX = "'s";
// "it's" and "that's" end like possessives but are contractions of "is".
const CONTRACTIONS = new Set(
  ['it', 'that', 'there', 'here', 'what', 'where', 'who', 'how', 'he', 'she', 'let', 'everything'].map(
    (word) => `${word}${POSSESSIVE_SUFFIX}`,
  ),
);

function tokenize(text: string): Scan {
  const tokens: Token[] = [];
  const lowercaseWords = new Set<string>();
  let previousEnd = -1;
  for (const found of text.matchAll(WORD)) {
    const token = toToken(text, found[0], found.index, previousEnd);
    if (token === undefined) continue;
    tokens.push(token);
    previousEnd = token.end;
    if (token.bareText === token.bareText.toLowerCase()) lowercaseWords.add(token.bare);
  }
  return { tokens, lowercaseWords };
}

function toToken(text: string, raw: string, at: number, previousEnd: number): Token | undefined {
  let first = 0;
  let last = raw.length;
  while (first < last && "_'’".includes(raw[first])) first++;
  while (last > first && "_'’@".includes(raw[last - 1])) last--;
  if (first === last) return undefined;
  const start = at + first;
  const spelled = raw.slice(first, last).replace(/’/g, "'");
  const lower = spelled.toLowerCase();
  const possessive = lower.length > 2 && lower.endsWith(POSSESSIVE_SUFFIX) && !CONTRACTIONS.has(lower);
  const cut = possessive ? -POSSESSIVE_SUFFIX.length : undefined;
  return {
    start,
    end: at + last,
    bareText: spelled.slice(0, cut),
    lower,
    bare: lower.slice(0, cut),
    possessive,
    joined: previousEnd >= 0 && SOFT_SEPARATOR.test(text.slice(previousEnd, start)),
  };
}

/** The token after `i` when nothing but soft separators stands between them. */
function next(scan: Scan, i: number): Token | undefined {
  const token = scan.tokens[i + 1];
  return token?.joined ? token : undefined;
}

/** The token before `i` when nothing but soft separators stands between them. */
function previous(scan: Scan, i: number): Token | undefined {
  return scan.tokens[i]?.joined ? scan.tokens[i - 1] : undefined;
}

/** Index of the last token when the tokens after `i` are, in turn, one of each set of words. */
function followedBy(scan: Scan, i: number, ...steps: ReadonlySet<string>[]): number | undefined {
  for (let step = 0; step < steps.length; step++) {
    if (!steps[step].has(next(scan, i + step)?.lower ?? '')) return undefined;
  }
  return i + steps.length;
}

const words = (...list: string[]): ReadonlySet<string> => new Set(list);

// ---------------------------------------------------------------------------------------------
// Who counts as a person

const SUBJECT_PRONOUNS = words('he', 'she', 'they', 'someone', 'somebody');
const PERSON_PRONOUNS = words('he', 'she', 'him', 'her', 'someone', 'somebody');
const POSSESSIVE_PRONOUNS = words('his', 'her', 'my');
const DETERMINERS = words('the', 'a', 'an', 'our', 'their', 'one', 'that', 'this', 'another', 'some', 'your');
const ROLE_NOUNS = words(
  ...['engineer', 'engineers', 'developer', 'developers', 'dev', 'devs', 'programmer', 'operator'],
  ...['operators', 'admin', 'admins', 'administrator', 'sysadmin', 'sre', 'sres', 'dba', 'oncall'],
  ...['responder', 'responders', 'reviewer', 'reviewers', 'approver', 'author', 'intern', 'contractor'],
  ...['employee', 'newcomer', 'hire', 'junior', 'ic', 'commander', 'manager', 'lead', 'teammate'],
  ...['colleague', 'coworker', 'person', 'human', 'tester', 'analyst', 'architect', 'technician', 'member'],
);
const BROADCAST_HANDLES = words('here', 'channel', 'everyone', 'all');
const HANDLE = /^@[\p{L}\p{N}_]+$/u;
// One capital then lower case, or an O'Brien: PagerDuty, GitHub, DNS and AWS never look like names.
const NAME_SHAPE = /^\p{Lu}(?:\p{Ll}+|'\p{Lu}\p{Ll}+)$/u;
const COMMON_NOUN_SUFFIX = /(?:ing|tion|sion|ment|ness|ity)$/;

// Capitalised words that are not people: sentence starters, calendar words, systems and products.
const NOT_NAMES = words(
  ...['the', 'a', 'an', 'this', 'that', 'these', 'those', 'it', 'its', 'we', 'our', 'us', 'they', 'their'],
  ...['he', 'she', 'his', 'her', 'i', 'you', 'your', 'there', 'here', 'then', 'when', 'while', 'after'],
  ...['before', 'during', 'because', 'since', 'although', 'though', 'if', 'once', 'as', 'at', 'by', 'for'],
  ...['from', 'in', 'on', 'to', 'with', 'without', 'within', 'and', 'but', 'or', 'so', 'also', 'however'],
  ...['meanwhile', 'finally', 'first', 'second', 'third', 'next', 'later', 'eventually', 'initially'],
  ...['nobody', 'someone', 'somebody', 'everyone', 'everybody', 'no', 'not', 'nothing', 'all', 'some'],
  ...['many', 'most', 'each', 'every', 'both', 'either', 'neither', 'one', 'two', 'three', 'what', 'which'],
  ...['who', 'whose', 'why', 'how', 'where', 'yes', 'only', 'just', 'still', 'even', 'again', 'instead'],
  ...['unfortunately', 'luckily', 'fortunately', 'note', 'update', 'edit', 'todo', 'see', 'per', 'via'],
  ...['root', 'cause', 'impact', 'timeline', 'summary', 'trigger', 'action', 'item', 'lesson', 'finding'],
  ...['fix', 'resolution', 'detection', 'mitigation', 'background', 'context', 'customer', 'user', 'team'],
  ...['service', 'system', 'server', 'database', 'db', 'cache', 'queue', 'worker', 'job', 'cron', 'pipeline'],
  ...['deploy', 'release', 'rollout', 'rollback', 'build', 'test', 'config', 'change', 'commit', 'script'],
  ...['alert', 'dashboard', 'metric', 'log', 'traffic', 'load', 'latency', 'request', 'response', 'retry'],
  ...['backup', 'replica', 'failover', 'health', 'check', 'probe', 'network', 'disk', 'memory', 'node'],
  ...['pod', 'container', 'cluster', 'region', 'zone', 'instance', 'host', 'machine', 'certificate', 'cert'],
  ...['token', 'key', 'secret', 'app', 'client', 'frontend', 'backend', 'proxy', 'gateway', 'balancer'],
  ...['router', 'firewall', 'storage', 'bucket', 'table', 'index', 'query', 'schema', 'feature', 'flag'],
  ...['toggle', 'process', 'thread', 'connection', 'pool', 'timeout', 'threshold', 'limit', 'quota'],
  ...['autoscaler', 'scheduler', 'controller', 'consumer', 'producer', 'write', 'read', 'upgrade', 'patch'],
  ...['bug', 'regression', 'outage', 'incident', 'error', 'failure', 'prod', 'staging', 'canary', 'hotfix'],
  ...['pager', 'page', 'alarm', 'monitor', 'migration', 'runbook', 'playbook', 'ticket', 'support', 'ops'],
  ...['everything', 'something', 'anything', 'main', 'master', 'trunk', 'checkout', 'login', 'signup'],
  ...['search', 'cart', 'auth', 'email', 'mail', 'payment', 'order', 'inventory', 'website', 'site'],
  ...['homepage', 'mobile', 'web', 'ingress', 'egress', 'compute', 'infra', 'platform', 'kernel', 'code'],
  ...['firmware', 'hardware', 'software', 'pulumi', 'github', 'gitlab', 'bitbucket', 'pagerduty'],
  ...['kubernetes', 'redis', 'postgres', 'mongo', 'kafka', 'nginx', 'envoy', 'istio', 'docker', 'terraform'],
  ...['ansible', 'jenkins', 'jira', 'slack', 'datadog', 'grafana', 'prometheus', 'splunk', 'sentry'],
  ...['azure', 'google', 'amazon', 'microsoft', 'cloudflare', 'akamai', 'fastly', 'linux', 'windows'],
  ...['ubuntu', 'debian', 'java', 'python', 'go', 'golang', 'rust', 'ruby', 'rails', 'django', 'react'],
  ...['vault', 'consul', 'elasticsearch', 'elastic', 'opensearch', 'cassandra', 'dynamo', 'lambda', 'heroku'],
  ...['vercel', 'netlify', 'helm', 'argo', 'spinnaker', 'nest', 'npm', 'yarn', 'chrome', 'firefox'],
  ...['safari', 'android', 'apple', 'zookeeper', 'memcached', 'varnish', 'traefik', 'celery', 'sidekiq'],
  ...['airflow', 'spark', 'hadoop', 'snowflake', 'stripe', 'twilio', 'okta', 'sqlite', 'etcd', 'calico'],
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february'],
  ...['march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  ...['today', 'yesterday', 'tomorrow', 'tonight', 'morning', 'afternoon', 'evening', 'night', 'weekend'],
  ...['christmas', 'easter', 'black', 'cyber', 'new', 'year', 'eve', 'holiday', 'day', 'week', 'month'],
);

function singulars(word: string): string[] {
  if (word.endsWith('ies')) return [`${word.slice(0, -3)}y`];
  if (word.endsWith('es')) return [word.slice(0, -2), word.slice(0, -1)];
  if (word.endsWith('s') && !word.endsWith('ss')) return [word.slice(0, -1)];
  return [];
}

function isName(scan: Scan, token: Token): boolean {
  if (!NAME_SHAPE.test(token.bareText)) return false;
  const word = token.bare;
  if (scan.lowercaseWords.has(word)) return false;
  return ![word, ...singulars(word)].some(
    (form) => NOT_NAMES.has(form) || (form.length >= 6 && COMMON_NOUN_SUFFIX.test(form)),
  );
}

function isHandle(token: Token): boolean {
  return HANDLE.test(token.bareText) && !BROADCAST_HANDLES.has(token.bare.slice(1));
}

function isNamed(scan: Scan, token: Token): boolean {
  return isHandle(token) || isName(scan, token);
}

/** Whether token `i` ends a role such as "engineer" or "on-call". */
function isRole(scan: Scan, i: number): boolean {
  const bare = scan.tokens[i].bare;
  return ROLE_NOUNS.has(bare) || (bare === 'call' && previous(scan, i)?.lower === 'on');
}

/** Start of a role phrase ending at `i` ("the on-call engineer"), or undefined. */
function roleStartingBefore(scan: Scan, i: number): number | undefined {
  if (!isRole(scan, i)) return undefined;
  let first = i;
  for (let back = 1; back <= 3 && previous(scan, first) !== undefined; back++) {
    first--;
    if (DETERMINERS.has(scan.tokens[first].lower)) return first;
  }
  return scan.tokens[i].bare === 'call' ? i - 1 : i;
}

// Words that may follow a role noun that names a person: "caused by the engineer who ...".
const AFTER_PERSON = words(
  ...['who', 'that', 'which', 'on', 'in', 'at', 'with', 'and', 'or', 'when', 'while', 'during', 'after'],
  ...['before', 'by', 'to', 'of', 'from', 'for', 'was', 'were', 'had', 'has', 'did', "didn't", 'not'],
);

/** Whether the role at `i` names a person rather than qualifies a thing ("the admin panel"). */
function roleEndsPhrase(scan: Scan, i: number): boolean {
  const after = next(scan, i);
  if (after === undefined || scan.tokens[i].possessive) return true;
  return AFTER_PERSON.has(after.lower) || after.lower.endsWith('ing') || after.lower.endsWith('ed');
}

/** Last token of a person phrase starting at `i` ("Alice", "@bob's", "him", "the on-call engineer"). */
function personPhraseAt(scan: Scan, i: number): number | undefined {
  const token = scan.tokens[i];
  if (token === undefined) return undefined;
  if (PERSON_PRONOUNS.has(token.lower) || isNamed(scan, token)) return i;
  let at = DETERMINERS.has(token.lower) ? i : i - 1;
  for (let modifiers = 0; modifiers < 3; modifiers++) {
    const candidate = next(scan, at);
    if (candidate === undefined || DETERMINERS.has(candidate.lower)) return undefined;
    at++;
    if (!isRole(scan, at)) continue;
    const end = ROLE_NOUNS.has(next(scan, at)?.bare ?? '') ? at + 1 : at;
    return roleEndsPhrase(scan, end) ? end : undefined;
  }
  return undefined;
}

const SUBJECT_SKIP = words(
  ...['had', 'has', 'have', 'also', 'then', 'again', 'simply', 'just', 'clearly', 'completely'],
  ...['repeatedly', 'ultimately', 'still', 'apparently', 'obviously', 'accidentally', 'mistakenly'],
  ...['inadvertently', 'unfortunately'],
);

/** Start of the person who is the subject of the verb at `i` ("Bob", "the on-call engineer"). */
function personSubjectBefore(scan: Scan, i: number): number | undefined {
  let at = i - 1;
  for (let skipped = 0; skipped < 2 && SUBJECT_SKIP.has(previous(scan, at + 1)?.lower ?? ''); skipped++) at--;
  const subject = previous(scan, at + 1);
  if (subject === undefined) return undefined;
  if (SUBJECT_PRONOUNS.has(subject.lower) || isNamed(scan, subject)) return at;
  return roleStartingBefore(scan, at);
}

/** Start of a possessor that is a person ("Alice's", "his", "the engineer's"), ending at `i`. */
function personPossessorAt(scan: Scan, i: number): number | undefined {
  const token = scan.tokens[i];
  if (POSSESSIVE_PRONOUNS.has(token.lower)) return i;
  if (!token.possessive) return undefined;
  return isNamed(scan, token) ? i : roleStartingBefore(scan, i);
}

// ---------------------------------------------------------------------------------------------
// Patterns

const NEGATIONS = words(
  'no',
  'not',
  'nobody',
  'never',
  "isn't",
  "wasn't",
  "aren't",
  "weren't",
  'neither',
  'nor',
);

/** Whether one of the few words joined before `i` negates it ("nobody is to blame"). */
function negatedBefore(scan: Scan, i: number): boolean {
  for (let at = i, back = 0; back < 4; at--, back++) {
    const before = previous(scan, at);
    if (before === undefined) return false;
    if (NEGATIONS.has(before.lower)) return true;
  }
  return false;
}

const ERRORS = words('error', 'errors');
const ERROR_AS_DATA = words('code', 'codes', 'message', 'messages', 'page', 'pages', 'response', 'responses');

function humanError(scan: Scan, i: number): Span | undefined {
  if (followedBy(scan, i, ERRORS) === undefined) return undefined;
  // "user error codes" describes data, not people.
  const generic = scan.tokens[i].lower === 'user' || scan.tokens[i].lower === 'operator';
  if (generic && ERROR_AS_DATA.has(next(scan, i + 1)?.lower ?? '')) return undefined;
  return { from: i, to: i + 1 };
}

const HAVE = words('have');
const NOT = words('not');
const TO = words('to');
const BEEN = words('been');
const PREVENTED = words('prevented', 'avoided');

function shouldHave(scan: Scan, i: number): Span | undefined {
  const sequence = (...steps: ReadonlySet<string>[]) => followedBy(scan, i, ...steps);
  const to = ((): number | undefined => {
    switch (scan.tokens[i].lower) {
      case "should've":
      case "shouldn't've":
        return i;
      case 'should':
        return sequence(HAVE) ?? sequence(NOT, HAVE);
      case "shouldn't":
        return sequence(HAVE);
      case 'could':
        return sequence(HAVE, PREVENTED) ?? sequence(HAVE, BEEN, PREVENTED);
      case "could've":
        return sequence(PREVENTED) ?? sequence(BEEN, PREVENTED);
      case 'ought':
        return sequence(TO, HAVE);
      default:
        return undefined;
    }
  })();
  return to === undefined ? undefined : { from: i, to };
}

// "lazy loading" and "sloppy quorum" are engineering terms, not judgements.
const LAZY_TERMS = words(
  ...['load', 'loads', 'loaded', 'loading', 'evaluation', 'eval', 'init', 'initialization', 'initialisation'],
  ...['initialized', 'initialised', 'import', 'imports', 'allocation', 'binding', 'deletion', 'expiry'],
  ...['expiration', 'val', 'static', 'list', 'sequence', 'stream', 'mode', 'migration', 'replication'],
);

function carelessness(scan: Scan, i: number): Span | undefined {
  const word = scan.tokens[i].lower;
  const after = next(scan, i)?.lower ?? '';
  if (word === 'lazy' && LAZY_TERMS.has(after)) return undefined;
  if (word === 'sloppy' && (after === 'quorum' || after === 'quorums')) return undefined;
  return { from: i, to: i };
}

function single(_scan: Scan, i: number): Span {
  return { from: i, to: i };
}

function personFailedTo(scan: Scan, i: number): Span | undefined {
  const to = followedBy(scan, i, TO);
  if (to === undefined) return undefined;
  const from = personSubjectBefore(scan, i);
  return from === undefined ? undefined : { from, to };
}

const NOBODY = words('nobody', 'anybody', 'anyone', 'no-one');

const OWNERS = words('my', 'his', 'her', 'their', 'your', 'our', 'whose');

function isBlamingPossessive(scan: Scan, i: number): boolean {
  const token = scan.tokens[i];
  if (OWNERS.has(token.lower)) return true;
  if (!token.possessive || NOBODY.has(token.bare)) return false;
  return !(token.bare === 'one' && previous(scan, i)?.lower === 'no');
}

function fault(scan: Scan, i: number): Span | undefined {
  const before = previous(scan, i);
  const from =
    before?.lower === 'at' || (before !== undefined && isBlamingPossessive(scan, i - 1))
      ? i - 1
      : next(scan, i)?.lower === 'of'
        ? i
        : undefined;
  if (from === undefined || negatedBefore(scan, from)) return undefined;
  return { from, to: from === i ? i + 1 : i };
}

const ON = words('on');
const BLAME_OBJECTS = words('it', 'this', 'that', 'them');

function blame(scan: Scan, i: number): Span | undefined {
  if (scan.tokens[i].lower === 'blame' && previous(scan, i)?.lower === 'to') {
    return negatedBefore(scan, i - 1) ? undefined : { from: i - 1, to: i };
  }
  const to = followedBy(scan, i, ON) ?? followedBy(scan, i, BLAME_OBJECTS, ON);
  return to === undefined ? undefined : { from: i, to };
}

const BY = words('by');
const OF = words('of');
const MADE = words('made');
// Actions that make "because Alice <action>" name her as the cause; "because Alice noticed" is praise.
const CAUSAL_ACTIONS = words(
  ...['deployed', 'pushed', 'merged', 'shipped', 'released', 'ran', 'executed', 'changed', 'edited'],
  ...['modified', 'updated', 'upgraded', 'deleted', 'dropped', 'removed', 'truncated', 'wiped', 'disabled'],
  ...['killed', 'restarted', 'rebooted', 'misconfigured', 'configured', 'mistyped', 'typed', 'committed'],
  ...['approved', 'skipped', 'ignored', 'missed', 'forgot', 'overlooked', 'bypassed', 'broke', 'caused'],
  ...['failed', 'neglected', "didn't", "hadn't", 'never', 'accidentally', 'mistakenly', 'inadvertently'],
  ...['wrote', 'introduced', 'misread', 'applied', 'force', 'forced', 'overrode', 'overwrote', 'reverted'],
);

function causedByPerson(scan: Scan, i: number): Span | undefined {
  const connector = ((): number | undefined => {
    switch (scan.tokens[i].lower) {
      case 'due':
        return followedBy(scan, i, TO);
      case 'because':
        return followedBy(scan, i, OF);
      default:
        return followedBy(scan, i, BY);
    }
  })();
  if (connector === undefined || next(scan, connector) === undefined) return undefined;
  const person = personPhraseAt(scan, connector + 1);
  if (person === undefined) return undefined;
  // Quote what was theirs too: "due to John's change".
  return { from: i, to: scan.tokens[person].possessive && next(scan, person) ? person + 1 : person };
}

function becausePerson(scan: Scan, i: number): Span | undefined {
  if (next(scan, i) === undefined) return undefined;
  const person = personPhraseAt(scan, i + 1);
  if (person === undefined || !CAUSAL_ACTIONS.has(next(scan, person)?.lower ?? '')) return undefined;
  return { from: i, to: person + 1 };
}

const MISTAKES = words(
  'mistake',
  'mistakes',
  'error',
  'errors',
  'blunder',
  'blunders',
  'oversight',
  'typo',
  'slip',
);

function personsMistake(scan: Scan, i: number): Span | undefined {
  const from = previous(scan, i) === undefined ? undefined : personPossessorAt(scan, i - 1);
  if (from !== undefined) return { from, to: i };
  const by = followedBy(scan, i, BY) ?? followedBy(scan, i, MADE, BY);
  if (by === undefined || next(scan, by) === undefined) return undefined;
  const to = personPhraseAt(scan, by + 1);
  return to === undefined ? undefined : { from: i, to };
}

const PHRASAL_PARTICLES: Partial<Record<string, ReadonlySet<string>>> = {
  messed: words('up'),
  screwed: words('up'),
  took: words('down'),
  brought: words('down'),
};

function personBroke(scan: Scan, i: number): Span | undefined {
  const particle = PHRASAL_PARTICLES[scan.tokens[i].lower];
  const to = particle === undefined ? i : followedBy(scan, i, particle);
  if (to === undefined) return undefined;
  const from = personSubjectBefore(scan, i);
  return from === undefined ? undefined : { from, to };
}

type Matcher = (scan: Scan, i: number) => Span | undefined;

const PATTERNS: ReadonlyArray<{ kind: BlameKind; triggers: readonly string[]; match: Matcher }> = [
  { kind: 'human-error', triggers: ['human', 'operator', 'user', 'pilot'], match: humanError },
  {
    kind: 'should-have',
    triggers: ['should', "shouldn't", "should've", "shouldn't've", 'could', "could've", 'ought'],
    match: shouldHave,
  },
  {
    kind: 'carelessness',
    triggers: [
      'careless',
      'carelessly',
      'carelessness',
      'sloppy',
      'sloppily',
      'sloppiness',
      'lazy',
      'laziness',
    ],
    match: carelessness,
  },
  { kind: 'negligence', triggers: ['negligent', 'negligently', 'negligence'], match: single },
  { kind: 'person-failed-to', triggers: ['failed', 'neglected'], match: personFailedTo },
  { kind: 'fault', triggers: ['fault'], match: fault },
  { kind: 'fault', triggers: ['blame', 'blamed'], match: blame },
  {
    kind: 'person-as-cause',
    triggers: ['caused', 'triggered', 'introduced', 'broken', 'due', 'because'],
    match: causedByPerson,
  },
  { kind: 'person-as-cause', triggers: ['because'], match: becausePerson },
  { kind: 'person-as-cause', triggers: [...MISTAKES], match: personsMistake },
  {
    kind: 'person-as-cause',
    triggers: ['broke', 'botched', 'caused', 'messed', 'screwed', 'took', 'brought'],
    match: personBroke,
  },
];

const MATCHERS_BY_TRIGGER = new Map<string, Array<{ kind: BlameKind; match: Matcher }>>();
for (const { kind, triggers, match } of PATTERNS) {
  for (const trigger of triggers) {
    MATCHERS_BY_TRIGGER.set(trigger, [...(MATCHERS_BY_TRIGGER.get(trigger) ?? []), { kind, match }]);
  }
}
