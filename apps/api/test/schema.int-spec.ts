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

    it("the copy in docs/ agrees with the team's contract, which may already hold what is not built yet", () => {
      const shared = resolve('../shared/api/contract.graphql');
      let sharedText: string | undefined;
      try {
        sharedText = readFileSync(shared, 'utf8');
      } catch {
        // Outside the team's workspace only the copy exists; the other tests still check it.
      }
      // The team's contract grows ahead of the service (fields of issues not built yet): the copy in
      // docs/ is what this service promises now, and nothing in it may contradict the team's.
      if (sharedText !== undefined)
        expect(
          findBreakingChanges(contract, buildSchema(sharedText)).map((change) => change.description),
        ).toEqual([]);
    });

    it('has every type, field, argument, enum value and operation of the contract, with compatible types', () => {
      expect(findBreakingChanges(contract, served).map((change) => change.description)).toEqual([]);
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
