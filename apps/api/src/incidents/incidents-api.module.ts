import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module';
import { AddTimelineEntryResolver } from './add-timeline-entry/add-timeline-entry.resolver';
import { ConcludeExperimentResolver } from './conclude-experiment/conclude-experiment.resolver';
import { IncidentExperimentResolver } from './experiment/incident-experiment.resolver';
import { LinkIncidentsResolver } from './link-incidents/link-incidents.resolver';
import { PlanExperimentResolver } from './plan-experiment/plan-experiment.resolver';
import { PublishPostmortemResolver } from './publish-postmortem/publish-postmortem.resolver';
import { RecordFindingResolver } from './record-finding/record-finding.resolver';
import { RecordMilestoneResolver } from './record-milestone/record-milestone.resolver';
import { ReopenIncidentResolver } from './reopen-incident/reopen-incident.resolver';
import { ReportIncidentResolver } from './report-incident/report-incident.resolver';
import { RetractFindingResolver } from './retract-finding/retract-finding.resolver';
import { ReviseFindingResolver } from './revise-finding/revise-finding.resolver';
import { ReviseIncidentResolver } from './revise-incident/revise-incident.resolver';
import {
  FindingFieldsResolver,
  IncidentLinkFieldsResolver,
  IncidentResolver,
  PostmortemFieldsResolver,
} from './incident.resolver';
import { IncidentReadBack } from './incident-read-back';
import { IncidentsModule } from './incidents.module';

/** The GraphQL operations on incidents: their mutations (through IncidentsModule's commands) and queries. */
@Module({
  imports: [IncidentsModule, EventLogModule],
  providers: [
    IncidentReadBack,
    ReportIncidentResolver,
    ReviseIncidentResolver,
    RecordMilestoneResolver,
    ReopenIncidentResolver,
    AddTimelineEntryResolver,
    RecordFindingResolver,
    ReviseFindingResolver,
    RetractFindingResolver,
    LinkIncidentsResolver,
    PublishPostmortemResolver,
    PlanExperimentResolver,
    ConcludeExperimentResolver,
    IncidentResolver,
    IncidentExperimentResolver,
    FindingFieldsResolver,
    PostmortemFieldsResolver,
    IncidentLinkFieldsResolver,
  ],
})
export class IncidentsApiModule {}
