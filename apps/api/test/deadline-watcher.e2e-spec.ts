/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { describeOnPostgres } from '@kb/read-models/testing/describe-on-postgres';
import { minutesAgo, sleep } from './support/graphql-fixtures';
import { useFreshDatabase } from './support/fresh-database';
import { ServiceProcess } from './support/service-process';

jest.setTimeout(240_000);

const ADMIN = 'deadline-watcher-admin-secret-0123456789';
const DAY_MINUTES = 24 * 60;
const LEASE_LINE = 'Holds the deadline-watcher lease';

async function graphql(service: ServiceProcess, query: string, variables?: unknown): Promise<any> {
  const response = await fetch(`${service.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`${service.baseUrl}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const mutation = (name: string, input: string, fields: string) =>
  `mutation ($input: ${input}!) { ${name}(input: $input) { ${fields} } }`;

/** A SEV1 or SEV2 incident resolved 9 days ago (its postmortem deadline long passed) and an item past due. */
async function lateIncidentWithItem(
  service: ServiceProcess,
  n: number,
): Promise<{ incidentId: string; itemId: string }> {
  const { reportIncident } = await graphql(service, mutation('reportIncident', 'ReportIncidentInput', 'id'), {
    input: {
      title: `Late postmortem ${n}`,
      kind: 'INCIDENT',
      severity: n % 2 === 0 ? 'SEV1' : 'SEV2',
      services: ['checkout'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: minutesAgo(10 * DAY_MINUTES),
    },
  });
  const incidentId = reportIncident.id as string;
  const { recordMilestone } = await graphql(
    service,
    mutation('recordMilestone', 'RecordMilestoneInput', 'postmortemDueAt'),
    { input: { incidentId, milestone: 'RESOLVED', at: minutesAgo(9 * DAY_MINUTES) } },
  );
  expect(Date.parse(recordMilestone.postmortemDueAt as string)).toBeLessThan(Date.now());
  const { openActionItem } = await graphql(
    service,
    mutation('openActionItem', 'OpenActionItemInput', 'id openedAt'),
    {
      input: { incidentId, title: `Fix ${n}`, type: 'PREVENT', priority: 'P2', ownerTeam: 'payments' },
    },
  );
  // Due the moment it was opened: past due a few milliseconds later.
  await graphql(service, mutation('updateActionItem', 'UpdateActionItemInput', 'id'), {
    input: { actionItemId: openActionItem.id, dueDate: openActionItem.openedAt },
  });
  return { incidentId, itemId: openActionItem.id as string };
}

/** Every reminder in the event log, by stream. */
async function remindersByStream(service: ServiceProcess): Promise<Map<string, string[]>> {
  const byStream = new Map<string, string[]>();
  let after: string | null = null;
  for (;;) {
    const { events }: any = await graphql(
      service,
      `
        query ($filter: EventFilter, $after: String) {
          events(filter: $filter, first: 1000, after: $after) {
            edges {
              node {
                id
                type
                streamId
                actor
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      `,
      { filter: { types: ['PostmortemOverdue', 'ActionItemOverdue'] }, after },
    );
    for (const { node } of events.edges as Array<{
      node: { type: string; streamId: string; actor: string };
    }>) {
      expect(node.actor).toBe('system');
      byStream.set(node.streamId, [...(byStream.get(node.streamId) ?? []), node.type]);
    }
    if (!events.pageInfo.hasNextPage) return byStream;
    after = events.pageInfo.endCursor as string;
  }
}

async function waitForReminders(service: ServiceProcess, streams: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await remindersByStream(service);
    if (streams.every((stream) => found.has(stream))) return;
    if (Date.now() > deadline)
      throw new Error(`Reminders missing after 30 s for ${streams.filter((s) => !found.has(s)).join(', ')}`);
    await sleep(100);
  }
}

const streamsOf = (late: ReadonlyArray<{ incidentId: string; itemId: string }>) =>
  late.flatMap(({ incidentId, itemId }) => [`incident-${incidentId}`, `action-item-${itemId}`]);

/**
 * The deadline watcher's exactly-once rule where it is hard: two processes with the projector role
 * on one PostgreSQL database and one event store, both watching every 100 ms, the one scanning
 * killed with SIGKILL and started again, deadlines passing before, during and after.
 */
describeOnPostgres('the deadline watcher in two processes', (serverUrl) => {
  const processes: ServiceProcess[] = [];

  // Processes first (they share the DATA_DIR, removed with the first), then the database.
  const db = useFreshDatabase(serverUrl, 'kb_deadlines', async () => {
    for (const service of processes) await service.stop({ keepDataDir: true }).catch(() => undefined);
    if (processes[0]) await processes[0].stop();
  });

  it('writes exactly one PostmortemOverdue per incident and one ActionItemOverdue per item, across a kill and a restart', async () => {
    const env = {
      DATABASE_URL: db.url,
      KB_BOOTSTRAP_API_KEY: ADMIN,
      KB_ROLES: 'api,projector',
      DEADLINE_SCAN_MS: '100',
    };
    const first = await ServiceProcess.start(env);
    processes.push(first);
    const second = await ServiceProcess.start(env, { dataDir: first.dataDir });
    processes.push(second);

    // Deadlines that passed before anyone looked, written through both processes.
    const late = [];
    for (let n = 0; n < 6; n++) late.push(await lateIncidentWithItem(n % 2 === 0 ? first : second, n));
    await waitForReminders(first, streamsOf(late));

    // Exactly one of them scans; kill it, with more deadlines passing meanwhile.
    const holders = [first, second].filter((service) => service.output.includes(LEASE_LINE));
    expect(holders).toHaveLength(1);
    const [victim, survivor] = holders[0] === first ? [first, second] : [second, first];
    const during = lateIncidentWithItem(survivor, 100);
    await victim.kill();
    late.push(await during);
    for (let n = 101; n < 104; n++) late.push(await lateIncidentWithItem(survivor, n));
    await waitForReminders(survivor, streamsOf(late));
    expect(survivor.output).toContain(LEASE_LINE);

    // The killed one comes back on the same DATA_DIR and database, and both watch again.
    const restarted = await ServiceProcess.start(env, { dataDir: first.dataDir });
    processes.push(restarted);
    for (let n = 200; n < 203; n++)
      late.push(await lateIncidentWithItem(n % 2 === 0 ? restarted : survivor, n));
    await waitForReminders(restarted, streamsOf(late));
    await sleep(1_500); // fifteen more scans in each process

    const reminders = await remindersByStream(restarted);
    const expected = new Map(
      late.flatMap(({ incidentId, itemId }) => [
        [`incident-${incidentId}`, ['PostmortemOverdue']],
        [`action-item-${itemId}`, ['ActionItemOverdue']],
      ]),
    );
    expect(late).toHaveLength(13);
    expect(Object.fromEntries(reminders)).toEqual(Object.fromEntries(expected));
  });
});
