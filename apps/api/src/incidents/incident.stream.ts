import {
  decideIncident,
  evolveIncident,
  incidentCatalogue,
  incidentStreamId,
  initialIncidentState,
  type IncidentCommand,
  type IncidentEvent,
  type IncidentState,
} from '@kb/domain';
import type { CommandOutcome, StreamDefinition } from '../event-sourcing/command-executor';

export const incidentStream: StreamDefinition<IncidentCommand, IncidentEvent, IncidentState> = {
  streamId: incidentStreamId,
  catalogue: incidentCatalogue,
  initialState: initialIncidentState,
  evolve: evolveIncident,
  decide: decideIncident,
  // A status change is caused by the milestone, finding or postmortem before it.
  causedByPrevious: (event) => event.type === 'IncidentStatusChanged',
};

export type IncidentOutcome = CommandOutcome<IncidentEvent, IncidentState>;
