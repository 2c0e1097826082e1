import type { StreamDefinition } from '../shared/stream-definition';
import { incidentCatalogue } from './incident.catalogue';
import { decideIncident, type IncidentCommand } from './incident.decider';
import { incidentStreamId, type IncidentEvent } from './incident.events';
import { evolveIncident, initialIncidentState, type IncidentState } from './incident.state';

export const incidentStream: StreamDefinition<IncidentCommand, IncidentEvent, IncidentState> = {
  streamId: incidentStreamId,
  catalogue: incidentCatalogue,
  initialState: initialIncidentState,
  evolve: evolveIncident,
  decide: decideIncident,
  // A status change is caused by the milestone, finding, postmortem or experiment conclusion before
  // it; the postmortem's deadline by the resolution before it.
  causedByPrevious: (event) => event.type === 'IncidentStatusChanged' || event.type === 'PostmortemDueSet',
};
