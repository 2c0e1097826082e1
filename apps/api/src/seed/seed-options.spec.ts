import { parseSeedOptions, SEED_DEFAULTS, SeedOptionsError } from './seed-options';

const problems = (argv: string[]): string[] => {
  try {
    parseSeedOptions(argv);
  } catch (error) {
    if (error instanceof SeedOptionsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SeedOptionsError');
};

describe('seed options', () => {
  it('default to 1,000 incidents, seed 42, three years until 2026-11-01', () => {
    expect(parseSeedOptions([])).toEqual({
      incidents: 1000,
      seed: 42,
      until: new Date('2026-11-01T00:00:00.000Z'),
      years: 3,
    });
    expect(SEED_DEFAULTS.incidents).toBe(1000);
  });

  it('read --name value and --name=value', () => {
    expect(
      parseSeedOptions([
        '--incidents',
        '100000',
        '--seed=7',
        '--until',
        '2025-06-30T12:00:00+02:00',
        '--years=1.5',
      ]),
    ).toEqual({ incidents: 100000, seed: 7, until: new Date('2025-06-30T10:00:00.000Z'), years: 1.5 });
  });

  it('answer --help', () => {
    expect(parseSeedOptions(['--incidents', '5', '--help'])).toBe('help');
  });

  it.each([
    [['--incidents', '0'], /--incidents must be a whole number from 1 to 10,000,000, not '0'/],
    [['--incidents', '1e5'], /--incidents must be a whole number/],
    [['--incidents', '-3'], /--incidents must be a whole number from 1 to 10,000,000, not '-3'/],
    [['--seed', 'abc'], /--seed must be a whole number from 0 to 4,294,967,295, not 'abc'/],
    [
      ['--until', 'yesterday'],
      /--until must be an RFC 3339 time such as 2026-11-01T00:00:00Z, not 'yesterday'/,
    ],
    [['--years', '0'], /--years must be a number from 0.1 to 30/],
    [['--years', '31'], /--years must be a number from 0.1 to 30/],
    [['--incidents'], /--incidents needs a value/],
    [['--count', '5'], /--count is not an option; the options are --incidents, --seed, --until and --years/],
    [['100'], /'100' is not an option/],
    [['--seed', '1', '--seed', '2'], /--seed is given twice/],
  ])('refuse %j, naming the option and the rule', (argv, message) => {
    expect(problems(argv).join('\n')).toMatch(message);
  });

  it('report every problem at once', () => {
    expect(problems(['--incidents', 'x', '--seed', 'y'])).toHaveLength(2);
  });
});
