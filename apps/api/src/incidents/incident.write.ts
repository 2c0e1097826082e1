import type { incidentStream } from '@kb/domain';
import type { OutcomeOf } from '@kb/event-sourcing';

export type IncidentOutcome = OutcomeOf<typeof incidentStream>;
