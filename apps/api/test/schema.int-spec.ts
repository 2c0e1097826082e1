import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildSchema,
  BreakingChangeType,
  DangerousChangeType,
  findBreakingChanges,
  findDangerousChanges,
  type GraphQLSchema,
} from 'graphql';
import { printServedSchema, SCHEMA_FILE, servedSchema } from '../src/graphql/served-schema';

/**
 * Parts of the contract that later issues build, each with the issue: the test fails when one of
 * them is served (remove it from here then) and when anything else of the contract is missing.
 */
const NOT_SERVED_YET: Record<string, string> = {
  'Query.incidentTrend was removed.': 'issue 6 (analytics)',
  'Query.responseTimes was removed.': 'issue 6 (analytics)',
  'Query.contributingFactors was removed.': 'issue 6 (analytics)',
  'Query.actionItemHealth was removed.': 'issue 6 (analytics)',
  'Query.recurrence was removed.': 'issue 6 (analytics)',
  'TimeBucket was removed.': 'issue 6 (analytics)',
  'TrendDimension was removed.': 'issue 6 (analytics)',
  'ActionItemDimension was removed.': 'issue 6 (analytics)',
  'TrendInput was removed.': 'issue 6 (analytics)',
  'TrendPoint was removed.': 'issue 6 (analytics)',
  'DurationStats was removed.': 'issue 6 (analytics)',
  'ResponseTimePoint was removed.': 'issue 6 (analytics)',
  'PeriodInput was removed.': 'issue 6 (analytics)',
  'FactorRank was removed.': 'issue 6 (analytics)',
  'ActionItemHealthInput was removed.': 'issue 6 (analytics)',
  'ActionItemHealthRow was removed.': 'issue 6 (analytics)',
  'RecurrenceCluster was removed.': 'issue 6 (analytics)',
  'RecurrenceReport was removed.': 'issue 6 (analytics)',
};

describe('the served GraphQL schema', () => {
  let served: GraphQLSchema;
  beforeAll(async () => {
    served = await servedSchema();
  }, 60_000);

  it(`is the one committed in ${SCHEMA_FILE} (run "npm run schema:print" after changing it)`, () => {
    const committed = readFileSync(resolve(SCHEMA_FILE), 'utf8');
    expect(printServedSchema(served)).toBe(committed);
  });

  describe('keeps the contract of docs/api-contract.graphql', () => {
    const contract = buildSchema(readFileSync(resolve('docs/api-contract.graphql'), 'utf8'));

    it('the copy in docs/ is the shared contract', () => {
      const shared = resolve('../shared/api/contract.graphql');
      let sharedText: string | undefined;
      try {
        sharedText = readFileSync(shared, 'utf8');
      } catch {
        // Outside the team's workspace only the copy exists; the other tests still check it.
      }
      if (sharedText !== undefined)
        expect(readFileSync(resolve('docs/api-contract.graphql'), 'utf8')).toBe(sharedText);
    });

    it('has every type, field, argument, enum value and operation of the contract, with compatible types', () => {
      const breaking = findBreakingChanges(contract, served).map((change) => change.description);
      const unexpected = breaking.filter((description) => !(description in NOT_SERVED_YET));
      expect(unexpected).toEqual([]);
    });

    it('lists as "not served yet" only what is still missing', () => {
      const breaking = new Set(findBreakingChanges(contract, served).map((change) => change.description));
      const servedAlready = Object.keys(NOT_SERVED_YET).filter((description) => !breaking.has(description));
      expect(servedAlready).toEqual([]);
    });

    it("keeps the default values of the contract's arguments and input fields", () => {
      const changed = findDangerousChanges(contract, served).filter(
        (change) => change.type === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE,
      );
      expect(changed.map((change) => change.description)).toEqual([]);
    });

    it('would notice a missing field (the check itself works)', () => {
      const withoutTitle = buildSchema(
        readFileSync(resolve('docs/api-contract.graphql'), 'utf8').replace(
          '  title: String!\n  summary: String\n  kind: IncidentKind!',
          '  summary: String\n  kind: IncidentKind!',
        ),
      );
      const changes = findBreakingChanges(contract, withoutTitle);
      expect(changes).toContainEqual(
        expect.objectContaining({
          type: BreakingChangeType.FIELD_REMOVED,
          description: 'Incident.title was removed.',
        }),
      );
    });
  });
});
