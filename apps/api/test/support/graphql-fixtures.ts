/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { ADMIN_SECRET, type ApiUnderTest } from './api-under-test';

/** Every field of a recorded event. */
export const EVENT_FIELDS =
  'id streamId revision position type version data actor correlationId causationId occurredAt recordedAt';

/** Every field of an incident, nested ones included. */
export const INCIDENT_FIELDS = `
  id revision title summary kind severity status services tags detectionSource
  startedAt detectedAt acknowledgedAt mitigatedAt resolvedAt closedAt reportedAt updatedAt
  timeline { id at text }
  findings { id incidentId kind category description blamelessHints retracted recordedAt }
  actionItems { id title status incident { id } }
  links { relation incident { id title } }
  postmortem { summary impact publishedAt blamelessHints }
  history { ${EVENT_FIELDS} }`;

export const FINDING_FIELDS = 'id incidentId kind category description blamelessHints retracted recordedAt';

/** Every field of an action item, nested ones included. */
export const ACTION_ITEM_FIELDS = `
  id revision incidentId findingId title description type priority ownerTeam assignee dueDate status
  overdue openedAt completedAt incident { id title } history { ${EVENT_FIELDS} }`;

/** An instant `minutesAgo` minutes before now, as the API writes it. */
export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** An RFC 3339 instant in UTC with milliseconds. */
export const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one mutation with `input` and returns its result (fails the test on errors). */
export async function mutate(
  api: ApiUnderTest,
  name: string,
  inputType: string,
  input: Record<string, unknown>,
  fields: string,
  secret: string = ADMIN_SECRET,
): Promise<any> {
  const data = await api.data(
    `mutation($input: ${inputType}!) { ${name}(input: $input) { ${fields} } }`,
    { input },
    secret,
  );
  return data[name];
}

/** The input of a valid reportIncident, with `overrides`. */
export function incidentInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Checkout latency after a config push',
    kind: 'INCIDENT',
    severity: 'SEV2',
    services: ['checkout'],
    detectionSource: 'MONITORING_ALERT',
    startedAt: minutesAgo(120),
    ...overrides,
  };
}

export const reportIncident = (
  api: ApiUnderTest,
  overrides: Record<string, unknown> = {},
  fields = 'id revision title startedAt',
  secret?: string,
) => mutate(api, 'reportIncident', 'ReportIncidentInput', incidentInput(overrides), fields, secret);

export const recordFinding = (
  api: ApiUnderTest,
  input: Record<string, unknown>,
  fields = FINDING_FIELDS,
  secret?: string,
) => mutate(api, 'recordFinding', 'RecordFindingInput', input, fields, secret);

export const openActionItem = (
  api: ApiUnderTest,
  input: Record<string, unknown>,
  fields = 'id revision title status',
  secret?: string,
) =>
  mutate(
    api,
    'openActionItem',
    'OpenActionItemInput',
    { title: 'Add a canary stage', type: 'PREVENT', priority: 'P2', ownerTeam: 'payments', ...input },
    fields,
    secret,
  );

/** The events of the knowledge base's streams, oldest first (the `events` query, every page). */
export async function allEvents(api: ApiUnderTest, filter: Record<string, unknown> = {}): Promise<any[]> {
  const events: any[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await api.data(
      `query($filter: EventFilter, $after: String) {
        events(filter: $filter, first: 1000, after: $after) {
          edges { cursor node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { filter, after },
    );
    events.push(...data.events.edges.map((edge: any) => edge.node));
    if (!data.events.pageInfo.hasNextPage) return events;
    after = data.events.pageInfo.endCursor;
  }
}
