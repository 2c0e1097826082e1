/**
 * `describe(title, () => suite(url))` with url = TEST_DATABASE_URL, the PostgreSQL server of the
 * tests. Without TEST_DATABASE_URL the describe is declared skipped and its title says why, so a run
 * without PostgreSQL shows what it left out; with it, an unreachable server fails the tests.
 */
export function describeOnPostgres(title: string, suite: (url: string) => void): void {
  const url = process.env.TEST_DATABASE_URL;
  if (url) describe(title, () => suite(url));
  else describe.skip(`${title} (skipped because TEST_DATABASE_URL is not set)`, () => suite(''));
}
