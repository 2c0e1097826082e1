import type { DemoHistoryOptions } from './demo-history';

export const SEED_USAGE = `Usage: npm run seed -- [--incidents N] [--seed S] [--until TIME] [--years Y]

Writes a deterministic demo history into the event store (DATA_DIR, or EVENTSTORE_URL) and rebuilds
the read models (DATA_DIR, or DATABASE_URL).

  --incidents N   how many incidents, near-misses, chaos experiments and game days (default 1000)
  --seed S        seed of the history: the same seed gives the same events (default 42)
  --until TIME    end of the history, RFC 3339 (default 2026-11-01T00:00:00Z)
  --years Y       how many years before --until the history starts (default 3)
`;

export const SEED_DEFAULTS: DemoHistoryOptions = {
  incidents: 1000,
  seed: 42,
  until: new Date('2026-11-01T00:00:00.000Z'),
  years: 3,
};

export const MAX_INCIDENTS = 10_000_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export class SeedOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SeedOptionsError';
  }
}

/**
 * Reads `--name value` or `--name=value` options; every problem is reported at once, naming the
 * option and its rule. Returns `'help'` for --help.
 */
export function parseSeedOptions(argv: readonly string[]): DemoHistoryOptions | 'help' {
  const problems: string[] = [];
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) {
      problems.push(`'${arg}' is not an option; options look like --incidents 1000.`);
      continue;
    }
    const [, name, inline] = match;
    if (!['incidents', 'seed', 'until', 'years'].includes(name)) {
      problems.push(`--${name} is not an option; the options are --incidents, --seed, --until and --years.`);
      continue;
    }
    const next = argv[i + 1];
    const value = inline ?? (next === undefined || next.startsWith('--') ? undefined : next);
    if (value === undefined) {
      problems.push(`--${name} needs a value.`);
      continue;
    }
    if (inline === undefined) i++;
    if (given.has(name)) problems.push(`--${name} is given twice.`);
    given.set(name, value);
  }

  const wholeNumber = (name: string, min: number, max: number, fallback: number): number => {
    const text = given.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      problems.push(
        `--${name} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, not '${text}'.`,
      );
      return fallback;
    }
    return value;
  };
  const incidents = wholeNumber('incidents', 1, MAX_INCIDENTS, SEED_DEFAULTS.incidents);
  const seed = wholeNumber('seed', 0, 0xffffffff, SEED_DEFAULTS.seed);

  let until = SEED_DEFAULTS.until;
  const untilText = given.get('until');
  if (untilText !== undefined) {
    const parsed = RFC3339.test(untilText) ? Date.parse(untilText) : Number.NaN;
    if (Number.isNaN(parsed))
      problems.push(`--until must be an RFC 3339 time such as 2026-11-01T00:00:00Z, not '${untilText}'.`);
    else until = new Date(parsed);
  }

  let years = SEED_DEFAULTS.years;
  const yearsText = given.get('years');
  if (yearsText !== undefined) {
    const value = Number(yearsText);
    if (!/^\d+(\.\d+)?$/.test(yearsText) || value < 0.1 || value > 30)
      problems.push(`--years must be a number from 0.1 to 30 (fractions allowed), not '${yearsText}'.`);
    else years = value;
  }
  if (until.getTime() - years * 365.2425 * 86_400_000 < Date.parse('1970-01-01T00:00:00Z'))
    problems.push('--until minus --years must not be before 1970.');

  if (problems.length > 0) throw new SeedOptionsError(problems);
  return { incidents, seed, until, years };
}
