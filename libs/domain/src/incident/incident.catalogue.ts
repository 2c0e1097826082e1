import type { EventCatalogue } from '../shared/event-catalogue';
import type { IncidentEvent } from './incident.events';

/** Schema versions and upcasters of the incident stream's events (docs/events.md lists them). */
export const incidentCatalogue: EventCatalogue<IncidentEvent> = {
  versions: {
    IncidentReported: 1,
    IncidentRevised: 1,
    MilestoneRecorded: 1,
    IncidentStatusChanged: 1,
    IncidentReopened: 1,
    TimelineEntryAdded: 1,
    FindingRecorded: 2,
    FindingRevised: 1,
    FindingRetracted: 1,
    IncidentsLinked: 1,
    PostmortemPublished: 1,
    ExperimentPlanned: 1,
    ExperimentConcluded: 1,
    PostmortemDueSet: 1,
    PostmortemOverdue: 1,
  },
  upcasters: {
    FindingRecorded: {
      // v1 → v2: a finding without a category now says so with null.
      1: (data) => ({ ...data, category: data.category ?? null }),
    },
  },
};
