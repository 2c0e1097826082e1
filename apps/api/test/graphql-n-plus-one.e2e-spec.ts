/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call -- GraphQL responses are untyped JSON: the tests assert their shape. */
import type { DataSource } from 'typeorm';
import { countQueries } from '@kb/read-models/testing/count-queries';
import { READ_MODEL_DATA_SOURCE } from '../src/read-side/read-side.module';
import type { ApiUnderTest } from './support/api-under-test';
import {
  minutesAgo,
  mutate,
  openActionItem,
  recordFinding,
  reportIncident,
} from './support/graphql-fixtures';
import { describeOnReadModelBackends } from './support/read-model-backends';

jest.setTimeout(120_000);

const INCIDENTS = 100;
const NESTED = `query($first: Int) {
  incidents(first: $first) {
    edges { node { findings { id } actionItems { id incident { id } } links { incident { id } } timeline { id } } }
  }
}`;

/** Runs `work` on every item, `concurrency` at a time. */
async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += concurrency)
    await Promise.all(items.slice(i, i + concurrency).map(work));
}

describeOnReadModelBackends('no N+1 through GraphQL', (backend) => {
  let api: ApiUnderTest;

  beforeAll(async () => {
    // No webhook delivery in this process: its background reads of the webhooks would be counted
    // with the request's statements.
    api = await backend.start({ KB_ROLES: 'api,projector' });
    const ids: string[] = [];
    await inBatches(
      Array.from({ length: INCIDENTS }, (_, i) => i),
      10,
      async (i) => {
        const incident = await reportIncident(api, {
          title: `Incident ${i}`,
          startedAt: minutesAgo(10_000 - i),
        });
        ids[i] = incident.id;
        const finding = await recordFinding(
          api,
          { incidentId: incident.id, kind: 'TRIGGER', category: 'CODE_CHANGE', description: `Deploy ${i}` },
          'id',
        );
        await openActionItem(api, { incidentId: incident.id, findingId: finding.id }, 'id');
        await mutate(
          api,
          'addTimelineEntry',
          'AddTimelineEntryInput',
          { incidentId: incident.id, at: minutesAgo(9_000), text: `Paged ${i}` },
          'id',
        );
      },
    );
    await inBatches(
      ids.slice(1).map((id, i) => [id, ids[i]]),
      10,
      ([id, earlier]) =>
        mutate(
          api,
          'linkIncidents',
          'LinkIncidentsInput',
          { incidentId: id, relatedIncidentId: earlier, relation: 'RELATED_TO' },
          'id',
        ),
    );
    // Every write was answered after the projections showed it (read-your-writes): they are idle now.
    const { projections } = await api.data('{ projections { lag } }');
    expect(projections.every((p: { lag: number }) => p.lag === 0)).toBe(true);
  });
  afterAll(() => backend.stop(api));

  it('answers a page of 100 incidents with nested fields in the same few SQL statements as a page of 5', async () => {
    const dataSource = api.app.get<DataSource>(READ_MODEL_DATA_SOURCE);
    const counter = countQueries(dataSource);
    try {
      // The projections save the checkpoints of batches they skipped a second after them: let that
      // background work end (no statement for 1.2 s) before counting the requests' own statements.
      for (let quiet = 0, waited = 0; quiet < 1_200 && waited < 10_000; waited += 50) {
        const before = counter.count;
        await new Promise((resolve) => setTimeout(resolve, 50));
        quiet = counter.count === before ? quiet + 50 : 0;
      }
      const statementsFor = async (first: number) => {
        counter.reset();
        const { incidents } = await api.data(NESTED, { first });
        const statements = counter.statements;
        return { edges: incidents.edges, statements };
      };
      const small = await statementsFor(5);
      const large = await statementsFor(100);

      expect(small.edges).toHaveLength(5);
      expect(large.edges).toHaveLength(100);
      for (const { node } of large.edges) {
        expect(node.findings).toHaveLength(1);
        expect(node.timeline).toHaveLength(1);
        expect(node.actionItems).toHaveLength(1);
        expect(node.actionItems[0].incident).toEqual({ id: expect.any(String) });
      }
      // All but the oldest link to the one before.
      expect(large.edges.filter(({ node }: any) => node.links.length === 1)).toHaveLength(INCIDENTS - 1);

      // A constant, whatever the page size: the API key lookup (1), the page and its count (2), one
      // batch per nested list (findings, action items, links, timeline: 4) and the linked and the
      // action items' incidents by id (1 or 2 batches: DataLoader batches per tick, and the two lists
      // may or may not resolve in the same one).
      const MOST = 1 + 2 + 4 + 2;
      for (const { statements } of [small, large]) {
        expect(statements.length).toBeGreaterThanOrEqual(MOST - 1);
        expect(statements.length).toBeLessThanOrEqual(MOST);
        const byTable = new Map<string, number>();
        for (const statement of statements) {
          const table = /FROM "(\w+)"/.exec(statement)?.[1] ?? statement;
          byTable.set(table, (byTable.get(table) ?? 0) + 1);
        }
        expect(Object.fromEntries(byTable)).toEqual({
          api_keys: 1,
          incidents: expect.any(Number),
          findings: 1,
          action_items: 1,
          incident_links: 1,
          timeline_entries: 1,
        });
        expect(byTable.get('incidents')).toBeLessThanOrEqual(4);
      }
    } finally {
      counter.stop();
    }
  });
});
